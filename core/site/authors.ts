import { Router } from 'express';
import type { I18n } from '../i18n/index.ts';
import type { Media, Store } from '../store/index.ts';
import type { RenderPage, RequestSite } from '../views/render.ts';
import type { AuthorDirectory } from '../authors/directory.ts';
import { criteria, type SearchService } from '../search/index.ts';
import { loadMedia, mediaCard, pagination } from '../search/view-model.ts';
import { askedPage, pageOrLast } from '../search/listing.ts';
import { queryOf } from '../http/query-of.ts';
import { searchContextOf } from '../search/request-context.ts';
import { listingAddress } from './share-meta.ts';

export const AUTHOR_PAGE_SIZE = 24;

/**
 * /authors/:username: an author's published media, newest first, paginated like a sector's page.
 * Whoever asks, drafts stay out; who has a page at all is the directory's rule (core/authors).
 */
export function createAuthorPages(deps: { store: Store; authors: AuthorDirectory; search: SearchService; render: RenderPage; i18n: I18n }): Router {
  const router = Router();
  router.get('/authors/:username', async (req, res, next) => {
    const author = await deps.authors.at(req.params.username);
    if (!author) return next();
    // One address per author: another case of the username redirects to it, with the query kept.
    if (req.params.username !== author.username) return res.redirect(301, `${author.href}${queryOf(req.originalUrl)}`);
    const context = searchContextOf(req, 'author');
    const find = (page: number) =>
      deps.search.search(criteria({ authorIds: [author.id], statuses: ['published'], sort: 'date', order: 'desc', page, perPage: AUTHOR_PAGE_SIZE, facets: false }), context);
    const result = await pageOrLast(find, askedPage(req.query.page));
    const items = (await loadMedia(deps.store, result.ids)).filter((m): m is Media => !!m && m.status === 'published').map(mediaCard);
    const site = res.locals.site as RequestSite;
    const feed = `${author.href}/feed`;
    await deps.render(
      req,
      res,
      ['author'],
      {
        author: { name: author.name, href: author.href, feed, search: `/search?author=${encodeURIComponent(author.username)}` },
        total: result.total,
        items,
        pagination: pagination(result, (n) => (n === 1 ? author.href : `${author.href}?page=${n}`)),
      },
      {
        title: author.name,
        feeds: [{ title: deps.i18n.t(site.lang, 'feeds.link_author', { author: author.name }), href: feed }],
        share: { canonical: listingAddress(author.href, result.page), type: 'profile', username: author.username },
      },
    );
  });
  return router;
}
