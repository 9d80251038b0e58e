import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, addUser, signIn, type TestApp } from '../../helpers/app.ts';
import { helloSays } from '../../helpers/plugins.ts';

let t: TestApp;
let admin: Awaited<ReturnType<typeof signIn>>;

const html = (agent: ReturnType<typeof request.agent> | ReturnType<typeof request>, url: string) => agent.get(url).set('Accept', 'text/html');

before(async () => {
  t = await makeApp();
  await addUser(t, 'alice', 'admin');
  admin = await signIn(t, 'alice');
  // What an admin might type: markup, which must come back as text.
  await t.app.kiosque.plugins.saveSettings('hello', { greeting: '<b>Hi</b>', repeat: 2, note: 'Note <i>here</i>' });
  assert.deepEqual(await t.app.kiosque.plugins.enable('hello'), { ok: true });
});
after(() => t.close());

test('the greeting page is a page of the site: its layout, its title, the plugin’s stylesheet, the greeting escaped', async () => {
  const res = await html(request(t.app), '/plugins/hello/').expect(200);
  assert.match(res.headers['content-type']!, /^text\/html/);
  assert.match(res.text, /<title>Hello · Kiosque<\/title>/);
  assert.match(res.text, /<header class="site-header">/);
  assert.match(res.text, /<footer class="site-footer"/);
  assert.match(res.text, /<link rel="stylesheet" href="\/plugins\/hello\/assets\/hello.css">/);
  assert.deepEqual(helloSays(res.text), ['Hello', '&lt;b&gt;Hi&lt;/b&gt;!', '&lt;b&gt;Hi&lt;/b&gt;!']);
  assert.match(res.text, /<p class="hello-note">Note &lt;i&gt;here&lt;\/i&gt;<\/p>/);
  assert.doesNotMatch(res.text, /<b>Hi|<i>here/);
});

test('with ?lang=fr the page speaks French, French typography included', async () => {
  const res = await html(request(t.app), '/plugins/hello/?lang=fr').expect(200);
  assert.match(res.text, /<html lang="fr">/);
  assert.match(res.text, /<title>Bonjour · Kiosque<\/title>/);
  assert.deepEqual(helloSays(res.text), ['Bonjour', '&lt;b&gt;Hi&lt;/b&gt;\u202f!', '&lt;b&gt;Hi&lt;/b&gt;\u202f!']);
});

test('its stylesheet is served as CSS, not sniffed, cached for a while', async () => {
  const css = await request(t.app).get('/plugins/hello/assets/hello.css').expect(200);
  assert.match(css.headers['content-type']!, /^text\/css; charset=utf-8/);
  assert.equal(css.headers['x-content-type-options'], 'nosniff');
  assert.match(css.headers['cache-control']!, /public, max-age=3600/);
  assert.match(css.text, /\.hello-greeting/);
});

test('behind the intranet, anonymous visitors get neither the page nor its files; signed-in ones get both', async () => {
  assert.deepEqual(await t.app.kiosque.plugins.enable('intranet'), { ok: true });
  try {
    await request(t.app).get('/plugins/hello/assets/hello.css').set('Accept', 'text/css,*/*;q=0.1').expect(401);
    const direct = await html(request(t.app), '/plugins/hello/assets/hello.css').expect(302);
    assert.equal(direct.headers.location, '/login?return=%2Fplugins%2Fhello%2Fassets%2Fhello.css');
    const page = await html(request(t.app), '/plugins/hello/').expect(302);
    assert.equal(page.headers.location, '/login?return=%2Fplugins%2Fhello%2F');
    await admin.get('/plugins/hello/assets/hello.css').expect(200);
    assert.match((await html(admin, '/plugins/hello/').expect(200)).text, /hello\.css/);
  } finally {
    await t.app.kiosque.plugins.disable('intranet');
  }
});

test('disabled, the page and its stylesheet are gone at once', async () => {
  await t.app.kiosque.plugins.disable('hello');
  await html(request(t.app), '/plugins/hello/').expect(404);
  await request(t.app).get('/plugins/hello/assets/hello.css').expect(404);
  await t.app.kiosque.plugins.enable('hello');
  await request(t.app).get('/plugins/hello/assets/hello.css').expect(200);
});
