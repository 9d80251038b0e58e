/**
 * A 1 GB video upload streams to disk with flat memory: peak RSS growth while it is sent through
 * POST /api/v1/media (multer disk storage, content check, hashing). Run: npx tsx bench/upload-memory.ts [--quick]
 */
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { pino } from 'pino';
import { loadConfig } from '../core/config/index.ts';
import { openLowdbStore } from '../core/store/index.ts';
import { createApp, ROOT_DIR } from '../core/app.ts';

const quick = process.argv.includes('--quick');
const SIZE = (quick ? 64 : 1024) * 1024 * 1024;
const work = await mkdtemp(path.join(os.tmpdir(), 'kiosque-upload-bench-'));
try {
  const dataDir = path.join(work, 'data');
  const config = loadConfig({ configDir: path.join(ROOT_DIR, 'config'), env: {}, overrides: { dataDir, media: { maxUploadMB: 2048, processingConcurrency: 1, ffmpegPath: '', ffprobePath: '' } } });
  const store = await openLowdbStore({ dataDir });
  const app = await createApp({ config, store, logger: pino({ level: 'silent' }) });
  await app.kiosque.users.create({ username: 'bench', password: 'bench-password-long', role: 'admin' });
  const server = http.createServer(app).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as { port: number }).port;
  const call = (method: string, p: string, headers: Record<string, string | number>, body?: string) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method, path: p, headers }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  const login = await call('GET', '/login', { Accept: 'text/html' });
  let cookie = String(login.headers['set-cookie']?.[0]).split(';')[0]!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(login.text)![1]!;
  const signed = await call('POST', '/login', { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie }, `username=bench&password=bench-password-long&_csrf=${encodeURIComponent(csrf)}`);
  cookie = String(signed.headers['set-cookie']?.[0]).split(';')[0]!;
  const token = /<meta name="csrf-token" content="([^"]+)"/.exec((await call('GET', '/', { Accept: 'text/html', Cookie: cookie })).text)![1]!;

  // A real MP4 start (so the content check accepts it), then padding up to the size.
  const head = path.join(work, 'head.mp4');
  execFileSync('/usr/bin/ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=5:duration=1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', head]);
  const start = await readFile(head);
  const boundary = 'kiosqueBenchBoundary';
  const pre = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\nContent-Type: video/mp4\r\n\r\n`);
  const post = Buffer.from(`\r\n--${boundary}--\r\n`);
  const chunk = Buffer.alloc(1024 * 1024, 0x55);

  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t0 = performance.now();
  const result = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/api/v1/media', headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': pre.length + SIZE + post.length, Cookie: cookie, 'X-CSRF-Token': token } },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, text }));
      },
    );
    req.on('error', reject);
    req.write(pre);
    req.write(start);
    let sent = start.length;
    const pump = () => {
      while (sent < SIZE) {
        const n = Math.min(chunk.length, SIZE - sent);
        sent += n;
        if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void req.once('drain', pump);
      }
      req.end(post);
    };
    pump();
  });
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  console.log(`Upload of ${(SIZE / 1024 / 1024).toFixed(0)} MB: status ${result.status}, ${seconds.toFixed(1)} s (${(SIZE / 1024 / 1024 / seconds).toFixed(0)} MB/s)`);
  console.log(`  RSS before ${(base / 1048576).toFixed(0)} MB, peak ${(peak / 1048576).toFixed(0)} MB, growth ${((peak - base) / 1048576).toFixed(1)} MB (target < 100 MB)`);
  await app.kiosque.close();
  server.close();
  await store.close();
} finally {
  await rm(work, { recursive: true, force: true });
}
