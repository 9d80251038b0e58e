import type { Media, TextTrack } from '../store/index.ts';

/** One line of a transcript: when it is said (seconds, and as a clock shows it), who says it, what. */
export interface TranscriptCue {
  start: number;
  time: string;
  speaker?: string;
  text: string;
}

const START = /^(?:(\d{1,3}):)?([0-5]\d):([0-5]\d)\.(\d{3})\s*-->/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', nbsp: '\u00a0', lrm: '\u200e', rlm: '\u200f', quot: '"', apos: "'" };

/** `1:05`, `1:02:03`: a moment as the players' clocks write it. */
export function clockTime(seconds: number): string {
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(h ? 2 : 1, '0');
  return `${h ? `${h}:` : ''}${mm}:${String(s % 60).padStart(2, '0')}`;
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,6});/gi, (whole, name: string) => {
    if (name[0] !== '#') return ENTITIES[name.toLowerCase()] ?? whole;
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : whole;
  });
}

/**
 * The cues of a WebVTT file (as `toWebVtt` keeps them) as a transcript reads: the header, NOTE,
 * STYLE and REGION blocks left out; each cue's markup (`<i>`, `<c.x>`, karaoke timestamps)
 * dropped, its entities decoded, its lines joined; the speaker of a voice tag (`<v Alice>`) kept
 * apart. A cue repeating the one before (roll-up captions show a line twice) is left out, and so
 * is one without text. The text is plain: whoever shows it escapes it.
 */
export function transcriptCues(vtt: string): TranscriptCue[] {
  const cues: TranscriptCue[] = [];
  const blocks = vtt.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n+/);
  for (const block of blocks.slice(1)) {
    const lines = block.split('\n');
    if (/^(NOTE|STYLE|REGION)(?:[ \t]|$)/.test(lines[0]!)) continue;
    // The cue's identifier, when it has one, stands on the line before its timing.
    const at = START.test(lines[0]!.trim()) ? 0 : START.test(lines[1]?.trim() ?? '') ? 1 : -1;
    if (at < 0) continue;
    const m = START.exec(lines[at]!.trim())!;
    const start = Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4]) / 1000;
    const payload = lines.slice(at + 1).join('\n');
    const voice = /<v(?:\.[^\s>]*)?[ \t]+([^>]+)>/.exec(payload);
    const text = decodeEntities(payload.replace(/<[^>]*>/g, ''))
      .replace(/\s+/g, ' ')
      .trim();
    if (!text) continue;
    const speaker = voice ? decodeEntities(voice[1]!).replace(/\s+/g, ' ').trim() || undefined : undefined;
    const before = cues.at(-1);
    if (before && before.text === text && before.speaker === speaker) continue;
    cues.push({ start, time: clockTime(start), ...(speaker ? { speaker } : {}), text });
  }
  return cues;
}

/** A transcript as the media page shows it: the speaker named where the voice changes. */
export interface TranscriptView {
  lang: string;
  label: string;
  cues: Array<{ start: string; time: string; speaker?: string; text: string }>;
}

/**
 * The cues of a media's tracks, read and parsed once for each version of them (the key holds the
 * media's `updatedAt`, which every track change moves), the last `max` kept. A track whose file
 * cannot be read has none: the page shows the media without it.
 */
export function createTranscriptReader(read: (track: TextTrack) => Promise<string>, max = 64) {
  const known = new Map<string, Promise<TranscriptCue[] | undefined>>();
  return (m: Pick<Media, 'id' | 'updatedAt'>, track: TextTrack): Promise<TranscriptCue[] | undefined> => {
    const key = `${m.id}\n${m.updatedAt}\n${track.file.file}\n${track.file.size}`;
    let cues = known.get(key);
    if (!cues) {
      cues = read(track).then(transcriptCues, () => undefined);
      if (known.size >= max) known.clear();
      known.set(key, cues);
    }
    return cues;
  };
}

/** The view of one transcript: start times as the player's `currentTime` takes them, a speaker only where it changes. */
export function transcriptView(track: { lang: string; label: string }, cues: TranscriptCue[]): TranscriptView {
  let speaker: string | undefined;
  return {
    lang: track.lang,
    label: track.label,
    cues: cues.map((c) => {
      const named = c.speaker !== undefined && c.speaker !== speaker;
      speaker = c.speaker;
      return { start: String(c.start), time: c.time, ...(named ? { speaker: c.speaker } : {}), text: c.text };
    }),
  };
}
