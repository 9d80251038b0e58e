import exifReader from 'exif-reader';

/**
 * How a photo was taken, as its EXIF said before the file was cleaned of its metadata: what a
 * photographers' portal shows beside a picture. Never where (GPS), never who (owner, serial numbers).
 * `takenAt` is the camera's wall-clock time (`2026-07-14T18:05:09`), which EXIF gives without a zone.
 */
export interface Shooting {
  camera?: string;
  lens?: string;
  /** Millimetres. */
  focalLength?: number;
  fNumber?: number;
  /** Seconds. */
  exposureTime?: number;
  iso?: number;
  takenAt?: string;
}

const MAX_TEXT = 100;

/** A camera's text field: NUL padding and control characters dropped, spaces collapsed, bounded. */
function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, MAX_TEXT).trim();
  return clean || undefined;
}

function number(value: unknown, min: number, max: number): number | undefined {
  const n = Array.isArray(value) ? value[0] : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= min && n <= max ? n : undefined;
}

/** "Canon" + "Canon EOS R5" → "Canon EOS R5"; "NIKON CORPORATION" + "NIKON D750" → "NIKON D750"; "Apple" + "iPhone 13" → "Apple iPhone 13". */
function cameraName(make: string | undefined, model: string | undefined): string | undefined {
  if (!make || !model) return model ?? make;
  const brand = make.split(' ')[0]!.toLowerCase();
  return model.toLowerCase().startsWith(brand) ? model : `${make} ${model}`.slice(0, MAX_TEXT);
}

/**
 * The shooting details of an EXIF block (sharp's `metadata().exif`), or undefined when it names
 * none. A malformed block is no error: a photo is never refused for its EXIF.
 */
export function shootingOf(exif: Buffer | undefined): Shooting | undefined {
  if (!exif?.length) return undefined;
  let tags: ReturnType<typeof exifReader>;
  try {
    tags = exifReader(exif);
  } catch {
    return undefined;
  }
  const photo = tags.Photo ?? {};
  const taken = photo.DateTimeOriginal ?? tags.Image?.DateTime;
  const shooting: Shooting = {
    camera: cameraName(text(tags.Image?.Make), text(tags.Image?.Model)),
    lens: text(photo.LensModel),
    focalLength: number(photo.FocalLength, 0.1, 5000),
    fNumber: number(photo.FNumber, 0.5, 128),
    exposureTime: number(photo.ExposureTime, 1e-6, 3600),
    iso: number(photo.ISOSpeedRatings ?? photo.PhotographicSensitivity, 1, 10_000_000),
    // exif-reader reads the camera's wall-clock time as if it were UTC: written back the same way, it is that time again.
    takenAt: taken instanceof Date && !Number.isNaN(taken.getTime()) && taken.getUTCFullYear() >= 1826 && taken.getUTCFullYear() <= 2200 ? taken.toISOString().slice(0, 19) : undefined,
  };
  const known = Object.fromEntries(Object.entries(shooting).filter(([, v]) => v !== undefined)) as Shooting;
  return Object.keys(known).length ? known : undefined;
}

/** The shooting details as a media page lists them, in the page's language. */
export function shootingView(s: Shooting | undefined, lang: string): { camera?: string; lens?: string; exposure?: string; takenAt?: string } | undefined {
  if (!s) return undefined;
  const locale = lang === 'fr' ? 'fr-FR' : 'en-GB';
  const num = (n: number, digits = 1) => new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(n);
  // A number and its unit stay on one line (French typography; harmless in English).
  const exposure = [
    // Photographers write 1/8000 and ISO 12800, without a thousands separator.
    s.exposureTime !== undefined ? (s.exposureTime < 0.5 ? `1/${Math.round(1 / s.exposureTime)}\u00a0s` : `${num(s.exposureTime)}\u00a0s`) : undefined,
    s.fNumber !== undefined ? `f/${num(s.fNumber)}` : undefined,
    s.iso !== undefined ? `ISO\u00a0${Math.round(s.iso)}` : undefined,
    s.focalLength !== undefined ? `${num(s.focalLength)}\u00a0mm` : undefined,
  ].filter((x) => x !== undefined);
  const takenAt = s.takenAt ? new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(`${s.takenAt}Z`)) : undefined;
  const view = { camera: s.camera, lens: s.lens, exposure: exposure.length ? exposure.join(' · ') : undefined, takenAt };
  return Object.values(view).some((v) => v !== undefined) ? view : undefined;
}
