/**
 * Image derivatives throughput: Kiosque's path (header check + one-decode derivatives, WebP twins,
 * made in the image process below the server's priority, as uploads are) against bare sharp
 * pipelines producing the same outputs in this process, in the same run on the same input.
 * Run: npx tsx bench/derivatives.ts [--quick]; the bench suite can import benchDerivatives().
 */
import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { pino } from 'pino';
import { inspectImage, stripLocation } from '../core/media/images.ts';
import { createImageProcess } from '../core/media/image-process.ts';
import { TOOL_NICENESS } from '../core/media/av.ts';
import { mediaSettingsDefaults } from '../core/media/settings.ts';
import { copyFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const cores = os.availableParallelism();
const boxes = mediaSettingsDefaults.boxes;
const specs = [
  { name: 'thumb', box: boxes.thumb },
  { name: 'medium', box: boxes.medium },
  { name: 'large', box: boxes.large },
];
const q = mediaSettingsDefaults.quality;

// As the media service has it, with `cores` images at a time: one libvips thread each.
const images = createImageProcess({ logger: pino({ level: 'warn' }), niceness: TOOL_NICENESS, sharpConcurrency: 1 });

async function kiosque(input: string, out: string) {
  const info = await inspectImage(input, mediaSettingsDefaults);
  await images.makeImageVariants(input, out, specs, { hasAlpha: info.hasAlpha, quality: q, maxPixels: mediaSettingsDefaults.maxPixels });
}

/** The obvious bare code: one sharp pipeline per output file. */
async function bareNaive(input: string, out: string) {
  await Promise.all(
    specs.flatMap(({ name, box }) => {
      const p = () => sharp(input).rotate().resize({ width: box, height: box, fit: 'inside', withoutEnlargement: true });
      return [p().jpeg({ quality: q }).toFile(path.join(out, `${name}.jpg`)), p().webp({ quality: q }).toFile(path.join(out, `${name}.webp`))];
    }),
  );
}

/** The same one-decode technique Kiosque uses, without anything around it. */
async function bareOneDecode(input: string, out: string) {
  const { data, info } = await sharp(input).rotate().resize({ width: boxes.large, height: boxes.large, fit: 'inside', withoutEnlargement: true }).raw().toBuffer({ resolveWithObject: true });
  const base = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
  await Promise.all(
    specs.flatMap(({ name, box }) => {
      const r = base.clone().resize({ width: box, height: box, fit: 'inside', withoutEnlargement: true });
      return [r.clone().jpeg({ quality: q }).toFile(path.join(out, `${name}.jpg`)), r.clone().webp({ quality: q }).toFile(path.join(out, `${name}.webp`))];
    }),
  );
}

async function measure(name: string, fn: (input: string, out: string) => Promise<void>, input: string, work: string, workers: number, ROUNDS: number) {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < ROUNDS) {
        const i = next++;
        const out = path.join(work, `${name}-${i}`);
        await mkdir(out, { recursive: true });
        await fn(input, out);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return ROUNDS / seconds;
}

export type DerivativesBench = Awaited<ReturnType<typeof benchDerivatives>>;

export async function benchDerivatives({ quick = false } = {}) {
  const rounds = quick ? 4 : 24;
  const work = await mkdtemp(path.join(os.tmpdir(), 'kiosque-bench-'));
  try {
    const input = path.join(work, 'photo.jpg');
    const noise = { type: 'gaussian' as const, mean: 128, sigma: 40 };
    await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#808080', noise } }).jpeg({ quality: 90 }).withMetadata({ orientation: 1 }).toFile(input);
    // Same conditions for all: `cores` images at a time, libvips threads shared out as Kiosque does.
    sharp.concurrency(1);
    const workers = cores;
    await kiosque(input, await mkdtemp(path.join(work, 'warm-')));
    const results: Record<string, number> = {};
    // Interleave to spread any drift over all three.
    for (let round = 0; round < 2; round++) {
      for (const [name, fn] of [['kiosque', kiosque], ['bare-one-decode', bareOneDecode], ['bare-naive', bareNaive]] as const) {
        const rate = await measure(`${name}-${round}`, fn, input, work, workers, rounds);
        results[name] = Math.max(results[name] ?? 0, rate);
      }
    }
    const stripCopy = path.join(work, 'strip.jpg');
    await copyFile(input, stripCopy);
    const s0 = performance.now();
    await stripLocation(stripCopy, await inspectImage(stripCopy, mediaSettingsDefaults));
    const stripMs = performance.now() - s0;
    return {
      images: rounds,
      workers,
      cores,
      imagesPerSecond: results as { kiosque: number; 'bare-one-decode': number; 'bare-naive': number },
      ratioToBareOneDecode: results.kiosque! / results['bare-one-decode']!,
      ratioToBareNaive: results.kiosque! / results['bare-naive']!,
      stripOriginalMs: stripMs,
    };
  } finally {
    await images.close();
    await rm(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await benchDerivatives({ quick: process.argv.includes('--quick') });
  console.log(`Derivatives of a 4000×3000 JPEG (thumb ${boxes.thumb}, medium ${boxes.medium}, large ${boxes.large}, each JPEG + WebP), ${r.images} images, ${r.workers} at a time, ${r.cores} cores`);
  for (const [name, rate] of Object.entries(r.imagesPerSecond)) console.log(`  ${name.padEnd(16)} ${rate.toFixed(2)} images/s`);
  console.log(`  ratio kiosque / bare-one-decode: ${r.ratioToBareOneDecode.toFixed(2)}`);
  console.log(`  ratio kiosque / bare-naive:      ${r.ratioToBareNaive.toFixed(2)}`);
  console.log(`  (info) rewriting the original without EXIF/GPS: ${r.stripOriginalMs.toFixed(0)} ms for one image`);
}
