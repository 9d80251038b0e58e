// `npm run bench` (1k, 10k, 100k media; HTTP: 3 alternating rounds of 4 s per side) or
// `npm run bench -- --quick` (200 media, one round of 1 s): generates data, runs every benchmark, prints one table and writes the JSON to
// bench/results/ (or --out <file>).
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeDataset } from './lib/media-data.ts';
import { BENCH_DIR, renderTable, runChild, type Row } from './lib/index.ts';
import { runStoreBench, storeRows, type StoreResult } from './store.ts';
import { httpRows, runHttpBench, type HttpRouteResult } from './http.ts';

export interface OptionalBenchOutput {
  rows?: Row[];
  [key: string]: unknown;
}

/**
 * Benchmarks that other parts of Kiosque bring (search, derivatives). Each is optional: when its
 * file is absent the table says so. A module exporting `runBench({ quick, sizes })` is imported and
 * its result kept (its `rows`, if any, join the table); any other script is run as a child process
 * with `--json` (and `--quick`), and its last output line is kept (as JSON if it parses).
 */
const optionalBenches = [
  { name: 'search', file: 'search.ts' },
  { name: 'derivatives', file: 'derivatives.ts' },
];

async function runOptional(file: string, quick: boolean, sizes: number[]): Promise<{ note?: string; output?: unknown; rows: Row[] }> {
  const full = path.join(BENCH_DIR, file);
  if (!existsSync(full)) return { note: `bench/${file} not present yet: skipped`, rows: [] };
  const source = await readFile(full, 'utf8');
  if (/export\s+(async\s+)?function\s+runBench\b|export\s+const\s+runBench\b/.test(source)) {
    const mod = (await import(full)) as { runBench: (o: { quick: boolean; sizes: number[] }) => Promise<OptionalBenchOutput> };
    const output = await mod.runBench({ quick, sizes });
    return { output, rows: Array.isArray(output?.rows) ? output.rows : [] };
  }
  try {
    const output = await runChild(full, ['--json', ...(quick ? ['--quick'] : [])]);
    return { output, rows: [] };
  } catch (err) {
    return { note: `bench/${file} failed or printed no JSON (${(err as Error).message.slice(0, 200)}); give it a runBench() export`, rows: [] };
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
      await writeDataset(dataDir, size);
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
    const r = await runOptional(bench.file, quick, sizes);
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
