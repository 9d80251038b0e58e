// `npm run bench` (1k, 10k, 100k media; HTTP: 3 alternating rounds of 4 s per side) or
// `npm run bench -- --quick` (200 media, one round of 1 s): generates data, runs every benchmark, prints one table and writes the JSON to
// bench/results/ (or --out <file>).
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeDataset } from './lib/media-data.ts';
import { BENCH_DIR, renderTable, type Row } from './lib/index.ts';
import { runStoreBench, storeRows, type StoreResult } from './store.ts';
import { httpRows, runHttpBench, type HttpRouteResult } from './http.ts';

export interface OptionalBenchOutput {
  rows?: Row[];
  [key: string]: unknown;
}

interface OptionalBench {
  name: string;
  file: string;
  /** Runs the module's benchmark and turns its result into table rows. */
  run(mod: Record<string, unknown>, options: { quick: boolean; sizes: number[] }): Promise<{ output: unknown; rows: Row[] }>;
}

type SearchFigures = Record<string, number>;
type DerivativeFigures = { imagesPerSecond: Record<string, number>; ratioToBareOneDecode: number; ratioToBareNaive: number; images: number; workers: number };

/**
 * Benchmarks that other parts of Kiosque bring. Each is optional: when its file is absent the
 * table says so. A module may also export `runBench({ quick, sizes }) → { rows?, ... }` (Row from
 * bench/lib/table.ts), which takes precedence over the adapters below.
 */
const optionalBenches: OptionalBench[] = [
  {
    name: 'search',
    file: 'search.ts',
    async run(mod, { quick, sizes }) {
      const bench = mod.benchSearch as ((count: number, queries: number) => Promise<SearchFigures>) | undefined;
      if (typeof bench !== 'function') throw new Error('bench/search.ts exports no benchSearch(count, queries)');
      const output: Record<string, SearchFigures> = {};
      const rows: Row[] = [];
      for (const size of sizes) {
        const queries = quick ? 100 : 1000;
        const r = await bench(size, queries);
        output[String(size)] = r;
        rows.push({
          size: String(size),
          measure: `search: ${queries} random queries`,
          value: `p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms (best of 3: ${r.bestOf3P50Ms} / ${r.bestOf3P99Ms} ms); linear scan p50 ${r.scanP50Ms} ms, p99 ${r.scanP99Ms} ms (index ×${r.ratioP50} / ×${r.ratioP99}); build ${r.buildMs} ms, ${r.indexMB} MB`,
          target: 'p50 ≤ 1 ms, p99 ≤ 5 ms, build ≤ 2 s',
          ok: Number(r.p50Ms) <= 1 && Number(r.p99Ms) <= 5 && Number(r.buildMs) <= 2000,
        });
        rows.push({
          size: String(size),
          measure: `search: ${r.broadQueries} broad queries (no text, or a common word or its first letters)`,
          value: `p50 ${r.broadP50Ms} ms, p99 ${r.broadP99Ms} ms; each finds ${Math.round(Number(r.broadAvgShare) * 100)} % of the media on average`,
          target: '(no target: how long the event loop is held)',
          ok: null,
        });
      }
      return { output, rows };
    },
  },
  {
    name: 'derivatives',
    file: 'derivatives.ts',
    async run(mod, { quick }) {
      const bench = mod.benchDerivatives as ((o: { quick: boolean }) => Promise<DerivativeFigures>) | undefined;
      if (typeof bench !== 'function') throw new Error('bench/derivatives.ts exports no benchDerivatives({ quick })');
      const r = await bench({ quick });
      const rate = (n: number | undefined) => (n ?? NaN).toFixed(2);
      return {
        output: r,
        rows: [
          {
            size: '',
            measure: `derivatives: ${r.images} images, ${r.workers} at a time`,
            value: `${rate(r.imagesPerSecond.kiosque)} images/s vs bare sharp ${rate(r.imagesPerSecond['bare-one-decode'])} (naive ${rate(r.imagesPerSecond['bare-naive'])}); ratio ${rate(r.ratioToBareOneDecode)}`,
            target: '≥ 0.8 × bare sharp',
            ok: r.ratioToBareOneDecode >= 0.8,
          },
        ],
      };
    },
  },
];

async function runOptional(bench: OptionalBench, quick: boolean, sizes: number[]): Promise<{ note?: string; output?: unknown; rows: Row[] }> {
  const full = path.join(BENCH_DIR, bench.file);
  if (!existsSync(full)) return { note: `bench/${bench.file} not present yet: skipped`, rows: [] };
  try {
    // Both modules only run their own command line when started directly, so importing is safe.
    const mod = (await import(full)) as Record<string, unknown>;
    if (typeof mod.runBench === 'function') {
      const output = (await (mod.runBench as (o: { quick: boolean; sizes: number[] }) => Promise<OptionalBenchOutput>)({ quick, sizes })) ?? {};
      return { output, rows: Array.isArray(output.rows) ? output.rows : [] };
    }
    return await bench.run(mod, { quick, sizes });
  } catch (err) {
    return { note: `bench/${bench.file} failed: ${(err as Error).message.slice(0, 300)}`, rows: [] };
  }
}

export interface BenchReport {
  date: string;
  quick: boolean;
  machine: { cpus: number; cpuModel: string; memoryGB: number; node: string; loadAverage: number[] };
  sizes: Record<string, { generateMs: number; store: Omit<StoreResult, 'generateMs'>; http: HttpRouteResult[] }>;
  optional: Record<string, { note?: string; output?: unknown }>;
  table: string;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, out: { type: 'string' }, sizes: { type: 'string' }, seconds: { type: 'string' }, rounds: { type: 'string' } } });
  const quick = values.quick;
  const sizes = values.sizes ? values.sizes.split(',').map(Number) : quick ? [200] : [1000, 10000, 100000];
  const seconds = values.seconds ? Number(values.seconds) : quick ? 1 : 4;
  const rounds = values.rounds ? Number(values.rounds) : quick ? 1 : 3;

  const rows: Row[] = [];
  const report: BenchReport = {
    date: new Date().toISOString(),
    quick,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '', memoryGB: Math.round(os.totalmem() / 1e9), node: process.version, loadAverage: os.loadavg() },
    sizes: {},
    optional: {},
    table: '',
  };

  for (const size of sizes) {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), `kiosque-bench-${size}-`));
    try {
      process.stderr.write(`bench: ${size} media: generating…\n`);
      const t = performance.now();
      await writeDataset(dataDir, size, 42, { thumbnails: 100 });
      const generateMs = performance.now() - t;
      process.stderr.write(`bench: ${size} media: store…\n`);
      const store = await runStoreBench(dataDir, size);
      rows.push(...storeRows(store));
      process.stderr.write(`bench: ${size} media: http…\n`);
      const http = await runHttpBench(dataDir, { seconds, rounds });
      rows.push(...httpRows(String(size), http));
      report.sizes[String(size)] = { generateMs, store, http };
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }

  for (const bench of optionalBenches) {
    process.stderr.write(`bench: ${bench.name}…\n`);
    const r = await runOptional(bench, quick, sizes);
    report.optional[bench.name] = { note: r.note, output: r.output };
    rows.push(...r.rows);
    if (r.note) rows.push({ size: '', measure: bench.name, value: r.note, target: '', ok: null });
  }

  report.table = renderTable(rows);
  const out = values.out ?? path.join(BENCH_DIR, 'results', `bench-${report.date.replace(/[:.]/g, '-')}${quick ? '-quick' : ''}.json`);
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(report.table);
  console.log(`\n${quick ? 'quick run' : 'full run'} on ${report.machine.cpus} × ${report.machine.cpuModel}, Node ${report.machine.node}, load average at start ${report.machine.loadAverage.map((n) => n.toFixed(1)).join(' ')}; JSON: ${path.relative(process.cwd(), out)}`);
}

await main();
