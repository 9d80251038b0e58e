import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { rm } from 'node:fs/promises';
import request from 'supertest';
import { loadConfig } from '../core/config/index.ts';
import { createLogger } from '../core/logger/index.ts';
import { openLowdbStore, storeListenerCount, type Store } from '../core/store/index.ts';
import { createApp, ROOT_DIR } from '../core/app.ts';
import { tempDir } from './helpers/app.ts';

/** An app on `store`, as a host that rebuilds it (after a change of configuration) makes one. */
function appOn(store: Store, dataDir: string, overrides: Record<string, unknown> = {}) {
  const config = loadConfig({ configDir: path.join(ROOT_DIR, 'config'), env: {}, overrides: { dataDir, log: { level: 'silent', pretty: false }, ...overrides } });
  return createApp({ config, store, logger: createLogger({ level: 'silent', pretty: false }) });
}

test('apps built and closed one after another on one store leave no store listener behind, nor does one that fails to build', async () => {
  const dataDir = await tempDir('kiosque-app-');
  const store = await openLowdbStore({ dataDir });
  try {
    const before = storeListenerCount(store);
    for (let i = 0; i < 5; i++) {
      const app = await appOn(store, dataDir);
      assert.ok(storeListenerCount(store) > before, 'an open app listens to the store');
      // While it is open, its cached reads and page cache hear of changes.
      const home = async () => /<title>([^<]*)<\/title>/.exec((await request(app).get('/').set('Accept', 'text/html').expect(200)).text)?.[1];
      assert.equal(await home(), i === 0 ? 'Kiosque' : `Kiosque ${i - 1}`);
      await store.settings.set('skeleton', { siteName: `Kiosque ${i}` });
      assert.equal(await home(), `Kiosque ${i}`);
      await app.kiosque.close();
      assert.equal(storeListenerCount(store), before, `after app ${i + 1} closed`);
    }
    // A first admin the configuration cannot create stops the build after the app began listening.
    await assert.rejects(appOn(store, dataDir, { admin: { username: 'ada', password: 'short' } }), /Cannot create the first admin/);
    assert.equal(storeListenerCount(store), before, 'after a build that failed');
  } finally {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
