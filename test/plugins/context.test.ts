import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import request from 'supertest';
import { makeApp, addUser, signIn, tokenOf, tempDir, type TestApp } from '../helpers/app.ts';
import { manifest, writePlugin, API_URL } from '../helpers/plugins.ts';
import { openLowdbStore, type Media } from '../../core/store/index.ts';
import type { PluginContext } from '../../core/plugins/api.ts';

let t: TestApp;
let pluginsDir: string;
let admin: Awaited<ReturnType<typeof signIn>>;
let mediaId: string;

const probe = `import { definePlugin } from '${API_URL}';
export default definePlugin({
  async register(ctx) {
    await ctx.storage.set('starts', ((await ctx.storage.get('starts')) ?? 0) + 1);
    ctx.router.get('/media/:id', async (req, res) => res.json((await ctx.content.media(req.params.id)) ?? null));
    ctx.router.get('/sector/:key', async (req, res) => res.json((await ctx.content.sector(req.params.key)) ?? null));
    ctx.router.get('/starts', async (_req, res) => res.json(await ctx.storage.get('starts')));
    ctx.router.get('/keys', async (req, res) => res.json((await ctx.storage.keys(req.query.prefix)).sort()));
    ctx.router.post('/keys', async (req, res) => res.json(await ctx.storage.set(req.query.key, 1)));
    ctx.router.get('/can', async (req, res) => res.json(await ctx.access.canOpen(req, req.query.path)));
    ctx.router.get('/t', (_req, res) => res.send(ctx.i18n.t('fr', 'word')));
    ctx.i18n.add({ en: { word: 'word' }, fr: { word: 'mot' } });
    // Reads settings on every request: invalid saved settings make it throw, which the gate turns into deny.
    ctx.hooks.filter('access', (decision, request) => {
      if (request.path === '/hidden') return { allow: false, reason: 'hidden' };
      if (request.path === '/boom') throw new Error('boom');
      const { closed } = ctx.settings.get();
      return closed ? { allow: false, reason: 'closed' } : decision;
    });
    // Hands its ctx to the test, which plays a plugin that registers late (from a timer, a promise…).
    (globalThis as Record<string, unknown>).probeCtx = ctx;
  },
});
`;

before(async () => {
  pluginsDir = await tempDir('kiosque-plugins-');
  await writePlugin(pluginsDir, 'probe', {
    manifest: manifest('probe', { settings: [{ key: 'closed', type: 'boolean', label: 'Closed', default: false }, { key: 'limit', type: 'number', label: 'Limit', default: 1, min: 1, integer: true }] }),
    code: probe,
  });
  const dataDir = await tempDir();
  const seed = await openLowdbStore({ dataDir });
  await seed.plugins.update('probe', { enabled: true, settings: { closed: false, limit: 'lots' } });
  await seed.sectors.create({ slug: 'archives', title: 'Archives', description: '', order: 1, visible: false, display: 'grid', defaultSort: 'date' });
  const now = new Date().toISOString();
  const media = await seed.media.create({
    slug: 'secret', type: 'image', status: 'draft', title: 'Secret title', description: 'private', sectorId: null, keywordIds: [], licence: '', authorId: null,
    createdAt: now, updatedAt: now, publishedAt: null, views: 0, original: { file: 'x', mime: 'image/png', size: 1, name: 'secret.png', sha256: '0' }, variants: {}, meta: {}, processing: { state: 'done', attempts: 0 },
  } as Omit<Media, 'id'>);
  mediaId = media.id;
  await seed.close();
  t = await makeApp({ dataDir, overrides: { pluginsDir } });
  await addUser(t, 'alice', 'admin');
  admin = await signIn(t, 'alice');
});
after(async () => {
  await t.close();
  await rm(pluginsDir, { recursive: true, force: true });
});

test('invalid saved settings: settings.get() throws, the access filter fails closed, the admin sees why', async () => {
  await request(t.app).get('/plugins/probe/starts').expect(401);
  const page = await request(t.app).get('/').set('Accept', 'text/html');
  assert.equal(page.status, 302);
  const list = await admin.get('/admin/plugins').set('Accept', 'text/html').expect(200);
  assert.match(list.text, /data-plugin="probe">[\s\S]*?Problem reported: plugin &quot;probe&quot;: the saved settings are invalid \(limit\)/);
  // The form shows the defaults; saving valid values reopens the site at once.
  const form = await admin.get('/admin/plugins/probe/settings').set('Accept', 'text/html').expect(200);
  assert.match(form.text, /name="limit" value="1"/);
  const token = await tokenOf(admin, '/admin/plugins/probe/settings');
  await admin.post('/admin/plugins/probe/settings').type('form').send({ _csrf: token, limit: '3' }).expect(303);
  await request(t.app).get('/plugins/probe/starts').expect(200);
  assert.doesNotMatch((await admin.get('/admin/plugins').set('Accept', 'text/html')).text, /saved settings are invalid/);
});

test('ctx.content gives summaries only; ctx.storage persists; ctx.i18n.t reads the plugin namespace', async () => {
  const m = await request(t.app).get(`/plugins/probe/media/${mediaId}`).expect(200);
  assert.deepEqual(m.body, { id: mediaId, status: 'draft', sectorId: null, title: 'Secret title', slug: 'secret' });
  assert.equal((await request(t.app).get('/plugins/probe/media/999')).body, null);
  assert.equal((await request(t.app).get('/plugins/probe/media/..%2f1')).status, 400);
  const bySlug = await request(t.app).get('/plugins/probe/sector/archives').expect(200);
  assert.equal(bySlug.body.slug, 'archives');
  assert.equal(bySlug.body.visible, false);
  assert.deepEqual((await request(t.app).get(`/plugins/probe/sector/${bySlug.body.id}`)).body, bySlug.body);
  assert.equal((await request(t.app).get('/plugins/probe/starts')).body, 1);
  assert.equal((await request(t.app).get('/plugins/probe/t')).text, 'mot');
  // A restart of the plugin counts again: storage is kept in the store.
  assert.equal((await t.app.kiosque.plugins.disable('probe')).ok, true);
  assert.equal((await t.app.kiosque.plugins.enable('probe')).ok, true);
  assert.equal((await request(t.app).get('/plugins/probe/starts')).body, 2);
  assert.deepEqual((await t.store.plugins.get('probe'))?.storage, { starts: 2 });
});

test('ctx.storage.keys lists what the plugin stored, by prefix', async () => {
  const token = await tokenOf(admin);
  await admin.post('/plugins/probe/keys?key=media:1').set('X-CSRF-Token', token).expect(200);
  await admin.post('/plugins/probe/keys?key=media:2').set('X-CSRF-Token', token).expect(200);
  assert.deepEqual((await request(t.app).get('/plugins/probe/keys?prefix=media:').expect(200)).body, ['media:1', 'media:2']);
  assert.deepEqual((await request(t.app).get('/plugins/probe/keys').expect(200)).body, ['media:1', 'media:2', 'starts']);
  assert.deepEqual((await request(t.app).get('/plugins/probe/keys?prefix=none').expect(200)).body, []);
});

test('ctx.access.canOpen answers as the gate would: core rules, the access filters, a throwing filter as no', async () => {
  const can = async (agent: ReturnType<typeof request.agent> | ReturnType<typeof request>, path: string) => (await agent.get(`/plugins/probe/can?path=${encodeURIComponent(path)}`).expect(200)).body as boolean;
  assert.equal(await can(request(t.app), `/media/${mediaId}`), true);
  assert.equal(await can(request(t.app), '/admin/users'), false);
  assert.equal(await can(admin, '/admin/users'), true);
  assert.equal(await can(admin, '/hidden'), false);
  assert.equal(await can(admin, '/boom'), false);
  assert.equal(await can(admin, '/a/../b'), false, 'a path the gate refuses to read is not open');
});

test('a registration made after the plugin was disabled is refused and leaves nothing', async () => {
  const ctx = (globalThis as Record<string, unknown>).probeCtx as PluginContext;
  assert.equal((await t.app.kiosque.plugins.disable('probe')).ok, true);
  assert.throws(() => ctx.views.slot('footer', '<p>late</p>'), /plugin "probe" is disabled/);
  assert.throws(() => ctx.hooks.filter('robots.txt', () => 'late'), /plugin "probe" is disabled/);
  assert.doesNotMatch((await request(t.app).get('/robots.txt')).text, /late/);
  assert.doesNotMatch((await request(t.app).get('/').set('Accept', 'text/html')).text, /<p>late<\/p>/, 'the late slot partial is not rendered');
});
