import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import request from 'supertest';
import { loadConfig, type Config } from '../../core/config/index.ts';
import { createLogger } from '../../core/logger/index.ts';
import { openLowdbStore, type Media, type Store, type Role } from '../../core/store/index.ts';
import { createApp, ROOT_DIR, type KiosqueApp } from '../../core/app.ts';

export const PASSWORD = 'correct horse battery';

export interface TestApp {
  app: KiosqueApp;
  store: Store;
  config: Config;
  dataDir: string;
  /** Log lines written by the app (JSON objects). */
  logs: Array<Record<string, unknown>>;
  /** Closes the app and the store; with `keepData`, leaves the folder for a restart. */
  close(options?: { keepData?: boolean }): Promise<void>;
}

// Every test file runs in its own process: the folders it made go when it exits, whether or not
// the test that made one closed it (fixtures, restarts with keepData, a failed assertion).
const madeDirs = new Set<string>();
process.once('exit', () => {
  for (const dir of madeDirs) rmSync(dir, { recursive: true, force: true });
});

export async function tempDir(prefix = 'kiosque-test-'): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  madeDirs.add(dir);
  return dir;
}

/** A real app on a fresh temporary data folder (or `dataDir`, to restart on the same data). */
export async function makeApp(options: { dataDir?: string; overrides?: Record<string, unknown>; env?: NodeJS.ProcessEnv; pluginPackagesDir?: string; now?: () => number } = {}): Promise<TestApp> {
  const dataDir = options.dataDir ?? (await tempDir());
  const config = loadConfig({ configDir: path.join(ROOT_DIR, 'config'), env: options.env ?? {}, overrides: { dataDir, log: { level: 'info', pretty: false }, ...(options.overrides ?? {}) } });
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  const logger = createLogger({ level: config.log.level, pretty: false, destination: sink });
  const store = await openLowdbStore({ dataDir });
  const app = await createApp({ config, store, logger, pluginPackagesDir: options.pluginPackagesDir, now: options.now });
  return {
    app,
    store,
    config,
    dataDir,
    logs,
    async close({ keepData = false } = {}) {
      await app.kiosque.close();
      await store.close();
      if (!keepData) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Creates a user directly through the app's user service. */
export async function addUser(t: TestApp, username: string, role: Role, password = PASSWORD) {
  return t.app.kiosque.users.create({ username, password, role });
}

export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html) ?? /<meta name="csrf-token" content="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF token in page');
  return m[1]!;
}

/** A supertest agent (keeps cookies) signed in as `username`. */
export async function signIn(t: TestApp, username: string, password = PASSWORD) {
  const agent = request.agent(t.app);
  const page = await agent.get('/login').set('Accept', 'text/html').expect(200);
  const res = await agent.post('/login').type('form').send({ username, password, _csrf: csrfFrom(page.text) });
  if (res.status !== 303) throw new Error(`sign-in as ${username} failed: ${res.status}`);
  return agent;
}

/** The CSRF token of a signed-in agent, read from a page. */
export async function tokenOf(agent: ReturnType<typeof request.agent>, pagePath = '/'): Promise<string> {
  const page = await agent.get(pagePath).set('Accept', 'text/html');
  return csrfFrom(page.text);
}

/** Creates each user with its role, then signs each in, in order; every agent's CSRF token goes into `tokens`. */
export async function usersSignedIn(t: TestApp, users: Array<[string, Role]>, tokens: Map<ReturnType<typeof request.agent>, string>) {
  for (const [name, role] of users) await addUser(t, name, role);
  const agents: Array<ReturnType<typeof request.agent>> = [];
  for (const [name] of users) {
    const agent = await signIn(t, name);
    tokens.set(agent, await tokenOf(agent));
    agents.push(agent);
  }
  return agents;
}

/**
 * An app with an admin (alice) signed in through the login form, who uploads files of `dir` through
 * the API as published media (201 asserted): the set-up of the tests that run the media processing.
 */
export async function appWithUploads(dir: string, options: Parameters<typeof makeApp>[0] = {}) {
  const t = await makeApp(options);
  if (!(await t.store.users.getByUsername('alice'))) await addUser(t, 'alice', 'admin');
  const agent = await signIn(t, 'alice');
  const token = await tokenOf(agent);
  const upload = async (file: string): Promise<Media> => {
    const res = await agent.post('/api/v1/media').set('X-CSRF-Token', token).field('status', 'published').attach('file', path.join(dir, file));
    assert.equal(res.status, 201, res.text);
    return res.body as Media;
  };
  return { t, agent, token, upload };
}
