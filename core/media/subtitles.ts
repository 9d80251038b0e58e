import type { Media, TextTrack, TrackKind } from '../store/index.ts';
import { MediaError } from './errors.ts';
import type { I18n, Language } from '../i18n/index.ts';

export const trackKinds: readonly TrackKind[] = ['subtitles', 'captions'];

/** What takes text tracks: a video's subtitles, a sound's transcript. */
export const takesTracks = (type: Media['type']) => type === 'video' || type === 'audio';

/** The languages a video's text tracks may be in: the most common, each named in its own language on the forms. */
export const trackLanguages = ['fr', 'en', 'es', 'de', 'it', 'pt', 'nl', 'ca', 'oc', 'br', 'eu', 'co', 'ar', 'zh', 'ja', 'ko', 'ru', 'uk', 'pl', 'ro', 'el', 'tr', 'sv', 'da', 'nb', 'fi', 'cs', 'hu', 'he', 'fa', 'hi', 'vi'] as const;

/** One track per kind and language; it fits far more than a feature film's dialogue (~100 KB). */
export const TRACK_MAX_BYTES = 1024 * 1024;

/** `/files/<id>/<name>`: `subtitles-fr`, `captions-en`. */
export const trackName = (t: Pick<TextTrack, 'kind' | 'lang'>) => `${t.kind}-${t.lang}`;
export const TRACK_NAME = /^(subtitles|captions)-([a-z]{2,3})$/;

/** A language's name in that language (« français », "English"), capitalised as a menu shows it. */
export function languageName(lang: string): string {
  const name = new Intl.DisplayNames([lang], { type: 'language' }).of(lang) ?? lang;
  return name.charAt(0).toLocaleUpperCase(lang) + name.slice(1);
}

/** Where a media's tracks are kept, under the files folder: apart from its upload's folder, so that replacing the video keeps them. */
export const trackFolder = (mediaId: string) => `tracks/${mediaId}`;

const TIMING = /^(?:(\d{1,3}):)?([0-5]\d):([0-5]\d)[.,](\d{3})\s*-->\s*(?:(\d{1,3}):)?([0-5]\d):([0-5]\d)[.,](\d{3})(.*)$/;

/**
 * The text of a subtitle file: UTF-16 when its byte-order mark says so (Windows' Notepad and some
 * subtitle editors save "Unicode" that way), else UTF-8 (a BOM dropped), else Windows-1252, which
 * older subtitle tools write. Undefined when it is not text: a NUL, or UTF-16 that does not decode.
 */
function decode(buf: Buffer): string | undefined {
  let text: string;
  const utf16 = buf[0] === 0xff && buf[1] === 0xfe ? 'utf-16le' : buf[0] === 0xfe && buf[1] === 0xff ? 'utf-16be' : undefined;
  try {
    text = new TextDecoder(utf16 ?? 'utf-8', { fatal: true }).decode(buf);
  } catch {
    if (utf16) return undefined;
    text = new TextDecoder('windows-1252').decode(buf);
  }
  if (text.includes('\0')) return undefined;
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

/**
 * A subtitle file as WebVTT, which browsers' `<track>` reads: a WebVTT file is checked and kept as
 * it is; SubRip (.srt), which most subtitle tools write, is converted (its numbers dropped, its
 * timings' commas made dots). Anything else, or a file without a single cue, is refused with a
 * MediaError (`track_unreadable`, `track_empty`). Judged by content, never by the file's name.
 */
export function toWebVtt(buf: Buffer): string {
  if (buf.length === 0) throw new MediaError('track_empty', 400, 'track');
  const text = decode(buf);
  if (text === undefined) throw new MediaError('track_unreadable', 400, 'track');
  if (/^WEBVTT(?:[ \t][^\n]*)?(?:\n|$)/.test(text)) {
    if (!text.split('\n').some((line) => TIMING.test(line.trim()) && line.includes('.'))) throw new MediaError('track_empty', 400, 'track');
    return text.endsWith('\n') ? text : `${text}\n`;
  }
  const cues: string[] = [];
  for (const block of text.split(/\n[ \t]*\n+/)) {
    // trimEnd, not /\s+$/: that regex takes quadratic time on a long run of spaces inside a line.
    const lines = block.trimEnd().split('\n').filter((l, i) => i > 0 || l.trim() !== '');
    const at = lines.findIndex((l) => TIMING.test(l.trim()));
    // A SubRip cue: an optional number, its timing, its text.
    if (at < 0 || at > 1 || (at === 1 && !/^\d+$/.test(lines[0]!.trim()))) {
      if (block.trim() === '') continue;
      throw new MediaError('track_unreadable', 400, 'track');
    }
    const m = TIMING.exec(lines[at]!.trim())!;
    const time = (h: string | undefined, mm: string, ss: string, ms: string) => `${(h ?? '00').padStart(2, '0')}:${mm}:${ss}.${ms}`;
    // SubRip's position hints (X1:… Y2:…) mean nothing to WebVTT.
    const timing = `${time(m[1], m[2]!, m[3]!, m[4]!)} --> ${time(m[5], m[6]!, m[7]!, m[8]!)}`;
    const body = lines.slice(at + 1).map((l) => l.replace(/-->/g, '->'));
    cues.push([timing, ...body].join('\n'));
  }
  if (!cues.length) throw new MediaError('track_empty', 400, 'track');
  return `WEBVTT\n\n${cues.join('\n\n')}\n`;
}

/**
 * A video's tracks as its players list them: `<track>`'s attributes, labelled in the track's own
 * language (captions say so in the page's language, `pageLang`). A sound's are its transcript,
 * which browsers do not show for `<audio>`: the page writes it out (core/media/transcript.ts).
 */
export function presentTracks(m: Pick<Media, 'id' | 'type' | 'tracks'>, i18n: I18n, pageLang: Language) {
  return m.type === 'video' ? timedTracks(m, i18n, pageLang) : [];
}

/** The tracks of a video or a sound, labelled as presentTracks labels them. */
export function timedTracks(m: Pick<Media, 'id' | 'type' | 'tracks'>, i18n: I18n, pageLang: Language) {
  if (!takesTracks(m.type)) return [];
  return (m.tracks ?? []).map((t) => ({
    kind: t.kind,
    lang: t.lang,
    url: `/files/${m.id}/${trackName(t)}`,
    label: t.kind === 'captions' ? i18n.t(pageLang, 'media.captions_label', { language: languageName(t.lang) }) : languageName(t.lang),
  }));
}
