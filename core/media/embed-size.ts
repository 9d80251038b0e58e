import type { Media } from '../store/index.ts';

export interface Size {
  width: number;
  height: number;
}

/** Limits on a size, each optional (an oEmbed consumer's `maxwidth` and `maxheight`). */
export interface MaxSize {
  width?: number;
  height?: number;
}

/**
 * The embed frame's limits where nobody gave any: the media page's embed code, and an oEmbed
 * consumer for each limit it leaves out. Square, so a portrait photo gets as much height as a
 * landscape one gets width.
 */
export const EMBED_BOX: Size = { width: 640, height: 640 };

/** The embed page's line under the media (its title, linking to its page): the stylesheet's `.embed-media figcaption` height. */
export const CAPTION_HEIGHT = 48;

/** For what has no picture to size the frame by: a player strip for audio, a document's line. */
export const STRIP_SIZE: Size = { width: 640, height: 120 };

/** A video whose frame size is not known: taken as 16:9. */
const UNKNOWN_PICTURE: Size = { width: 640, height: 360 };

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

export function sizeOf(file: { width?: number; height?: number } | undefined): Size | undefined {
  return file?.width && file.height ? { width: file.width, height: file.height } : undefined;
}

/**
 * What the embed page shows above its caption, at its own size: an image (as displayed, EXIF
 * orientation applied) or a video frame, a document's preview (a PDF's first page, its `medium`
 * derivative). undefined for what is shown as a strip: audio, a document without a preview.
 */
function pictureOf(m: Media): Size | undefined {
  if (m.type === 'image') return sizeOf(m.original) ?? sizeOf(m.variants.large) ?? UNKNOWN_PICTURE;
  if (m.type === 'video') return sizeOf(m.original) ?? UNKNOWN_PICTURE;
  if (m.type === 'document') return sizeOf(m.variants.medium);
  return undefined;
}

/**
 * The size of the iframe of a media's embed page (`/embed/:id`), within `max` (each limit left out
 * is EMBED_BOX's): the picture fitted in what the caption leaves, never enlarged, with the caption
 * below it; a strip, only narrowed, for audio and documents without a preview. The media page's
 * embed code and the oEmbed answers both take their size from here.
 */
export function embedFrameSize(m: Media, max: MaxSize = {}): Size {
  const box = { width: max.width ?? EMBED_BOX.width, height: max.height ?? EMBED_BOX.height };
  const picture = pictureOf(m);
  if (!picture) return { width: Math.min(STRIP_SIZE.width, box.width), height: Math.min(STRIP_SIZE.height, box.height) };
  // A limit lower than the caption leaves no room for the picture: the whole page is scaled down instead.
  if (box.height <= CAPTION_HEIGHT) return fitInside({ width: picture.width, height: picture.height + CAPTION_HEIGHT }, box);
  const fitted = fitInside(picture, { width: box.width, height: box.height - CAPTION_HEIGHT });
  return { width: fitted.width, height: fitted.height + CAPTION_HEIGHT };
}
