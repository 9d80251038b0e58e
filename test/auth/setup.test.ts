import { test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { makeApp, csrfFrom, tempDir, PASSWORD, type TestApp } from '../helpers/app.ts';

async function setupPage(t: TestApp) {
  const agent = request.agent(t.app);
  const token = t.app.kiosque.setup.token!;
  const page = await agent.get(`/setup?token=${token}`).set('Accept', 'text/html').expect(200);
  return { agent, token, csrf: csrfFrom(page.text), page };
}

test('a fresh portal sends /admin to /setup, which needs the printed token', async (tc) => {
  const t = await makeApp();
  tc.after(() => t.close());
  assert.ok(t.app.kiosque.setup.token);
  const admin = await request(t.app).get('/admin').set('Accept', 'text/html');
  assert.equal(admin.status, 302);
  assert.equal(admin.headers.location, '/setup');
  for (const url of ['/setup', '/setup?token=wrong']) {
    const res = await request(t.app).get(url).set('Accept', 'text/html');
    assert.equal(res.status, 403, url);
    assert.match(res.text, /open the setup link that Kiosque printed/);
    assert.doesNotMatch(res.text, /name="password"/);
  }
  // Posting with a wrong token creates nothing either.
  const { agent, csrf } = await setupPage(t);
  const res = await agent.post('/setup').type('form').set('Accept', 'text/html').send({ _csrf: csrf, token: 'wrong', username: 'root', password: PASSWORD, password_confirm: PASSWORD });
  assert.equal(res.status, 403);
  assert.equal(await t.store.users.count(), 0);
});

test('the setup page creates the first admin, signs them in, then disappears', async (tc) => {
  const t = await makeApp();
  tc.after(() => t.close());
  const { agent, token, csrf, page } = await setupPage(t);
  assert.match(page.text, /<label for="setup-username">/);
  assert.match(page.text, /<label for="setup-password-confirm">/);
  const res = await agent.post('/setup').type('form').send({ _csrf: csrf, token, username: 'root', password: PASSWORD, password_confirm: PASSWORD });
  assert.equal(res.status, 303);
  assert.equal(res.headers.location, '/admin');
  const user = await t.store.users.getByUsername('root');
  assert.equal(user?.role, 'admin');
  assert.ok(user?.lastLoginAt && Date.now() - Date.parse(user.lastLoginAt) < 60_000, 'signing in at setup is a sign-in');
  assert.equal((await agent.get('/admin').set('Accept', 'text/html')).status, 200);
  assert.equal(t.app.kiosque.setup.token, null);
  assert.equal((await agent.get(`/setup?token=${token}`).set('Accept', 'text/html')).status, 404);
  assert.equal((await request(t.app).get(`/setup?token=${token}`).set('Accept', 'text/html')).status, 404);
});

test('mismatched or short passwords re-show the form with the message and create nothing', async (tc) => {
  const t = await makeApp();
  tc.after(() => t.close());
  const { agent, token, csrf } = await setupPage(t);
  const mismatch = await agent.post('/setup').type('form').set('Accept', 'text/html').send({ _csrf: csrf, token, username: 'root', password: PASSWORD, password_confirm: `${PASSWORD}x` });
  assert.equal(mismatch.status, 400);
  assert.match(mismatch.text, /The two passwords differ/);
  assert.match(mismatch.text, /value="root"/);
  // Everything wrong is said at once, not one problem per try.
  const several = await agent.post('/setup').type('form').set('Accept', 'text/html').send({ _csrf: csrf, token, username: 'r', password: 'short', password_confirm: 'other' });
  assert.equal(several.status, 400);
  assert.match(several.text, /The two passwords differ/);
  assert.match(several.text, /A username has 2 to 40/);
  assert.match(several.text, /at least 10 characters/);
  const short = await agent.post('/setup').type('form').set('Accept', 'text/html').send({ _csrf: csrf, token, username: 'root', password: 'short', password_confirm: 'short' });
  assert.equal(short.status, 400);
  assert.match(short.text, /at least 10 characters/);
  assert.equal(await t.store.users.count(), 0);
  assert.ok(t.app.kiosque.setup.token);
});

test('KIOSQUE_ADMIN_USERNAME and KIOSQUE_ADMIN_PASSWORD create the admin at start, with no setup page', async (tc) => {
  const t = await makeApp({ env: { KIOSQUE_ADMIN_USERNAME: 'ops', KIOSQUE_ADMIN_PASSWORD: PASSWORD } });
  tc.after(() => t.close());
  assert.equal((await t.store.users.getByUsername('ops'))?.role, 'admin');
  assert.equal(t.app.kiosque.setup.token, null);
  assert.equal((await request(t.app).get('/setup').set('Accept', 'text/html')).status, 404);
  const admin = await request(t.app).get('/admin').set('Accept', 'text/html');
  assert.equal(admin.status, 302);
  assert.match(admin.headers.location!, /^\/login/);
});

test('an unusable KIOSQUE_ADMIN_PASSWORD or USERNAME stops the start with a message naming it, creating nothing', async (tc) => {
  const dataDir = await tempDir();
  tc.after(() => rm(dataDir, { recursive: true, force: true }));
  await assert.rejects(makeApp({ dataDir, env: { KIOSQUE_ADMIN_USERNAME: 'ops', KIOSQUE_ADMIN_PASSWORD: 'short' } }), /KIOSQUE_ADMIN_PASSWORD \(admin\.password\): The password needs at least 10 characters/);
  // (The failed start leaves its store open in this process, so the file is read directly.)
  const users = path.join(dataDir, 'db', 'users.json');
  assert.deepEqual(existsSync(users) ? (JSON.parse(await readFile(users, 'utf8')) as { items: object }).items : {}, {});
  await assert.rejects(makeApp({ dataDir: path.join(dataDir, 'other'), env: { KIOSQUE_ADMIN_USERNAME: 'o p s', KIOSQUE_ADMIN_PASSWORD: PASSWORD } }), /KIOSQUE_ADMIN_USERNAME \(admin\.username\): A username has 2 to 40/);
});
