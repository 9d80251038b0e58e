import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import request from 'supertest';
import { openLowdbStore } from '../../core/store/index.ts';
import { addUser, csrfFrom, makeApp, signIn, tempDir } from '../helpers/app.ts';

/** Names every plain object inherits: as ids from a URL they must read as "not found", not as an entry. */
const inherited = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

test('a key that only an object’s prototype has is not an entry of any collection', async () => {
  const dataDir = await tempDir('kiosque-keys-');
  const store = await openLowdbStore({ dataDir });
  try {
    await store.sectors.create({ slug: 'photos', title: 'Photos', description: '', order: 0, visible: true, display: 'grid', defaultSort: 'date' });
    for (const key of inherited) {
      assert.equal(await store.sectors.get(key), undefined, `sectors.get(${key})`);
      assert.equal(await store.keywordGroups.get(key), undefined, `keywordGroups.get(${key})`);
      assert.equal(await store.keywords.get(key), undefined, `keywords.get(${key})`);
      assert.equal(await store.users.get(key), undefined, `users.get(${key})`);
      assert.equal(await store.settings.get(key), undefined, `settings.get(${key})`);
      assert.equal(await store.plugins.get(key), undefined, `plugins.get(${key})`);
      assert.equal(await store.sessions.get(key), undefined, `sessions.get(${key})`);
      assert.equal(await store.sectors.update(key, { title: 'x' }), undefined, `sectors.update(${key})`);
      assert.equal(await store.sectors.delete(key), false, `sectors.delete(${key})`);
    }
    await assert.rejects(store.settings.set('__proto__', { polluted: true }), /cannot be a key/);
    assert.equal((await store.sectors.list()).length, 1);
  } finally {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('admin pages answer 404 for such ids, never 500', async (tc) => {
  const t = await makeApp();
  tc.after(() => t.close());
  await addUser(t, 'ada', 'admin');
  const admin = await signIn(t, 'ada');
  for (const key of inherited) {
    for (const url of [`/admin/config/sectors/${key}`, `/admin/keywords/groups/${key}/delete`, `/admin/keywords/${key}/delete`]) {
      const res = await admin.get(url).set('Accept', 'text/html');
      assert.equal(res.status, 404, `GET ${url} → ${res.status}`);
    }
  }
  assert.equal((await request(t.app).get('/api/v1/media/constructor').set('Accept', 'application/json')).status, 404);
  // Nor are they actions: posting to /…/:id/constructor is a 404, not a false "done" or a 500.
  const keyword = await t.app.kiosque.keywords.create((await t.app.kiosque.keywords.group('tags'))!.id, 'Masques');
  const user = (await t.store.users.getByUsername('ada'))!;
  const token = csrfFrom((await admin.get('/admin/keywords').set('Accept', 'text/html')).text);
  for (const key of inherited) {
    for (const url of [`/admin/keywords/${keyword.id}/${key}`, `/admin/users/${user.id}/${key}`]) {
      const res = await admin.post(url).type('form').set('Accept', 'text/html').send({ _csrf: token });
      assert.equal(res.status, 404, `POST ${url} → ${res.status}`);
    }
  }
});
