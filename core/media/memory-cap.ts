import { ProcessingError } from './failure.ts';

/**
 * An address-space cap (RLIMIT_AS) on a tool that parses what uploaders send (ffmpeg, ffprobe,
 * pdftoppm), enforced by util-linux's prlimit: past it the tool's allocations fail and it exits
 * with an error, instead of taking the machine's memory until the kernel kills something (perhaps
 * the Node process).
 */
export interface MemoryCap {
  /** util-linux's prlimit. */
  prlimit: string;
  bytes: number;
  /** Where the cap is set, named in the failure's reason (e.g. `media.ffmpegMemoryMB`). */
  setting?: string;
}

/** A cap of `mb` megabytes, when prlimit is there to enforce it; none when it is not, or when `mb` is 0. */
export function memoryCap(prlimit: string | null | undefined, mb: number, setting?: string): MemoryCap | undefined {
  return prlimit && mb > 0 ? { prlimit, bytes: mb * 1024 * 1024, ...(setting ? { setting } : {}) } : undefined;
}

export const capMB = (cap: MemoryCap) => Math.round(cap.bytes / 1024 / 1024);

/**
 * The command that runs `file` under the cap. prlimit sets the limit on itself and then executes
 * the tool in its place (the same process), so a timeout or an abort still stops the tool itself.
 */
export function underCap(file: string, args: string[], cap: MemoryCap | undefined): [string, string[]] {
  return cap ? [cap.prlimit, [`--as=${cap.bytes}`, '--', file, ...args]] : [file, args];
}

/**
 * What a tool says when the cap refuses it memory, as seen under caps: poppler's "Out of memory";
 * a C++ library's std::bad_alloc; FFmpeg's ENOMEM ("Cannot allocate memory"), a decoder's
 * "get_buffer() failed", an encoder's "Error allocating a picture"; x264's "malloc of size N
 * failed"; a thread whose stack cannot be mapped ("Resource temporarily unavailable", EAGAIN from
 * pthread_create); a cap below what the tool needs to start ("error while loading shared
 * libraries: … failed to map segment"). Some of these mean something else without a cap, so they
 * are read as lack of memory only when the tool ran under one.
 */
const OUT_OF_MEMORY = /out of memory|bad_alloc|cannot allocate|malloc of size \d+ failed|get_buffer\(\) failed|error allocating|resource temporarily unavailable|failed to map segment|cannot map zero-fill pages/i;

/**
 * Whether a tool that ran under a cap ran out of memory: it said so, or it failed without a word
 * (seen at the edge of a cap: ffprobe exiting 1, x264 failing to open, with nothing on stderr).
 */
export const ranOutOfMemory = (stderr: string, failed: boolean) => OUT_OF_MEMORY.test(stderr) || (failed && stderr.trim() === '');

/** A tool that ran out of the memory its cap allows (it may still have exited 0, leaving a broken output). */
export class OutOfMemoryError extends ProcessingError {
  readonly tool: string;
  readonly cap: MemoryCap;
  constructor(tool: string, cap: MemoryCap, stderr: string) {
    const mb = capMB(cap);
    const limit = `${mb} MB${cap.setting ? `, set by ${cap.setting}` : ''}`;
    const vars = { tool, mb, ...(cap.setting ? { setting: cap.setting } : {}) };
    // Not even the tool's own libraries fit: no file would get through, whatever it holds.
    const [message, code] = /error while loading shared libraries/i.test(stderr)
      ? [`${tool} cannot start within its memory cap (${limit}): raise the cap`, 'memory_cap_start' as const]
      : stderr.trim() === ''
        ? [`${tool} stopped without saying why, most likely for lack of memory: the file needs more than it may take (${limit})`, 'memory_silent' as const]
        : [`the file needs more memory than ${tool} may take (${limit})`, 'memory_cap' as const];
    // The lines that say so, rather than the last ones ("Error reinitializing filters!").
    const saying = stderr.split('\n').filter((line) => OUT_OF_MEMORY.test(line));
    super(message, { code, vars }, { output: saying.length ? saying.join('\n') : stderr });
    this.name = 'OutOfMemoryError';
    this.tool = tool;
    this.cap = cap;
  }
}
