import { Router } from 'express';
import type { RenderPage, RequestSite } from '../views/render.ts';
import type { MediaService } from './service.ts';
import { fileUrl, imageSource, webSource } from './present.ts';
import type { Media } from '../store/index.ts';
import { escapeMarkup } from '../text/escape.ts';
import type { Size } from './embed-size.ts';
import type { I18n } from '../i18n/index.ts';
import { presentTracks } from './subtitles.ts';

/**
 * The code that shows a published media on another site: the iframe of its embed page at `size`
 * (embedFrameSize), or undefined when the public address cannot be known (a Host header that is not a host name).
 * Borderless: browsers draw a 2-px inset border around a frame, which a site's `box-sizing: border-box`
 * takes out of the size, cutting the embed page. `frameborder="0"` because WordPress keeps only it
 * of an oEmbed answer's iframe (it drops `style`), `style="border:0"` for the CSS that validators ask for.
 */
export function embedCode(m: Pick<Media, 'id' | 'title'>, origin: string | undefined, size: Size): string | undefined {
  if (!origin) return undefined;
  return `<iframe src="${escapeMarkup(`${origin}/embed/${m.id}`)}" width="${size.width}" height="${size.height}" title="${escapeMarkup(m.title)}" frameborder="0" style="border:0" loading="lazy" allowfullscreen></iframe>`;
}

/**
 * `/embed/:id`: a published media alone (player, title linking to its page), made to be framed by
 * other sites: the page drops `frame-ancestors 'none'` and X-Frame-Options, and nothing else of
 * the site's policy. Drafts and what the access gate closes answer as their media page does.
 * Never kept by the page cache: a cached copy would be sent with the site's usual headers.
 */
export function createEmbedRoutes(deps: { media: MediaService; render: RenderPage; i18n: I18n }): Router {
  const router = Router();
  router.get('/embed/:id', async (req, res, next) => {
    const id = req.params.id;
    const m = /^\d{1,15}$/.test(id) ? await deps.media.store.media.get(id) : undefined;
    if (!m || m.status !== 'published') return next();
    const site = res.locals.site as RequestSite;
    const csp = String(res.getHeader('Content-Security-Policy') ?? '');
    res.setHeader('Content-Security-Policy', csp.replace(/frame-ancestors [^;]*/, 'frame-ancestors *'));
    res.removeHeader('X-Frame-Options');
    res.locals.noPageCache = true;
    const has = (v: string) => Boolean(m.variants[v]);
    await deps.render(
      req,
      res,
      [`embed-${m.type}`, 'embed'],
      {
        media: {
          id: m.id,
          type: m.type,
          title: m.title,
          // The media's page: relative, so on this site whatever page frames it (opened outside the frame).
          href: `/media/${m.id}/${m.slug}`,
          original: fileUrl(m, 'original'),
          web: webSource(m),
          tracks: presentTracks(m, deps.i18n, site.lang),
          ...imageSource(m),
          poster: has('poster') ? fileUrl(m, 'poster') : has('medium') ? fileUrl(m, 'medium') : undefined,
          // A sound without a cover shows its waveform (core/media/av.ts): alt text says which it is.
          waveform: m.meta.waveform === true,
          cover: m.type === 'audio' && has('medium') ? fileUrl(m, 'medium') : undefined,
          // A document's preview (a PDF's first page), opening its page as the link below does.
          preview: m.type === 'document' && has('medium') ? fileUrl(m, 'medium') : undefined,
          is: { [m.type]: true },
        },
        siteName: site.skeleton.siteName,
      },
      { title: m.title, layout: 'embed' },
    );
  });
  return router;
}
