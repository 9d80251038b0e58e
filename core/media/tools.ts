import { execFile } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/index.ts';

export type ToolName = 'ffmpeg' | 'ffprobe';

export interface ToolInfo {
  /** The executable that is used; null when none was found. */
  path: string | null;
  /** Where the path came from: the config (media.ffmpegPath / media.ffprobePath), the PATH, or nowhere. */
  source: 'config' | 'PATH' | null;
  /** First line of `<tool> -version`, when it ran. */
  version?: string;
  /** Why the tool cannot be used (not found, or found but failing to run). */
  error?: string;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The first executable named `name` on the PATH, like `which`. */
export function whichOnPath(name: string, envPath = process.env.PATH ?? ''): string | null {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    if (isExecutable(file)) return file;
  }
  return null;
}

function runVersion(file: string): Promise<{ version?: string; error?: string }> {
  return new Promise((resolve) => {
    execFile(file, ['-version'], { timeout: 10_000, maxBuffer: 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        const detail = String(stderr || '').trim().split('\n')[0];
        resolve({ error: detail ? `${err.message.split('\n')[0]} (${detail})` : err.message.split('\n')[0] });
        return;
      }
      resolve({ version: String(stdout).split('\n')[0]?.trim() || 'unknown version' });
    });
  });
}

async function findTool(name: ToolName, configured: string, envPath: string): Promise<ToolInfo> {
  const fromConfig = configured.trim();
  const file = fromConfig || whichOnPath(name, envPath);
  if (!file) return { path: null, source: null, error: `${name} was not found on the PATH` };
  const info: ToolInfo = { path: file, source: fromConfig ? 'config' : 'PATH' };
  return { ...info, ...(await runVersion(file)) };
}

/**
 * Which ffmpeg and ffprobe Kiosque uses: the configured paths (media.ffmpegPath, media.ffprobePath,
 * env KIOSQUE_FFMPEG / KIOSQUE_FFPROBE) when set, otherwise the first on the PATH; each is run
 * with `-version` to tell whether it works.
 */
export async function findTools(config: Pick<Config, 'media'>, envPath = process.env.PATH ?? ''): Promise<Record<ToolName, ToolInfo>> {
  const [ffmpeg, ffprobe] = await Promise.all([
    findTool('ffmpeg', config.media.ffmpegPath, envPath),
    findTool('ffprobe', config.media.ffprobePath, envPath),
  ]);
  return { ffmpeg, ffprobe };
}
