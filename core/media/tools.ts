import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { stoppedReason } from './av.ts';

export type ToolName = 'ffmpeg' | 'ffprobe' | 'pdftoppm' | 'prlimit';

/** What an ffmpeg build offers among what web versions use: builds differ (a minimal one lacks libx264; zscale needs libzimg). */
export interface FfmpegFeatures {
  encoders: { libx264: boolean; aac: boolean };
  /** zscale and tonemap together turn HDR video (HLG, PQ) into SDR. */
  filters: { zscale: boolean; tonemap: boolean };
}

export interface ToolStatus {
  name: ToolName;
  /** The working binary, or null. */
  path: string | null;
  /** Where we looked (the configured path, or each PATH entry that held the name). */
  tried: string[];
  /** Where the candidates came from: the config (media.ffmpegPath, media.ffprobePath, media.pdftoppmPath), the PATH, or nowhere. */
  source: 'config' | 'PATH' | null;
  version?: string;
  /** ffmpeg only, once it runs: its encoders and filters that matter here; absent when it would not list them. */
  features?: FfmpegFeatures;
  /** Why the binary is unusable: not found, or the error it gave when run. */
  error?: string;
}

export interface MediaTools {
  ffmpeg: ToolStatus;
  ffprobe: ToolStatus;
  /** Optional (poppler-utils): without it PDFs keep their placeholder. Not part of `ok`. */
  pdftoppm: ToolStatus;
  /** util-linux's prlimit, from the PATH: caps the memory ffmpeg, ffprobe and pdftoppm may take. Optional. */
  prlimit: ToolStatus;
  /** ffmpeg and ffprobe both run: audio and video can be processed. */
  ok: boolean;
  /** How to fix what is missing, for the admin page and `kiosque doctor`. */
  help?: string;
  /** How to get PDF previews, while pdftoppm is missing. */
  pdfHelp?: string;
}

/** How to get the tools: the Debian/Ubuntu command, or the settings naming where they are (the admin page words the rest). */
export const FFMPEG_INSTALL = { command: 'apt-get install ffmpeg', settings: 'media.ffmpegPath / media.ffprobePath (KIOSQUE_FFMPEG / KIOSQUE_FFPROBE)' };
export const PDFTOPPM_INSTALL = { command: 'apt-get install poppler-utils', settings: 'media.pdftoppmPath (KIOSQUE_PDFTOPPM)' };
export const INSTALL_HINT = `${FFMPEG_INSTALL.command} (Debian/Ubuntu), or set ${FFMPEG_INSTALL.settings}`;
export const PDF_INSTALL_HINT = `${PDFTOPPM_INSTALL.command} (Debian/Ubuntu), or set ${PDFTOPPM_INSTALL.settings}`;

/** How each tool tells its version: ffmpeg and ffprobe on stdout, pdftoppm on stderr. */
const VERSION_ARG: Record<ToolName, string> = { ffmpeg: '-version', ffprobe: '-version', pdftoppm: '-v', prlimit: '--version' };

const RUN_LIMITS = { timeoutMs: 10_000, maxBuffer: 4 * 1024 * 1024 };

/** Runs a tool; resolves with its stdout (or, when that is empty, its stderr: pdftoppm -v). */
function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: RUN_LIMITS.timeoutMs, maxBuffer: RUN_LIMITS.maxBuffer }, (err, stdout, stderr) => {
      if (!err) return resolve(String(stdout).trim() ? String(stdout) : String(stderr));
      // A tool that hangs or floods says so, rather than "Command failed".
      const stopped = stoppedReason(err, path.basename(file), RUN_LIMITS);
      if (stopped) return reject(stopped);
      // What the binary said on stderr (a missing library, say) is the useful part of the error.
      const said = String(stderr || '').trim().split('\n')[0];
      reject(new Error(said ? `${err.message.split('\n')[0]} (${said})` : err.message.split('\n')[0]));
    });
  });
}

async function executable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function findOne(name: ToolName, configured: string, envPath: string): Promise<ToolStatus> {
  let candidates: string[];
  if (configured) candidates = [configured];
  else {
    candidates = [];
    for (const dir of envPath.split(path.delimiter).filter(Boolean)) {
      const file = path.join(dir, name);
      if (await executable(file)) candidates.push(file);
    }
    if (candidates.length === 0) return { name, path: null, tried: [], source: null, error: `${name} not found on the PATH` };
  }
  const source = configured ? 'config' : 'PATH';
  const errors: string[] = [];
  for (const file of candidates) {
    try {
      const version = (await run(file, [VERSION_ARG[name]])).trim().split('\n')[0] ?? '';
      const features = name === 'ffmpeg' ? await ffmpegFeatures(file).catch(() => undefined) : undefined;
      return { name, path: file, tried: candidates, source, version, ...(features ? { features } : {}) };
    } catch (err) {
      errors.push(`${file}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  return { name, path: null, tried: candidates, source, error: errors.join('; ') };
}

/** Names in the first column after the flags of `ffmpeg -encoders` / `ffmpeg -filters` (" V....D libx264  …", " .S. zscale  V->V …"). */
function listed(output: string): Set<string> {
  const names = new Set<string>();
  for (const line of output.split('\n')) {
    const m = /^\s*[A-Z.|]{3,6}\s+(\S+)\s/.exec(line);
    if (m) names.add(m[1]!);
  }
  return names;
}

export async function ffmpegFeatures(ffmpeg: string): Promise<FfmpegFeatures> {
  const [encoders, filters] = (await Promise.all([run(ffmpeg, ['-hide_banner', '-encoders']), run(ffmpeg, ['-hide_banner', '-filters'])])).map(listed) as [Set<string>, Set<string>];
  return { encoders: { libx264: encoders.has('libx264'), aac: encoders.has('aac') }, filters: { zscale: filters.has('zscale'), tonemap: filters.has('tonemap') } };
}

/** Finds ffmpeg, ffprobe and pdftoppm (configured paths first, else PATH), and prlimit (PATH), and checks that they run. */
export async function findTools(config: { media: { ffmpegPath: string; ffprobePath: string; pdftoppmPath?: string } }, envPath = process.env.PATH ?? ''): Promise<MediaTools> {
  const [ffmpeg, ffprobe, pdftoppm, prlimit] = await Promise.all([
    findOne('ffmpeg', config.media.ffmpegPath, envPath),
    findOne('ffprobe', config.media.ffprobePath, envPath),
    findOne('pdftoppm', config.media.pdftoppmPath ?? '', envPath),
    findOne('prlimit', '', envPath),
  ]);
  const ok = Boolean(ffmpeg.path && ffprobe.path);
  return { ffmpeg, ffprobe, pdftoppm, prlimit, ok, help: ok ? undefined : INSTALL_HINT, pdfHelp: pdftoppm.path ? undefined : PDF_INSTALL_HINT };
}
