import path from 'node:path';
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import type { StoredFile } from '../store/index.ts';
import { gifWithoutMetadata, isIccProfile, jpegWithoutMetadata, pngHasMetadataChunks, webpWithoutMetadata } from './container-metadata.ts';
import { MediaError } from './errors.ts';
import type { MediaSettings } from './settings.ts';
import { shootingOf, type Shooting } from './shooting.ts';

export const imageVariantNames = ['thumb', 'medium', 'large'] as const;

export interface ImageInfo {
  /** As displayed, after EXIF orientation. */
  width: number;
  height: number;
  orientation?: number;
  pages: number;
  hasAlpha: boolean;
  /** A PNG's colours are a palette (kept when it is rewritten). */
  isPalette: boolean;
  /**
   * EXIF, XMP, IPTC or text present (where GPS/location lives), or possibly present where sharp
   * cannot tell: a TIFF's EXIF and GPS directories, a GIF's extensions.
   */
  hasMetadata: boolean;
  format?: string;
  /** How the photo was taken, from its EXIF, read before the metadata is removed. */
  shooting?: Shooting;
}

/** Where sharp reports no metadata although the file may hold some (see ImageInfo.hasMetadata). */
async function hiddenMetadata(file: string, format: string | undefined): Promise<boolean> {
  // A JPEG's comments, JFXX thumbnails, unknown APPn segments and trailer are beyond sharp's sight.
  if (format === 'tiff' || format === 'gif' || format === 'jpeg') return true;
  if (format === 'png') return pngHasMetadataChunks(file);
  return false;
}

/** Reads the header only (fast, bounded memory) and refuses bombs and huge animations before any decoding. */
export async function inspectImage(file: string, settings: Pick<MediaSettings, 'maxPixels' | 'maxFrames' | 'maxTotalPixels'>): Promise<ImageInfo> {
  let meta: Metadata;
  try {
    meta = await sharp(file, { limitInputPixels: false, animated: true }).metadata();
  } catch {
    throw new MediaError('corrupt', 400, 'file');
  }
  const width = meta.width ?? 0;
  const pageHeight = meta.pageHeight ?? meta.height ?? 0;
  const pages = meta.pages ?? 1;
  if (!width || !pageHeight) throw new MediaError('corrupt', 400, 'file');
  if (width * pageHeight > settings.maxPixels) throw new MediaError('too_many_pixels', 422, 'file', { width, height: pageHeight, max: Math.round(settings.maxPixels / 1e6) });
  if (pages > settings.maxFrames) throw new MediaError('too_many_frames', 422, 'file', { frames: pages, max: settings.maxFrames });
  // Each frame within the limits, but a few kilobytes can declare a thousand of them.
  const total = width * pageHeight * pages;
  if (total > settings.maxTotalPixels) throw new MediaError('too_many_pixels_total', 422, 'file', { frames: pages, width, height: pageHeight, total: Math.round(total / 1e6), max: Math.round(settings.maxTotalPixels / 1e6) });
  const swap = (meta.orientation ?? 1) >= 5;
  return {
    width: swap ? pageHeight : width,
    height: swap ? width : pageHeight,
    orientation: meta.orientation,
    pages,
    hasAlpha: Boolean(meta.hasAlpha),
    isPalette: Boolean(meta.isPalette),
    hasMetadata: Boolean(meta.exif || meta.xmp || meta.iptc) || (await hiddenMetadata(file, meta.format)),
    format: meta.format,
    shooting: shootingOf(meta.exif),
  };
}

/**
 * A GIF or a WebP without its metadata, rewritten at the container level: no frame is decoded (an
 * animation's would all be, each at full size) and none changes. False when there was nothing to remove.
 */
async function stripContainer(file: string, without: (buf: Buffer) => Buffer | undefined): Promise<boolean> {
  let clean: Buffer | undefined;
  try {
    clean = without(await readFile(file));
  } catch {
    throw new MediaError('corrupt', 400, 'file');
  }
  if (!clean) return false;
  await replaceWith(file, clean);
  return true;
}

/** Puts `content` in place of `file`, whole or not at all: written beside it, then renamed over it. */
async function replaceWith(file: string, content: Buffer): Promise<void> {
  const tmp = `${file}.clean`;
  await writeFile(tmp, content);
  await rename(tmp, file);
}

const LOSSLESS_JPEG_MAX_BYTES = 256 * 1024 * 1024;

/**
 * A JPEG without its metadata, its compressed pixels untouched (see jpegWithoutMetadata): 'done',
 * 'unchanged' when there was nothing to remove, 'failed' when its structure cannot be followed or
 * the result does not read back clean, so the caller re-encodes it instead.
 */
async function stripJpegLosslessly(file: string, orientation: number): Promise<'done' | 'unchanged' | 'failed'> {
  let clean: Buffer;
  try {
    // Read whole: a photo within the pixel limit weighs tens of MB; a bigger file is mostly a
    // trailer (or a forgery), which re-encoding, streamed by libvips, drops without holding it.
    if ((await stat(file)).size > LOSSLESS_JPEG_MAX_BYTES) return 'failed';
    const buf = await readFile(file);
    clean = jpegWithoutMetadata(buf, orientation);
    if (clean.equals(buf)) return 'unchanged';
    const meta = await sharp(clean).metadata();
    if (meta.xmp || meta.iptc || (meta.orientation ?? 1) !== orientation || meta.width === undefined) return 'failed';
  } catch {
    return 'failed';
  }
  await replaceWith(file, clean);
  return 'done';
}

/**
 * Rewrites an image without EXIF/XMP/IPTC/text (so without GPS), ICC profile kept. JPEGs lose their
 * metadata segments with their compressed pixels untouched (the EXIF orientation alone is written
 * back); so do GIFs and WebPs (not decoded: an animation's frames would all be). Other formats, and
 * a rotated WebP, are rewritten with the orientation applied to the pixels, lossless ones staying
 * lossless (a PNG's palette too). Resolves to whether the file changed.
 */
export async function stripLocation(file: string, info: ImageInfo): Promise<boolean> {
  const animated = info.pages > 1;
  if (info.format === 'gif') return stripContainer(file, gifWithoutMetadata);
  if (info.format === 'webp' && (animated || (info.orientation ?? 1) === 1)) return stripContainer(file, webpWithoutMetadata);
  if (info.format === 'jpeg') {
    const lossless = await stripJpegLosslessly(file, info.orientation ?? 1);
    if (lossless !== 'failed') return lossless === 'done';
  }
  const tmp = `${file}.clean`;
  let pipeline = sharp(file, { animated, limitInputPixels: false, failOn: 'error' });
  // libvips keeps a profile's blob whole, text after the profile's declared end included: such a profile goes.
  const { icc } = await sharp(file).metadata();
  if (!icc || isIccProfile(icc)) pipeline = pipeline.keepIccProfile();
  if (!animated) pipeline = pipeline.autoOrient();
  switch (info.format) {
    case 'jpeg':
      pipeline = pipeline.jpeg({ quality: 95, chromaSubsampling: '4:4:4' });
      break;
    case 'png':
      pipeline = pipeline.png({ palette: info.isPalette });
      break;
    case 'webp':
      pipeline = pipeline.webp({ quality: 95 });
      break;
    case 'tiff':
      pipeline = pipeline.tiff({ compression: 'lzw' });
      break;
    case 'heif':
      pipeline = pipeline.avif({ quality: 80 });
      break;
    default:
      return false;
  }
  try {
    await pipeline.toFile(tmp);
  } catch (err) {
    throw toMediaError(err);
  }
  await rename(tmp, file);
  return true;
}

export function toMediaError(err: unknown): Error {
  const e = err as NodeJS.ErrnoException;
  if (err instanceof MediaError) return err;
  // libvips reports a full disk in its message only.
  if (e?.code === 'ENOSPC' || e?.code === 'EDQUOT' || (err instanceof Error && /no space left on device|disk quota exceeded/i.test(err.message))) return new MediaError('disk_full', 507);
  if (err instanceof Error && /pixel limit/i.test(err.message)) return new MediaError('too_many_pixels', 422, 'file', { width: '?', height: '?', max: '?' });
  return new MediaError('corrupt', 400, 'file');
}

export interface VariantSpec {
  name: string;
  box: number;
}

/**
 * Derivatives in one decode: the image is oriented and shrunk once to the largest box, then each
 * smaller box is resized from that, each written as JPEG (PNG when transparent) plus a WebP twin
 * (`<name>.webp`). Never upscaled; `fit: inside`.
 */
export async function makeImageVariants(input: string, outDir: string, specs: VariantSpec[], opts: { hasAlpha: boolean; quality: number; maxPixels: number }): Promise<Record<string, StoredFile>> {
  const sorted = [...specs].sort((a, b) => b.box - a.box);
  if (sorted.length === 0) return {};
  const top = sorted[0]!.box;
  let raw: { data: Buffer; info: OutputInfo };
  try {
    raw = await sharp(input, { limitInputPixels: opts.maxPixels, failOn: 'error' })
      .autoOrient()
      .resize({ width: top, height: top, fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw toMediaError(err);
  }
  const { width, height, channels } = raw.info;
  const base = sharp(raw.data, { raw: { width, height, channels } });
  const ext = opts.hasAlpha ? 'png' : 'jpg';
  const out: Record<string, StoredFile> = {};
  await Promise.all(
    sorted.map(async ({ name, box }) => {
      const resized = base.clone().resize({ width: box, height: box, fit: 'inside', withoutEnlargement: true });
      const main = opts.hasAlpha ? resized.clone().png({ compressionLevel: 6 }) : resized.clone().flatten({ background: '#ffffff' }).jpeg({ quality: opts.quality, mozjpeg: false });
      const webp = resized.clone().webp({ quality: opts.quality });
      const mainFile = `${name}.${ext}`;
      const webpFile = `${name}.webp`;
      try {
        const [a, b] = await Promise.all([main.toFile(path.join(outDir, mainFile)), webp.toFile(path.join(outDir, webpFile))]);
        out[name] = { file: mainFile, mime: opts.hasAlpha ? 'image/png' : 'image/jpeg', size: a.size, width: a.width, height: a.height };
        out[`${name}.webp`] = { file: webpFile, mime: 'image/webp', size: b.size, width: b.width, height: b.height };
      } catch (err) {
        throw toMediaError(err);
      }
    }),
  );
  return out;
}
