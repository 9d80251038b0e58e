import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, addUser, csrfFrom, type TestApp } from '../helpers/app.ts';

/** Behind the intranet plugin, /register is open to unidentified visitors exactly while registration is. */

const html = { Accept: 'text/html' };
const PASSWORD = 'the password I chose';
let t: TestApp;

before(async () => {
  t = await makeApp({ overrides: { auth: { maxRegistrationsPerAddress: 1000 } } });
  await addUser(t, 'alice', 'admin');
  await t.app.kiosque.plugins.enable('intranet');
});
after(() => t.close());

async function signUp(username: string) {
  const agent = request.agent(t.app);
  const page = await agent.get('/register').set(html).expect(200);
  const res = await agent.post('/register').type('form').set(html).send({ _csrf: csrfFrom(page.text), username, password: PASSWORD, password_confirm: PASSWORD });
  return { agent, res };
}

test('closed: an unidentified visitor gets no form, and the login page offers none', async () => {
  await t.store.settings.set('accounts', { registration: 'nobody' });
  const res = await request(t.app).get('/register').set(html);
  assert.equal(res.status, 404);
  assert.doesNotMatch(res.text, /name="password_confirm"/);
  const login = await request(t.app).get('/login').set(html).expect(200);
  assert.doesNotMatch(login.text, /href="\/register/);
});

test('open: the form is reachable without signing in, and the new member then sees the site', async () => {
  await t.store.settings.set('accounts', { registration: 'open' });
  const login = await request(t.app).get('/login').set(html).expect(200);
  assert.match(login.text, /<a href="\/register">/);
  const { agent, res } = await signUp('inez');
  assert.equal(res.status, 303);
  assert.equal((await agent.get('/').set(html)).status, 200, 'signed in: the private homepage opens');
  assert.equal((await request(t.app).get('/').set(html)).status, 302, 'anyone else is still sent to sign in');
});

test('with approval: the form is reachable, but the account sees nothing before an admin approves it', async () => {
  await t.store.settings.set('accounts', { registration: 'approval' });
  const { agent, res } = await signUp('ines');
  assert.equal(res.status, 303);
  assert.match(String(res.headers.location), /^\/register\?done=pending/);
  await agent.get(String(res.headers.location)).set(html).expect(200);
  const home = await agent.get('/').set(html);
  assert.equal(home.status, 302);
  assert.match(String(home.headers.location), /^\/login/);
  const page = await agent.get('/login').set(html);
  const login = await agent.post('/login').type('form').set(html).send({ _csrf: csrfFrom(page.text), username: 'ines', password: PASSWORD });
  assert.equal(login.status, 403);
  assert.equal((await agent.get('/').set(html)).status, 302, 'still nothing after trying to sign in');
});
