import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, addUser, signIn, tokenOf, type TestApp } from '../helpers/app.ts';
import { helloSays } from '../helpers/plugins.ts';

let t: TestApp;
let admin: Awaited<ReturnType<typeof signIn>>;
before(async () => {
  t = await makeApp();
  await addUser(t, 'alice', 'admin');
  await addUser(t, 'eddie', 'editor');
  await addUser(t, 'mia', 'member');
  admin = await signIn(t, 'alice');
  const token = await tokenOf(admin, '/admin/plugins');
  await admin.post('/admin/plugins/hello/enable').type('form').send({ _csrf: token }).expect(303);
});
after(() => t.close());

test('toggles and settings need a CSRF token', async () => {
  await admin.post('/admin/plugins/hello/disable').type('form').send({}).expect(403);
  await admin.post('/admin/plugins/hello/disable').type('form').send({ _csrf: 'forged' }).expect(403);
  await admin.post('/admin/plugins/hello/settings').type('form').send({ greeting: 'Hacked' }).expect(403);
  assert.equal(t.app.kiosque.plugins.get('hello')!.state, 'enabled');
  assert.notEqual((await t.store.plugins.get('hello'))?.settings?.greeting, 'Hacked');
});

test('editors and members get 403 on the list, the toggles and the settings; visitors are sent to sign in', async () => {
  for (const name of ['eddie', 'mia']) {
    const agent = await signIn(t, name);
    const token = await tokenOf(agent, '/');
    await agent.get('/admin/plugins').set('Accept', 'text/html').expect(403);
    await agent.get('/admin/plugins/hello/settings').set('Accept', 'text/html').expect(403);
    await agent.post('/admin/plugins/hello/disable').type('form').send({ _csrf: token }).expect(403);
    await agent.post('/admin/plugins/hello/settings').type('form').send({ _csrf: token, greeting: 'Editor was here' }).expect(403);
  }
  const editorDash = await (await signIn(t, 'eddie')).get('/admin').set('Accept', 'text/html').expect(200);
  assert.doesNotMatch(editorDash.text, /\/admin\/plugins/, 'editors see no plugin entries in the menu');
  const anon = await request(t.app).get('/admin/plugins').set('Accept', 'text/html');
  assert.equal(anon.status, 302);
  await request(t.app).post('/admin/plugins/hello/disable').expect(401);
  assert.equal(t.app.kiosque.plugins.get('hello')!.state, 'enabled');
});

test('unknown plugins and actions answer 404', async () => {
  const token = await tokenOf(admin, '/admin/plugins');
  await admin.post('/admin/plugins/nope/enable').type('form').send({ _csrf: token }).expect(404);
  await admin.post('/admin/plugins/hello/explode').type('form').send({ _csrf: token }).expect(404);
  await admin.get('/admin/plugins/nope/settings').set('Accept', 'text/html').expect(404);
});

test('invalid settings: 400, every field error shown, the input kept, nothing saved', async () => {
  const before = (await t.store.plugins.get('hello'))?.settings;
  const token = await tokenOf(admin, '/admin/plugins/hello/settings');
  const body = new URLSearchParams([
    ['_csrf', token],
    ['greeting', ''],
    ['repeat', '9'],
    ['tone', 'rude'],
    ['days', 'mon'],
    ['days', 'funday'],
    ['quietPaths', '/ok\nno-slash\n/a/../b'],
    ['friendlyNetworks', '10.0.0.0/8\n300.1.1.1\n2001:db8::/129'],
    ['colour', 'red'],
    ['note', '<script>alert(1)</script>'],
  ]).toString();
  const res = await admin.post('/admin/plugins/hello/settings').type('form').send(body).set('Accept', 'text/html');
  assert.equal(res.status, 400);
  assert.match(res.text, /Some fields need correcting \(7\)\. Nothing was saved\./);
  const error = (key: string) => new RegExp(`id="plugin-hello-${key}-error">([^<]*)<`).exec(res.text)?.[1];
  assert.equal(error('greeting'), 'This field is required.');
  assert.equal(error('repeat'), 'At most 5.');
  assert.equal(error('tone'), 'Choose one of the options offered.');
  assert.equal(error('days'), 'Choose one of the options offered.');
  assert.match(error('quietPaths')!, /Line 2 \(“no-slash”\) is not a path.*Line 3 \(“\/a\/..\/b”\) is not a path/);
  assert.match(error('friendlyNetworks')!, /Line 2 \(“300.1.1.1”\) is not an IP address.*Line 3 \(“2001:db8::\/129”\)/);
  assert.equal(error('colour'), 'Enter a colour as #rrggbb.');
  // What the admin typed comes back, escaped.
  assert.match(res.text, /name="repeat" value="9"/);
  assert.match(res.text, />\/ok\nno-slash\n\/a\/..\/b<\/textarea>/);
  assert.match(res.text, />&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/textarea>/);
  assert.doesNotMatch(res.text, /<script>alert/);
  assert.match(res.text, /value="mon" checked/);
  assert.match(res.text, /aria-describedby="plugin-hello-greeting-error"/);
  assert.deepEqual((await t.store.plugins.get('hello'))?.settings, before);
  assert.deepEqual(helloSays((await request(t.app).get('/plugins/hello/')).text), ['Hello', 'Hello!']);
});

test('the plugin’s page speaks the visitor’s language however they chose it (core’s negotiation, through ctx.i18n.languageOf)', async () => {
  assert.equal(helloSays((await request(t.app).get('/plugins/hello/').set('Accept-Language', 'fr-FR,fr;q=0.9')).text)[0], 'Bonjour');
  const visitor = request.agent(t.app);
  await visitor.get('/?lang=fr').set('Accept', 'text/html');
  assert.equal(helloSays((await visitor.get('/plugins/hello/').set('Accept-Language', 'en')).text)[0], 'Bonjour', 'the remembered choice wins over the browser’s');
  assert.equal(helloSays((await request(t.app).get('/plugins/hello/').set('Accept-Language', 'en')).text)[0], 'Hello');
});

test('errors come in French for a French admin', async () => {
  const token = await tokenOf(admin, '/admin/plugins/hello/settings');
  const res = await admin.post('/admin/plugins/hello/settings?lang=fr').type('form').send({ _csrf: token, greeting: '', tone: 'warm', colour: '#000000' }).set('Accept', 'text/html');
  assert.equal(res.status, 400);
  assert.match(res.text, /<label for="plugin-hello-greeting">Salutation <span class="required" aria-hidden="true">\*<\/span><\/label>/);
  assert.match(res.text, /id="plugin-hello-greeting-error">Ce champ est obligatoire\.</);
  await admin.get('/?lang=en').set('Accept', 'text/html');
});

test('every settings field has a label tied to it', async () => {
  const page = await admin.get('/admin/plugins/hello/settings').set('Accept', 'text/html').expect(200);
  const ids = [...page.text.matchAll(/<(?:input|select|textarea)[^>]*\sid="([^"]+)"/g)].map((m) => m[1]!);
  assert.ok(ids.length >= 12);
  for (const id of ids) assert.match(page.text, new RegExp(`<label for="${id}">`), `label for ${id}`);
});

test('on every admin page the first heading is the page’s <h1>: the menu’s section names are labels, not headings', async () => {
  for (const p of ['/admin', '/admin/plugins', '/admin/plugins/hello/settings', '/admin/media', '/admin/config/skeleton']) {
    const res = await admin.get(p).set('Accept', 'text/html');
    assert.equal(res.status, 200, p);
    const firstHeading = /<h([1-6])[\s>]/.exec(res.text)?.[1];
    assert.equal(firstHeading, '1', `${p}: the first heading is an h${firstHeading}`);
    assert.match(res.text, /<ul aria-label="Content">/, `${p}: the menu's lists are named`);
  }
});

test('a refused toggle’s address, opened by its language link or a reload, leads back to the list with the query kept', async () => {
  for (const action of ['enable', 'disable']) {
    const res = await admin.get(`/admin/plugins/hello/${action}?lang=fr`).set('Accept', 'text/html');
    assert.equal(res.status, 303, action);
    assert.equal(res.headers.location, '/admin/plugins?lang=fr');
  }
  await admin.get('/?lang=en').set('Accept', 'text/html');
  assert.equal(t.app.kiosque.plugins.get('hello')!.state, 'enabled', 'a GET changes nothing');
});
