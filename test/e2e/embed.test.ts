import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import express from 'express';
import { browserSite, serve } from '../helpers/browser.ts';
import { addUser, signIn, tokenOf, tempDir } from '../helpers/app.ts';
import { jpegWithGps } from '../helpers/media.ts';

let elsewhere: Awaited<ReturnType<typeof serve>>;
let mediaId: string;
let documentId: string;
let embedCode = '';

const site = browserSite(async (t) => {
  await addUser(t, 'alice', 'admin');
  const admin = await signIn(t, 'alice');
  const photo = path.join(await tempDir('kiosque-e2e-'), 'Carnaval.jpg');
  await jpegWithGps(photo, 1200, 800, 1);
  const res = await admin.post('/api/v1/media').set('X-CSRF-Token', await tokenOf(admin)).field('status', 'published').field('title', 'Carnaval de Binche').attach('file', photo).expect(201);
  mediaId = String(res.body.id);
  const notes = path.join(path.dirname(photo), 'notes.txt');
  await writeFile(notes, 'Des notes.\n');
  documentId = String((await admin.post('/api/v1/media').set('X-CSRF-Token', await tokenOf(admin)).field('status', 'published').field('title', 'Notes').attach('file', notes).expect(201)).body.id);
  await t.app.kiosque.media.idle();
});
before(async () => {
  // Another site (another origin: another port) that pastes the embed code into its page.
  const other = express();
  other.get('/', (_req, res) => res.type('html').send(`<!doctype html><title>Blog</title><h1>My blog</h1>${embedCode}`));
  // A site that asks the portal's oEmbed endpoint from the browser and shows what it answers, as a consumer does.
  other.get('/consumer', (req, res) => {
    const page = JSON.stringify(String(req.query.page));
    res.type('html').send(`<!doctype html><title>Consumer</title><h1>Forum</h1><div id="embed"></div><script>
fetch(${JSON.stringify(`${site.base}/oembed?url=`)} + encodeURIComponent(${page}))
  .then((r) => r.json())
  .then((a) => {
    const box = document.getElementById('embed');
    if (a.html) box.innerHTML = a.html;
    else { const img = new Image(a.width, a.height); img.src = a.url; img.alt = a.title; box.append(img); }
    document.title = a.type + ' ' + a.width + 'x' + a.height;
  })
  .catch((err) => { document.title = 'failed: ' + err; });
</script>`);
  });
  elsewhere = await serve(other);
});
after(() => elsewhere?.close());

test('a visitor copies the embed code from a media page; another site shows the media with it, and the page itself still refuses frames', async () => {
  const page = await site.browser.newPage({ locale: 'en-GB' });
  await page.goto(`${site.base}/media/${mediaId}`);
  await page.getByText('Embed this media').click();
  embedCode = await page.getByLabel('Code to paste into another site').inputValue();
  assert.match(embedCode, new RegExp(`^<iframe src="${site.base}/embed/${mediaId}" width="640" height="475" title="Carnaval de Binche"`));

  const blog = await site.browser.newPage();
  await blog.goto(elsewhere.base);
  const frame = blog.frameLocator('iframe');
  await frame.getByRole('link', { name: 'See “Carnaval de Binche” on Kiosque' }).waitFor();
  // The link can be there before the picture has arrived (a busy machine): wait for it to load or fail.
  const loaded = await frame.locator('img').evaluate((img: HTMLImageElement) =>
    img.complete
      ? img.naturalWidth > 0
      : new Promise<boolean>((resolve) => {
          img.addEventListener('load', () => resolve(img.naturalWidth > 0), { once: true });
          img.addEventListener('error', () => resolve(false), { once: true });
        }),
  );
  assert.equal(loaded, true, 'the image shows inside the frame');

  // The media page itself in a frame elsewhere is blocked by its frame-ancestors 'none'.
  embedCode = `<iframe src="${site.base}/media/${mediaId}" width="640" height="360"></iframe>`;
  // 'load' waits for the frame too, whether it shows the page or Chromium's blocked-frame error.
  await blog.goto(elsewhere.base, { waitUntil: 'load' });
  const framed = blog.frames().find((f) => f.url().includes(`/media/${mediaId}`));
  const content = framed ? await framed.content().catch(() => '') : '';
  assert.doesNotMatch(content, /Carnaval de Binche/, 'the page is not shown in a foreign frame');
});

test('another site’s page fetches oEmbed answers from the browser and shows the media: a photo, and a document’s frame', async () => {
  const page = await site.browser.newPage();
  await page.goto(`${elsewhere.base}/consumer?page=${encodeURIComponent(`${site.base}/media/${mediaId}`)}`);
  const img = page.locator('#embed img');
  await img.waitFor();
  await page.waitForFunction(() => document.querySelector<HTMLImageElement>('#embed img')?.complete);
  assert.equal(await page.title(), 'photo 1200x800');
  assert.equal(await img.getAttribute('alt'), 'Carnaval de Binche');
  assert.ok((await img.evaluate((el: HTMLImageElement) => el.naturalWidth)) > 0, 'the image loads on the other site');

  await page.goto(`${elsewhere.base}/consumer?page=${encodeURIComponent(`${site.base}/media/${documentId}/notes`)}`);
  await page.frameLocator('#embed iframe').getByRole('link', { name: 'See “Notes” on Kiosque' }).waitFor();
  assert.equal(await page.title(), 'rich 640x120');
  assert.equal(await page.locator('#embed iframe').evaluate((el) => getComputedStyle(el).borderWidth), '0px', 'the answer’s frame draws no border');
});
