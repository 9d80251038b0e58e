import type { I18n, Language } from '../i18n/index.ts';
import type { Media, ProcessingReason } from '../store/index.ts';
import { stripControls } from '../text/controls.ts';
import { isMediaError } from './errors.ts';

/**
 * Why a media's processing failed, as pages word it (`processing_failure.<code>` in the
 * dictionaries). Stable: stored in the records and given by the API.
 */
export const failureCodes = [
  /** vars: tool, seconds */
  'timeout',
  /** The tool printed more than runTool reads (vars: tool, mb). */
  'output_too_large',
  /** The memory cap refused the tool memory (vars: tool, mb, setting?). */
  'memory_cap',
  /** Not even the tool's own libraries fit in the cap (vars: tool, mb, setting?). */
  'memory_cap_start',
  /** Under the cap, the tool stopped without a word (vars: tool, mb, setting?). */
  'memory_silent',
  /** Killed from outside, most often by the kernel out of memory (vars: tool, signal). */
  'killed',
  /** ffmpeg or ffprobe is not there or does not run (vars: tool). */
  'tool_missing',
  /** The same, when it was needed to remove the location from the file (vars: tool). */
  'tool_missing_location',
  /** The tool exited with an error; what it said is the output (vars: tool). */
  'tool_failed',
  /** ffprobe could not read the original: damaged, or not a format it knows (vars: tool). */
  'unreadable',
  /** ffmpeg took no frame for the poster (vars: tool). */
  'no_frame',
  /** vars: codec */
  'web_codec',
  'pdf_encrypted',
  /** vars: mb */
  'pdf_memory',
  'pdf_unreadable',
  'pdf_no_image',
  'disk_full',
  /** Anything else; the error's message is the output. */
  'unexpected',
] as const;
export type FailureCode = (typeof failureCodes)[number];

export interface FailureReason extends ProcessingReason {
  code: FailureCode;
}

/** Stored: the end of what a tool printed, kept for diagnosis. */
export const OUTPUT_MAX = 1000;
/** Shown on the admin pages after the sentence (the API gives it all). */
export const OUTPUT_SHOWN = 300;

/** The end of what a tool printed: its last lines, without control characters, at most OUTPUT_MAX characters. */
export function outputTail(text: string | undefined): string | undefined {
  const lines = stripControls(String(text ?? '')).split('\n').map((l) => l.trim()).filter(Boolean);
  const tail = lines.slice(-5).join('\n');
  if (!tail) return undefined;
  return tail.length > OUTPUT_MAX ? `…${tail.slice(-(OUTPUT_MAX - 1))}` : tail;
}

/**
 * A processing step's failure that knows why: its reason for the pages, and what the tool said.
 * Its message (English) goes to the log and to the record's `error`, which the API has always given.
 */
export class ProcessingError extends Error {
  readonly reason: FailureReason;
  readonly output?: string;
  constructor(message: string, reason: FailureReason, options: { output?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'ProcessingError';
    this.reason = reason;
    const output = outputTail(options.output);
    if (output) this.output = output;
  }
}

/** The same failure said another way (a PDF that pdftoppm could not open): the tool's output is kept. */
export function restated(err: ProcessingError, message: string, reason: FailureReason): ProcessingError {
  return new ProcessingError(message, reason, { output: err.output, cause: err });
}

/** A full disk, as Node says it, or as the image derivatives (core/media/images.ts) report it. */
const isDiskFull = (err: unknown) => {
  if (isMediaError(err)) return err.code === 'disk_full';
  const e = err as { code?: unknown; message?: unknown } | null;
  return e?.code === 'ENOSPC' || e?.code === 'EDQUOT' || /no space left on device|disk quota exceeded/i.test(String(e?.message ?? ''));
};

/**
 * What a failed job stores in `processing` besides its state: the English message, the reason and
 * the tool's output. Paths inside `folder` (the media files' folder) are written relative to it:
 * editors read these, and where the data lies on the server is none of theirs.
 */
export function failureOf(err: unknown, options: { folder?: string } = {}): Required<Pick<Media['processing'], 'error' | 'reason'>> & Pick<Media['processing'], 'output'> {
  const inFolder = options.folder ? `${options.folder.replace(/[/\\]+$/, '')}/` : undefined;
  const relative = (text: string) => (inFolder ? text.split(inFolder).join('') : text);
  const message = relative(String((err as Error)?.message ?? err)).slice(0, 500);
  if (err instanceof ProcessingError) return { error: message, reason: err.reason, ...(err.output ? { output: relative(err.output) } : {}) };
  // Node's message names the file and the call, which is the useful part; a MediaError's says only its code.
  const output = isMediaError(err) ? undefined : outputTail(message);
  return { error: message, reason: { code: isDiskFull(err) ? 'disk_full' : 'unexpected', vars: {} }, ...(output ? { output } : {}) };
}

/** Known codes whose every placeholder the stored vars fill; anything else reads as the English `error`. */
const known = new Set<string>(failureCodes);

/**
 * A failure as pages say it: the sentence in `lang` and the tool's output, shortened from its
 * start (its end says most). A record from before reasons (only `error`, in English) gives that
 * as it is; so does a code this version does not know.
 */
export function describeFailure(i18n: I18n, lang: Language, p: Pick<Media['processing'], 'error' | 'reason' | 'output'>): { text: string; output?: string } | undefined {
  const output = p.output ? (p.output.length > OUTPUT_SHOWN ? `…${p.output.slice(-(OUTPUT_SHOWN - 1))}` : p.output) : undefined;
  if (p.reason && known.has(p.reason.code)) {
    const vars: Record<string, unknown> = { ...p.reason.vars };
    // A memory cap is named with the setting that sets it, when there is one.
    if (vars.mb !== undefined) vars.limit = i18n.t(lang, vars.setting ? 'processing_failure.limit_setting' : 'processing_failure.limit', vars);
    return { text: i18n.t(lang, `processing_failure.${p.reason.code}`, vars), ...(output ? { output } : {}) };
  }
  if (p.error) return { text: p.error };
  return undefined;
}
