import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, addUser, signIn, type TestApp } from '../helpers/app.ts';
import { skeletonDefaults } from '../../core/settings/skeleton.ts';

let t: TestApp;
before(async () => {
  t = await makeApp();
  await addUser(t, 'ada', 'admin');
  await t.store.sectors.create({ slug: 'archives', title: 'Archives internes', description: '', order: 0, visible: true, display: 'grid', defaultSort: 'date' });
  const group = await t.store.keywordGroups.create({ slug: 'lieux', title: 'Lieux', multiple: true, inNavigation: false, order: 0 });
  await t.store.keywords.create({ groupId: group.id, slug: 'usine', title: 'Usine secrète', description: '' });
  await t.store.settings.set('skeleton', { ...skeletonDefaults, navigationKeywordGroups: ['lieux'] });
});
after(() => t.close());

const html = { Accept: 'text/html' };

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
