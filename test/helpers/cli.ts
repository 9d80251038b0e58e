import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT_DIR } from '../../core/app.ts';

export const BIN = path.join(ROOT_DIR, 'bin', 'kiosque.js');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI through the package's bin launcher, in a clean environment. */
export function cli(args: string[], options: { dataDir?: string; input?: string; env?: NodeJS.ProcessEnv; command?: string[] } = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C', ...options.env };
  if (options.dataDir) env.KIOSQUE_DATA_DIR = options.dataDir;
  const [cmd, ...pre] = options.command ?? [process.execPath, BIN];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd!, [...pre, ...args], { cwd: ROOT_DIR, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += String(c)));
    child.stderr.on('data', (c: Buffer) => (stderr += String(c)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

