import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { makeApp, addUser, signIn, tokenOf, tempDir, type TestApp } from '../helpers/app.ts';
import { gif, jpegWithGps } from '../helpers/media.ts';

let t: TestApp;
let image: { id: string; slug: string };
let draft: { id: string; slug: string };
let doc: { id: string; slug: string };
let animation: { id: string; slug: string };
let still: { id: string; slug: string };
let editor: ReturnType<typeof request.agent>;

before(async () => {
  t = await makeApp();
  const dir = await tempDir('kiosque-page-');
  await addUser(t, 'eddie', 'editor');
  editor = await signIn(t, 'eddie');
  const token = await tokenOf(editor);
  const sector = await t.store.sectors.create({ slug: 'fetes', title: 'Fêtes', description: '', order: 1, visible: true, display: 'grid', defaultSort: 'date' });
  await jpegWithGps(path.join(dir, 'p.jpg'), 2000, 1000, 1);
  await writeFile(path.join(dir, 'readme.txt'), 'Bonjour\n');
  await gif(path.join(dir, 'anim.gif'), 4, 64, 48);
  await gif(path.join(dir, 'still.gif'), 1, 64, 48);
  const up = async (file: string, fields: Record<string, string>) => {
    let req = editor.post('/api/v1/media').set('X-CSRF-Token', token);
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    const res = await req.attach('file', path.join(dir, file));
    assert.equal(res.status, 201, res.text);
    return res.body as { id: string; slug: string };
  };
  image = await up('p.jpg', { title: 'Défilé <du> carnaval', description: 'Les chars & les masques\n\nUne **belle** fête\nen ville <b onclick=x>', status: 'published', sector: sector.slug, licence: 'cc-by' });
  draft = await up('p.jpg', { title: 'Brouillon', status: 'draft' });
  doc = await up('readme.txt', { status: 'published' });
  animation = await up('anim.gif', { status: 'published' });
  still = await up('still.gif', { status: 'published' });
});
after(() => t.close());

test('an image page: srcset of the derivatives, escaped title and description, details, download link, aside slot', async () => {
  t.app.kiosque.slots.add('media.aside', 'test', '<p class="aside-test">aside for {{page.media.id}}</p>');
  const res = await request(t.app).get(`/media/${image.id}/${image.slug}`).set('Accept', 'text/html').set('Accept-Language', 'en');
  assert.equal(res.status, 200);
  assert.equal(image.slug, 'defile-du-carnaval');
  assert.match(res.text, /<h1>Défilé &lt;du&gt; carnaval<\/h1>/);
  assert.match(res.text, /Les chars &amp; les masques/);
  // The description is Markdown; what is typed as HTML stays text.
  assert.match(res.text, /<strong>belle<\/strong> fête<br>\nen ville/);
  assert.match(res.text, /&lt;b onclick=x&gt;/);
  assert.doesNotMatch(res.text, /<b onclick/);
  assert.match(res.text, new RegExp(`srcset="/files/${image.id}/thumb 320w, /files/${image.id}/medium 800w, /files/${image.id}/large 1600w"`));
  assert.match(res.text, new RegExp(`<img src="/files/${image.id}/large"`));
  assert.match(res.text, /<dd><a href="\/sectors\/fetes">Fêtes<\/a><\/dd>/);
  assert.match(res.text, /Creative Commons Attribution/);
  assert.match(res.text, /<dd><a href="\/authors\/eddie">eddie<\/a><\/dd>/, 'the author’s name links to their page');
  assert.match(res.text, /<dd>2,000\u00a0×\u00a01,000<\/dd>/);
  assert.match(res.text, new RegExp(`href="/files/${image.id}/original\\?download" download="p.jpg"`));
  assert.match(res.text, new RegExp(`<p class="aside-test">aside for ${image.id}</p>`));
  const fr = await request(t.app).get(`/media/${image.id}/${image.slug}`).set('Accept', 'text/html').set('Accept-Language', 'fr');
  assert.match(fr.text, /Télécharger p\.jpg/);
});

test('the media.after slot renders below the media and its aside, with the page’s context, on every media template', async () => {
  const undo = t.app.kiosque.slots.add('media.after', 'test', '<section class="after-test">after {{page.media.id}}</section>');
  try {
    for (const m of [image, doc, animation]) {
      const res = await request(t.app).get(`/media/${m.id}/${m.slug}`).set('Accept', 'text/html').expect(200);
      const aside = res.text.indexOf('</aside>');
      const below = res.text.indexOf(`<section class="after-test">after ${m.id}</section>`);
      assert.ok(aside > 0 && below > aside, `${m.slug}: the slot comes after the aside`);
      assert.ok(below < res.text.indexOf('</article>'), `${m.slug}: inside the media’s article`);
    }
  } finally {
    undo();
  }
  assert.doesNotMatch((await request(t.app).get(`/media/${image.id}/${image.slug}`).set('Accept', 'text/html')).text, /after-test/);
});

test('an animated GIF plays on its page and in its embed (the original, whose derivatives are its first frame only); a still GIF shows its derivatives', async () => {
  const img = (html: string) => /<figure class="(?:media-player|embed-media[^"]*)">\s*<img ([^>]*)>/.exec(html)?.[1] ?? '';
  for (const address of [`/media/${animation.id}/${animation.slug}`, `/embed/${animation.id}`]) {
    const res = await request(t.app).get(address).set('Accept', 'text/html');
    assert.equal(res.status, 200);
    assert.match(img(res.text), new RegExp(`src="/files/${animation.id}/original"`), address);
    assert.doesNotMatch(img(res.text), /srcset=/, `${address}: no srcset of still frames`);
  }
  const served = await request(t.app).get(`/files/${animation.id}/original`);
  assert.equal(served.headers['content-type'], 'image/gif');
  assert.equal(served.headers['content-disposition'], undefined, 'shown, not downloaded');
  const page = await request(t.app).get(`/media/${still.id}/${still.slug}`).set('Accept', 'text/html');
  assert.match(img(page.text), new RegExp(`src="/files/${still.id}/large"`));
});

test('a wrong or missing slug redirects to the canonical address', async () => {
  const bare = await request(t.app).get(`/media/${image.id}`).set('Accept', 'text/html');
  assert.equal(bare.status, 301);
  assert.equal(bare.headers.location, `/media/${image.id}/${image.slug}`);
  const wrong = await request(t.app).get(`/media/${image.id}/old-title`).set('Accept', 'text/html');
  assert.equal(wrong.headers.location, `/media/${image.id}/${image.slug}`);
});

test('a document uses the media-document template; drafts are 404 to visitors but shown to staff with a notice', async () => {
  const res = await request(t.app).get(`/media/${doc.id}/${doc.slug}`).set('Accept', 'text/html');
  assert.match(res.text, /class="media media-document"/);
  assert.match(res.text, /Document \(text\/plain\)/);
  assert.equal((await request(t.app).get(`/media/${draft.id}/${draft.slug}`).set('Accept', 'text/html')).status, 404);
  assert.equal((await request(t.app).get(`/api/v1/media/${draft.id}`)).status, 404);
  const staff = await editor.get(`/media/${draft.id}/${draft.slug}`).set('Accept', 'text/html');
  assert.equal(staff.status, 200);
  assert.match(staff.text, /This media is a draft/);
  assert.match(String(staff.headers['cache-control']), /no-store/);
  assert.equal((await request(t.app).get('/media/12345/x').set('Accept', 'text/html')).status, 404);
});
