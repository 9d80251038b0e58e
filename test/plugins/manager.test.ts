import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { rm } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { tempDir } from '../helpers/app.ts';
import { manifest, writePlugin, API_URL } from '../helpers/plugins.ts';
import { createPluginManager, type PluginManager } from '../../core/plugins/manager.ts';
import { createHooks } from '../../core/plugins/hooks.ts';
import { createHeadAssets } from '../../core/views/head-assets.ts';
import { createSlots } from '../../core/views/slots.ts';
import { createI18n, loadDictionaries } from '../../core/i18n/index.ts';
import { createLogger } from '../../core/logger/index.ts';
import { openLowdbStore, type Store } from '../../core/store/index.ts';
import { ROOT_DIR } from '../../core/app.ts';

let pluginsDir: string;
let dataDir: string;
let store: Store;
let manager: PluginManager;
const slots = createSlots(() => undefined);

before(async () => {
  pluginsDir = await tempDir('kiosque-plugins-');
  dataDir = await tempDir();
  await writePlugin(pluginsDir, 'hangs', { manifest: manifest('hangs'), code: `export default { register(ctx) { ctx.views.slot('footer', 'hung'); return new Promise(() => {}); } };\n` });
  await writePlugin(pluginsDir, 'bad-template', { manifest: manifest('bad-template'), code: `import { definePlugin } from '${API_URL}';\nexport default definePlugin({ register(ctx) { ctx.views.slot('footer', '{{#if}}unclosed'); } });\n` });
  await writePlugin(pluginsDir, 'bad-i18n', { manifest: manifest('bad-i18n'), files: { 'i18n/fr.json': '{ nope' } });
  await writePlugin(pluginsDir, 'cycle-a', { manifest: manifest('cycle-a', { dependencies: ['cycle-b'] }) });
  await writePlugin(pluginsDir, 'cycle-b', { manifest: manifest('cycle-b', { dependencies: ['cycle-a'] }) });
  store = await openLowdbStore({ dataDir });
  await store.plugins.update('hangs', { enabled: true });
  await store.plugins.update('cycle-a', { enabled: true });
  await store.plugins.update('cycle-b', { enabled: true });
  const logger = createLogger({ level: 'silent', pretty: false, destination: new Writable({ write: (_c, _e, cb) => cb() }) });
  manager = createPluginManager({
    store,
    hooks: createHooks(logger),
    slots,
    headAssets: createHeadAssets(),
    // No plugin here renders a page.
    render: () => Promise.reject(new Error('no page rendering in this test')),
    canOpen: () => false,
    i18n: createI18n(loadDictionaries(path.join(ROOT_DIR, 'core', 'i18n'))),
    logger,
    coreVersion: '0.1.0',
    pluginsDir,
    registerTimeoutMs: 200,
  });
  await manager.start();
});
after(async () => {
  manager.close();
  await store.close();
  await rm(pluginsDir, { recursive: true, force: true });
  await rm(dataDir, { recursive: true, force: true });
});

test('a register() that never finishes fails after the timeout and is rolled back; start goes on', () => {
  const info = manager.get('hangs')!;
  assert.equal(info.state, 'failed');
  assert.match(info.problems[0]!, /did not finish within 0.2 s/);
  assert.equal(slots.render('footer', {}, {}), '');
  assert.equal(info.wanted, true, 'the admin’s choice is kept for the next start');
});

test('a template with a syntax error fails the registration, not the pages', async () => {
  const r = await manager.enable('bad-template');
  assert.equal(r.ok, false);
  assert.match(!r.ok && r.code === 'register_failed' ? r.message : '', /Parse error/);
});

test('an invalid i18n file fails the plugin with the file named', async () => {
  const r = await manager.enable('bad-i18n');
  assert.equal(r.ok, false);
  assert.match(!r.ok && r.code === 'register_failed' ? r.message : '', /i18n\/fr.json is not valid JSON/);
});

test('a dependency cycle leaves both plugins failed, without looping', () => {
  for (const id of ['cycle-a', 'cycle-b']) {
    const info = manager.get(id)!;
    assert.equal(info.state, 'failed');
    assert.match(info.problems[0]!, /is not enabled/);
  }
});
