import { spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const BENCH_DIR = path.resolve(import.meta.dirname, '..');

/** True when `moduleUrl` is the script node was started with. */
export function isMain(moduleUrl: string): boolean {
  return !!process.argv[1] && moduleUrl === pathToFileURL(path.resolve(process.argv[1])).href;
}

/** Runs `fn` and reports its wall time and the longest event-loop block seen meanwhile (1 ms resolution). */
export async function measured<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number; blockMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const start = performance.now();
  const value = await fn();
  const ms = performance.now() - start;
  // Let the monitor's timer fire once more, so a block at the very end is recorded.
  await new Promise((r) => setTimeout(r, 2));
  h.disable();
  return { value, ms, blockMs: h.max / 1e6 };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs a bench script in a fresh Node process (so RSS and startup are its own) and returns its JSON output line. */
export function runChild(script: string, args: string[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'], cwd: path.resolve(BENCH_DIR, '..') });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${path.basename(script)} ${args.join(' ')} exited with ${code}`));
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line));
      } catch {
        reject(new Error(`${path.basename(script)} printed no JSON: ${out.slice(-500)}`));
      }
    });
  });
}

export const round = (n: number, digits = 1) => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : n);
