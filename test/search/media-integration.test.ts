import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import sharp from 'sharp';
import request from 'supertest';
import { makeApp, addUser, signIn, tokenOf, tempDir, type TestApp } from '../helpers/app.ts';

let t: TestApp;
let dir: string;
before(async () => {
  t = await makeApp();
  await addUser(t, 'eddie', 'editor');
  dir = await tempDir('kiosque-search-media-');
  await sharp({ create: { width: 40, height: 30, channels: 3, background: '#369' } }).png().toFile(path.join(dir, 'a.png'));
});
after(() => t.close());

const find = async (qs: string) => (await request(t.app).get(`/api/v1/media?${qs}`).set('Accept', 'application/json').expect(200)).body as { total: number; items: Array<{ id: string }> };

test('the media code keeps the index current: upload, inline tag, edit, delete', async () => {
  const agent = await signIn(t, 'eddie');
  const token = await tokenOf(agent);
  const up = await agent.post('/api/v1/media').set('X-CSRF-Token', token).field('title', 'Régates du printemps').field('status', 'published').field('keywords', 'tags/Voiliers anciens').attach('file', path.join(dir, 'a.png'));
  assert.equal(up.status, 201, up.text);
  const id = up.body.id as string;
  assert.deepEqual((await find('q=regates')).items.map((i) => i.id), [id]);
  assert.deepEqual((await find('q=voiliers')).items.map((i) => i.id), [id], 'an inline tag title is searchable');
  assert.equal((await find('kw=tags/voiliers-anciens')).total, 1);

  const edit = await agent.patch(`/api/v1/media/${id}`).set('X-CSRF-Token', token).send({ title: 'Course au large' });
  assert.equal(edit.status, 200, edit.text);
  assert.equal((await find('q=regates')).total, 0);
  assert.equal((await find('q=course')).total, 1);

  await agent.delete(`/api/v1/media/${id}`).set('X-CSRF-Token', token).expect((res) => assert.ok(res.status === 200 || res.status === 204, String(res.status)));
  assert.equal((await find('q=course')).total, 0);
  assert.equal(t.app.kiosque.search.index.has(id), false);
});
