import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import sharp from 'sharp';
import { createImageProcess, type ImageProcess } from '../../core/media/image-process.ts';
import { makeImageVariants } from '../../core/media/images.ts';
import { MediaError } from '../../core/media/errors.ts';
import { TOOL_NICENESS } from '../../core/media/av.ts';
import { tempDir } from '../helpers/app.ts';

let dir: string;
let big: string;
let images: ImageProcess;
const specs = [
  { name: 'thumb', box: 320 },
  { name: 'large', box: 1600 },
];
const options = { hasAlpha: false, quality: 82, maxPixels: 268_402_689 };

before(async () => {
  dir = await tempDir('kiosque-image-process-');
  big = path.join(dir, 'big.png');
  // Noise does not compress: enough work for the process to be seen working.
  await sharp({ create: { width: 5000, height: 3500, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 50 } } }).png({ compressionLevel: 1 }).toFile(big);
  images = createImageProcess({ logger: pino({ level: 'silent' }), niceness: TOOL_NICENESS, sharpConcurrency: 2 });
});
after(() => images.close());

const niceOf = async (statFile: string) => {
  const text = await readFile(statFile, 'utf8').catch(() => '');
  // Fields after the command name (which may hold spaces), in brackets: nice is the 19th field.
  return text ? Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[16]) : undefined;
};

test('derivatives are made in a process below the server’s CPU priority, every thread of it, and come out as in the server', async () => {
  const out = path.join(dir, 'out');
  const job = images.makeImageVariants(big, await tempDir('kiosque-image-process-out-'), specs, options);
  const seen = new Map<string, number>();
  let done = false;
  void job.finally(() => (done = true));
  while (!done) {
    const pid = images.pid;
    if (pid !== undefined) {
      for (const task of await readdir(`/proc/${pid}/task`).catch(() => [] as string[])) {
        const nice = await niceOf(`/proc/${pid}/task/${task}/stat`);
        if (nice !== undefined) seen.set(task, nice);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const made = await job;
  assert.ok(seen.size > 4, `the process's threads were found: ${seen.size}`);
  assert.deepEqual([...new Set(seen.values())], [Math.min(19, os.getPriority() + TOOL_NICENESS)]);

  await mkdir(out);
  const inServer = await makeImageVariants(big, out, specs, options);
  assert.deepEqual(
    Object.fromEntries(Object.entries(made).map(([k, v]) => [k, [v.file, v.mime, v.width, v.height]])),
    Object.fromEntries(Object.entries(inServer).map(([k, v]) => [k, [v.file, v.mime, v.width, v.height]])),
  );
});

test('a refusal made in the process arrives as the same MediaError', async () => {
  const broken = path.join(dir, 'broken.png');
  await writeFile(broken, (await readFile(big)).subarray(0, 2000));
  const err = await images.makeImageVariants(broken, dir, specs, options).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof MediaError, String(err));
  assert.deepEqual([err.code, err.status, err.field], ['corrupt', 400, 'file']);
});

test('a process that dies fails the jobs it held, and the next job starts another', async () => {
  const first = images.makeImageVariants(big, await tempDir('kiosque-image-process-out-'), specs, options);
  while (images.pid === undefined) await new Promise((resolve) => setTimeout(resolve, 10));
  const killed = images.pid;
  process.kill(killed, 'SIGKILL');
  await assert.rejects(first, /image process exited \(SIGKILL\)/);
  const again = await images.makeImageVariants(big, await tempDir('kiosque-image-process-out-'), [{ name: 'thumb', box: 320 }], options);
  assert.equal(again.thumb!.width, 320);
  assert.notEqual(images.pid, killed);
});

test('closing ends the process', async () => {
  await images.makeImageVariants(big, await tempDir('kiosque-image-process-out-'), [{ name: 'thumb', box: 320 }], options);
  const pid = images.pid!;
  assert.ok(existsSync(`/proc/${pid}`));
  await images.close();
  assert.equal(images.pid, undefined);
  assert.ok(!existsSync(`/proc/${pid}`) || (await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => ' ) Z')).includes(') Z'), 'gone (or a zombie the kernel reaps)');
});
