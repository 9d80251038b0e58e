import type { Request } from 'express';
import type { MediaCard, PluginContext } from '../../core/plugins/api.ts';
import type { CollectionRecord, CollectionRecords } from './records.ts';
import { paragraphsOf } from './present.ts';

export const pageHref = (c: Pick<CollectionRecord, 'slug'>) => `/plugins/collections/${c.slug}`;

/**
 * The public pages: the list of collections a visitor has something to see in, and each
 * collection's visible media in its order. What a visitor may not see (drafts, media an access
 * rule closes to them) is left out of the cards, so of the covers and the counts too.
 * Both may be kept by the anonymous page cache: they are made of the plugin's storage and of the
 * media records, and a write to either empties it.
 */
export function publicRoutes(ctx: PluginContext, records: CollectionRecords): void {
  const t = (req: Request, key: string, vars?: Record<string, unknown>) => ctx.i18n.t(ctx.i18n.languageOf(req), key, vars);

  ctx.router.get('/', async (req, res) => {
    const shown: Array<{ title: string; href: string; count: number; cover: MediaCard }> = [];
    for (const c of await records.all()) {
      const cards = await ctx.content.cards(req, c.mediaIds);
      if (cards.length) shown.push({ title: c.title, href: pageHref(c), count: cards.length, cover: cards[0]! });
    }
    await ctx.views.render(req, res, 'list', { collections: shown }, { title: t(req, 'list_title'), cache: true, share: { description: t(req, 'list_description') } });
  });

  ctx.router.get('/:slug', async (req, res, next) => {
    const asked = String((req.params as { slug: string }).slug);
    const wanted = asked.toLowerCase();
    const all = await records.all();
    const c = all.find((x) => x.slug === wanted) ?? all.find((x) => x.formerSlugs.includes(wanted));
    if (!c) return next();
    // A former address (before a retitling), or another case: the current one, for good.
    if (c.slug !== asked) return res.redirect(301, pageHref(c));
    const cards = await ctx.content.cards(req, c.mediaIds);
    // All audio: a playlist whose players play one after the other (assets/playlist.js). The web
    // version first, when the original needed one (a 404 otherwise, and the browser takes the next).
    const playlist = cards.length > 0 && cards.every((card) => card.type === 'audio') ? cards.map((card) => ({ id: card.id, title: card.title, web: `/files/${card.id}/web`, original: `/files/${card.id}/original` })) : undefined;
    await ctx.views.render(
      req,
      res,
      'collection',
      { title: c.title, paragraphs: paragraphsOf(c.description), cards, playlist },
      { title: c.title, cache: true, share: { description: c.description || undefined }, scripts: playlist ? ['playlist.js'] : [] },
    );
  });
}
