import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, addUser, signIn, csrfFrom, tokenOf, PASSWORD, type TestApp } from '../helpers/app.ts';
import { SESSION_COOKIE } from '../../core/app.ts';

let t: TestApp;
before(async () => {
  t = await makeApp();
  await addUser(t, 'mia', 'member');
  await addUser(t, 'eddie', 'editor');
});
after(() => t.close());

const html = { Accept: 'text/html' };
type Agent = Awaited<ReturnType<typeof signIn>>;
const userOf = async (username: string) => (await t.store.users.getByUsername(username))!;

async function post(agent: Agent, url: string, body: Record<string, string>) {
  const token = await tokenOf(agent, '/account');
  return agent.post(url).type('form').set(html).send({ _csrf: token, ...body });
}

function sessionCookie(res: request.Response): string | undefined {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return cookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`))?.split(';')[0];
}

/** The message shown next to a field, once it is tied to the field for screen readers (else undefined). */
function fieldError(page: string, id: string): string | undefined {
  const input = new RegExp(`<input id="${id}"[^>]*>`).exec(page)?.[0] ?? '';
  const describedBy = /aria-describedby="([^"]*)"/.exec(input)?.[1]?.split(' ') ?? [];
  if (!input.includes('aria-invalid="true"') || !describedBy.includes(`${id}-error`)) return undefined;
  return new RegExp(`<p class="field-error" id="${id}-error" role="alert">([^<]*)</p>`).exec(page)?.[1];
}

test('an anonymous visitor is sent to the login form and comes back to /account after signing in', async () => {
  const res = await request(t.app).get('/account').set(html).expect(302);
  assert.equal(res.headers.location, '/login?return=%2Faccount');
  // Any spelling of the path is the same page for the gate.
  assert.equal((await request(t.app).get('/Account/').set(html)).status, 302);
  await request(t.app).get('/account').set('Accept', 'application/json').expect(401);
  await request(t.app).post('/account/password').type('form').send({ current_password: PASSWORD, password: 'x'.repeat(12), password_confirm: 'x'.repeat(12) }).expect(401);

  const agent = request.agent(t.app);
  const form = await agent.get(res.headers.location!).set(html).expect(200);
  const back = /name="return" value="([^"]+)"/.exec(form.text)?.[1];
  assert.equal(back, '/account');
  const login = await agent.post('/login').type('form').send({ username: 'mia', password: PASSWORD, return: back, _csrf: csrfFrom(form.text) });
  assert.equal(login.status, 303);
  assert.equal(login.headers.location, '/account');
  await agent.get('/account').set(html).expect(200);
});

test('the page shows the username and role in the visitor’s language, three forms with CSRF tokens, and is never cached', async () => {
  const mia = await signIn(t, 'mia');
  const en = await mia.get('/account').set(html).expect(200);
  assert.match(en.headers['cache-control']!, /private/);
  assert.match(en.headers['cache-control']!, /no-store/);
  assert.equal(en.headers['x-page-cache'], undefined, 'a signed-in page never goes near the page cache');
  assert.match(en.text, /<h1>My account<\/h1>/);
  assert.match(en.text, /<dt>Username<\/dt>\s*<dd>mia<\/dd>/);
  assert.match(en.text, /<dt>Role<\/dt>\s*<dd>member<\/dd>/);
  assert.equal((en.text.match(/<form method="post" action="\/account\/[a-z-]+" class="stack">\s*<input type="hidden" name="_csrf" value="[^"]{10,}">/g) ?? []).length, 3);
  for (const [id, label] of [['account-display-name', 'Display name'], ['account-email', 'Email address'], ['account-current-password', 'Current password'], ['account-password', 'New password (at least 10 characters)'], ['account-password-confirm', 'New password again']] as const) {
    assert.match(en.text, new RegExp(`<label for="${id}">${label.replace(/[()]/g, '\\$&')}</label>\\s*<input id="${id}"`));
  }
  // The header links to the page next to the sign-out button.
  assert.match(en.text, /<a href="\/account">My account<\/a>\s*<form method="post" action="\/logout"/);

  const fr = await mia.get('/account?lang=fr').set(html).expect(200);
  assert.match(fr.text, /<h1>Mon compte<\/h1>/);
  assert.match(fr.text, /<dt>Identifiant<\/dt>\s*<dd>mia<\/dd>/);
  assert.match(fr.text, /<dt>Rôle<\/dt>\s*<dd>membre<\/dd>/);
  assert.match(fr.text, /<a href="\/account">Mon compte<\/a>/);
  const eddie = await signIn(t, 'eddie');
  assert.match((await eddie.get('/account').set(html).expect(200)).text, /<dt>Role<\/dt>\s*<dd>editor<\/dd>/);
  // Anonymous pages have no such link.
  assert.doesNotMatch((await request(t.app).get('/').set(html).expect(200)).text, /href="\/account"/);
});

test('a user changes their display name; the header shows it, escaped; empty brings back the username', async () => {
  await addUser(t, 'nina', 'member');
  const nina = await signIn(t, 'nina');
  const res = await post(nina, '/account/display-name', { displayName: '  Nina <b>Simone</b> ' });
  assert.equal(res.status, 303);
  assert.equal(res.headers.location, '/account?done=display_name');
  assert.equal((await userOf('nina')).displayName, 'Nina <b>Simone</b>');
  const page = await nina.get(res.headers.location!).set(html).expect(200);
  assert.match(page.text, /<p class="notice" role="status">Your display name was saved.<\/p>/);
  assert.match(page.text, /Signed in as Nina &lt;b&gt;Simone&lt;\/b&gt;/);
  assert.match(page.text, /id="account-display-name" name="displayName" value="Nina &lt;b&gt;Simone&lt;\/b&gt;"/);
  assert.doesNotMatch(page.text, /<b>Simone/);

  assert.equal((await post(nina, '/account/display-name', { displayName: '   ' })).status, 303);
  assert.equal((await userOf('nina')).displayName, 'nina');
});

for (const [lang, tooLong, invalid] of [
  ['en', 'A display name has at most 80 characters.', 'A display name is one line of text, without control characters or text-direction marks.'],
  ['fr', 'Un nom affiché compte au plus 80 caractères.', "Un nom affiché tient sur une ligne, sans caractères de contrôle ni marques de sens d’écriture."],
] as const) {
  test(`a display name that breaks the rules is refused next to its field (${lang}) and changes nothing`, async () => {
    const username = `oscar${lang}`;
    await addUser(t, username, 'member');
    const agent = await signIn(t, username);
    const long = `${'é'.repeat(80)}x`;
    const refused = await post(agent, `/account/display-name?lang=${lang}`, { displayName: long });
    assert.equal(refused.status, 400);
    assert.equal(fieldError(refused.text, 'account-display-name'), tooLong);
    assert.match(refused.text, new RegExp(`value="${long}"`), 'what was typed comes back');
    // Its language links lead back to the page.
    const other = lang === 'en' ? 'fr' : 'en';
    const link = new RegExp(`<a href="([^"]+)" hreflang="${other}"`).exec(refused.text)?.[1]?.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
    assert.equal(link, `/account/display-name?lang=${other}`);
    const followed = await agent.get(link!).set(html).expect(303);
    assert.equal(followed.headers.location, `/account?lang=${other}`);
    const twoLines = await post(agent, `/account/display-name?lang=${lang}`, { displayName: 'Oscar\nWilde' });
    assert.equal(twoLines.status, 400);
    assert.equal(fieldError(twoLines.text, 'account-display-name'), invalid);
    const reversed = await post(agent, `/account/display-name?lang=${lang}`, { displayName: 'Oscar \u202Eedliw' });
    assert.equal(fieldError(reversed.text, 'account-display-name'), invalid);
    assert.equal((await userOf(username)).displayName, username);
    // Exactly 80 characters is fine.
    assert.equal((await post(agent, '/account/display-name', { displayName: 'é'.repeat(80) })).status, 303);
    assert.equal((await userOf(username)).displayName, 'é'.repeat(80));
  });
}

test('a wrong current password is refused next to its field and changes nothing', async () => {
  await addUser(t, 'paul', 'member');
  const paul = await signIn(t, 'paul');
  const before = (await userOf('paul')).passwordHash;
  const wrong = await post(paul, '/account/password', { current_password: 'not my password', password: 'a fresh new password', password_confirm: 'a fresh new password' });
  assert.equal(wrong.status, 400);
  assert.equal(fieldError(wrong.text, 'account-current-password'), 'This is not your current password.');
  const fr = await post(paul, '/account/password?lang=fr', { current_password: '', password: 'a fresh new password', password_confirm: 'a fresh new password' });
  assert.equal(fieldError(fr.text, 'account-current-password'), 'Saisissez votre mot de passe actuel.');
  assert.equal((await userOf('paul')).passwordHash, before);
  // Still signed in, with the old password.
  await paul.get('/account').set(html).expect(200);
  await signIn(t, 'paul');
});

test('a confirmation that differs, or a short password, is refused next to its field and changes nothing', async () => {
  await addUser(t, 'rita', 'editor');
  const rita = await signIn(t, 'rita');
  const before = (await userOf('rita')).passwordHash;
  const mismatch = await post(rita, '/account/password', { current_password: PASSWORD, password: 'a fresh new password', password_confirm: 'a fresh new passw0rd' });
  assert.equal(mismatch.status, 400);
  assert.equal(fieldError(mismatch.text, 'account-password-confirm'), 'The two passwords differ.');
  assert.equal(fieldError(mismatch.text, 'account-current-password'), undefined);
  const short = await post(rita, '/account/password?lang=fr', { current_password: 'wrong one', password: 'short', password_confirm: 'short' });
  assert.equal(short.status, 400);
  assert.equal(fieldError(short.text, 'account-password'), 'Le mot de passe doit compter au moins 10 caractères.');
  assert.equal(fieldError(short.text, 'account-current-password'), 'Ce n’est pas votre mot de passe actuel.', 'every problem at once');
  assert.equal((await userOf('rita')).passwordHash, before);
  await signIn(t, 'rita');
});

test('a new password: the old one stops working, the new one works, other sessions end and this one carries on', async () => {
  await addUser(t, 'sam', 'member');
  const sam = await signIn(t, 'sam');
  const other = await signIn(t, 'sam');
  await other.get('/account').set(html).expect(200);
  const next = 'my brand new password';
  const token = await tokenOf(sam, '/account');
  const res = await sam.post('/account/password').type('form').set(html).send({ _csrf: token, current_password: PASSWORD, password: next, password_confirm: next });
  assert.equal(res.status, 303);
  assert.equal(res.headers.location, '/account?done=password');
  assert.ok(sessionCookie(res), 'this session gets a new id');

  const page = await sam.get(res.headers.location!).set(html).expect(200);
  assert.match(page.text, /<p class="notice" role="status">Your password was changed. Your other sessions are signed out.<\/p>/);
  assert.match(page.text, /Signed in as sam/);
  const ended = await other.get('/account').set(html);
  assert.equal(ended.status, 302, 'the other session is signed out');
  assert.equal(ended.headers.location, '/login?return=%2Faccount');

  await assert.rejects(signIn(t, 'sam'), /failed: 401/);
  const again = await signIn(t, 'sam', next);
  await again.get('/account').set(html).expect(200);
  // The form's old token belonged to the session before the change.
  await sam.post('/account/display-name').type('form').send({ _csrf: token, displayName: 'Sam' }).expect(403);
});

test('without a CSRF token both forms are refused with 403 and change nothing', async () => {
  await addUser(t, 'tom', 'member');
  const tom = await signIn(t, 'tom');
  const before = await userOf('tom');
  await tom.post('/account/display-name').type('form').set(html).send({ displayName: 'Intruder' }).expect(403);
  await tom.post('/account/password').type('form').set(html).send({ current_password: PASSWORD, password: 'an intruder password', password_confirm: 'an intruder password' }).expect(403);
  await tom.post('/account/password').type('form').set(html).send({ _csrf: 'forged', current_password: PASSWORD, password: 'an intruder password', password_confirm: 'an intruder password' }).expect(403);
  const after = await userOf('tom');
  assert.equal(after.displayName, before.displayName);
  assert.equal(after.passwordHash, before.passwordHash);
});

test('wrong current passwords are limited per account like sign-ins; mistyped confirmations are not counted', async (tc) => {
  const limited = await makeApp({ overrides: { auth: { maxAttemptsPerAccount: 2, maxAttemptsPerAddress: 1000 } } });
  tc.after(() => limited.close());
  await addUser(limited, 'uma', 'member');
  await addUser(limited, 'vic', 'member');
  const uma = await signIn(limited, 'uma');
  const before = (await limited.store.users.getByUsername('uma'))!.passwordHash;
  const attempt = (current: string, confirm = 'a fresh new password') => post(uma, '/account/password', { current_password: current, password: 'a fresh new password', password_confirm: confirm });

  for (let i = 0; i < 3; i++) assert.equal((await attempt(PASSWORD, 'a typo in it')).status, 400, 'a mismatch with the right password');
  for (let i = 0; i < 2; i++) assert.equal((await attempt('guess number ' + i)).status, 400);
  const blocked = await attempt(PASSWORD);
  assert.equal(blocked.status, 429, 'even the right password, once the limit is reached');
  assert.ok(Number(blocked.headers['retry-after']) > 0);
  assert.equal(fieldError(blocked.text, 'account-current-password'), 'Too many wrong passwords. Wait a few minutes before trying again.');
  assert.equal((await limited.store.users.getByUsername('uma'))!.passwordHash, before);

  // Another account from the same address is not affected.
  const vic = await signIn(limited, 'vic');
  const res = await post(vic, '/account/password', { current_password: PASSWORD, password: 'a fresh new password', password_confirm: 'a fresh new password' });
  assert.equal(res.status, 303);
});
