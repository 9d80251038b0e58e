import { rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { StoredFile } from '../store/index.ts';
import { exec, probeAv, type AvProbe } from './av.ts';
import type { MemoryCap } from './memory-cap.ts';
import { ProcessingError } from './failure.ts';

/** The variant name of the version browsers play, served at `/files/:id/web`. */
export const WEB_VARIANT = 'web';

/** The largest video every browser is given without a web version (config `media.webVideoMaxWidth`, `media.webVideoMaxKbps`). */
export interface WebLimits {
  /** Pixels, on the frame's longer side: a portrait phone video (often stored landscape with a rotation) gets the same bound. */
  maxWidth: number;
  /** Bits per second, the whole file's (ffprobe's format bitrate). */
  maxBitrate: number;
}

/** Containers browsers play, by the MIME type detection gave the original (core/media/detect.ts). MOV is not one of them. */
const webContainers = new Set(['video/mp4', 'video/webm', 'video/ogg', 'audio/mp4', 'audio/mpeg', 'audio/ogg', 'audio/flac', 'audio/wav']);
const webVideoCodecs = new Set(['h264', 'vp8', 'vp9', 'av1', 'theora']);
const webAudioCodecs = new Set(['aac', 'mp3', 'opus', 'vorbis', 'flac']);
/** Uncompressed audio plays from WAV only, in the sample formats every browser reads. */
const wavCodecs = /^pcm_(?:u8|s16le|s24le|s32le|f32le)$/;
/** 10-bit or 4:2:2 H.264 (from cameras) has no hardware decoder in browsers; they refuse it or stutter. */
const webH264PixelFormats = new Set(['yuv420p', 'yuvj420p']);

export type NotPlayableReason = 'container' | 'video-codec' | 'pixel-format' | 'audio-codec' | 'size' | 'bitrate';

/**
 * How the web version is made: `copy` puts the streams as they are into MP4 (M4A for audio), when
 * only the container is wrong (a phone's H.264 + AAC in a MOV): seconds, and not a pixel lost;
 * `copy-video` copies the picture and encodes the sound to AAC (H.264 + PCM in a MOV); `encode`
 * encodes everything (H.264 + AAC, or AAC alone).
 */
export type WebMethod = 'copy' | 'copy-video' | 'encode';

export type PlayabilityInput = Pick<AvProbe, 'hasVideo' | 'videoCodec' | 'pixelFormat' | 'audioCodec' | 'width' | 'height' | 'bitrate'> & { mime: string };

/** Streams that play from an MP4 in every browser, so copying them there is enough. */
const mp4VideoCopy = new Set(['h264']);
const mp4AudioCopy = new Set(['aac', 'mp3']);

/**
 * Whether browsers play the original as it is: a web container, codecs they decode and, for
 * video, a frame and a bitrate within the limits. Otherwise the reasons, and how the web version is
 * made (`method`, null when none is needed). What probing did not find (no audio stream, unknown
 * bitrate) is no reason.
 */
export function webPlayability(input: PlayabilityInput, limits: WebLimits): { playable: boolean; reasons: NotPlayableReason[]; method: WebMethod | null } {
  const reasons: NotPlayableReason[] = [];
  if (!webContainers.has(input.mime)) reasons.push('container');
  if (input.hasVideo) {
    if (!input.videoCodec || !webVideoCodecs.has(input.videoCodec)) reasons.push('video-codec');
    else if (input.videoCodec === 'h264' && input.pixelFormat && !webH264PixelFormats.has(input.pixelFormat)) reasons.push('pixel-format');
    if (Math.max(input.width ?? 0, input.height ?? 0) > limits.maxWidth) reasons.push('size');
    if ((input.bitrate ?? 0) > limits.maxBitrate) reasons.push('bitrate');
  }
  if (input.audioCodec && !webAudioCodecs.has(input.audioCodec) && !(input.mime === 'audio/wav' && wavCodecs.test(input.audioCodec))) reasons.push('audio-codec');
  if (reasons.length === 0) return { playable: true, reasons, method: null };
  return { playable: false, reasons, method: webMethod(input, reasons) };
}

function webMethod(input: PlayabilityInput, reasons: NotPlayableReason[]): WebMethod {
  // Only the container or the sound is wrong: the rest may be copied, if an MP4 takes it as it is.
  if (!reasons.every((r) => r === 'container' || r === 'audio-codec')) return 'encode';
  const audioCopies = !input.audioCodec || mp4AudioCopy.has(input.audioCodec);
  if (!input.hasVideo) return audioCopies ? 'copy' : 'encode';
  if (!mp4VideoCopy.has(input.videoCodec ?? '')) return 'encode';
  return audioCopies ? 'copy' : 'copy-video';
}

/** The transfers of HDR video: PQ (HDR10, Dolby Vision's base) and HLG (phones, broadcast). */
export type HdrTransfer = 'smpte2084' | 'arib-std-b67';

/** The HDR transfer of the video stream ffprobe described, if it has one. */
export function hdrTransfer(probe: Pick<AvProbe, 'colorTransfer'>): HdrTransfer | undefined {
  return probe.colorTransfer === 'smpte2084' || probe.colorTransfer === 'arib-std-b67' ? probe.colorTransfer : undefined;
}

/** ffprobe's names that zscale also takes; another (or none) is taken for HDR's usual BT.2020. */
const zscalePrimaries = new Set(['bt709', 'bt2020', 'smpte431', 'smpte432']);
const zscaleMatrices = new Set(['bt709', 'bt2020nc', 'bt2020c']);

/**
 * The filter chain that turns an HDR frame into SDR BT.709 8-bit 4:2:0: to linear light (100 nits
 * as SDR white), BT.709 primaries, Hable's curve for the highlights, back to BT.709's transfer in
 * TV range. The input's colours are named rather than read from the frames, which do not always
 * carry what the container said.
 */
export function toneMapFilter(probe: Pick<AvProbe, 'colorTransfer' | 'colorPrimaries' | 'colorSpace'> & { colorTransfer: HdrTransfer }): string {
  const pin = probe.colorPrimaries && zscalePrimaries.has(probe.colorPrimaries) ? probe.colorPrimaries : 'bt2020';
  const min = probe.colorSpace && zscaleMatrices.has(probe.colorSpace) ? probe.colorSpace : 'bt2020nc';
  return [`zscale=tin=${probe.colorTransfer}:pin=${pin}:min=${min}:t=linear:npl=100`, 'format=gbrpf32le', 'zscale=p=bt709', 'tonemap=tonemap=hable:desat=0', 'zscale=t=bt709:m=bt709:r=tv', 'format=yuv420p'].join(',');
}

/**
 * Whether a web version made before still does (a retry, `media:regenerate` after the limits were
 * lowered): a video's frame and average bitrate within the limits. Audio always fits.
 */
export function webVersionFits(web: StoredFile, limits: WebLimits, duration: number | undefined): boolean {
  if (!web.mime.startsWith('video/')) return true;
  if (Math.max(web.width ?? 0, web.height ?? 0) > limits.maxWidth) return false;
  return !duration || (web.size * 8) / duration <= limits.maxBitrate;
}

export interface WebOutput {
  /** Audio-only originals (and video files without a picture) become M4A: AAC is in every ffmpeg build. */
  kind: 'video' | 'audio';
  file: string;
  mime: string;
}

export function webOutput(hasVideo: boolean): WebOutput {
  return hasVideo ? { kind: 'video', file: 'web.mp4', mime: 'video/mp4' } : { kind: 'audio', file: 'web.m4a', mime: 'audio/mp4' };
}

export interface WebArgsOptions {
  kind: WebOutput['kind'];
  method: WebMethod;
  limits: WebLimits;
  threads: number;
  /** The tone-mapping chain (toneMapFilter) for an HDR video that is encoded. */
  toneMap?: string;
}

/**
 * ffmpeg's arguments for the web version. Encoded: H.264 (libx264, veryfast, CRF 23, capped at the
 * bitrate ceiling) in 4:2:0, scaled down (never up) so that the longer side fits, even dimensions,
 * tone-mapped to BT.709 when HDR, AAC stereo; or AAC alone for audio. Copied: the first picture and
 * sound streams as they are (a phone's data tracks stay behind). The index at the front
 * (`+faststart`) lets playback start before the whole file has arrived. `threads` bounds the
 * encoder to its share of the cores.
 */
export function webVersionArgs(input: string, out: string, options: WebArgsOptions): string[] {
  const { kind, method, limits, threads, toneMap } = options;
  const common = ['-v', 'error', '-nostdin', '-y', '-i', input, '-map_metadata', '-1'];
  const mp4 = ['-movflags', '+faststart', '-f', 'mp4', out];
  const aac = (kbps: number) => ['-c:a', 'aac', '-b:a', `${kbps}k`];
  if (kind === 'audio') return [...common, '-map', '0:a:0', '-vn', ...(method === 'copy' ? ['-c:a', 'copy'] : [...aac(192), '-threads', String(threads)]), ...mp4];
  const maps = ['-map', '0:v:0', '-map', '0:a:0?'];
  if (method === 'copy') return [...common, ...maps, '-c', 'copy', ...mp4];
  if (method === 'copy-video') return [...common, ...maps, '-c:v', 'copy', ...aac(128), '-ac', '2', '-threads', String(threads), ...mp4];
  const box = limits.maxWidth;
  const kbps = Math.round(limits.maxBitrate / 1000);
  const scale = `scale=w='min(iw,${box})':h='min(ih,${box})':force_original_aspect_ratio=decrease:force_divisible_by=2`;
  return [
    ...common,
    ...maps,
    // Scaled first: tone mapping works in 32-bit float, on fewer pixels that way.
    '-vf', toneMap ? `${scale},${toneMap}` : scale,
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p',
    // The encoder takes its colour tags from the source, not from the filters' output.
    ...(toneMap ? ['-color_primaries', 'bt709', '-color_trc', 'bt709', '-colorspace', 'bt709'] : []),
    '-maxrate', `${kbps}k`, '-bufsize', `${kbps * 2}k`,
    ...aac(128), '-ac', '2',
    '-threads', String(threads),
    ...mp4,
  ];
}

/**
 * How long the encoding may take: generous (a slow machine, one core, a 4K HEVC source decodes
 * and encodes at a few times real time), yet an ffmpeg stuck on a broken file ends.
 */
export function webTimeoutMs(duration: number | undefined): number {
  if (!duration || !Number.isFinite(duration)) return 6 * 3600_000;
  return 10 * 60_000 + Math.ceil(duration * 20) * 1000;
}

export interface MakeWebOptions {
  hasVideo: boolean;
  method: WebMethod;
  duration?: number;
  limits: WebLimits;
  threads: number;
  toneMap?: string;
  signal?: AbortSignal;
  logger: Logger;
  /** Address-space caps for ffmpeg and for ffprobe (which checks what ffmpeg made). */
  memoryCaps?: { ffmpeg?: MemoryCap; ffprobe?: MemoryCap };
}

/**
 * Makes the web version of `input` in `dir`: written under a temporary name and renamed once
 * complete, so a half-written file is never served. What ffmpeg refuses is done the plainer way,
 * logged: a copy (timestamps an MP4 cannot hold, say) is encoded instead, and tone mapping that
 * fails (colours zscale cannot convert) is left out, since a washed-out picture beats none.
 * Returns it as a stored file (name relative to `dir`) and how it was made.
 */
export async function makeWebVersion(tools: { ffmpeg: string; ffprobe: string }, input: string, dir: string, options: MakeWebOptions): Promise<{ file: StoredFile; method: WebMethod; toneMapped: boolean }> {
  const output = webOutput(options.hasVideo);
  const tmp = path.join(dir, `.${output.file}-${randomBytes(4).toString('hex')}.part`);
  const final = path.join(dir, output.file);
  const attempts: Array<{ method: WebMethod; toneMap?: string; fallback?: string }> = [{ method: options.method, toneMap: options.toneMap }];
  if (options.method !== 'encode') attempts.push({ method: 'encode', toneMap: options.toneMap, fallback: 'copying the streams for the web version failed; encoding them instead' });
  if (options.toneMap) attempts.push({ method: 'encode', fallback: 'tone mapping the HDR video failed; its web version is encoded without it (washed out)' });
  try {
    let done: (typeof attempts)[number] | undefined;
    for (const [i, attempt] of attempts.entries()) {
      try {
        const args = webVersionArgs(input, tmp, { kind: output.kind, method: attempt.method, limits: options.limits, threads: options.threads, toneMap: attempt.toneMap });
        await exec(tools.ffmpeg, args, { timeoutMs: webTimeoutMs(options.duration), signal: options.signal, memoryCap: options.memoryCaps?.ffmpeg });
        done = attempt;
        break;
      } catch (err) {
        const next = attempts[i + 1];
        if (!next || options.signal?.aborted) throw err;
        options.logger.warn({ method: attempt.method, toneMap: Boolean(attempt.toneMap), reason: (err as Error).message.slice(0, 300) }, next.fallback);
      }
    }
    const made = await probeAv(tools.ffprobe, tmp, options.memoryCaps?.ffprobe);
    if (output.kind === 'video' && made.videoCodec !== 'h264') throw new ProcessingError(`the web version came out as ${made.videoCodec ?? 'no video'}, not H.264`, { code: 'web_codec', vars: { codec: made.videoCodec ?? '?' } });
    const { size } = await stat(tmp);
    await rename(tmp, final);
    return { method: done!.method, toneMapped: Boolean(done!.toneMap && done!.method === 'encode'), file: { file: output.file, mime: output.mime, size, ...(made.width && made.height ? { width: made.width, height: made.height } : {}) } };
  } finally {
    await rm(tmp, { force: true });
  }
}
