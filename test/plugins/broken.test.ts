import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import request from 'supertest';
import { makeApp, addUser, signIn, tempDir, type TestApp } from '../helpers/app.ts';
import { manifest, writePlugin } from '../helpers/plugins.ts';
import { discoverPlugins } from '../../core/plugins/manifest.ts';

let t: TestApp;
let pluginsDir: string;
let packagesDir: string;
let listHtml: string;

before(async () => {
  pluginsDir = await tempDir('kiosque-plugins-');
  packagesDir = await tempDir('kiosque-packages-');
  await writePlugin(pluginsDir, 'good', { manifest: manifest('good') });
  await writePlugin(pluginsDir, 'badjson', { manifest: '{ "id": "badjson", ' });
  await writePlugin(pluginsDir, 'Bad_Id', { manifest: manifest('Bad_Id') });
  await writePlugin(pluginsDir, 'mismatch', { manifest: manifest('other-name') });
  await writePlugin(pluginsDir, 'twin', { manifest: manifest('twin') });
  await writePlugin(packagesDir, 'kiosque-plugin-twin', { manifest: manifest('twin') });
  await writePlugin(packagesDir, 'kiosque-plugin-packaged', { manifest: manifest('packaged') });
  await writePlugin(packagesDir, 'not-a-plugin', { manifest: manifest('not-a-plugin') });
  await writePlugin(pluginsDir, 'oldcore', { manifest: manifest('oldcore', { kiosque: '^2.0.0' }) });
  await writePlugin(pluginsDir, 'badsetting', { manifest: manifest('badsetting', { settings: [{ key: 'speed', type: 'slider', label: 'Speed' }] }) });
  const options = ['a', 'b', 'c'].map((v) => ({ value: v, label: v.toUpperCase() }));
  await writePlugin(pluginsDir, 'baddefault', {
    manifest: manifest('baddefault', {
      settings: [
        { key: 'order', type: 'ordered', label: 'Order', options, maxItems: 1, default: ['a', 'b'] },
        { key: 'title', type: 'text', label: 'Title', required: true },
        { key: 'wide', type: 'ordered', label: 'Wide', options, maxItems: 5 },
      ],
    }),
  });
  await writePlugin(pluginsDir, 'escape', { manifest: manifest('escape', { entry: '../good/index.ts' }) });
  await writePlugin(pluginsDir, 'multi', {
    manifest: { id: 'multi', version: 'one', kiosque: 'whenever', name: { en: 'Multi' }, description: { en: 'd', fr: 'd' }, settings: [{ key: 'a', type: 'select', label: 'A', options: [{ value: 'x', label: 'X' }], default: 'y' }, { key: 'a', type: 'wheel', label: 'B' }] },
  });
  t = await makeApp({ overrides: { pluginsDir }, pluginPackagesDir: packagesDir });
  await addUser(t, 'alice', 'admin');
  const admin = await signIn(t, 'alice');
  listHtml = (await admin.get('/admin/plugins').set('Accept', 'text/html').expect(200)).text;
});
after(async () => {
  await t.close();
  await rm(pluginsDir, { recursive: true, force: true });
  await rm(packagesDir, { recursive: true, force: true });
});

/** The HTML of one plugin's entry in the admin list. */
function entry(id: string): string {
  const m = new RegExp(`<li class="plugin plugin-\\w+" data-plugin="${id}">([\\s\\S]*?)</li>\\s*(?=<li class="plugin|</ul>\\s*$)`).exec(listHtml);
  assert.ok(m, `plugin ${id} is listed`);
  return m[1]!;
}
const brokenWith = (id: string, ...reasons: RegExp[]) => {
  const html = entry(id);
  assert.match(html, /data-state="broken"/, `${id} is broken`);
  for (const r of reasons) assert.match(html, r);
  assert.doesNotMatch(html, new RegExp(`/admin/plugins/${id}/enable`), 'a broken plugin offers no enable button');
};

test('the site serves while broken plugins are around', async () => {
  await request(t.app).get('/').set('Accept', 'text/html').expect(200);
  assert.match(entry('good'), /data-state="disabled"/);
  assert.match(entry('packaged'), /data-state="disabled"/, 'kiosque-plugin-* packages are discovered');
  assert.doesNotMatch(listHtml, /data-plugin="not-a-plugin"/, 'other packages are not');
});

test('invalid JSON', () => brokenWith('badjson', /plugin.json is not valid JSON/));
test('an id outside the allowed pattern', () => brokenWith('Bad_Id', /id: an id has 2 to 41 lowercase letters/));
test('an id that differs from the folder name', () => brokenWith('mismatch', /id: &quot;other-name&quot; does not match the folder name &quot;mismatch&quot;/));
test('duplicate ids: both copies are broken, each naming the other', () => {
  const html = listHtml.split('data-plugin="twin"').slice(1).join('');
  assert.equal(listHtml.split('data-plugin="twin"').length - 1, 1, 'listed once, under its id');
  assert.match(html, /is also used by/);
  const found = discoverPlugins({ pluginsDir, packagesDir, coreVersion: '0.1.0' }).filter((p) => p.id === 'twin');
  assert.equal(found.length, 2);
  for (const p of found) {
    assert.equal(p.manifest, undefined);
    assert.ok(p.problems.some((x) => x.includes('is also used by')));
  }
});
test('an incompatible core version range', () => brokenWith('oldcore', /needs Kiosque \^2.0.0, this is Kiosque 0.1.0/));
test('an unknown setting type', () => brokenWith('badsetting', /settings.0.type: unknown setting type &quot;slider&quot;/));
test('a setting whose default breaks its own rules (too many items, required but empty) or that offers impossible positions', () =>
  brokenWith('baddefault', /settings.0.default: the default of &quot;order&quot; does not meet its own rules \(too_many\)/, /settings.1.default: the default of &quot;title&quot; does not meet its own rules \(required\)/, /settings.2.maxItems: an ordered choice cannot offer more positions than options/));
test('an entry outside the plugin folder', () => brokenWith('escape', /entry: &quot;..\/good\/index.ts&quot; leads outside the plugin folder/));
test('every problem of one manifest is reported at once', () => {
  brokenWith('multi', /version: a version looks like 1.2.3/, /kiosque: not a supported version range/, /name.fr: /, /settings.0.default: default &quot;y&quot; is not one of the options/, /settings.1.type: unknown setting type &quot;wheel&quot;/);
});

test('a broken plugin cannot be enabled', async () => {
  const admin = await signIn(t, 'alice');
  const page = await admin.get('/admin/plugins').set('Accept', 'text/html');
  const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
  const res = await admin.post('/admin/plugins/oldcore/enable').type('form').send({ _csrf: token }).set('Accept', 'text/html');
  assert.equal(res.status, 409);
  assert.match(res.text, /is broken and cannot be enabled/);
  assert.notEqual((await t.store.plugins.get('oldcore'))?.enabled, true);
});
