import { publicOrigin } from '../http/public-origin.ts';
import { Router, type RequestHandler } from 'express';
import type { I18n } from '../i18n/index.ts';
import type { Hooks } from '../plugins/hooks.ts';
import type { Store } from '../store/index.ts';
import type { RenderPage, RequestSite } from '../views/render.ts';
import { readHomepage } from '../settings/homepage.ts';
import { createHomeBlocks } from './home-blocks.ts';
import type { SearchService } from '../search/index.ts';
import { searchUser } from '../search/request-context.ts';

export function createSiteRoutes(deps: { store: Store; search: SearchService; render: RenderPage; i18n: I18n; hooks: Hooks; assets: RequestHandler; /** The configured public address, for the sitemap line of robots.txt. */ baseUrl?: string; signal: AbortSignal }): Router {
  const router = Router();
  const homeBlocks = createHomeBlocks({ store: deps.store, search: deps.search, signal: deps.signal });

  router.get('/', async (req, res) => {
    const site = res.locals.site as RequestSite;
    const blocks = await homeBlocks(await readHomepage(deps.store), { description: site.skeleton.description, highlightsDefaultTitle: deps.i18n.t(site.lang, 'home.highlights'), user: searchUser(req) });
    await deps.render(req, res, ['home'], { blocks: blocks.map((b) => ({ ...b, is: { [b.kind]: true } })) }, { share: { canonical: '/', type: 'website' } });
  });

  router.get('/robots.txt', async (req, res) => {
    // Crawlers find the sitemap here (an absolute address, as the protocol asks).
    const origin = publicOrigin(req, deps.baseUrl ?? '');
    const text = await deps.hooks.applyFilter('robots.txt', `User-agent: *\nDisallow: /admin\nDisallow: /login\nDisallow: /register\nDisallow: /password/\n${origin ? `Sitemap: ${origin}/sitemap.xml\n` : ''}`);
    res.type('text/plain').send(typeof text === 'string' ? text : 'User-agent: *\nDisallow: /\n');
  });

  // Browsers ask for /favicon.ico whatever the page says; answer with the theme's icon.
  router.get('/favicon.ico', (req, res, next) => {
    req.url = '/favicon.png';
    deps.assets(req, res, next);
  });

  router.get('/admin', async (req, res) => {
    const site = res.locals.site as RequestSite;
    // Accounts visitors asked for wait on an admin: the dashboard says how many.
    const pendingAccounts = req.user?.role === 'admin' ? (await deps.store.users.list()).filter((u) => u.pending).length : 0;
    await deps.render(req, res, ['admin-dashboard'], { pendingAccounts }, { title: deps.i18n.t(site.lang, 'admin.dashboard.title') });
  });

  return router;
}
