import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import request from 'supertest';
import { makeApp, addUser, signIn, tokenOf, tempDir, type TestApp } from '../helpers/app.ts';
import { jpegWithGps } from '../helpers/media.ts';

const html = { Accept: 'text/html' };
const TITLE = 'Le "bal" <masqué> & co';
let t: TestApp;
let published: { id: string; slug: string };
let draft: string;

before(async () => {
  t = await makeApp();
  await addUser(t, 'eddie', 'editor');
  const editor = await signIn(t, 'eddie');
  const token = await tokenOf(editor);
  const dir = await tempDir('kiosque-embed-');
  await jpegWithGps(path.join(dir, 'p.jpg'), 1000, 600, 1);
  const up = async (status: string) => {
    const res = await editor.post('/api/v1/media').set('X-CSRF-Token', token).field('status', status).field('title', TITLE).attach('file', path.join(dir, 'p.jpg'));
    assert.equal(res.status, 201, res.text);
    return res.body as { id: string; slug: string };
  };
  published = await up('published');
  draft = (await up('draft')).id;
  await t.app.kiosque.media.idle();
});
after(() => t.close());

test('a published media’s embed page shows it alone and may be framed by any site, keeping the rest of the policy', async () => {
  const res = await request(t.app).get(`/embed/${published.id}`).set(html).expect(200);
  assert.match(res.text, new RegExp(`<img src="/files/${published.id}/large"`));
  assert.match(res.text, new RegExp(`<a href="/media/${published.id}/${published.slug}" target="_blank" rel="noopener">See “Le &quot;bal&quot; &lt;masqué&gt; &amp; co” on Kiosque</a>`));
  assert.doesNotMatch(res.text, /class="site-header"/, 'no site chrome');
  // A page of its own for screen readers inside the frame: its heading names the media, out of sight.
  assert.match(res.text, /<h1 class="visually-hidden">Le &quot;bal&quot; &lt;masqué&gt; &amp; co<\/h1>/);
  const csp = String(res.headers['content-security-policy']);
  assert.match(csp, /frame-ancestors \*/);
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'/);
  assert.equal(res.headers['x-frame-options'], undefined);
  // Never from the page cache: a cached copy would leave with the site's usual frame-ancestors 'none'.
  const again = await request(t.app).get(`/embed/${published.id}`).set(html).expect(200);
  assert.match(String(again.headers['content-security-policy']), /frame-ancestors \*/);
  assert.notEqual(again.headers['x-page-cache'], 'hit');
  // Every other page still refuses to be framed.
  const page = await request(t.app).get(`/media/${published.id}/${published.slug}`).set(html).expect(200);
  assert.match(String(page.headers['content-security-policy']), /frame-ancestors 'none'/);
});

test('drafts, unknown and malformed ids have no embed page', async () => {
  await request(t.app).get(`/embed/${draft}`).set(html).expect(404);
  await request(t.app).get('/embed/999999').set(html).expect(404);
  await request(t.app).get('/embed/abc').set(html).expect(404);
  const editor = await signIn(t, 'eddie');
  await editor.get(`/embed/${draft}`).set(html).expect(404);
});

test('the media page offers the embed code: absolute, the title escaped, one cached copy per host', async () => {
  const page = async (host: string) => (await request(t.app).get(`/media/${published.id}/${published.slug}`).set({ ...html, Host: host }).expect(200)).text;
  const code = (text: string) => /<textarea id="embed-code" readonly rows="3" aria-describedby="embed-help">([^<]*)<\/textarea>/.exec(text)?.[1];
  // A forged Host gets its own copy; it never reaches visitors of the real one.
  assert.match(code(await page('evil.example'))!, /src&#x3D;&quot;http:\/\/evil\.example\/embed\//);
  const real = code(await page('kiosque.example'));
  assert.equal(real, `&lt;iframe src&#x3D;&quot;http://kiosque.example/embed/${published.id}&quot; width&#x3D;&quot;640&quot; height&#x3D;&quot;432&quot; title&#x3D;&quot;Le &amp;quot;bal&amp;quot; &amp;lt;masqué&amp;gt; &amp;amp; co&quot; frameborder&#x3D;&quot;0&quot; style&#x3D;&quot;border:0&quot; loading&#x3D;&quot;lazy&quot; allowfullscreen&gt;&lt;/iframe&gt;`);
  assert.equal(code(await page('kiosque.example')), real, 'the cached copy for this host');
  const editor = await signIn(t, 'eddie');
  assert.doesNotMatch((await editor.get(`/media/${draft}`).redirects(1).set(html).expect(200)).text, /embed-code/, 'a draft has no embed code');
});

test('with a configured public address, the embed code uses it', async (tc) => {
  const other = await makeApp({ overrides: { baseUrl: 'https://media.example.org' } });
  tc.after(() => other.close());
  await addUser(other, 'ada', 'admin');
  const admin = await signIn(other, 'ada');
  const dir = await tempDir('kiosque-embed-');
  await jpegWithGps(path.join(dir, 'p.jpg'), 400, 300, 1);
  const up = await admin.post('/api/v1/media').set('X-CSRF-Token', await tokenOf(admin)).field('status', 'published').attach('file', path.join(dir, 'p.jpg')).expect(201);
  await other.app.kiosque.media.idle();
  const text = (await request(other.app).get(`/media/${up.body.id}`).redirects(1).set({ ...html, Host: 'evil.example' }).expect(200)).text;
  assert.match(text, /src&#x3D;&quot;https:\/\/media\.example\.org\/embed\//);
  assert.doesNotMatch(text, /evil\.example/);
});
