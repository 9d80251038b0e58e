import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, addUser, signIn, tokenOf, type TestApp } from '../helpers/app.ts';
import { settingsFormValues } from '../helpers/settings-form.ts';
import type { Media } from '../../core/store/index.ts';
import { mediaInput } from './fixtures.ts';

// /search follows the search config page (/admin/config/search) for what the URL leaves out.
const html = { Accept: 'text/html' };
const PAGE = '/admin/config/search';
let t: TestApp;
let admin: Awaited<ReturnType<typeof signIn>>;
const ids: Record<string, string> = {};

async function addMedia(key: string, over: Partial<Omit<Media, 'id'>>) {
  const m = await t.store.media.create(mediaInput(over));
  t.app.kiosque.search.upsert(m);
  ids[key] = m.id;
}

before(async () => {
  t = await makeApp();
  await addUser(t, 'ada', 'admin');
  admin = await signIn(t, 'ada');
  // Date order (newest first) is zebre, abeille, mouette; title order is abeille, mouette, zebre.
  await addMedia('abeille', { title: 'Abeille', type: 'image', licence: 'cc-by', publishedAt: '2024-02-01T00:00:00Z', createdAt: '2024-02-01T00:00:00Z' });
  await addMedia('zebre', { title: 'Zèbre', type: 'image', licence: 'cc-by', publishedAt: '2024-03-01T00:00:00Z', createdAt: '2024-03-01T00:00:00Z' });
  await addMedia('mouette', { title: 'Mouette', type: 'image', licence: 'cc0', publishedAt: '2024-01-01T00:00:00Z', createdAt: '2024-01-01T00:00:00Z' });
});
after(() => t.close());

async function saveSearchPage(changes: Record<string, string | string[]>) {
  const form = { ...settingsFormValues((await admin.get(PAGE).set(html).expect(200)).text), ...changes };
  const res = await admin.post(PAGE).type('form').set(html).send({ ...form, _csrf: await tokenOf(admin, PAGE) });
  assert.equal(res.status, 303, res.text);
}

const search = (path: string) => request(t.app).get(path).set(html).expect(200);
const order = (text: string) => [...text.matchAll(/href="\/media\/(\d+)"/g)].map((m) => m[1]).filter((id, i, all) => all.indexOf(id) === i);
const formPart = (text: string) => text.slice(text.indexOf('<form class="search-form'), text.indexOf('</form>', text.indexOf('<form class="search-form')));

test('built-in defaults: newest first, thumbnails, every form field', async () => {
  const res = await search('/search?type=image');
  assert.deepEqual(order(res.text), [ids.zebre, ids.abeille, ids.mouette]);
  assert.match(res.text, /class="results results-thumbnails"/);
  for (const id of ['search-q', 'search-kw', 'search-type-image', 'search-sector', 'search-from', 'search-to', 'search-licence', 'search-author']) assert.match(formPart(res.text), new RegExp(`<label for="${id}">`));
});

test('saved sort, order, view and form fields shape /search when the URL gives none; the URL still wins', async () => {
  await saveSearchPage({ defaultSort: 'title', defaultOrder: 'desc', defaultView: 'list', formFields: ['q', 'type'] });

  const res = await search('/search?type=image');
  assert.deepEqual(order(res.text), [ids.zebre, ids.mouette, ids.abeille], 'title, descending');
  assert.match(res.text, /class="results results-list"/);
  assert.match(res.text, /<option value="title" selected>/);
  assert.match(res.text, /<option value="desc" selected>/);
  const form = formPart(res.text);
  assert.match(form, /<label for="search-q">/);
  assert.match(form, /<label for="search-type-image">/);
  for (const id of ['search-kw', 'search-sector', 'search-from', 'search-to', 'search-licence', 'search-author']) assert.doesNotMatch(form, new RegExp(`id="${id}"`), id);

  // Explicit parameters win: a sort alone gets its natural order.
  assert.deepEqual(order((await search('/search?type=image&sort=title')).text), [ids.abeille, ids.mouette, ids.zebre]);
  assert.deepEqual(order((await search('/search?type=image&sort=date')).text), [ids.zebre, ids.abeille, ids.mouette]);
  assert.match((await search('/search?type=image&view=thumbnails')).text, /class="results results-thumbnails"/);
});

test('a criterion of a hidden field still applies, shows as a chip and rides along in the form', async () => {
  await saveSearchPage({ formFields: ['q'] });
  const res = await search('/search?licence=cc0');
  assert.deepEqual(order(res.text), [ids.mouette]);
  assert.match(res.text, /class="chip"><span>Licence: Public domain dedication \(CC0\)<\/span>/);
  const form = formPart(res.text);
  assert.doesNotMatch(form, /id="search-licence"/);
  assert.match(form, /<input type="hidden" name="licence" value="cc0">/);
});

test('pagination links keep an explicit sort that differs from the configured one', async () => {
  await saveSearchPage({ defaultSort: 'title', defaultOrder: 'asc', perPage: '6' });
  for (let i = 0; i < 7; i++) await addMedia(`bulk${i}`, { title: `Vue ${i}`, type: 'video', publishedAt: `2023-01-0${i + 1}T00:00:00Z`, createdAt: `2023-01-0${i + 1}T00:00:00Z` });
  const res = await search('/search?type=video&sort=date');
  assert.match(res.text, /href="\/search\?type&#x3D;video&amp;sort&#x3D;date&amp;page&#x3D;2" rel="next"/);
  const byDefault = await search('/search?type=video');
  assert.match(byDefault.text, /href="\/search\?type&#x3D;video&amp;page&#x3D;2" rel="next"/);
});

test('the API keeps its own defaults: newest first without text, whatever the search config page says', async () => {
  await saveSearchPage({ defaultSort: 'title', defaultOrder: 'asc', perPage: '6', defaultView: 'list' });
  const res = await request(t.app).get('/api/v1/media?type=image').expect(200);
  assert.deepEqual(res.body.items.map((m: { id: string }) => m.id), [ids.zebre, ids.abeille, ids.mouette]);
  assert.equal(res.body.per_page, 24);
});
