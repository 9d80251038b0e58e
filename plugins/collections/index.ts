import { readFileSync } from 'node:fs';
import path from 'node:path';
import { definePlugin, type PluginContext } from '../../core/plugins/api.ts';
import { createCollectionRecords } from './records.ts';
import { manageRoutes } from './manage.ts';
import { pageHref, publicRoutes } from './public.ts';

const MEDIA_TEMPLATE = /^media(?:-|$)/;

export default definePlugin({
  register(ctx: PluginContext) {
    const records = createCollectionRecords(ctx.storage);

    // Management first: its paths are not collections' slugs (slugs never take them).
    manageRoutes(ctx, records);
    publicRoutes(ctx, records);

    // Beside a published media: the collections it is in, each linked.
    ctx.views.slot('media.aside', readFileSync(path.join(import.meta.dirname, 'views', 'aside.hbs'), 'utf8'));
    ctx.hooks.filter('page.context', async (context, info) => {
      const media = (context.page as { media?: { id?: unknown; status?: unknown } } | undefined)?.media;
      if (!info.template || !MEDIA_TEMPLATE.test(info.template) || typeof media?.id !== 'string' || media.status !== 'published') return context;
      const id = media.id;
      const within = (await records.all()).filter((c) => c.mediaIds.includes(id)).map((c) => ({ title: c.title, href: pageHref(c) }));
      return within.length ? { ...context, collectionsOfMedia: within } : context;
    });

    ctx.hooks.filter('admin.menu', (items, { lang }) => [...items, { section: 'content', href: '/plugins/collections/manage', label: ctx.i18n.t(lang, 'manage.menu'), roles: ['admin', 'editor'] }]);

    // A deleted media leaves every collection.
    ctx.hooks.action('media.deleted', async (media) => {
      const id = (media as { id?: unknown } | undefined)?.id;
      if (typeof id === 'string') await records.forgetMedia(id);
    });
  },
});
