import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, tempDir, type TestApp } from '../helpers/app.ts';
import { manifest, writePlugin } from '../helpers/plugins.ts';

let t: TestApp;
before(async () => {
  // A plugins folder outside Kiosque's: no relative path leads from it to core/.
  const pluginsDir = await tempDir('kiosque-ext-plugins-');
  await writePlugin(pluginsDir, 'outside', {
    manifest: manifest('outside'),
    code: [
      `import { definePlugin, matchesPathPattern } from 'kiosque/plugin-api';`,
      `export default definePlugin({ register(ctx) {`,
      `  ctx.router.get('/', (_req, res) => { res.type('text').send(String(matchesPathPattern('/docs/*', '/docs/a'))); });`,
      `} });`,
    ].join('\n'),
    // As any npm package of ES modules says; without it, its .ts would load as CommonJS (see docs/plugins.md).
    files: { 'package.json': JSON.stringify({ name: 'kiosque-plugin-outside', type: 'module' }) },
  });
  t = await makeApp({ overrides: { pluginsDir } });
  await t.app.kiosque.plugins.enable('outside');
});
after(() => t.close());

test('a plugin anywhere imports the API as kiosque/plugin-api', async () => {
  const info = t.app.kiosque.plugins.get('outside');
  assert.equal(info?.state, 'enabled', JSON.stringify(info?.problems));
  assert.equal((await request(t.app).get('/plugins/outside/').expect(200)).text, 'true');
});
