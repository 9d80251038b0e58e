import type { Media } from '../store/index.ts';
import { EMBED_SIZE, embedCode } from '../media/embed.ts';
import { fileUrl } from '../media/present.ts';
import { escapeMarkup } from '../text/escape.ts';
import { xmlSafe } from '../text/controls.ts';

export interface Size {
  width: number;
  height: number;
}

/** A consumer's `maxwidth` and `maxheight`, each optional. */
export interface MaxSize {
  width?: number;
  height?: number;
}

/** An oEmbed 1.0 response (oembed.com, section 2.3.4), in the spec's field names. */
export interface OembedAnswer {
  type: 'photo' | 'video' | 'rich' | 'link';
  version: '1.0';
  title: string;
  author_name?: string;
  provider_name: string;
  provider_url: string;
  cache_age: number;
  url?: string;
  html?: string;
  width?: number;
  height?: number;
  thumbnail_url?: string;
  thumbnail_width?: number;
  thumbnail_height?: number;
}

/** How long consumers may keep an answer (seconds): cache_age, and the HTTP cache's lifetime of a public answer. */
export const OEMBED_CACHE_SECONDS = 3600;

/** The embed page's size when the media's own is not known: a player strip for audio, one line for a document's link. */
export const STRIP_SIZE: Size = { width: 640, height: 120 };

/** Image derivatives offered as a photo, the largest first. */
const PHOTO_VARIANTS = ['large', 'medium', 'thumb'] as const;

export function fits(size: Size, max: MaxSize): boolean {
  return (max.width === undefined || size.width <= max.width) && (max.height === undefined || size.height <= max.height);
}

/** `size` shrunk (never enlarged) to fit inside `max`, keeping its aspect ratio. */
export function fitInside(size: Size, max: MaxSize): Size {
  const scale = Math.min(1, max.width === undefined ? 1 : max.width / size.width, max.height === undefined ? 1 : max.height / size.height);
  if (scale === 1) return size;
  // Rounding must not step over the limit the scale was taken from.
  const width = Math.max(1, Math.min(max.width ?? Infinity, Math.round(size.width * scale)));
  const height = Math.max(1, Math.min(max.height ?? Infinity, Math.round(size.height * scale)));
  return { width, height };
}

function sizeOf(file: { width?: number; height?: number } | undefined): Size | undefined {
  return file?.width && file.height ? { width: file.width, height: file.height } : undefined;
}

/** Under a document's preview on its embed page: the line of its link, and the page's margins. */
export const CAPTION_HEIGHT = 48;

/**
 * The embed page's natural size: a video's own frame when it is known; a document's preview (a
 * PDF's first page, its `medium` derivative) with its link below; else a default for its type.
 */
function embedSize(m: Media): Size {
  if (m.type === 'video') return sizeOf(m.original) ?? EMBED_SIZE;
  const preview = m.type === 'document' ? sizeOf(m.variants.medium) : undefined;
  if (preview) return { width: preview.width, height: preview.height + CAPTION_HEIGHT };
  return STRIP_SIZE;
}

/**
 * What a consumer gets for a published media: a photo for an image (its largest derivative that
 * fits the consumer's limits), a video (audio too: oEmbed has no audio type) or rich (documents)
 * answer whose html is the iframe of `/embed/:id` fitted to the limits. An image none of whose
 * derivatives fits is answered as a link (title, author, provider). The thumbnail is the `thumb`
 * derivative, left out when it does not fit either, as the spec asks.
 */
export function oembedAnswer(m: Media, o: { origin: string; providerName: string; authorName?: string; max: MaxSize }): OembedAnswer {
  const absolute = (path: string) => `${o.origin}${path}`;
  const common = {
    version: '1.0' as const,
    title: m.title,
    ...(o.authorName ? { author_name: o.authorName } : {}),
    provider_name: o.providerName,
    provider_url: absolute('/'),
    cache_age: OEMBED_CACHE_SECONDS,
  };
  const thumbSize = sizeOf(m.variants.thumb);
  const thumbnail = thumbSize && fits(thumbSize, o.max) ? { thumbnail_url: absolute(fileUrl(m, 'thumb')), thumbnail_width: thumbSize.width, thumbnail_height: thumbSize.height } : {};
  if (m.type === 'image') {
    const variant = PHOTO_VARIANTS.find((v) => {
      const size = sizeOf(m.variants[v]);
      return size && fits(size, o.max);
    });
    if (!variant) return { type: 'link', ...common, ...thumbnail };
    const size = sizeOf(m.variants[variant])!;
    return { type: 'photo', ...common, url: absolute(fileUrl(m, variant)), width: size.width, height: size.height, ...thumbnail };
  }
  const size = fitInside(embedSize(m), o.max);
  return { type: m.type === 'document' ? 'rich' : 'video', ...common, html: embedCode(m, o.origin, size), width: size.width, height: size.height, ...thumbnail };
}

/** The XML form of an answer (section 2.3.5): one element per field, text escaped. */
export function oembedXml(answer: OembedAnswer): string {
  const fields = Object.entries(answer)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `<${name}>${escapeMarkup(xmlSafe(String(value)))}</${name}>`)
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n<oembed>\n${fields}\n</oembed>\n`;
}
