import type { Media, StoredFile } from '../store/index.ts';
import { trackName } from './subtitles.ts';
import { showsOriginalInline } from './serve.ts';

/** Public URLs of a media item's files; internal paths never leave the server. */
export function fileUrl(m: Media, variant: string): string {
  return `/files/${m.id}/${variant}`;
}

/** The players' first source: the version browsers play, when the original needed one (core/media/web-version.ts). */
export function webSource(m: Media): { url: string; mime: string } | undefined {
  const web = m.variants.web;
  return web ? { url: fileUrl(m, 'web'), mime: web.mime } : undefined;
}

function describe(m: Media, variant: string, f: StoredFile) {
  return { url: fileUrl(m, variant), mime: f.mime, size: f.size, width: f.width, height: f.height };
}

/** The media object the API answers with. */
export function mediaJson(m: Media) {
  const variants: Record<string, ReturnType<typeof describe>> = {};
  for (const [name, f] of Object.entries(m.variants)) if (!name.endsWith('.webp')) variants[name] = describe(m, name, f);
  const { file: _file, ...original } = m.original;
  return {
    ...m,
    url: `/media/${m.id}/${m.slug}`,
    original: { ...original, url: fileUrl(m, 'original') },
    variants,
    // A video's subtitles, as its player lists them: where they are served, not where they are kept.
    tracks: (m.tracks ?? []).map((t) => ({ kind: t.kind, lang: t.lang, url: fileUrl(m, trackName(t)), mime: t.file.mime, size: t.file.size })),
  };
}

/**
 * The record as anyone who may see it (but not edit it) gets it from the API: no internal user id,
 * no processing failure (its message, reason and tool output name server paths and tools), no hash
 * of the file as uploaded (before its metadata, GPS included, was removed, so it would identify that original).
 */
export function publicMediaJson(m: Media, options: { shooting: boolean } = { shooting: true }) {
  const { authorId: _author, ...json } = mediaJson(m);
  const { sha256: _hash, ...original } = json.original;
  const { error: _error, reason: _reason, output: _output, ...processing } = json.processing;
  // A photo's camera and date taken go where its page shows them (the media display page decides).
  const { shooting: _shooting, ...meta } = json.meta;
  return { ...json, original, processing, meta: options.shooting ? json.meta : meta };
}

/** For templates: sizes in human units, srcset of the image derivatives. */
export function formatSize(bytes: number, lang: string): string {
  const units = lang === 'fr' ? ['o', 'Ko', 'Mo', 'Go'] : ['B', 'KB', 'MB', 'GB'];
  // French typography keeps a number and its unit on one line, as the dictionaries do ({size} Mo).
  const space = lang === 'fr' ? '\u00a0' : ' ';
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: i ? 1 : 0 }).format(v)}${space}${units[i]}`;
}

/** The srcset of an image's derivatives, or of a poster's (`['thumb', 'medium', 'poster']`: a PDF's preview). */
export function srcset(m: Media, names: readonly string[] = ['thumb', 'medium', 'large']): string {
  // One candidate per width: a small original gives medium and large the same width, and a
  // srcset naming a width twice is invalid.
  const widths = new Set<number>();
  const out: string[] = [];
  for (const v of names) {
    const f = m.variants[v];
    if (!f?.width || widths.has(f.width)) continue;
    widths.add(f.width);
    out.push(`${fileUrl(m, v)} ${f.width}w`);
  }
  return out.join(', ');
}

/**
 * What an image's page and embed show: its largest derivative with the srcset of the others, or,
 * for an animation browsers play (GIF, WebP), the original itself: the derivatives are its first
 * frame only.
 */
export function imageSource(m: Media): { src: string; srcset: string } {
  if (Number(m.meta.frames) > 1 && showsOriginalInline(m)) return { src: fileUrl(m, 'original'), srcset: '' };
  return { src: m.variants.large ? fileUrl(m, 'large') : fileUrl(m, 'original'), srcset: srcset(m) };
}

/** A document's preview (a PDF's first page, core/media/pdf.ts), when it has one. */
export function documentPreview(m: Media): { src: string; srcset: string; width?: number; height?: number } | undefined {
  const poster = m.type === 'document' ? m.variants.poster : undefined;
  if (!poster) return undefined;
  return { src: fileUrl(m, 'poster'), srcset: srcset(m, ['thumb', 'medium', 'poster']), width: poster.width, height: poster.height };
}

export function formatDuration(seconds: unknown): string | undefined {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return undefined;
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(h ? 2 : 1, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}
