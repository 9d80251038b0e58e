import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, addUser, signIn, tokenOf, type TestApp } from '../helpers/app.ts';
import { mediaRecord } from '../helpers/media-records.ts';
import { settingsFormValues } from '../helpers/settings-form.ts';
import { readMediaDisplay, mediaDisplayDefaults } from '../../core/settings/media-display.ts';
import { readMediaSettings } from '../../core/media/index.ts';
import { skeletonDefaults } from '../../core/settings/skeleton.ts';
import type { Media } from '../../core/store/index.ts';

const html = { Accept: 'text/html' };
const PAGE = '/admin/config/media';
let t: TestApp;
let admin: Awaited<ReturnType<typeof signIn>>;
let item: Media;

before(async () => {
  t = await makeApp();
  await addUser(t, 'ada', 'admin');
  const mo = await addUser(t, 'mo', 'member');
  admin = await signIn(t, 'ada');
  item = await t.store.media.create(mediaRecord({ title: 'Carnaval', slug: 'carnaval', type: 'video', views: 42, publishedAt: '2025-03-01T10:00:00.000Z', authorId: mo.id, licence: 'cc-by-sa' }));
  // Records made straight in the store: the search index (which the homepage reads) learns of them by a rebuild.
  await t.app.kiosque.search.reindex();
});
after(() => t.close());

async function save(changes: Record<string, string | undefined>, query = '') {
  const form = { ...settingsFormValues((await admin.get(PAGE).set(html).expect(200)).text), ...changes };
  for (const [k, v] of Object.entries(form)) if (v === undefined) delete form[k];
  return admin.post(PAGE + query).type('form').set(html).send({ ...form, _csrf: await tokenOf(admin, PAGE) });
}
const card = async () => /<article class="media-card[\s\S]*?<\/article>/.exec((await request(t.app).get('/').set(html).expect(200)).text)?.[0] ?? '';

test('media lists follow the display settings: type, date and views shown or hidden', async () => {
  const before = await card();
  assert.match(before, /<span class="card-type">Video<\/span>/);
  assert.match(before, /<time class="card-date" datetime="2025-03-01T10:00:00.000Z">1\u00a0Mar\u00a02025<\/time>/);
  assert.doesNotMatch(before, /card-views/);

  const res = await save({ showType: undefined, showViews: 'on' });
  assert.equal(res.status, 303);
  const after = await card();
  assert.doesNotMatch(after, /card-type/);
  assert.match(after, /<span class="card-views">42 views<\/span>/);

  await save({ showDates: undefined, showViews: undefined });
  assert.doesNotMatch(await card(), /card-type|card-date|card-views/);
  const fr = /<article class="media-card[\s\S]*?<\/article>/.exec((await request(t.app).get('/?lang=fr').set(html)).text)?.[0] ?? '';
  assert.doesNotMatch(fr, /card-type|card-date|card-views/);
});

test('saving keeps what the media library stores under the same settings key', async () => {
  const saved = await t.store.settings.get<Record<string, unknown>>('media');
  await t.store.settings.set('media', { ...saved, boxes: { thumb: 200, medium: 700, large: 1400 }, quality: 70 });
  assert.equal((await save({ showAuthor: undefined })).status, 303);
  const after = await t.store.settings.get<Record<string, unknown>>('media');
  assert.deepEqual(after!.boxes, { thumb: 200, medium: 700, large: 1400 });
  assert.equal(after!.quality, 70);
  assert.equal(after!.showAuthor, false);
  assert.equal((await readMediaDisplay(t.store)).showAuthor, false);
});

test('CSRF and roles (a member is refused too); stored garbage reads back as defaults, field by field', async () => {
  const before = JSON.stringify(await t.store.settings.get('media'));
  assert.equal((await admin.post(PAGE).type('form').set(html).send({ showAuthor: 'on' })).status, 403);
  const mo = await signIn(t, 'mo');
  await mo.get(PAGE).set(html).expect(403);
  assert.equal((await mo.post(PAGE).type('form').send({ _csrf: await tokenOf(mo, '/'), showAuthor: 'on' })).status, 403);
  assert.equal(JSON.stringify(await t.store.settings.get('media')), before);

  await t.store.settings.set('media', { showAuthor: 'yes', showViews: 1, showType: false });
  const read = await readMediaDisplay(t.store);
  assert.deepEqual(read, { ...mediaDisplayDefaults, showType: false });
});

test('media pages follow the display settings and the skeleton’s download rules', async () => {
  const url = `/media/${item.id}/carnaval`;
  const page = async (agent: { get: typeof admin.get } = request(t.app)) => (await agent.get(url).set(html).expect(200)).text;
  await t.store.settings.set('media', {});
  let text = await page();
  assert.match(text, /<dt>Author<\/dt><dd><a href="\/authors\/mo">mo<\/a><\/dd>/, 'a member’s published media give them an author page');
  assert.match(text, /<dt>Licence<\/dt><dd>Creative Commons Attribution-ShareAlike \(CC BY-SA\)<\/dd>/);
  assert.match(text, /<dt>Size<\/dt>/);
  assert.match(text, /<dt>Type<\/dt><dd class="media-type">Video<\/dd>/);
  assert.match(text, /class="download"/);
  assert.doesNotMatch(text, /class="media-views"/);
  assert.doesNotMatch(text, /class="direct-link"/);

  assert.equal((await save({ showAuthor: undefined, showLicence: undefined, showFileSize: undefined, showDownloadLink: undefined, showType: undefined, showViews: 'on' })).status, 303);
  text = await page();
  assert.doesNotMatch(text, /<dt>Author<\/dt>/);
  assert.doesNotMatch(text, /<dt>Licence<\/dt>/);
  assert.doesNotMatch(text, /<dt>Size<\/dt>/);
  assert.doesNotMatch(text, /media-type/);
  assert.doesNotMatch(text, /class="download"/);
  assert.match(text, /<dt>Views<\/dt><dd class="media-views">42<\/dd>/);

  // Downloads: the skeleton may forbid them, or keep them for signed-in visitors.
  await save({ showDownloadLink: 'on' });
  await t.store.settings.set('skeleton', { ...skeletonDefaults, allowDownloads: false });
  assert.doesNotMatch(await page(), /class="download"/);
  await t.store.settings.set('skeleton', { ...skeletonDefaults, downloadsSignedInOnly: true, showDirectFileLinks: true });
  text = await page();
  assert.doesNotMatch(text, /class="download"/);
  assert.match(text, new RegExp(`<p class="direct-link"><a href="/files/${item.id}/original">`));
  assert.match(await page(admin), /class="download"/);
  await t.store.settings.set('skeleton', skeletonDefaults);
});

test('the skeleton’s thumbnail box, document width and default licence drive the media library', async () => {
  await t.store.settings.set('media', {});
  await t.store.settings.set('skeleton', { ...skeletonDefaults, thumbnailBox: 200, maxDocumentWidth: 1200, defaultLicence: 'cc0' });
  const settings = await readMediaSettings(t.store);
  assert.deepEqual(settings.boxes, { thumb: 200, medium: 800, large: 1200 });
  assert.equal(settings.defaultLicence, 'cc0');
  await t.store.settings.set('skeleton', skeletonDefaults);
});
