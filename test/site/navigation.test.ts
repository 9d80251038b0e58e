import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, addUser, signIn, type TestApp } from '../helpers/app.ts';
import { skeletonDefaults } from '../../core/settings/skeleton.ts';
import { mediaRecord } from '../helpers/media-records.ts';
import type { KeywordGroup } from '../../core/store/index.ts';

let t: TestApp;
let lieux: KeywordGroup;
before(async () => {
  t = await makeApp();
  await addUser(t, 'ada', 'admin');
  await t.store.sectors.create({ slug: 'archives', title: 'Archives internes', description: '', order: 0, visible: true, display: 'grid', defaultSort: 'date' });
  lieux = await t.store.keywordGroups.create({ slug: 'lieux', title: 'Lieux', multiple: true, inNavigation: false, order: 0 });
  const usine = await t.store.keywords.create({ groupId: lieux.id, slug: 'usine', title: 'Usine secrète', description: '' });
  t.app.kiosque.search.upsert(await t.store.media.create(mediaRecord({ slug: 'atelier', title: 'Atelier', keywordIds: [usine.id] })));
  await t.store.settings.set('skeleton', { ...skeletonDefaults, navigationKeywordGroups: ['lieux'] });
});
after(() => t.close());

const html = { Accept: 'text/html' };

test('a keyword only drafts carry is not named in the navigation until a media carrying it is published', async () => {
  const embargo = await t.store.keywords.create({ groupId: lieux.id, slug: 'visite', title: 'Visite sous embargo', description: '' });
  const draft = await t.store.media.create(mediaRecord({ slug: 'visite', title: 'Visite', status: 'draft', keywordIds: [embargo.id] }));
  t.app.kiosque.search.upsert(draft);
  const before = await request(t.app).get('/').set(html).expect(200);
  assert.match(before.text, /<a href="\/keywords\/lieux\/usine">Usine secrète<\/a>/);
  assert.doesNotMatch(before.text, /Visite sous embargo/);
  // Published: the navigation follows at once (the search index changed), without a keyword write.
  t.app.kiosque.search.upsert((await t.store.media.update(draft.id, { status: 'published' }))!);
  assert.match((await request(t.app).get('/').set(html).expect(200)).text, /<a href="\/keywords\/lieux\/visite">Visite sous embargo<\/a>/);
  t.app.kiosque.search.upsert((await t.store.media.update(draft.id, { status: 'draft' }))!);
  assert.doesNotMatch((await request(t.app).get('/').set(html).expect(200)).text, /Visite sous embargo/);
});

test('the navigation names only what the visitor may open: behind the intranet, the login page lists no sector or keyword', async () => {
  const open = await request(t.app).get('/login').set(html).expect(200);
  assert.match(open.text, /<a href="\/sectors\/archives">Archives internes<\/a>/);
  assert.match(open.text, /<a href="\/keywords\/lieux\/usine">Usine secrète<\/a>/);

  assert.deepEqual(await t.app.kiosque.plugins.enable('intranet'), { ok: true });
  const closed = await request(t.app).get('/login').set(html).expect(200);
  assert.doesNotMatch(closed.text, /Archives internes|Usine secrète|Lieux/);
  const admin = await signIn(t, 'ada');
  const inside = await admin.get('/').set(html).expect(200);
  assert.match(inside.text, /<a href="\/sectors\/archives">Archives internes<\/a>/);
  assert.match(inside.text, /<a class="nav-group-title" href="\/keywords\/lieux">Lieux<\/a>/);
});
