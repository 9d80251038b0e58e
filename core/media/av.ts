import { stripControls } from '../text/controls.ts';
import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { OutOfMemoryError, ranOutOfMemory, underCap, type MemoryCap } from './memory-cap.ts';
import { ProcessingError } from './failure.ts';

export interface AvProbe {
  duration?: number;
  bitrate?: number;
  width?: number;
  height?: number;
  videoCodec?: string;
  /** The video stream's, e.g. yuv420p (browsers decode 10-bit or 4:2:2 H.264 badly or not at all). */
  pixelFormat?: string;
  audioCodec?: string;
  /** The video stream's colour description as ffprobe names it: `smpte2084` (PQ) or `arib-std-b67` (HLG) is HDR. */
  colorTransfer?: string;
  colorPrimaries?: string;
  /** The matrix, e.g. bt2020nc. */
  colorSpace?: string;
  /** An attached picture (audio cover art) or a real video stream. */
  hasPicture: boolean;
  hasVideo: boolean;
  /** The file says where it was made (a phone's GPS position in its metadata). */
  hasLocation: boolean;
  title?: string;
}

export interface RunOptions {
  /** Past this the process is killed (SIGKILL: ffmpeg would otherwise finish the file it writes). */
  timeoutMs: number;
  /** Aborting it kills the process the same way (a media replaced or deleted meanwhile). */
  signal?: AbortSignal;
  /** Run under util-linux's prlimit with this address-space cap. */
  memoryCap?: MemoryCap;
}

/** How much of a tool's stdout, and of its stderr, runTool keeps; a tool that prints more is stopped. */
export const TOOL_OUTPUT_MAX = 8 * 1024 * 1024;

/**
 * Why Node stopped a tool it ran, if it did: it printed more than `maxBuffer` on stdout or stderr,
 * or it ran past its timeout. Node kills the tool in both cases, and both leave `killed` set in
 * some versions, so the overflow is told apart by its code first.
 */
export function stoppedReason(err: Error, tool: string, limits: { timeoutMs: number; maxBuffer: number }, stderr = ''): ProcessingError | undefined {
  const e = err as Error & { killed?: boolean; code?: unknown };
  if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
    const mb = Math.round(limits.maxBuffer / 1024 / 1024);
    return new ProcessingError(`${tool} printed more than ${mb} MB, more than is read from it, and was stopped`, { code: 'output_too_large', vars: { tool, mb } }, { output: stderr, cause: err });
  }
  if (e.killed) {
    const seconds = Math.round(limits.timeoutMs / 1000);
    return new ProcessingError(`${tool} took longer than ${seconds} s and was stopped`, { code: 'timeout', vars: { tool, seconds } }, { output: stderr, cause: err });
  }
  return undefined;
}

/**
 * How much lower than the server's the media tools' CPU priority is (a `nice` increment). A video's
 * web version keeps every core busy for minutes. With a 1080p encoding running on this project's
 * 2-core machine, the cached homepage answered 1,850–2,050 req/s (p99 19–25 ms) at the server's own
 * priority, 2,480 (p99 15–16 ms) ten steps lower, 3,960 with no encoding (the bench's encoding
 * rows); the encoding still gets the cycles visitors leave.
 */
export const TOOL_NICENESS = 10;

/** Lowers a tool's priority (`steps` below the server's) as soon as it starts, before it starts its worker threads (which inherit it). */
export function lowerPriority(pid: number | undefined, steps = TOOL_NICENESS): void {
  if (pid === undefined) return;
  try {
    os.setPriority(pid, Math.min(19, os.getPriority() + steps));
  } catch {
    // Already gone (it failed at once), or a platform that refuses: it runs at the server's priority.
  }
}

/**
 * Runs a tool (ffmpeg, ffprobe, pdftoppm) without a shell and without blocking the event loop, at a
 * lower CPU priority than the server's (TOOL_NICENESS);
 * resolves with what it printed on stdout and stderr. Failures are ProcessingErrors with their
 * reason (core/media/failure.ts). Under a memory cap, a tool that says it ran out of memory (even
 * if it then exits 0) or fails without a word fails with an OutOfMemoryError.
 */
export function runTool(file: string, args: string[], options: RunOptions): Promise<{ stdout: string; stderr: string }> {
  const { timeoutMs, signal, memoryCap } = options;
  const name = path.basename(file);
  const [command, commandArgs] = underCap(file, args, memoryCap);
  return new Promise((resolve, reject) => {
    const child = execFile(command, commandArgs, { timeout: timeoutMs, killSignal: 'SIGKILL', signal, maxBuffer: TOOL_OUTPUT_MAX }, (err, stdout, stderr) => {
      const said = String(stderr);
      if (err) {
        if (err.name === 'AbortError') return reject(err);
        const stopped = stoppedReason(err, name, { timeoutMs, maxBuffer: TOOL_OUTPUT_MAX }, said);
        if (stopped) return reject(stopped);
      }
      if (memoryCap && ranOutOfMemory(said, Boolean(err))) return reject(new OutOfMemoryError(name, memoryCap, said));
      if (err) {
        const detail = said.trim().split('\n').slice(-2).join(' ').slice(0, 300);
        // Killed by someone else than us, without a word: most often the kernel, out of memory.
        const signal = (err as { signal?: string | null }).signal;
        if (!detail && signal) reject(new ProcessingError(`${name} was killed (${signal}), perhaps by the system for lack of memory`, { code: 'killed', vars: { tool: name, signal } }, { cause: err }));
        else reject(new ProcessingError(detail || err.message, { code: 'tool_failed', vars: { tool: name } }, { output: said || err.message, cause: err }));
      } else resolve({ stdout: String(stdout), stderr: said });
    });
    lowerPriority(child.pid);
  });
}

export const exec = async (file: string, args: string[], options: RunOptions): Promise<string> => (await runTool(file, args, options)).stdout;

interface FfStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  color_transfer?: string;
  color_primaries?: string;
  color_space?: string;
  disposition?: { attached_pic?: number };
  tags?: Record<string, string>;
  /** A display matrix's `rotation` (FFmpeg 5+); older files and FFmpeg say it in `tags.rotate`. */
  side_data_list?: Array<{ rotation?: number | string }>;
}

/**
 * Whether players show the picture turned a quarter: a phone films portrait video as landscape
 * frames with a rotation to apply. ffmpeg applies it when it makes the poster and the web version.
 */
function quarterTurned(stream: FfStream | undefined): boolean {
  const rotation = Number(stream?.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? stream?.tags?.rotate ?? 0);
  return Number.isFinite(rotation) && Math.abs(Math.round(rotation)) % 180 === 90;
}

/** Metadata names that hold a place: QuickTime/MP4 ©xyz (`location`), Apple's ISO 6709 key, GPS tags. */
const LOCATION_TAG = /location|iso6709|gps|xyz/i;

/** ffprobe's view of an audio or video file. */
export async function probeAv(ffprobe: string, file: string, memoryCap?: MemoryCap): Promise<AvProbe> {
  const json = JSON.parse(await exec(ffprobe, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], { timeoutMs: 60_000, memoryCap })) as {
    format?: { duration?: string; bit_rate?: string; tags?: Record<string, string> };
    streams?: FfStream[];
  };
  const streams = json.streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  const picture = streams.find((s) => s.codec_type === 'video');
  const audio = streams.find((s) => s.codec_type === 'audio');
  const num = (v: string | undefined) => (v !== undefined && Number.isFinite(Number(v)) ? Number(v) : undefined);
  const tags = json.format?.tags ?? {};
  const title = tags.title ?? tags.TITLE;
  const turned = quarterTurned(video);
  return {
    duration: num(json.format?.duration),
    bitrate: num(json.format?.bit_rate),
    // As shown, not as stored: the media page, its embed code and oEmbed size the player by these.
    width: turned ? video?.height : video?.width,
    height: turned ? video?.width : video?.height,
    videoCodec: video?.codec_name,
    pixelFormat: video?.pix_fmt,
    audioCodec: audio?.codec_name,
    colorTransfer: video?.color_transfer,
    colorPrimaries: video?.color_primaries,
    colorSpace: video?.color_space,
    hasPicture: Boolean(picture),
    hasVideo: Boolean(video),
    hasLocation: [tags, ...streams.map((st) => st.tags ?? {})].some((t) => Object.keys(t).some((k) => LOCATION_TAG.test(k))),
    title: title ? stripControls(String(title)).trim().slice(0, 200) || undefined : undefined,
  };
}

/**
 * A copy of an audio or video file without its metadata (a phone's location among it): the streams
 * are copied as they are, nothing is re-encoded, so it takes about as long as copying the file.
 */
export async function copyWithoutMetadata(ffmpeg: string, file: string, out: string, memoryCap?: MemoryCap): Promise<void> {
  const run = (maps: string[]) => exec(ffmpeg, ['-v', 'error', '-nostdin', '-y', '-i', file, ...maps, '-c', 'copy', '-map_metadata', '-1', '-map_metadata:s', '-1', out], { timeoutMs: 600_000, memoryCap });
  try {
    await run(['-map', '0']);
  } catch (err) {
    if (err instanceof OutOfMemoryError) throw err;
    // A data track the container cannot take again (a phone's own metadata track): picture and sound only.
    await run(['-map', '0:v?', '-map', '0:a?']);
  }
}

/**
 * One frame as JPEG: at `at` seconds for a video, the cover for audio. `filter` (tone mapping an HDR
 * frame) goes through `-vf`. The decoder, the filters and the JPEG encoder get one thread each:
 * ffmpeg otherwise gives each about one per core (up to 16), every decoding thread holding frames of
 * its own, which saved no time for one frame while a 4K HDR poster tone-mapped with 16 of each
 * needed 3.5 GB of address space instead of 0.8 GB (README, Media).
 */
export async function extractPoster(ffmpeg: string, file: string, out: string, at: number, options: { filter?: string; memoryCap?: MemoryCap } = {}): Promise<void> {
  const { filter, memoryCap } = options;
  const seek = at > 0 ? ['-ss', at.toFixed(2)] : [];
  const vf = filter ? ['-vf', filter] : [];
  // -threads before -i is the decoder's, after it the encoder's.
  await exec(ffmpeg, ['-v', 'error', '-nostdin', '-y', '-filter_threads', '1', '-threads', '1', ...seek, '-i', file, '-map', '0:v:0', ...vf, '-frames:v', '1', '-q:v', '3', '-threads', '1', '-f', 'image2', out], { timeoutMs: 120_000, memoryCap });
  // A seek past the last frame (a duration the file got wrong) ends well with nothing written.
  if (!(await access(out).then(() => true, () => false))) throw new ProcessingError(`${path.basename(ffmpeg)} found no frame to take the poster from`, { code: 'no_frame', vars: { tool: path.basename(ffmpeg) } });
}

/** The waveform picture: a card's proportions (3:2), the wave in its middle 60 %. */
export const WAVEFORM_SIZE = { width: 1600, height: 1067, wave: 640 } as const;

/**
 * The sound's shape as a picture (PNG), what an audio file without a cover shows on cards, its page,
 * feeds and link previews: the wave in slate on a light grey ground, so a card shows a picture's box
 * on a white page too (showwavespic draws on black, which the colour table turns grey; no channel of
 * the wave's colour is 0). showwavespic keeps every sample of the file until its end, so the sound
 * is first made mono at 8 kHz in one-second frames: an hour's file took 120 MB of memory, against
 * 540 MB at 44.1 kHz in the decoder's small frames, and the peaks it draws at this width look the same.
 */
export async function drawWaveform(ffmpeg: string, file: string, out: string, options: { memoryCap?: MemoryCap; signal?: AbortSignal } = {}): Promise<void> {
  const { width, height, wave } = WAVEFORM_SIZE;
  const graph = `[0:a:0]aformat=sample_fmts=s16:channel_layouts=mono,aresample=8000,asetnsamples=n=8000,showwavespic=s=${width}x${wave}:colors=0x33485c:scale=sqrt:draw=full:filter=peak,pad=${width}:${height}:0:(oh-ih)/2:color=black,format=rgb24,lutrgb=r='if(val,val,229)':g='if(val,val,233)':b='if(val,val,238)'`;
  await exec(ffmpeg, ['-v', 'error', '-nostdin', '-y', '-threads', '1', '-i', file, '-filter_threads', '1', '-filter_complex', graph, '-frames:v', '1', '-threads', '1', '-f', 'image2', '-c:v', 'png', out], { timeoutMs: 600_000, memoryCap: options.memoryCap, signal: options.signal });
  if (!(await access(out).then(() => true, () => false))) throw new ProcessingError(`${path.basename(ffmpeg)} drew no waveform`, { code: 'no_frame', vars: { tool: path.basename(ffmpeg) } });
}
