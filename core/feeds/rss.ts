import { Feed } from 'feed';
import type { Media, StoredFile } from '../store/index.ts';
import { showsOriginalInline } from '../media/serve.ts';
import { xmlSafe } from '../text/controls.ts';
import { escapeMarkup } from '../text/escape.ts';
import { createMarkdownRenderer } from '../text/markdown.ts';

/** One channel: the site's latest media, a sector's, a keyword's. Texts are plain (escaped here). */
export interface Channel {
  title: string;
  description: string;
  /** Absolute URL of the page the channel follows. */
  link: string;
  /** Absolute URL of the feed itself. */
  self: string;
  lang: string;
}

export interface FeedItemOptions {
  /** Absolute URL of a site path. */
  absolute: (path: string) => string;
  /** Keyword titles (`Group: Keyword`) of a media, for its categories. */
  categories: (m: Media) => string[];
  /** Whether anonymous visitors may download a file that is not shown inline (documents…). */
  downloadsOpen: boolean;
}

const escapeHtml = (text: string) => escapeMarkup(xmlSafe(text));
const markdown = createMarkdownRenderer({ breaks: true, headingOffset: 1 });

/**
 * What a feed reader gets of a media: audio and video as enclosures (podcast clients play them;
 * the web version when the original needed one, as the site's own players), images at their large
 * size, other files only where anonymous downloads are open.
 */
function enclosure(m: Media, options: FeedItemOptions): { url: string; type: string; length: number } | undefined {
  const at = (variant: string, file: StoredFile) => ({ url: options.absolute(`/files/${m.id}/${variant}`), type: file.mime, length: file.size });
  if (m.type === 'image') return m.variants.large ? at('large', m.variants.large) : showsOriginalInline(m) ? at('original', m.original) : undefined;
  if (m.variants.web) return at('web', m.variants.web);
  if (showsOriginalInline(m) || options.downloadsOpen) return at('original', m.original);
  return undefined;
}

/**
 * An RSS 2.0 document (with its atom:link to itself). The item description is HTML, as RSS
 * readers expect: the thumbnail and the media's description as its page shows it (Markdown, typed
 * HTML kept as text, line breaks kept), with the site's links made absolute for the reader.
 * Every text goes through xmlSafe: a record saved before control characters were refused at
 * input must not make the whole feed unreadable.
 * `lastBuildDate` is the newest item's date, so an unchanged feed keeps its ETag and readers get 304s.
 * An empty feed has no date to give: it leaves the element out (RSS 2.0 makes it optional) rather
 * than say "now", which changed the feed on every request, or a made-up 1970.
 */
export function rssDocument(channel: Channel, media: Media[], options: FeedItemOptions): string {
  const dateOf = (m: Media) => new Date(m.publishedAt ?? m.createdAt);
  const feed = new Feed({
    title: xmlSafe(channel.title),
    description: xmlSafe(channel.description),
    id: channel.link,
    link: channel.link,
    language: channel.lang,
    copyright: '',
    generator: 'Kiosque',
    updated: media.length ? dateOf(media[0]!) : undefined,
    feedLinks: { rss: channel.self },
  });
  for (const m of media) {
    const link = options.absolute(`/media/${m.id}`);
    const thumb = m.variants.thumb ? `<p><img src="${escapeHtml(options.absolute(`/files/${m.id}/thumb`))}" alt=""></p>` : '';
    const text = m.description.trim() ? markdown(xmlSafe(m.description.trim()), { absolute: options.absolute }).trim() : '';
    feed.addItem({
      title: xmlSafe(m.title),
      id: link,
      link,
      date: dateOf(m),
      description: thumb + text,
      enclosure: enclosure(m, options),
      category: options.categories(m).map((name) => ({ name: xmlSafe(name) })),
    });
  }
  const xml = feed.rss2();
  // Without `updated`, the feed library writes the current time: the channel's only lastBuildDate goes.
  return media.length ? xml : xml.replace(/\n[ \t]*<lastBuildDate>[^<]*<\/lastBuildDate>/, '');
}
