import type { Language } from '../i18n/index.ts';
import { excerpt, plainText } from '../text/plain.ts';

/** A picture a shared link's card shows: a site path, with what is known of the file. */
export interface ShareImage {
  path: string;
  mime?: string;
  width?: number;
  height?: number;
  /** Plain text, as typed (the layout escapes it). */
  alt: string;
  /** The page's own subject (a media's picture) rather than the site's logo: a large card. */
  subject: boolean;
}

/** A video or sound the page plays, for cards that play it in place. */
export interface ShareStream {
  path: string;
  mime: string;
  width?: number;
  height?: number;
}

/**
 * What a public page tells search engines and the sites its link is shared on. A route declares
 * it for a page meant to be found (the homepage, sectors, keywords, authors, published media);
 * a page without one is kept out of search engines (`noindex`) and carries no card.
 */
export interface PageShare {
  /** The page's one address, as a site path: what makes it another page (`?page=2`) and nothing else. */
  canonical: string;
  type: 'website' | 'article' | 'video.other' | 'profile';
  /** Markdown; empty or absent: the site's description. */
  description?: string;
  image?: ShareImage;
  video?: ShareStream;
  audio?: ShareStream;
  /** For `article`: ISO dates. */
  published?: string | null;
  modified?: string;
  /** For `profile`. */
  username?: string;
}

/** The head's tags, every value plain text (the layout escapes them). */
export interface HeadMeta {
  description?: string;
  robots?: string;
  /** Absolute. */
  canonical?: string;
  /** `<meta property>`: OpenGraph. */
  properties: Array<{ property: string; content: string }>;
  /** `<meta name>` beside the description: the Twitter card's. */
  names: Array<{ name: string; content: string }>;
}

export const DESCRIPTION_MAX = 160;

/** A page's description as its head says it: the Markdown's words, cut to DESCRIPTION_MAX. */
export const describe = (markdown: string) => excerpt(plainText(markdown), DESCRIPTION_MAX);

/**
 * `describe` remembering its last `size` answers. Reading a long description's Markdown costs
 * about a millisecond (10,000 characters), on every render of its page that the page cache does
 * not answer (signed-in visitors, the first of each Host); the answer depends on the text alone, so
 * the text is the key (no stale answer after an edit, and sectors and keywords share it).
 */
export function createDescriptionCache(size = 256, summarise: (markdown: string) => string = describe): (markdown: string) => string {
  const kept = new Map<string, string>();
  return (markdown) => {
    // Short texts cost less to read again than to keep.
    if (markdown.length <= DESCRIPTION_MAX) return summarise(markdown);
    let text = kept.get(markdown);
    if (text === undefined) text = summarise(markdown);
    else kept.delete(markdown);
    kept.set(markdown, text);
    if (kept.size > size) kept.delete(kept.keys().next().value!);
    return text;
  };
}

const LOCALES: Record<Language, string> = { en: 'en_US', fr: 'fr_FR' };

export interface HeadMetaInput {
  share?: PageShare;
  /** The robots rule of a page without a share (search pages: `noindex, follow`); default `noindex`. */
  robots?: string;
  /** The answer is private (a draft, anything behind the intranet): nothing to find or share outside. */
  private: boolean;
  /** Where absolute links point (core/http/public-origin.ts); undefined: none are written. */
  origin?: string;
  lang: Language;
  /** The page's own title (already translated), without the site name; the homepage has none. */
  title?: string;
  site: { siteName: string; description: string };
  /** The site logo's path (core/settings/skeleton.ts logoUrl), the image of a page that has none of its own. */
  logo?: string;
  /** How a description's Markdown becomes the head's text: `describe`, or a cache of it (createDescriptionCache). */
  describe?: (markdown: string) => string;
}

/**
 * The description, robots rule, canonical address, OpenGraph and Twitter card tags of a page's
 * head. Absolute addresses come from `origin` only: the page cache keeps a page per scheme and
 * Host (core/http/page-cache.ts), so what one Host's request wrote never reaches another's.
 */
export function headMeta(input: HeadMetaInput): HeadMeta {
  const { share, origin } = input;
  if (!share || input.private) return { robots: share ? 'noindex' : (input.robots ?? 'noindex'), properties: [], names: [] };
  const description = (input.describe ?? describe)(share.description || input.site.description) || undefined;
  if (!origin) return { description, properties: [], names: [] };
  const absolute = (path: string) => `${origin}${path}`;
  const canonical = absolute(share.canonical);
  const properties: HeadMeta['properties'] = [];
  const add = (property: string, content: string | number | null | undefined) => {
    if (content !== undefined && content !== null && content !== '') properties.push({ property, content: String(content) });
  };
  add('og:site_name', input.site.siteName);
  add('og:title', input.title || input.site.siteName);
  add('og:type', share.type);
  add('og:url', canonical);
  add('og:locale', LOCALES[input.lang]);
  add('og:description', description);
  const image = share.image ?? (input.logo ? { path: input.logo, mime: 'image/png', alt: input.site.siteName, subject: false } : undefined);
  if (image) {
    add('og:image', absolute(image.path));
    add('og:image:type', image.mime);
    add('og:image:width', image.width);
    add('og:image:height', image.height);
    add('og:image:alt', image.alt);
  }
  for (const [kind, stream] of [['video', share.video], ['audio', share.audio]] as const) {
    if (!stream) continue;
    add(`og:${kind}`, absolute(stream.path));
    add(`og:${kind}:type`, stream.mime);
    add(`og:${kind}:width`, stream.width);
    add(`og:${kind}:height`, stream.height);
  }
  if (share.type === 'article') {
    add('article:published_time', share.published);
    add('article:modified_time', share.modified);
  }
  if (share.type === 'profile') add('profile:username', share.username);
  // Twitter reads the OpenGraph tags for the rest; the card's size is its own.
  const names = [{ name: 'twitter:card', content: image?.subject ? 'summary_large_image' : 'summary' }];
  return { description, canonical, properties, names };
}

/** A listing's address: its path, and its page past the first. */
export function listingAddress(path: string, page: number): string {
  return page > 1 ? `${path}?page=${page}` : path;
}
