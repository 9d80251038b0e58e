import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, addUser, signIn, csrfFrom, type TestApp } from '../helpers/app.ts';
import { SESSION_COOKIE } from '../../core/app.ts';
import type { RegistrationMode } from '../../core/settings/accounts.ts';

const html = { Accept: 'text/html' };
const NEW_PASSWORD = 'a long enough password';
let t: TestApp;

before(async () => {
  // The per-address limit has its own test: here every request comes from one address.
  t = await makeApp({ overrides: { auth: { maxRegistrationsPerAddress: 1000 } } });
  await addUser(t, 'alice', 'admin');
});
after(() => t.close());

const setRegistration = (mode: RegistrationMode) => t.store.settings.set('accounts', { registration: mode });

function sessionCookie(res: request.Response): string | undefined {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return cookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`))?.split(';')[0];
}

/** A fresh visitor on the form: their agent, the form page and its token. */
async function visitor(path = '/register', headers: Record<string, string> = {}) {
  const agent = request.agent(t.app);
  const page = await agent.get(path).set({ ...html, ...headers }).expect(200);
  return { agent, page, token: csrfFrom(page.text) };
}

const fieldError = (page: string, id: string) => new RegExp(`<p class="field-error" id="register-${id}-error" role="alert">([^<]*)</p>`).exec(page)?.[1];

test('while registration is closed (the default), /register is a 404 and the login page does not link to it', async () => {
  await t.store.settings.set('accounts', undefined);
  await request(t.app).get('/register').set(html).expect(404);
  const login = await request.agent(t.app).get('/login').set(html).expect(200);
  assert.doesNotMatch(login.text, /href="\/register/);
  const agent = request.agent(t.app);
  const page = await agent.get('/login').set(html);
  const count = await t.store.users.count();
  await agent.post('/register').type('form').send({ _csrf: csrfFrom(page.text), username: 'zoe', password: NEW_PASSWORD, password_confirm: NEW_PASSWORD }).expect(404);
  assert.equal(await t.store.users.count(), count);
});

test('open: the login page links to the form with its return path; the form is labelled, noindex and kept from crawlers', async () => {
  await setRegistration('open');
  const login = await request(t.app).get('/login?return=/search%3Fq%3Dx').set(html).expect(200);
  assert.match(login.text, /<a href="\/register\?return&#x3D;%2Fsearch%3Fq%3Dx">Create an account<\/a>/);
  const plain = await request(t.app).get('/login').set(html).expect(200);
  assert.match(plain.text, /<a href="\/register">Create an account<\/a>/);
  const { page } = await visitor('/register?return=/search%3Fq%3Dx');
  for (const id of ['username', 'display-name', 'password', 'password-confirm']) assert.match(page.text, new RegExp(`<label for="register-${id}">`), id);
  assert.match(page.text, /name="return" value="\/search\?q&#x3D;x"/);
  assert.match(page.text, /<div class="visually-hidden" aria-hidden="true">\s*<label for="register-website">[^<]+<\/label>\s*<input id="register-website" name="website" tabindex="-1"/);
  assert.match(page.text, /<meta name="robots" content="noindex">/);
  const robots = await request(t.app).get('/robots.txt').expect(200);
  assert.match(robots.text, /^Disallow: \/register$/m);
});

test('open: a new member is signed in under a new session id and sent back to the page they came from', async () => {
  await setRegistration('open');
  const { agent, page, token } = await visitor('/register?return=/search%3Fq%3Dx');
  const before = sessionCookie(page);
  assert.ok(before, 'the form page opened a session');
  const res = await agent.post('/register').type('form').set(html).send({ _csrf: token, username: 'Nadia', displayName: 'Nadia B.', password: NEW_PASSWORD, password_confirm: NEW_PASSWORD, website: '', return: '/search?q=x' });
  assert.equal(res.status, 303, res.text);
  assert.equal(res.headers.location, '/search?q=x');
  const after = sessionCookie(res);
  assert.ok(after && after !== before, 'the session id changed at sign-up');
  const stored = await t.store.users.getByUsername('nadia');
  assert.equal(stored?.role, 'member');
  assert.equal(stored?.displayName, 'Nadia B.');
  assert.equal(stored?.disabled, false);
  assert.ok(!stored?.pending);
  assert.ok(stored?.lastLoginAt, 'the sign-up counts as the first sign-in');
  const account = await agent.get('/account').set(html).expect(200);
  assert.match(account.text, /<dd>Nadia<\/dd>/);
  // The password works at the login form too.
  await signIn(t, 'nadia', NEW_PASSWORD);
});

test('open: a return path that leaves the site is ignored, at the form and after it', async () => {
  await setRegistration('open');
  for (const [i, unsafe] of ['//evil.example', 'https://evil.example', '/\\evil.example'].entries()) {
    const { agent, page, token } = await visitor(`/register?return=${encodeURIComponent(unsafe)}`);
    assert.match(page.text, /name="return" value="\/"/, unsafe);
    const res = await agent.post('/register').type('form').send({ _csrf: token, username: `away${i}`, password: NEW_PASSWORD, password_confirm: NEW_PASSWORD, return: unsafe });
    assert.equal(res.status, 303, unsafe);
    assert.equal(res.headers.location, '/', unsafe);
  }
});

test('a signed-in user asking for the form goes to the return path', async () => {
  await setRegistration('open');
  const agent = await signIn(t, 'alice');
  const res = await agent.get('/register?return=/account').set(html);
  assert.equal(res.status, 303);
  assert.equal(res.headers.location, '/account');
});

test('every problem shows beside its field, in English and in French; typed values stay, passwords never; nothing is stored', async () => {
  await setRegistration('open');
  const cases: Array<{ body: Record<string, string>; field: string; en: RegExp; fr: RegExp }> = [
    { body: { username: 'ALICE' }, field: 'username', en: /This username is already taken\./, fr: /Cet identifiant est déjà pris\./ },
    { body: { username: 'a b!' }, field: 'username', en: /A username has 2 to 40 letters/, fr: /Un identifiant/ },
    { body: { password_confirm: 'another long password' }, field: 'password-confirm', en: /The two passwords differ\./, fr: /Les deux mots de passe diffèrent\./ },
    { body: { password: 'short', password_confirm: 'short' }, field: 'password', en: /at least 10 characters/, fr: /au moins 10 caractères/ },
    { body: { displayName: 'x'.repeat(81) }, field: 'display-name', en: /at most 80 characters/, fr: /80 caractères/ },
  ];
  const count = await t.store.users.count();
  for (const [lang, header] of [['en', 'en-GB'], ['fr', 'fr-FR']] as const) {
    for (const c of cases) {
      const { agent, token } = await visitor('/register', { 'Accept-Language': header });
      const body = { username: 'newcomer', displayName: 'Newcomer <b>', password: NEW_PASSWORD, password_confirm: NEW_PASSWORD, ...c.body };
      const res = await agent.post('/register').type('form').set({ ...html, 'Accept-Language': header }).send({ _csrf: token, ...body });
      assert.equal(res.status, 400, `${lang} ${c.field}`);
      assert.match(fieldError(res.text, c.field) ?? '', c[lang], `${lang} ${c.field}`);
      assert.match(res.text, new RegExp(`name="username" autocomplete="username" value="${body.username.replace(/[!]/g, '\\$&')}"`), `${lang}: the username typed stays`);
      assert.match(res.text, new RegExp(`id="register-display-name" name="displayName" autocomplete="nickname" value="${body.displayName.replace('<b>', '&lt;b&gt;')}"`), `${lang}: the display name typed stays, escaped`);
      assert.ok(!res.text.includes(body.password) && !res.text.includes(body.password_confirm), `${lang}: no password sent back`);
    }
  }
  // Several problems at once are all shown.
  const { agent, token } = await visitor();
  const res = await agent.post('/register').type('form').set(html).send({ _csrf: token, username: 'x', password: 'short', password_confirm: 'shorter' });
  assert.equal(res.status, 400);
  for (const field of ['username', 'password', 'password-confirm']) assert.ok(fieldError(res.text, field), field);
  assert.equal(await t.store.users.count(), count);
});

test('a body that is no form at all is a form with every field missing, not a server error', async () => {
  await setRegistration('open');
  const count = await t.store.users.count();
  const { agent, token } = await visitor();
  const res = await agent.post('/register').set({ ...html, 'X-CSRF-Token': token }).send(['username', 'x']);
  assert.equal(res.status, 400);
  assert.ok(fieldError(res.text, 'username'));
  assert.ok(fieldError(res.text, 'password'));
  assert.equal(await t.store.users.count(), count);
});

test('a filled honeypot stores nothing and says the form was refused', async () => {
  await setRegistration('open');
  const count = await t.store.users.count();
  const { agent, token } = await visitor();
  const res = await agent.post('/register').type('form').set(html).send({ _csrf: token, username: 'robot', password: NEW_PASSWORD, password_confirm: NEW_PASSWORD, website: 'http://spam.example' });
  assert.equal(res.status, 400);
  assert.match(res.text, /<p class="error" role="alert">This form could not be taken as it was sent\./);
  assert.equal(await t.store.users.getByUsername('robot'), undefined);
  assert.equal(await t.store.users.count(), count);
});

test('without its CSRF token the form is refused and stores nothing', async () => {
  await setRegistration('open');
  const { agent } = await visitor();
  const res = await agent.post('/register').type('form').set(html).send({ username: 'nocsrf', password: NEW_PASSWORD, password_confirm: NEW_PASSWORD });
  assert.equal(res.status, 403);
  assert.equal(await t.store.users.getByUsername('nocsrf'), undefined);
});

test('one address gets a few attempts per window, then a translated 429 that keeps what was typed', async () => {
  const limited = await makeApp({ overrides: { auth: { maxRegistrationsPerAddress: 2 } } });
  try {
    await limited.store.settings.set('accounts', { registration: 'approval' });
    const agent = request.agent(limited.app);
    const token = csrfFrom((await agent.get('/register').set(html).expect(200)).text);
    const send = (username: string, lang = 'en') => agent.post('/register').type('form').set({ ...html, 'Accept-Language': lang }).send({ _csrf: token, username, displayName: 'Dee', password: NEW_PASSWORD, password_confirm: NEW_PASSWORD });
    assert.equal((await send('first')).status, 303);
    assert.equal((await send('x')).status, 400, 'a refused attempt counts too');
    const third = await send('third');
    assert.equal(third.status, 429);
    assert.match(third.text, /Too many attempts from your connection/);
    assert.match(third.text, /name="username" autocomplete="username" value="third"/);
    const fr = await send('fourth', 'fr');
    assert.equal(fr.status, 429);
    assert.match(fr.text, /Trop de tentatives depuis votre connexion/);
    assert.equal(await limited.store.users.getByUsername('third'), undefined);
    assert.equal(await limited.store.users.getByUsername('fourth'), undefined);
  } finally {
    await limited.close();
  }
});

test('the admin sets who may sign up on the Accounts config page', async () => {
  await t.store.settings.set('accounts', undefined);
  const admin = await signIn(t, 'alice');
  const page = await admin.get('/admin/config/accounts').set(html).expect(200);
  assert.match(page.text, /<label for="accounts-registration">Who may create an account <span/);
  assert.match(page.text, /<option value="nobody" selected>/);
  const res = await admin.post('/admin/config/accounts').type('form').set(html).send({ _csrf: csrfFrom(page.text), registration: 'approval' });
  assert.equal(res.status, 303);
  assert.deepEqual(await t.store.settings.get('accounts'), { registration: 'approval' });
  await request(t.app).get('/register').set(html).expect(200);
  const bad = await admin.post('/admin/config/accounts').type('form').set(html).send({ _csrf: csrfFrom(page.text), registration: 'everyone' });
  assert.equal(bad.status, 400);
  assert.deepEqual(await t.store.settings.get('accounts'), { registration: 'approval' });
});
