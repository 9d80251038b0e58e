import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, addUser, signIn, csrfFrom, tokenOf, type TestApp } from '../helpers/app.ts';

const html = { Accept: 'text/html' };
const PASSWORD = 'the password I chose';
let t: TestApp;
let admin: Awaited<ReturnType<typeof signIn>>;

before(async () => {
  t = await makeApp({ overrides: { auth: { maxRegistrationsPerAddress: 1000 } } });
  await addUser(t, 'alice', 'admin');
  await addUser(t, 'eddie', 'editor');
  await t.store.settings.set('accounts', { registration: 'approval' });
  admin = await signIn(t, 'alice');
});
after(() => t.close());

/** Signs up through the form; answers the form's answer. */
async function register(username: string, returnTo?: string) {
  const agent = request.agent(t.app);
  const page = await agent.get('/register').set(html).expect(200);
  const res = await agent.post('/register').type('form').set(html).send({ _csrf: csrfFrom(page.text), username, displayName: '', password: PASSWORD, password_confirm: PASSWORD, ...(returnTo ? { return: returnTo } : {}) });
  return { agent, res };
}

/** A sign-in attempt from a fresh visitor: the answer, and whether they then reach /account. */
async function tryLogin(username: string, password: string, lang = 'en') {
  const agent = request.agent(t.app);
  const page = await agent.get('/login').set(html).expect(200);
  const res = await agent.post('/login').type('form').set({ ...html, 'Accept-Language': lang }).send({ _csrf: csrfFrom(page.text), username, password });
  const account = await agent.get('/account').set(html);
  return { res, signedIn: account.status === 200 };
}

const alert = (page: string) => /<p class="error" role="alert">([^<]*)<\/p>/.exec(page)?.[1];
const idOf = async (username: string) => (await t.store.users.getByUsername(username))!.id;

test('with approval, the account is stored pending and the visitor is told an admin must approve it', async () => {
  const { agent, res } = await register('pia', '/sectors/x');
  assert.equal(res.status, 303);
  assert.equal(res.headers.location, '/register?done=pending&return=%2Fsectors%2Fx');
  const page = await agent.get(res.headers.location).set(html).expect(200);
  assert.match(page.text, /<p class="notice" role="status">Your account was created and awaits an administrator’s approval\./);
  assert.match(page.text, /<a href="\/sectors\/x">Back to the site<\/a>/);
  const stored = await t.store.users.getByUsername('pia');
  assert.equal(stored?.role, 'member');
  assert.equal(stored?.pending, true);
  assert.equal(stored?.disabled, true);
  assert.equal(stored?.lastLoginAt, undefined, 'not signed in');
  assert.equal((await agent.get('/account').set(html)).status, 302, 'the visitor is not signed in');
});

test('a pending account cannot sign in; only its right password learns why, in the visitor’s language', async () => {
  await register('pedro');
  const wrong = await tryLogin('pedro', 'not the password at all');
  const unknown = await tryLogin('nobody-here', 'not the password at all');
  assert.equal(wrong.res.status, 401);
  assert.equal(alert(wrong.res.text), alert(unknown.res.text), 'a wrong password tells nothing of the account');
  const right = await tryLogin('pedro', PASSWORD);
  assert.equal(right.res.status, 403);
  assert.equal(alert(right.res.text), 'This account awaits an administrator’s approval: you can sign in once it is approved.');
  assert.equal(right.signedIn, false);
  const fr = await tryLogin('pedro', PASSWORD, 'fr');
  assert.equal(alert(fr.res.text), 'Ce compte attend l’approbation d’un administrateur\u00a0: vous pourrez vous connecter une fois qu’il sera approuvé.');
  assert.equal(fr.signedIn, false);
});

test('admins see the requests with a count on the dashboard, and approve one: it signs in as a member', async () => {
  await register('paula');
  const count = (await t.store.users.list()).filter((u) => u.pending).length;
  const dashboard = await admin.get('/admin').set(html).expect(200);
  assert.match(dashboard.text, new RegExp(`<a href="/admin/users#pending">${count} accounts asked for by visitors await your approval\\.</a>`));
  const users = await admin.get('/admin/users').set(html).expect(200);
  assert.match(users.text, new RegExp(`<h2 id="pending-title">${count} accounts awaiting approval</h2>`));
  assert.match(users.text, /<tr data-pending="paula">/);
  assert.doesNotMatch(users.text, /<tr data-user="paula">/, 'not among the accounts yet');
  const id = await idOf('paula');
  const res = await admin.post(`/admin/users/${id}/approve`).type('form').set(html).send({ _csrf: csrfFrom(users.text) });
  assert.equal(res.status, 303);
  assert.equal(res.headers.location, '/admin/users?done=approve');
  assert.match((await admin.get(res.headers.location).set(html)).text, /The account was approved: its owner can now sign in\./);
  const stored = await t.store.users.get(id);
  assert.equal(stored?.disabled, false);
  assert.ok(!stored?.pending);
  assert.equal(stored?.role, 'member');
  assert.equal((await tryLogin('paula', PASSWORD)).signedIn, true);
});

test('refusing deletes the request; approve and refuse touch only accounts that await approval', async () => {
  await register('ralf');
  const id = await idOf('ralf');
  const token = await tokenOf(admin, '/admin/users');
  const res = await admin.post(`/admin/users/${id}/refuse`).type('form').set(html).send({ _csrf: token });
  assert.equal(res.status, 303);
  assert.equal(res.headers.location, '/admin/users?done=refuse');
  assert.equal(await t.store.users.get(id), undefined);
  assert.equal((await tryLogin('ralf', PASSWORD)).res.status, 401);
  // An account that is not a request is neither refused (deleted) nor approved here.
  const eddie = await idOf('eddie');
  await admin.post(`/admin/users/${eddie}/refuse`).type('form').set(html).send({ _csrf: token }).expect(404);
  await admin.post(`/admin/users/${eddie}/disable`).type('form').set(html).send({ _csrf: token }).expect(303);
  await admin.post(`/admin/users/${eddie}/approve`).type('form').set(html).send({ _csrf: token }).expect(404);
  assert.equal((await t.store.users.get(eddie))?.disabled, true);
  await admin.post(`/admin/users/${eddie}/enable`).type('form').set(html).send({ _csrf: token }).expect(303);
});

test('enabling a request approves it: no account is left enabled yet still awaiting approval', async () => {
  await register('olga');
  const id = await idOf('olga');
  await admin.post(`/admin/users/${id}/enable`).type('form').set(html).send({ _csrf: await tokenOf(admin, '/admin/users') }).expect(303);
  const stored = await t.store.users.get(id);
  assert.equal(stored?.disabled, false);
  assert.ok(!stored?.pending);
  assert.equal((await tryLogin('olga', PASSWORD)).signedIn, true);
});

test('an editor can neither see nor answer the requests', async () => {
  await register('petra');
  const id = await idOf('petra');
  const editor = await signIn(t, 'eddie');
  const token = await tokenOf(editor, '/admin');
  assert.equal((await editor.post(`/admin/users/${id}/approve`).type('form').set(html).send({ _csrf: token })).status, 403);
  assert.equal((await editor.post(`/admin/users/${id}/refuse`).type('form').set(html).send({ _csrf: token })).status, 403);
  assert.doesNotMatch((await editor.get('/admin').set(html)).text, /await your approval/);
  assert.equal((await t.store.users.get(id))?.pending, true);
});

test('approving without the CSRF token changes nothing', async () => {
  await register('quinn');
  const id = await idOf('quinn');
  const res = await admin.post(`/admin/users/${id}/approve`).type('form').set(html).send({});
  assert.equal(res.status, 403);
  assert.equal((await t.store.users.get(id))?.pending, true);
});
