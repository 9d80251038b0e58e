import { Router, type Request } from 'express';
import type { I18n } from '../i18n/index.ts';
import { presentTracks, timedTracks } from './subtitles.ts';
import { createTranscriptReader, transcriptView } from './transcript.ts';
import { shootingView, type Shooting } from './shooting.ts';
import { openable, type RenderPage, type RequestSite } from '../views/render.ts';
import { downloadDecision, downloadName, showsOriginalInline, withheldFor } from './serve.ts';
import { documentPreview, fileUrl, formatDuration, formatSize, imageSource, webSource } from './present.ts';
import type { MediaService } from './service.ts';
import type { ViewCounter } from './view-counter.ts';
import type { StripItem } from './sector-strip.ts';
import type { Media } from '../store/index.ts';
import type { AuthorDirectory } from '../authors/directory.ts';
import { embedCode } from './embed.ts';
import { embedFrameSize } from './embed-size.ts';
import { publicOrigin } from '../http/public-origin.ts';
import { createMarkdownRenderer } from '../text/markdown.ts';
import { discoveryLinks } from '../oembed/index.ts';
import { searchUser } from '../search/request-context.ts';
import { mediaShare } from './share.ts';
import { describePublishAt } from './publish-at.ts';

/** `/media/:id` and `/media/:id/:slug` (a wrong slug redirects to the right one). Drafts are 404 to visitors. */
export function createMediaPage(deps: {
  media: MediaService;
  i18n: I18n;
  render: RenderPage;
  views?: Pick<ViewCounter, 'record'>;
  /** Other media of the sector, as the skeleton's navigation thumbnails (count, box) ask. */
  strip?: (m: Media, options: { count: number; box: number; user: { id: string; role: string } | null }) => Promise<StripItem[]>;
  /**
   * Whether the visitor could open a path (the access gate's rules). Links to sectors, keywords and
   * other media they could not open are left out, so a public media of a private site names nothing
   * private (by default every link shows).
   */
  canSee?: (req: Request, path: string) => boolean | Promise<boolean>;
  /** The configured public address (config `baseUrl`), for the embed code; '' to take the request's host. */
  baseUrl?: string;
  /** Who has an author page: the author's name links to it (by default, no link). */
  authors?: Pick<AuthorDirectory, 'byId'>;
}): Router {
  const router = Router();
  const { media } = deps;
  // The page's <h1> is the title and its <h2>s the sections: a description's `#` starts at <h3>.
  const markdown = createMarkdownRenderer({ headingOffset: 2, breaks: true });
  const readTranscript = createTranscriptReader((track) => media.readTrack(track));
  router.get('/media/:id{/:slug}', async (req, res, next) => {
    const { id, slug } = req.params as { id: string; slug?: string };
    const m = /^\d{1,15}$/.test(id) ? await media.store.media.get(id) : undefined;
    if (!m || !media.canSee(req.user, m)) return next();
    if (slug !== m.slug) return res.redirect(301, `/media/${m.id}/${m.slug}`);
    const site = res.locals.site as RequestSite;
    // The same rules as the file route (serve.ts): links are offered only where they would work.
    const mayDownload = downloadDecision(site.skeleton, !!req.user, media.canEdit(req.user, m)) === 'allowed';
    // A hidden sector is not shown to visitors (its page is a 404 to them): no name, no link, no strip.
    const staff = req.user?.role === 'admin' || req.user?.role === 'editor';
    const [author, authorPage, sector, keywords, groups, neighbours] = await Promise.all([
      m.authorId ? media.store.users.get(m.authorId) : undefined,
      m.authorId ? deps.authors?.byId(m.authorId) : undefined,
      m.sectorId ? media.store.sectors.get(m.sectorId).then((s) => (s && (s.visible || staff) ? s : undefined)) : undefined,
      // Its own keywords, not a copy of all 2,000 of them (half of a signed-in visitor's media page).
      Promise.all(m.keywordIds.map((kid) => media.store.keywords.get(kid))),
      m.keywordIds.length ? media.store.keywordGroups.list() : [],
      deps.strip?.(m, { count: site.skeleton.navThumbnailCount, box: site.skeleton.navThumbnailBox, user: searchUser(req) }) ?? [],
    ]);
    const strip = sector ? neighbours : [];
    const kw = keywords
      .filter((k) => k !== undefined)
      .map((k) => {
        const g = groups.find((gr) => gr.id === k.groupId);
        return { title: k.title, url: g ? `/keywords/${g.slug}/${k.slug}` : undefined, group: g?.title };
      });
    const sectorUrl = sector ? `/sectors/${sector.slug}` : undefined;
    const linked = [authorPage?.href, sectorUrl, ...kw.map((k) => k.url), ...strip.map((x) => x.href)].filter((h): h is string => !!h);
    const seen = await openable(req, linked, deps.canSee ?? (() => true));
    const visibleStrip = strip.filter((x) => seen.has(x.href));
    const has = (v: string) => Boolean(m.variants[v]);
    // A recording's tracks written out below it: the only way a sound's reach the page (browsers show none for <audio>).
    const labelled = timedTracks(m, deps.i18n, site.lang);
    const transcripts = (await Promise.all((m.tracks ?? []).map((t) => readTranscript(m, t)))).flatMap((cues, i) => (cues?.length && labelled[i] ? [transcriptView(labelled[i], cues)] : []));
    if (m.status !== 'published') res.setHeader('Cache-Control', 'private, no-store');
    // Absolute, for other sites: the page cache keeps one copy per host, so a forged Host stays with whoever sent it.
    const origin = m.status === 'published' ? publicOrigin(req, deps.baseUrl ?? '') : undefined;
    await deps.render(
      req,
      res,
      [`media-${m.type}`, 'media'],
      {
        media: {
          id: m.id,
          type: m.type,
          title: m.title,
          description: m.description,
          // Markdown, as the homepage's editorial text: raw HTML typed in it comes out as text.
          descriptionHtml: m.description ? markdown(m.description) : '',
          status: m.status,
          isDraft: m.status !== 'published',
          // Who may see a draft's page may also see when it goes out (as the edit page says it).
          scheduledFor: m.status === 'draft' && m.publishAt ? describePublishAt(m.publishAt, site.lang) : undefined,
          licence: deps.i18n.has(site.lang, `licences.${m.licence}`) ? deps.i18n.t(site.lang, `licences.${m.licence}`) : m.licence,
          createdAt: m.createdAt,
          updatedAt: m.updatedAt,
          publishedAt: m.publishedAt,
          views: m.views,
          mime: m.original.mime,
          size: formatSize(m.original.size, site.lang),
          width: m.original.width,
          height: m.original.height,
          duration: formatDuration(m.meta.duration),
          original: fileUrl(m, 'original'),
          web: webSource(m),
          tracks: presentTracks(m, deps.i18n, site.lang),
          transcripts,
          // Without scripts, a transcript's times open the recording itself at that moment (a media fragment).
          playSource: webSource(m)?.url ?? fileUrl(m, 'original'),
          download: `${fileUrl(m, 'original')}?download`,
          downloadName: downloadName(m),
          ...imageSource(m),
          medium: has('medium') ? fileUrl(m, 'medium') : undefined,
          poster: has('poster') ? fileUrl(m, 'poster') : has('medium') ? fileUrl(m, 'medium') : undefined,
          // A sound without a cover shows its waveform (core/media/av.ts): alt text says which it is.
          waveform: m.meta.waveform === true,
          // A PDF's first page: an image like any derivative, shown whatever the download rules.
          preview: documentPreview(m),
          shooting: site.mediaDisplay.showShooting ? shootingView(m.meta.shooting as Shooting | undefined, site.lang) : undefined,
          processing: m.processing.state,
          pending: withheldFor(m, media.canEdit(req.user, m)),
        },
        author: author ? { name: author.displayName || author.username, url: authorPage && seen.has(authorPage.href) ? authorPage.href : undefined } : undefined,
        sector: sector ? { title: sector.title, url: sectorUrl && seen.has(sectorUrl) ? sectorUrl : undefined } : undefined,
        strip: sector && visibleStrip.length ? { sector: sector.title, url: sectorUrl && seen.has(sectorUrl) ? sectorUrl : undefined, items: visibleStrip } : undefined,
        keywords: kw.map((k) => (k.url && !seen.has(k.url) ? { ...k, url: undefined } : k)),
        canEdit: media.canEdit(req.user, m),
        // Sized as the oEmbed answer without limits is, so the code copied here and a consumer's agree.
        embed: embedCode(m, origin, embedFrameSize(m)),
        // The media display page decides what shows; the skeleton's download rules decide whether the link is offered.
        show: {
          ...site.mediaDisplay,
          downloadLink: site.mediaDisplay.showDownloadLink && mayDownload,
          // The players' fallback link (inside <audio>/<video>) is a download too.
          playerDownload: mayDownload,
          // A direct link to an original that is not shown inline is a download.
          directLink: site.skeleton.showDirectFileLinks && (mayDownload || showsOriginalInline(m)),
        },
      },
      // Consumers (WordPress, forums…) find the oEmbed answers from the page's address.
      // A draft has nothing to announce: the renderer's default keeps it out of search engines.
      { title: m.title, alternates: origin ? discoveryLinks(origin, m) : undefined, share: m.status === 'published' ? mediaShare(m) : undefined },
    );
    // A page shown is a view (HEAD requests reach this route too, and are not).
    if (req.method === 'GET') deps.views?.record(m.id, { ip: req.ip, userAgent: req.headers['user-agent'] });
  });
  return router;
}
