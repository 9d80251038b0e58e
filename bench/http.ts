// HTTP benchmark: the real app, anonymous visitor, 10 connections, against baselines measured in
// the same run (bare Express 5 `res.send` of the same HTML; `express.static` of the same file).
// The servers run in a child process (`--serve`), autocannon in this one, so they do not share a core's event loop.
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, rmSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import express from 'express';
import autocannon from 'autocannon';
import { pino } from 'pino';
import { loadConfig } from '../core/config/index.ts';
import { createLogger } from '../core/logger/index.ts';
import { openLowdbStore, type Store } from '../core/store/index.ts';
import { createApp, ROOT_DIR } from '../core/app.ts';
import { BENCH_DIR, isMain, renderTable, round, type Row } from './lib/index.ts';
import { writeThumbnails } from './lib/media-data.ts';
import { startEncoding, startPhotoWork, type BackgroundWork, type EncodePriority, type EncodingRun } from './lib/encoder.ts';
import { findTools } from '../core/media/tools.ts';

/** What a route needs to know about the data folder to build its URL. */
export interface RouteContext {
  /** A published image with a thumbnail. */
  mediaId: string;
  mediaSlug: string;
  /** `?q=…&kw=…&kw=…&type=…`: text, two keywords and a type that find that media. */
  search: string;
}

export interface HttpRoute {
  name: string;
  path: (ctx: RouteContext) => string;
  /** html: bare Express res.send of the same body; static: express.static serving the same bytes. */
  baseline: 'html' | 'static';
  /** The ratio to the baseline that issue 8 asks for. */
  target: number;
  /** What a browser sends for it (default: a page's Accept). */
  accept?: string;
  /**
   * Also measure the page's templates alone: bare Express rendering the context the app built for
   * this page with the app's own view engine (no middleware, no search). Informational: it shows
   * how much of the gap to bare Express rendering itself takes.
   */
  renderAlone?: boolean;
  /**
   * Every request a URL never asked before (a cache-busting `_=n` parameter, as scripts add), so
   * the page cache never answers: what rendering a query costs. For reference, no target.
   */
  everyUrlNew?: boolean;
  /**
   * While the app is measured, an editor saves a media item (its description, through the media
   * service, as the edit form does) every this many ms: each save drops the page cache, so the
   * next visitors wait for a page rendered again. For reference, no target: what editors' work
   * costs visitors.
   */
  editEveryMs?: number;
  /**
   * While the app is measured, a video is encoded on every core (1080p H.264, as a web version is
   * made): `lowered` as the app runs its media tools, below the server's CPU priority; `server` the
   * same encoding at the server's priority, what it cost visitors before. For reference, no target.
   */
  encodeDuring?: EncodePriority;
  /** What `encodeDuring` runs: a video's encoding (the default), or photos' derivatives. */
  work?: BackgroundWork;
  /**
   * Asked by a signed-in member (a session cookie), for whom every page is drawn anew: no page
   * cache answers them. For reference, no target: what an intranet's visitors, all signed in, get.
   */
  signedIn?: boolean;
}

/** A browser's Accept for a page, and for an <img>. */
const PAGE_ACCEPT = 'text/html,application/xhtml+xml,*/*;q=0.8';
const IMAGE_ACCEPT = 'image/avif,image/webp,image/apng,image/*,*/*;q=0.8';
const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

/**
 * The routes measured. A route that does not answer 200 today (before its feature lands) is
 * reported as "n/a (<status>)"; add a route by adding a line here.
 */
export const httpRoutes: HttpRoute[] = [
  { name: 'homepage', path: () => '/', baseline: 'html', target: 0.8 },
  { name: 'media page', path: (c) => `/media/${c.mediaId}/${c.mediaSlug}`, baseline: 'html', target: 0.8 },
  { name: 'search', path: (c) => `/search${c.search}`, baseline: 'html', target: 0.45 },
  { name: 'search, a new query every request', path: (c) => `/search${c.search}`, baseline: 'html', target: 0.45, renderAlone: true, everyUrlNew: true },
  { name: 'thumbnail', path: (c) => `/files/${c.mediaId}/thumb`, baseline: 'static', target: 0.8, accept: IMAGE_ACCEPT },
  { name: 'homepage while a video is encoded', path: () => '/', baseline: 'html', target: 0.8, encodeDuring: 'lowered' },
  { name: 'homepage while a video is encoded at the server’s priority', path: () => '/', baseline: 'html', target: 0.8, encodeDuring: 'server' },
  { name: 'homepage while photos are processed', path: () => '/', baseline: 'html', target: 0.8, encodeDuring: 'lowered', work: 'photos' },
  { name: 'homepage while photos are processed at the server’s priority', path: () => '/', baseline: 'html', target: 0.8, encodeDuring: 'server', work: 'photos' },
  // Last: its edits change media descriptions in the data folder (nothing the routes above search for).
  { name: 'homepage while an editor saves twice a second', path: () => '/', baseline: 'html', target: 0.8, editEveryMs: 500 },
  { name: 'homepage, signed-in member', path: () => '/', baseline: 'html', target: 0.8, signedIn: true },
];

export const p99TargetMs = 25;

interface ServedRoute {
  name: string;
  path: string;
  status: number;
  baselinePath?: string;
  /** On the baseline server: the same page rendered from its captured context, nothing else. */
  renderAlonePath?: string;
  accept: string;
  /** X-Page-Cache of a second request: shows whether anonymous visitors get the cached page. */
  pageCache?: string;
  everyUrlNew?: boolean;
  editEveryMs?: number;
  encodeDuring?: EncodePriority;
  work?: BackgroundWork;
  /** The session cookie the app's requests carry (routes with `signedIn`). */
  cookie?: string;
}

interface Measure {
  rps: number;
  /** Server CPU time per request (µs): app and baseline run in the same child process. */
  cpuMicrosPerRequest: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** Of the app's requests in the measured run, the share the page cache answered (app measures only). */
  pageCacheHitShare?: number;
  /** Saves made by the editor during the measured run (routes with `editEveryMs`). */
  edits?: number;
  /** Frames (photos, for `work: 'photos'`) per second the background work made during the measured run (routes with `encodeDuring`). */
  encodedFps?: number;
  /** Why the background encoding stopped early, if it did. */
  encodeError?: string;
}

export interface HttpRouteResult {
  name: string;
  path: string;
  status: number;
  /** hit, miss, or none (not cacheable) on the request after the first. */
  pageCache: string | null;
  app: Measure | null;
  baseline: (Measure & { kind: 'html' | 'static' }) | null;
  /** Bare Express rendering the page's templates from a fixed context, when the route asks for it. */
  renderAlone: Measure | null;
  /** renderAlone req/s ÷ baseline req/s: the most the app could reach while it renders with these templates. */
  renderAloneRatio: number | null;
  /** app req/s ÷ baseline req/s, both measured in this run. */
  ratio: number | null;
  /** baseline CPU per request ÷ app CPU per request: the same ratio, steadier on a busy machine. */
  cpuRatio: number | null;
  target: number;
}

/**
 * A data folder's first published image with a thumbnail (its thumbnail files are made if missing),
 * and a search a visitor could type for it: a word of its title, two of its keywords, its type.
 */
async function prepareContext(dataDir: string, store: Store): Promise<RouteContext> {
  const media = (await store.media.list()).slice(0, 1000);
  const m = media.find((x) => x.status === 'published' && x.type === 'image' && x.variants.thumb) ?? media[0];
  if (!m) return { mediaId: '1', mediaSlug: '', search: '?q=media' };
  if (m.variants.thumb && !existsSync(path.join(dataDir, 'files', m.variants.thumb.file))) await writeThumbnails(dataDir, m);
  const groups = new Map((await store.keywordGroups.list()).map((g) => [g.id, g.slug]));
  const refs: string[] = [];
  for (const id of m.keywordIds.slice(0, 2)) {
    const k = await store.keywords.get(id);
    if (k && groups.has(k.groupId)) refs.push(`${groups.get(k.groupId)}/${k.slug}`);
  }
  const word = m.title.split(/[^\p{L}]+/u).find((w) => w.length > 3) ?? m.title;
  const params = new URLSearchParams([['q', word.toLowerCase()], ...refs.map((r) => ['kw', r]), ['type', m.type]]);
  return { mediaId: m.id, mediaSlug: m.slug, search: `?${params}` };
}

/**
 * A member account made for the bench, signed in through the login form as a browser would: the
 * session cookie its requests then carry.
 */
async function signInMember(app: Awaited<ReturnType<typeof createApp>>, base: string): Promise<string> {
  const password = randomBytes(12).toString('hex');
  const username = `bench-${randomBytes(4).toString('hex')}`;
  await app.kiosque.users.create({ username, password, role: 'member' });
  const cookieOf = (res: Response) => res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const form = await fetch(`${base}/login`, { headers: { accept: PAGE_ACCEPT } });
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  const signedIn = await fetch(`${base}/login`, { method: 'POST', redirect: 'manual', headers: { cookie: cookieOf(form), 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ username, password, _csrf: token }) });
  if (signedIn.status !== 303) throw new Error(`the bench's member could not sign in (${signedIn.status})`);
  return cookieOf(signedIn);
}

function listen(app: express.Express | ReturnType<typeof express>): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer(app).listen(0, '127.0.0.1', () => {
      const addr = server.address();
      resolve({ server, port: typeof addr === 'object' && addr ? addr.port : 0 });
    });
  });
}

/** Child process: the app and the baselines on two ports; prints their description as one JSON line. */
async function serve(dataDir: string): Promise<void> {
  const config = loadConfig({ configDir: path.join(ROOT_DIR, 'config'), env: {}, overrides: { dataDir, log: { level: (process.env.BENCH_LOG_LEVEL ?? 'info') as 'info', pretty: false } } });
  // The app logs every request as in production (pino's default: one synchronous write per line), into /dev/null.
  const logger = createLogger({ level: config.log.level, pretty: false, destination: pino.destination({ dest: '/dev/null', sync: true }) as unknown as NodeJS.WritableStream });
  const store = await openLowdbStore({ dataDir });
  const ctx = await prepareContext(dataDir, store);
  const app = await createApp({ config, store, logger });
  const appServer = await listen(app);
  // The context each page was rendered from (by path), for the routes measured with `renderAlone`.
  // The filter is removed once the routes are prepared, so the measured app runs without it.
  const contexts = new Map<string, { template: string; context: Record<string, unknown> }>();
  const stopCapture = app.kiosque.hooks.filter(
    'page.context',
    (context, meta) => {
      const { template, path: at } = meta as { template: string; path: string };
      contexts.set(at, { template, context: context as Record<string, unknown> });
      return context;
    },
    { owner: 'bench' },
  );

  const baseline = express();
  const staticDir = await mkdtemp(path.join(os.tmpdir(), 'kiosque-bench-static-'));
  process.once('exit', () => rmSync(staticDir, { recursive: true, force: true }));
  const bodies: string[] = [];
  baseline.get('/html/:i', (req, res) => {
    res.send(bodies[Number(req.params.i)]);
  });
  baseline.use('/static', express.static(staticDir));
  const captured: Array<{ template: string; context: Record<string, unknown> }> = [];
  const engine = app.kiosque.engine;
  baseline.get('/render/:i', async (req, res) => {
    const page = captured[Number(req.params.i)]!;
    res.send(await engine.render({ theme: String(page.context.theme), names: [page.template], context: page.context }));
  });
  // This process's CPU time: the parent reads it around each run to get CPU per request, a figure
  // that holds on a busy machine where req/s swings with what else runs.
  baseline.get('/__cpu', (_req, res) => {
    const u = process.cpuUsage();
    res.json({ micros: u.user + u.system });
  });
  // The editor of the routes with `editEveryMs`: saves a published media item's description every
  // `every` ms through the media service (validation, store, search index, page cache invalidation).
  let editor: { timer: NodeJS.Timeout; edits: number } | undefined;
  const editable = (await store.media.list()).slice(0, 200).filter((m) => m.status === 'published' && m.id !== ctx.mediaId).map((m) => m.id);
  baseline.get('/__editor/start', (req, res) => {
    const every = Number(req.query.every);
    let busy = false;
    const state = { edits: 0, timer: setInterval(() => {
      if (busy || !editable.length) return;
      busy = true;
      const id = editable[state.edits % editable.length]!;
      app.kiosque.media.update(id, { description: `Edited by the benchmark's editor (${new Date().toISOString()}).` }).then(
        () => void (state.edits++, (busy = false)),
        () => void (busy = false),
      );
    }, every) };
    editor = state;
    res.json({ started: true });
  });
  baseline.get('/__editor/stop', (_req, res) => {
    if (editor) clearInterval(editor.timer);
    res.json({ edits: editor?.edits ?? 0 });
    editor = undefined;
  });
  // The encoder of the routes with `encodeDuring`: one encoding from start to stop.
  const ffmpeg = (await findTools(config)).ffmpeg.path;
  let encoding: { stop(): Promise<EncodingRun> } | undefined;
  baseline.get('/__encoder/start', async (req, res) => {
    const priority = req.query.priority === 'server' ? 'server' : 'lowered';
    if (req.query.work === 'photos') encoding = await startPhotoWork(priority);
    else if (!ffmpeg) return void res.status(503).json({ error: 'ffmpeg not found' });
    else encoding = await startEncoding(ffmpeg, priority);
    res.json({ started: true });
  });
  baseline.get('/__encoder/stop', async (_req, res) => {
    const run = encoding ? await encoding.stop() : { frames: 0, seconds: 0, error: 'not started' };
    encoding = undefined;
    res.json(run);
  });
  // The app's page cache counters: the parent reads them around a run to say how many requests it answered.
  baseline.get('/__page-cache', (_req, res) => {
    res.json(app.kiosque.pageCache.stats());
  });
  const baseServer = await listen(baseline);

  const memberCookie = await signInMember(app, `http://127.0.0.1:${appServer.port}`);
  const routes: ServedRoute[] = [];
  for (const route of httpRoutes) {
    const p = route.path(ctx);
    const accept = route.accept ?? PAGE_ACCEPT;
    const cookie = route.signedIn ? memberCookie : undefined;
    const headers = { accept, ...(cookie ? { cookie } : {}) };
    const res = await fetch(`http://127.0.0.1:${appServer.port}${p}`, { headers, redirect: 'manual' });
    const served: ServedRoute = { name: route.name, path: p, status: res.status, accept, everyUrlNew: route.everyUrlNew, editEveryMs: route.editEveryMs, encodeDuring: route.encodeDuring, work: route.work, cookie };
    if (res.status === 200) {
      const again = await fetch(`http://127.0.0.1:${appServer.port}${p}`, { headers });
      await again.arrayBuffer();
      served.pageCache = route.everyUrlNew ? 'never (every URL new)' : (again.headers.get('x-page-cache') ?? 'none');
      if (route.baseline === 'html') {
        bodies.push(await res.text());
        served.baselinePath = `/html/${bodies.length - 1}`;
        const page = contexts.get(new URL(p, 'http://x').pathname);
        if (route.renderAlone && page) {
          captured.push(page);
          served.renderAlonePath = `/render/${captured.length - 1}`;
          // The same page, or the comparison means nothing.
          const alone = await (await fetch(`http://127.0.0.1:${baseServer.port}${served.renderAlonePath}`)).text();
          if (alone !== bodies.at(-1)) throw new Error(`${route.name}: rendering its captured context gave another page than the app's`);
        }
      } else {
        const name = `${routes.length}-${path.basename(p)}`;
        await writeFile(path.join(staticDir, name), Buffer.from(await res.arrayBuffer()));
        served.baselinePath = `/static/${name}`;
      }
    } else {
      await res.arrayBuffer();
    }
    routes.push(served);
  }
  stopCapture();
  process.stdout.write(`${JSON.stringify({ appPort: appServer.port, basePort: baseServer.port, routes })}\n`);
  // Run until the parent closes our stdin.
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
}

let urlsAsked = 0;

async function measure(url: string, seconds: number, cpuUrl: string, accept: string, app?: { everyUrlNew?: boolean; pageCacheUrl: string; editor?: { every: number; base: string }; encoder?: { priority: EncodePriority; work?: BackgroundWork; base: string }; cookie?: string }): Promise<Measure> {
  const everyUrlNew = app?.everyUrlNew ?? false;
  // A browser's User-Agent: media page views are counted (and de-duplicated) for browsers only.
  const headers = { accept, 'accept-language': 'en', 'user-agent': BROWSER_UA, ...(app?.cookie ? { cookie: app.cookie } : {}) };
  const cpu = async () => ((await (await fetch(cpuUrl)).json()) as { micros: number }).micros;
  const { pathname, search } = new URL(url);
  const requests = everyUrlNew ? [{ setupRequest: (r: Record<string, unknown>) => ({ ...r, path: `${pathname}${search ? `${search}&` : '?'}_=${++urlsAsked}` }) }] : undefined;
  await autocannon({ url, connections: 10, duration: Math.max(0.5, seconds / 3), headers, requests }); // warm-up
  const pageCache = async () => (app ? ((await (await fetch(app.pageCacheUrl)).json()) as { hits: number; misses: number }) : undefined);
  const editor = app?.editor;
  if (editor) await (await fetch(`${editor.base}/__editor/start?every=${editor.every}`)).arrayBuffer();
  const encoder = app?.encoder;
  if (encoder) await (await fetch(`${encoder.base}/__encoder/start?priority=${encoder.priority}&work=${encoder.work ?? 'video'}`)).arrayBuffer();
  const cacheBefore = await pageCache();
  const cpuBefore = await cpu();
  const r = await autocannon({ url, connections: 10, duration: seconds, headers, requests });
  const cpuMicrosPerRequest = (await cpu()) - cpuBefore;
  const cacheAfter = await pageCache();
  const edits = editor ? ((await (await fetch(`${editor.base}/__editor/stop`)).json()) as { edits: number }).edits : undefined;
  const encoded = encoder ? ((await (await fetch(`${encoder.base}/__encoder/stop`)).json()) as EncodingRun) : undefined;
  const total = r.requests.total || 1;
  const measured: Measure = {
    rps: r.requests.average,
    cpuMicrosPerRequest: cpuMicrosPerRequest / total,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
    ...(edits === undefined ? {} : { edits }),
    ...(encoded ? { encodedFps: encoded.frames / (encoded.seconds || 1), ...(encoded.error ? { encodeError: encoded.error } : {}) } : {}),
  };
  if (cacheBefore && cacheAfter) {
    const hits = cacheAfter.hits - cacheBefore.hits;
    measured.pageCacheHitShare = hits / (hits + cacheAfter.misses - cacheBefore.misses || 1);
  }
  return measured;
}

function startServer(dataDir: string): Promise<{ child: ChildProcess; info: { appPort: number; basePort: number; routes: ServedRoute[] } }> {
  return new Promise((resolve, reject) => {
    // BENCH_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) goes to the server's node: profile the app under load.
    const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(BENCH_DIR, 'http.ts'), '--serve', dataDir], { stdio: ['pipe', 'pipe', 'inherit'], cwd: ROOT_DIR });
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      try {
        resolve({ child, info: JSON.parse(line) });
      } catch (err) {
        reject(err as Error);
      }
    });
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code} before it was ready`)));
    child.once('error', reject);
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function medianMeasure(ms: Measure[]): Measure {
  return {
    rps: median(ms.map((m) => m.rps)),
    cpuMicrosPerRequest: median(ms.map((m) => m.cpuMicrosPerRequest)),
    p50: median(ms.map((m) => m.p50)),
    p99: median(ms.map((m) => m.p99)),
    non2xx: ms.reduce((n, m) => n + m.non2xx, 0),
    errors: ms.reduce((n, m) => n + m.errors, 0),
    ...(ms[0]?.pageCacheHitShare === undefined ? {} : { pageCacheHitShare: median(ms.map((m) => m.pageCacheHitShare ?? 0)) }),
    ...(ms[0]?.edits === undefined ? {} : { edits: median(ms.map((m) => m.edits ?? 0)) }),
    ...(ms[0]?.encodedFps === undefined ? {} : { encodedFps: median(ms.map((m) => m.encodedFps ?? 0)) }),
    ...(ms.find((m) => m.encodeError) ? { encodeError: ms.find((m) => m.encodeError)!.encodeError } : {}),
  };
}

/**
 * Measures every route on a data folder: baseline then app, `rounds` times alternately, each for
 * `seconds`; figures are medians over the rounds (ratios are the median of each round's ratio), so
 * a burst of other work on the machine skews one round, not the result.
 */
export async function runHttpBench(dataDir: string, options: { seconds: number; rounds?: number }): Promise<HttpRouteResult[]> {
  const rounds = options.rounds ?? 1;
  const { child, info } = await startServer(dataDir);
  try {
    const results: HttpRouteResult[] = [];
    // BENCH_ROUTES=homepage,thumbnail measures only those (while working on one of them); a name also
    // selects its variants (`search` is both search rows).
    const only = process.env.BENCH_ROUTES?.split(',');
    for (const served of info.routes.filter((r) => !only || only.some((o) => r.name === o || r.name.startsWith(`${o}, `)))) {
      const route = httpRoutes.find((r) => r.name === served.name)!;
      const result: HttpRouteResult = { name: served.name, path: served.path, status: served.status, pageCache: served.pageCache ?? null, app: null, baseline: null, renderAlone: null, renderAloneRatio: null, ratio: null, cpuRatio: null, target: route.target };
      if (served.status === 200 && served.baselinePath) {
        const cpuUrl = `http://127.0.0.1:${info.basePort}/__cpu`;
        const bases: Measure[] = [];
        const apps: Measure[] = [];
        const alone: Measure[] = [];
        for (let i = 0; i < rounds; i++) {
          bases.push(await measure(`http://127.0.0.1:${info.basePort}${served.baselinePath}`, options.seconds, cpuUrl, served.accept));
          if (served.renderAlonePath) alone.push(await measure(`http://127.0.0.1:${info.basePort}${served.renderAlonePath}`, options.seconds, cpuUrl, served.accept));
          const pageCacheUrl = `http://127.0.0.1:${info.basePort}/__page-cache`;
          const editor = served.editEveryMs ? { every: served.editEveryMs, base: `http://127.0.0.1:${info.basePort}` } : undefined;
          const encoder = served.encodeDuring ? { priority: served.encodeDuring, work: served.work, base: `http://127.0.0.1:${info.basePort}` } : undefined;
          apps.push(await measure(`http://127.0.0.1:${info.appPort}${served.path}`, options.seconds, cpuUrl, served.accept, { everyUrlNew: served.everyUrlNew, pageCacheUrl, editor, encoder, cookie: served.cookie }));
        }
        if (alone.length) {
          result.renderAlone = medianMeasure(alone);
          result.renderAloneRatio = median(alone.map((a, i) => a.rps / (bases[i]!.rps || 1)));
        }
        result.app = medianMeasure(apps);
        result.baseline = { ...medianMeasure(bases), kind: route.baseline };
        result.ratio = median(apps.map((a, i) => a.rps / (bases[i]!.rps || 1)));
        result.cpuRatio = median(apps.map((a, i) => bases[i]!.cpuMicrosPerRequest / (a.cpuMicrosPerRequest || 1)));
      }
      results.push(result);
    }
    return results;
  } finally {
    child.removeAllListeners('exit');
    // Closing stdin lets the server exit on its own (and write a --cpu-prof profile); kill it if it lingers.
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.stdin!.end();
    const timer = setTimeout(() => child.kill(), 5000);
    await exited;
    clearTimeout(timer);
  }
}

export function httpRows(size: string, results: HttpRouteResult[]): Row[] {
  return results.flatMap((r) => {
    const row = httpRow(size, r);
    if (!r.renderAlone || !r.baseline) return [row];
    const a = r.renderAlone;
    return [
      row,
      {
        size,
        measure: `http: ${r.name}, its templates alone`,
        value: `bare Express rendering the same page from a fixed context (no middleware, no search): ${Math.round(a.rps)} req/s, p99 ${a.p99} ms; ratio ${round(r.renderAloneRatio ?? NaN, 2)}; CPU/req ${Math.round(a.cpuMicrosPerRequest)} µs`,
        target: 'for reference: the ceiling for this page with these templates',
        ok: null,
      },
    ];
  });
}

function httpRow(size: string, r: HttpRouteResult): Row {
  const measure = `http: ${r.name}`;
  const route = httpRoutes.find((x) => x.name === r.name);
  const target = route?.everyUrlNew
    ? `for reference: what a query costs when no page cache answers (#8's ${r.target} × was set for rendering per request)`
    : route?.editEveryMs
      ? `for reference: what editors' saves cost visitors (each save empties the page cache)`
      : route?.signedIn
        ? `for reference: a page drawn for each visitor (no page cache for the signed-in), as an intranet's are`
      : route?.encodeDuring
        ? route.work === 'photos'
          ? `for reference: what a batch of photos costs visitors (${route.encodeDuring === 'lowered' ? 'the image process below the server’s CPU priority' : 'the same work at the server’s priority'})`
          : `for reference: what a video's encoding costs visitors (${route.encodeDuring === 'lowered' ? 'media tools below the server’s CPU priority' : 'the same encoding at the server’s priority'})`
        : `≥ ${r.target} × ${r.baseline?.kind === 'static' || r.name === 'thumbnail' ? 'express.static' : 'bare Express'}, p99 ≤ ${p99TargetMs} ms`;
  if (!r.app || !r.baseline) return { size, measure, value: `n/a (${r.status})`, target, ok: null };
  const failures = r.app.non2xx || r.app.errors ? ` [${r.app.non2xx} non-2xx, ${r.app.errors} errors]` : '';
  const share = r.app.pageCacheHitShare;
  const cached = r.baseline.kind === 'html' ? ` (page cache: ${r.pageCache}${share === undefined ? '' : `, answered ${Math.round(share * 100)} % of the run`})` : '';
  const edits = r.app.edits === undefined ? '' : `${r.app.edits} saves during the run; `;
  const photos = route?.work === 'photos';
  const encoded =
    r.app.encodedFps === undefined ? '' : r.app.encodeError ? `the ${photos ? 'photos' : 'encoding'} failed: ${r.app.encodeError}; ` : photos ? `photos processed at ${round(r.app.encodedFps, 2)}/s meanwhile; ` : `encoding at ${round(r.app.encodedFps, 1)} frames/s meanwhile; `;
  const value = `${edits}${encoded}${Math.round(r.app.rps)} req/s, p50 ${r.app.p50} ms, p99 ${r.app.p99} ms; baseline ${Math.round(r.baseline.rps)} req/s, p99 ${r.baseline.p99} ms; ratio ${round(r.ratio ?? NaN, 2)}; CPU/req ${Math.round(r.app.cpuMicrosPerRequest)} µs vs ${Math.round(r.baseline.cpuMicrosPerRequest)} µs, CPU ratio ${round(r.cpuRatio ?? NaN, 2)}${cached}${failures}`;
  const met = (r.ratio ?? 0) >= r.target && r.app.p99 <= p99TargetMs && !failures;
  const reference = route?.everyUrlNew || route?.editEveryMs || route?.encodeDuring || route?.signedIn;
  return { size, measure, value, target, ok: reference ? (failures || r.app.encodeError ? false : null) : met };
}

if (isMain(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args[0] === '--serve') {
    await serve(args[1]!);
  } else {
    const dataDir = args[0];
    if (!dataDir) {
      console.error('usage: tsx bench/http.ts <data folder> [seconds] [rounds]   (make one with bench/run.ts, or any Kiosque data folder)');
      process.exit(64);
    }
    console.log(renderTable(httpRows('', await runHttpBench(dataDir, { seconds: Number(args[1] ?? 5), rounds: Number(args[2] ?? 3) }))));
  }
}
