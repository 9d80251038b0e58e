import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, addUser, signIn, tokenOf, type TestApp } from '../helpers/app.ts';
import { mediaRecord } from '../helpers/media-records.ts';
import { settingsFormValues } from '../helpers/settings-form.ts';
import { readMediaDisplay, mediaDisplayDefaults } from '../../core/settings/media-display.ts';

const html = { Accept: 'text/html' };
const PAGE = '/admin/config/media';
let t: TestApp;
let admin: Awaited<ReturnType<typeof signIn>>;

before(async () => {
  t = await makeApp();
  await addUser(t, 'ada', 'admin');
  await addUser(t, 'mo', 'member');
  admin = await signIn(t, 'ada');
  await t.store.media.create(mediaRecord({ title: 'Carnaval', type: 'video', views: 42, publishedAt: '2025-03-01T10:00:00.000Z' }));
});
after(() => t.close());

async function save(changes: Record<string, string | undefined>, query = '') {
  const form = { ...settingsFormValues((await admin.get(PAGE).set(html).expect(200)).text), ...changes };
  for (const [k, v] of Object.entries(form)) if (v === undefined) delete form[k];
  return admin.post(PAGE + query).type('form').set(html).send({ ...form, _csrf: await tokenOf(admin, PAGE) });
}
const card = async () => /<li class="media-card[\s\S]*?<\/li>/.exec((await request(t.app).get('/').set(html).expect(200)).text)?.[0] ?? '';

test('media lists follow the display settings: type, date and views shown or hidden', async () => {
  const before = await card();
  assert.match(before, /<span class="card-type">Video<\/span>/);
  assert.match(before, /<time class="card-date" datetime="2025-03-01T10:00:00.000Z">1 Mar 2025<\/time>/);
  assert.doesNotMatch(before, /card-views/);

  const res = await save({ showType: undefined, showViews: 'on' });
  assert.equal(res.status, 303);
  const after = await card();
  assert.doesNotMatch(after, /card-type/);
  assert.match(after, /<span class="card-views">42 views<\/span>/);

  await save({ showDates: undefined, showViews: undefined });
  assert.doesNotMatch(await card(), /card-meta/);
  const fr = /<li class="media-card[\s\S]*?<\/li>/.exec((await request(t.app).get('/?lang=fr').set(html)).text)?.[0] ?? '';
  assert.doesNotMatch(fr, /card-meta/);
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
