import type { Store } from '../store/index.ts';
import { readSkeleton } from '../settings/skeleton.ts';

/** Media settings (the media config page edits the `media` settings key); defaults make a new portal complete. */
export interface MediaSettings {
  /** Bounding boxes (px) of the image derivatives; `fit: inside`, never upscaled. */
  boxes: { thumb: number; medium: number; large: number };
  /** Remove GPS/location metadata from every served file, the original included (the original is rewritten without EXIF/XMP/IPTC, orientation applied). */
  stripLocation: boolean;
  defaultLicence: string;
  /** Refuse images whose header claims more pixels than this (decompression bombs). */
  maxPixels: number;
  /** Refuse animations with more frames than this. */
  maxFrames: number;
  /** Refuse animations and multi-page images whose frames together have more pixels than this (a TIFF is rewritten whole, a browser plays every frame). */
  maxTotalPixels: number;
  /** JPEG/WebP quality of derivatives. */
  quality: number;
}

export const mediaSettingsDefaults: MediaSettings = {
  boxes: { thumb: 320, medium: 800, large: 1600 },
  stripLocation: true,
  defaultLicence: 'all-rights-reserved',
  maxPixels: 80_000_000,
  maxFrames: 1000,
  maxTotalPixels: 1_000_000_000,
  quality: 82,
};

/**
 * The skeleton page sets the thumbnail box, the maximum document width (the large box) and the
 * default licence; values saved under `media` itself (scripts, tests) take precedence.
 */
export async function readMediaSettings(store: Store): Promise<MediaSettings> {
  const saved = (await store.settings.get<Partial<MediaSettings>>('media')) ?? {};
  const skeleton = await readSkeleton(store);
  const fromSkeleton = { thumb: skeleton.thumbnailBox, medium: mediaSettingsDefaults.boxes.medium, large: skeleton.maxDocumentWidth };
  return { ...mediaSettingsDefaults, defaultLicence: skeleton.defaultLicence, ...saved, boxes: { ...fromSkeleton, ...(saved.boxes ?? {}) } };
}
