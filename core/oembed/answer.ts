import type { Media } from '../store/index.ts';
import { embedCode } from '../media/embed.ts';
import { embedFrameSize, fits, sizeOf, type MaxSize } from '../media/embed-size.ts';
import { fileUrl, imageSource } from '../media/present.ts';
import { escapeMarkup } from '../text/escape.ts';
import { xmlSafe } from '../text/controls.ts';

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

/** Image derivatives offered as a photo, the largest first. */
const PHOTO_VARIANTS = ['large', 'medium', 'thumb'] as const;

/**
 * What a consumer gets for a published media: a photo for an image (its largest derivative that
 * fits the consumer's limits; an animation's original, which plays, when it fits), a video (audio too: oEmbed has no audio type) or rich (documents)
 * answer whose html is the iframe of `/embed/:id` sized by embedFrameSize within the limits (with
 * none, the media page's embed code). An image none of whose
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
    // An animation (GIF, WebP) plays as its page shows it, the original itself, when it fits: its derivatives are its first frame.
    const animation = imageSource(m).src === fileUrl(m, 'original') && Number(m.meta.frames) > 1 ? sizeOf(m.original) : undefined;
    if (animation && fits(animation, o.max)) return { type: 'photo', ...common, url: absolute(fileUrl(m, 'original')), width: animation.width, height: animation.height, ...thumbnail };
    const variant = PHOTO_VARIANTS.find((v) => {
      const size = sizeOf(m.variants[v]);
      return size && fits(size, o.max);
    });
    if (!variant) return { type: 'link', ...common, ...thumbnail };
    const size = sizeOf(m.variants[variant])!;
    return { type: 'photo', ...common, url: absolute(fileUrl(m, variant)), width: size.width, height: size.height, ...thumbnail };
  }
  const size = embedFrameSize(m, o.max);
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
