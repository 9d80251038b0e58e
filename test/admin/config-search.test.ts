import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, addUser, signIn, tokenOf, type TestApp } from '../helpers/app.ts';
import { settingsFormValues } from '../helpers/settings-form.ts';
import { readSearchSettings, searchDefaults } from '../../core/settings/search.ts';

const html = { Accept: 'text/html' };
const PAGE = '/admin/config/search';
let t: TestApp;
let admin: Awaited<ReturnType<typeof signIn>>;

before(async () => {
  t = await makeApp();
  await addUser(t, 'ada', 'admin');
  await addUser(t, 'ed', 'editor');
  admin = await signIn(t, 'ada');
});
after(() => t.close());

async function save(changes: Record<string, string | string[] | undefined>, query = '') {
  const form = { ...settingsFormValues((await admin.get(PAGE).set(html).expect(200)).text), ...changes };
  for (const [k, v] of Object.entries(form)) if (v === undefined) delete form[k];
  return admin.post(PAGE + query).type('form').set(html).send({ ...form, _csrf: await tokenOf(admin, PAGE) });
}

test('the page shows the defaults with labelled fields, and a valid save is what the search page reads', async () => {
  const page = await admin.get(PAGE).set(html).expect(200);
  assert.match(page.text, /<label for="search-perPage">Results per page \(6 to 96, in steps of 6\)<\/label>/);
  assert.match(page.text, /name="perPage" value="24"/);
  assert.match(page.text, /<a href="\/admin\/config\/search" aria-current="page">Search and sort<\/a>/);
  const res = await save({ defaultSort: 'title', defaultOrder: 'asc', perPage: '48', defaultView: 'list', formFields: ['q', 'type'] });
  assert.equal(res.status, 303);
  assert.deepEqual(await readSearchSettings(t.store), { defaultSort: 'title', defaultOrder: 'asc', perPage: 48, defaultView: 'list', formFields: ['q', 'type'] });
  const search = await request(t.app).get('/search').set(html).expect(200);
  assert.match(search.text, /name="per_page" min="\d+" max="\d+" value="48"/);
  const shown = await admin.get(`${PAGE}?done=saved`).set(html);
  assert.match(shown.text, /The settings were saved\./);
  assert.match(shown.text, /<option value="title" selected>Title<\/option>/);
});


test('the default sort, order and view cannot be emptied', async () => {
  const before = JSON.stringify(await t.store.settings.get('search'));
  for (const key of ['defaultSort', 'defaultOrder', 'defaultView']) {
    const res = await save({ [key]: '' });
    assert.equal(res.status, 400, key);
    assert.match(res.text, /This field is required\./, key);
  }
  assert.equal(JSON.stringify(await t.store.settings.get('search')), before);
});
test('invalid input is refused with messages (fr too) and nothing is saved', async () => {
  const before = JSON.stringify(await t.store.settings.get('search'));
  const step = await save({ perPage: '50' });
  assert.equal(step.status, 400);
  assert.match(step.text, /Choose a multiple of 6 between 6 and 96\./);
  const many = await save({ perPage: '102', defaultSort: 'random', formFields: ['q', 'colour'] });
  assert.equal(many.status, 400);
  assert.match(many.text, /At most 96\./);
  assert.match(many.text, /Some fields need correcting \(3\)/);
  const fr = await save({ perPage: '50' }, '?lang=fr');
  assert.match(fr.text, /Choisissez un multiple de 6 entre 6 et 96\./);
  await admin.get('/?lang=en').set(html);
  assert.equal(JSON.stringify(await t.store.settings.get('search')), before);
});

test('CSRF and roles; stored values out of range read back as defaults', async () => {
  const before = JSON.stringify(await t.store.settings.get('search'));
  assert.equal((await admin.post(PAGE).type('form').set(html).send({ perPage: '12' })).status, 403);
  const ed = await signIn(t, 'ed');
  await ed.get(PAGE).set(html).expect(403);
  assert.equal((await ed.post(PAGE).type('form').set(html).send({ _csrf: await tokenOf(ed, '/'), perPage: '12' })).status, 403);
  assert.equal(JSON.stringify(await t.store.settings.get('search')), before);

  await t.store.settings.set('search', { perPage: 50, defaultSort: 'random', defaultView: 'list', formFields: ['q', 'nope'] });
  assert.deepEqual(await readSearchSettings(t.store), { ...searchDefaults, defaultView: 'list' });
});
