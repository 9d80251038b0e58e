import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { ROOT_DIR } from '../core/app.ts';
import { openLowdbStore } from '../core/store/index.ts';
import { csrfFrom, PASSWORD, tempDir } from './helpers/app.ts';
import { API_URL, manifest, writePlugin } from './helpers/plugins.ts';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** `npm start`'s server (core/server.ts) in its own process, with its log lines collected. */
async function startServer(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; base: string; log: () => string; exited: Promise<number | null> }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT_DIR, 'core', 'server.ts')], {
    cwd: ROOT_DIR,
    env: { ...process.env, ...env, PORT: String(port), KIOSQUE_HOST: '127.0.0.1', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  while (!out.includes('Kiosque is serving')) {
    if (child.exitCode !== null) throw new Error(`the server ended at start:\n${out}`);
    if (Date.now() > deadline) throw new Error(`the server did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, base: `http://127.0.0.1:${port}`, log: () => out, exited };
}

const CRASHY = `import { definePlugin } from '${API_URL}';
export default definePlugin({
  register(ctx) {
    ctx.router.get('/forget', (req, res) => {
      // A promise nobody waits for, as a careless plugin leaves one behind.
      void Promise.reject(new Error('the forgotten promise failed'));
      res.send('started');
    });
    ctx.router.get('/throw-later', (req, res) => {
      setTimeout(() => { throw new Error('the timer threw'); }, 10);
      res.send('armed');
    });
  },
});
`;

test('the server outlives a plugin promise nobody handled (named on the plugins page), and stops cleanly on an exception thrown out of a plugin timer', { timeout: 120_000 }, async () => {
  const dataDir = await tempDir('kiosque-server-');
  const pluginsDir = await tempDir('kiosque-server-plugins-');
  await writePlugin(pluginsDir, 'crashy', { manifest: manifest('crashy'), code: CRASHY });
  const store = await openLowdbStore({ dataDir });
  await store.plugins.update('crashy', { enabled: true });
  await store.close();

  const server = await startServer({ KIOSQUE_DATA_DIR: dataDir, KIOSQUE_PLUGINS_DIR: pluginsDir, KIOSQUE_ADMIN_USERNAME: 'ada', KIOSQUE_ADMIN_PASSWORD: PASSWORD });
  try {
    assert.equal((await request(server.base).get('/plugins/crashy/forget').expect(200)).text, 'started');
    // Give the rejection its turn; the server must still answer.
    await new Promise((r) => setTimeout(r, 200));
    await request(server.base).get('/').set('Accept', 'text/html').expect(200);
    assert.match(server.log(), /plugin crashy: a promise failed with nothing to handle it; the server goes on/);
    assert.equal(server.child.exitCode, null);

    const admin = request.agent(server.base);
    const login = await admin.get('/login').set('Accept', 'text/html').expect(200);
    await admin.post('/login').type('form').send({ username: 'ada', password: PASSWORD, _csrf: csrfFrom(login.text) }).expect(303);
    const page = await admin.get('/admin/plugins').set('Accept', 'text/html').expect(200);
    assert.match(page.text, /a promise it left unhandled \(in a timer, an event or a request it did not wait for\): the forgotten promise failed/);

    await request(server.base).get('/plugins/crashy/throw-later').expect(200);
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([server.exited, new Promise<'hung'>((r) => (timer = setTimeout(() => r('hung'), 15_000)))]);
    clearTimeout(timer);
    assert.equal(code, 1, server.log());
    assert.match(server.log(), /plugin crashy: an uncaught exception; the server stops/);
    assert.match(server.log(), /uncaught exception: stopping/);
    // It stopped cleanly: the data folder's lock was released, so it opens again at once.
    const reopened = await openLowdbStore({ dataDir });
    assert.equal((await reopened.plugins.get('crashy'))?.enabled, true);
    await reopened.close();
  } finally {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
  }
});
