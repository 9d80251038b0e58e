import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import type { ParsedMail } from 'mailparser';
import { SESSION_COOKIE } from '../../core/app.ts';
import { RESET_TTL_MS } from '../../core/auth/password-reset.ts';
import { makeApp, addUser, signIn, csrfFrom, PASSWORD, type TestApp } from '../helpers/app.ts';
import { deadSmtpUrl, startSmtp, type TestSmtp } from '../helpers/smtp.ts';

const html = { Accept: 'text/html' };
const NEW_PASSWORD = 'my brand new password';
const FROM = 'Kiosque <noreply@example.org>';
let smtp: TestSmtp;
let t: TestApp;
let clock = Date.UTC(2026, 0, 1);

before(async () => {
  smtp = await startSmtp();
  // The rate limits have their own test: here every request comes from one address.
  t = await makeApp({ now: () => clock, overrides: { mail: { smtpUrl: smtp.url, from: FROM }, auth: { maxResetRequestsPerAddress: 1000, maxResetRequestsPerAccount: 1000 } } });
  await addUser(t, 'alice', 'admin');
});
after(async () => {
  await t.close();
  await smtp.close();
});

let accounts = 0;
/** A member with an address, made for one test (tokens and passwords change in each). */
async function member(options: { email?: string | null; displayName?: string } = {}) {
  const username = `member${++accounts}`;
  const email = options.email === null ? undefined : (options.email ?? `${username}@example.org`);
  return t.app.kiosque.users.create({ username, password: PASSWORD, role: 'member', email, displayName: options.displayName });
}

function sessionCookie(res: request.Response): string | undefined {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return cookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`))?.split(';')[0];
}

/**
 * A visitor asks for a link through the real form (`from` is where they opened it), then waits
 * until the app has sent whatever it meant to send. The POST answer and the page it leads to.
 */
async function ask(identifier: string, options: { from?: string; headers?: Record<string, string>; app?: TestApp } = {}) {
  const app = options.app ?? t;
  const agent = request.agent(app.app);
  const headers = { ...html, ...options.headers };
  const form = await agent.get(options.from ?? '/password/forgot').set(headers).expect(200);
  const returnTo = /name="return" value="([^"]*)"/.exec(form.text)?.[1]?.replace(/&#x3D;/g, '=') ?? '';
  const res = await agent.post('/password/forgot').type('form').set(headers).send({ _csrf: csrfFrom(form.text), identifier, return: returnTo });
  await app.app.kiosque.mail!.idle();
  const page = res.status === 303 ? await agent.get(res.headers.location!).set(headers) : undefined;
  return { res, page };
}

/** The reset link in a message: its path and query, as the visitor's browser would open them. */
function linkIn(mail: ParsedMail): { absolute: string; path: string } {
  const m = /(http:\/\/127\.0\.0\.1:\d+)(\/password\/reset\?token=[A-Za-z0-9_-]{43}(?:&return=\S+)?)/.exec(mail.text ?? '');
  assert.ok(m, `a reset link in: ${mail.text}`);
  return { absolute: m[0], path: m[2]! };
}

/** Opens a link's form and sends two passwords; the agent, the form page and the answer. */
async function choose(path: string, password = NEW_PASSWORD, confirm = password, agent = request.agent(t.app)) {
  const form = await agent.get(path).set(html);
  if (form.status !== 200) return { agent, form, res: undefined };
  const token = /name="token" value="([^"]+)"/.exec(form.text)![1]!;
  const returnTo = /name="return" value="([^"]*)"/.exec(form.text)![1]!.replace(/&#x3D;/g, '=');
  const res = await agent.post('/password/reset').type('form').set(html).send({ _csrf: csrfFrom(form.text), token, password, password_confirm: confirm, return: returnTo });
  return { agent, form, res };
}

/** The one address a message went to. */
const recipient = (mail: ParsedMail) => (mail.to && !Array.isArray(mail.to) ? mail.to.text : undefined);
const stored = async (username: string) => (await t.store.users.getByUsername(username))!;
const fieldError = (page: string, id: string) => new RegExp(`<p class="field-error" id="${id}-error" role="alert">([^<]*)</p>`).exec(page)?.[1];

test('while mail is on, the login page links to the request form, keeping where the visitor was going; while it is off, neither exists', async () => {
  const login = await request(t.app).get('/login?return=/search%3Fq%3Dx').set(html).expect(200);
  assert.match(login.text, /<a href="\/password\/forgot\?return&#x3D;%2Fsearch%3Fq%3Dx">Forgot your password\?<\/a>/);
  const form = await request(t.app).get('/password/forgot?return=/search%3Fq%3Dx').set(html).expect(200);
  assert.match(form.text, /<label for="forgot-identifier">Username or email address<\/label>\s*<input id="forgot-identifier" name="identifier"/);
  assert.match(form.text, /name="return" value="\/search\?q&#x3D;x"/);
  assert.match(form.text, /<meta name="robots" content="noindex">/);
  assert.match(form.headers['cache-control']!, /private, no-store/);
  const fr = await request(t.app).get('/login?lang=fr').set(html).expect(200);
  assert.match(fr.text, />Mot de passe oublié\u202f\?<\/a>/);
  const robots = await request(t.app).get('/robots.txt').expect(200);
  assert.match(robots.text, /^Disallow: \/password\/$/m);

  // With mail off (the default) there is no link on the login page and the pages are not there.
  const off = await makeApp();
  try {
    const login = await request(off.app).get('/login').set(html).expect(200);
    assert.doesNotMatch(login.text, /password\/forgot/);
    assert.equal(off.app.kiosque.mail, undefined);
    await request(off.app).get('/password/forgot').set(html).expect(404);
    await request(off.app).get(`/password/reset?token=${'A'.repeat(43)}`).set(html).expect(404);
    const agent = request.agent(off.app);
    const page = await agent.get('/login').set(html);
    await agent.post('/password/forgot').type('form').set(html).send({ _csrf: csrfFrom(page.text), identifier: 'alice' }).expect(404);
  } finally {
    await off.close();
  }
});

test('the whole way: a message in the visitor’s language, its link, a new password, signed in on a new session, the other sessions ended', async () => {
  const user = await member({ displayName: 'Zoé <Z>' });
  const elsewhere = await signIn(t, user.username);
  await elsewhere.get('/account').set(html).expect(200);
  const before = smtp.received.length;
  const { res, page } = await ask(user.username.toUpperCase(), { from: '/password/forgot?return=/search%3Fq%3Dx' });
  assert.equal(res.status, 303);
  assert.equal(res.headers.location, '/password/forgot?sent&return=%2Fsearch%3Fq%3Dx');
  assert.match(page!.text, /<h1>Check your email<\/h1>/);
  assert.match(page!.text, /If an account matches what you typed and has an email address/);
  assert.equal(smtp.received.length, before + 1);
  const mail = await smtp.next();
  assert.equal(recipient(mail), user.email);
  assert.equal(mail.from?.text, '"Kiosque" <noreply@example.org>');
  assert.equal(mail.subject, 'Kiosque: choose a new password');
  assert.match(mail.text!, /^Hello Zoé <Z>,/);
  assert.match(mail.text!, new RegExp(`for the account “${user.username}” on Kiosque`));
  const link = linkIn(mail);
  assert.match(link.path, /&return=%2Fsearch%3Fq%3Dx$/);
  // Only the token's hash is kept, with its expiry.
  const record = (await stored(user.username)).passwordReset!;
  assert.equal(record.expiresAt, clock + RESET_TTL_MS);
  assert.ok(!JSON.stringify(record).includes(new URL(link.absolute).searchParams.get('token')!));

  const agent = request.agent(t.app);
  const form = await agent.get(link.path).set(html).expect(200);
  assert.match(form.text, /<h1>Choose a new password<\/h1>/);
  assert.match(form.text, new RegExp(`For the account “${user.username}”`));
  assert.match(form.text, /<meta name="robots" content="noindex">/);
  assert.match(form.headers['cache-control']!, /private, no-store/);
  assert.equal(form.headers['referrer-policy'], 'no-referrer');
  for (const id of ['reset-password', 'reset-password-confirm']) assert.match(form.text, new RegExp(`<label for="${id}">`));
  // Without the form's CSRF token: refused, nothing changed.
  const token = new URL(link.absolute).searchParams.get('token')!;
  await agent.post('/password/reset').type('form').set(html).send({ token, password: NEW_PASSWORD, password_confirm: NEW_PASSWORD }).expect(403);
  const hash = (await stored(user.username)).passwordHash;

  // Passwords that differ, then too short: said beside the fields, in French when asked; the link still works.
  const mismatch = await agent.post('/password/reset?lang=fr').type('form').set(html).send({ _csrf: csrfFrom(form.text), token, password: NEW_PASSWORD, password_confirm: 'something else entirely' });
  assert.equal(mismatch.status, 400);
  assert.equal(fieldError(mismatch.text, 'reset-password-confirm'), 'Les deux mots de passe diffèrent.');
  assert.match(mismatch.text, new RegExp(`name="token" value="${token}"`));
  const short = await agent.post('/password/reset?lang=en').type('form').set(html).send({ _csrf: csrfFrom(form.text), token, password: 'short', password_confirm: 'short' });
  assert.equal(fieldError(short.text, 'reset-password'), 'The password needs at least 10 characters.');
  assert.equal((await stored(user.username)).passwordHash, hash);

  const formCookie = sessionCookie(form);
  const done = await agent.post('/password/reset').type('form').set(html).send({ _csrf: csrfFrom(form.text), token, password: NEW_PASSWORD, password_confirm: NEW_PASSWORD, return: '/search?q=x' });
  assert.equal(done.status, 303, done.text);
  assert.equal(done.headers.location, '/search?q=x');
  assert.ok(sessionCookie(done) && sessionCookie(done) !== formCookie, 'signed in on a new session id');
  assert.match((await agent.get('/account').set(html).expect(200)).text, new RegExp(`<dd>${user.username}</dd>`));
  // The session opened with the old password is over; the old password no longer signs in, the new one does.
  const old = await elsewhere.get('/account').set(html);
  assert.equal(old.status, 302);
  assert.match(old.headers.location!, /^\/login/);
  await assert.rejects(signIn(t, user.username), /sign-in as .* failed: 401/);
  await signIn(t, user.username, NEW_PASSWORD);
  assert.equal((await stored(user.username)).passwordReset, undefined);
  assert.ok((await stored(user.username)).lastLoginAt);

  // Used once: the same link now says so, and offers a new one.
  const again = await request(t.app).get(link.path).set(html);
  assert.equal(again.status, 400);
  assert.match(again.text, /This link is not valid: it was already used/);
  assert.match(again.text, /<a href="\/password\/forgot\?return&#x3D;%2Fsearch%3Fq%3Dx">Ask for a new link<\/a>/);
  // Neither the token nor the address went into the log.
  const log = JSON.stringify(t.logs);
  assert.ok(!log.includes(token), 'no token in the log');
  assert.ok(!log.includes(user.email!), 'no address in the log');
  assert.match(log, /password\/reset\?token=\[hidden\]/);
});

test('an email address works as the identifier, whatever its case; a French visitor gets a French message', async () => {
  const user = await member();
  await ask(user.email!.toUpperCase(), { headers: { 'Accept-Language': 'fr' } });
  const mail = await smtp.next();
  assert.equal(mail.subject, 'Kiosque\u00a0: choisir un nouveau mot de passe');
  assert.match(mail.text!, new RegExp(`^Bonjour ${user.username},`));
  assert.match(mail.text!, /ouvrez ce lien dans l’heure\u00a0:/);
  linkIn(mail);
});

test('unknown, disabled, pending and address-less accounts get no message, and the visitor gets the very same answer', async () => {
  const known = await member();
  const disabled = await member();
  await t.app.kiosque.users.setDisabled(disabled.id, true);
  const pending = await t.app.kiosque.users.register({ username: 'waiting', displayName: '', email: 'waiting@example.org', password: PASSWORD, confirm: PASSWORD }, { pending: true });
  const silent = await member({ email: null });
  const before = smtp.received.length;
  const answers = [];
  for (const identifier of ['nobody-here', 'ghost@example.org', disabled.username, disabled.email!, pending.username, silent.username]) answers.push(await ask(identifier));
  assert.equal(smtp.received.length, before, 'no message for any of them');
  const reference = await ask(known.username);
  assert.equal(smtp.received.length, before + 1);
  assert.equal(recipient(await smtp.next()), known.email);
  for (const a of answers) {
    assert.equal(a.res.status, reference.res.status);
    assert.equal(a.res.headers.location, reference.res.headers.location);
    assert.equal(a.page!.status, 200);
    assert.equal(a.page!.text, reference.page!.text);
  }
  assert.equal((await stored(disabled.username)).passwordReset, undefined);
  assert.equal((await stored('waiting')).passwordReset, undefined);
});

test('an empty identifier is asked for again beside the field, in the visitor’s language', async () => {
  const agent = request.agent(t.app);
  const form = await agent.get('/password/forgot?lang=fr').set(html);
  const res = await agent.post('/password/forgot').type('form').set(html).send({ _csrf: csrfFrom(form.text), identifier: '   ' });
  assert.equal(res.status, 400);
  assert.equal(fieldError(res.text, 'forgot-identifier'), 'Saisissez votre identifiant ou votre adresse électronique.');
  assert.match(res.text, /id="forgot-identifier" name="identifier" [^>]*aria-invalid="true"/);
});

test('a link expires after an hour: it says so and offers a new one, and the password stays', async () => {
  const user = await member();
  await ask(user.username);
  const link = linkIn(await smtp.next());
  const agent = request.agent(t.app);
  const form = await agent.get(link.path).set(html).expect(200);
  clock += RESET_TTL_MS;
  const expired = await request(t.app).get(link.path).set(html);
  assert.equal(expired.status, 410);
  assert.match(expired.text, /This link has expired: a link works for one hour\./);
  assert.match(expired.text, /<a href="\/password\/forgot">Ask for a new link<\/a>/);
  const fr = await request(t.app).get(`${link.path}&lang=fr`).set(html);
  assert.match(fr.text, /Ce lien a expiré\u00a0: un lien sert pendant une heure\./);
  // A form opened in time and sent too late is refused just the same.
  const token = /name="token" value="([^"]+)"/.exec(form.text)![1]!;
  const late = await agent.post('/password/reset').type('form').set(html).send({ _csrf: csrfFrom(form.text), token, password: NEW_PASSWORD, password_confirm: NEW_PASSWORD });
  assert.equal(late.status, 410);
  await signIn(t, user.username);
});

test('a newer request kills the older link; a password changed another way kills a pending one, and so does a new address', async () => {
  const user = await member();
  await ask(user.username);
  const first = linkIn(await smtp.next());
  await ask(user.email!);
  const second = linkIn(await smtp.next());
  assert.notEqual(first.path, second.path);
  assert.equal((await choose(first.path)).form.status, 400);
  const used = await choose(second.path);
  assert.equal(used.res?.status, 303);

  // A pending link, then the member changes their password at /account: the link is dead.
  await ask(user.username);
  const pending = linkIn(await smtp.next());
  const agent = await signIn(t, user.username, NEW_PASSWORD);
  const page = await agent.get('/account').set(html);
  await agent.post('/account/password').type('form').set(html).send({ _csrf: csrfFrom(page.text), current_password: NEW_PASSWORD, password: 'yet another password', password_confirm: 'yet another password' }).expect(303);
  const dead = await request(t.app).get(pending.path).set(html);
  assert.equal(dead.status, 400);
  assert.match(dead.text, /This link is not valid/);

  // The same after an admin sets the password, and after the address changes.
  await ask(user.username);
  const beforeAdmin = linkIn(await smtp.next());
  await t.app.kiosque.users.setPassword(user.id, 'set by an admin here');
  assert.equal((await request(t.app).get(beforeAdmin.path).set(html)).status, 400);
  await ask(user.username);
  const beforeMove = linkIn(await smtp.next());
  await t.app.kiosque.users.setEmail(user.id, 'moved@example.org');
  assert.equal((await request(t.app).get(beforeMove.path).set(html)).status, 400);
});

test('a link for an account disabled since is refused', async () => {
  const user = await member();
  await ask(user.username);
  const link = linkIn(await smtp.next());
  await t.app.kiosque.users.setDisabled(user.id, true);
  assert.equal((await request(t.app).get(link.path).set(html)).status, 400);
});

test('made-up or malformed tokens are refused; a return path off the site is dropped', async () => {
  for (const q of ['', '?token=', '?token=abc', `?token=${'A'.repeat(43)}`, `?token=${'A'.repeat(43)}&token=${'B'.repeat(43)}`]) {
    const res = await request(t.app).get(`/password/reset${q}`).set(html);
    assert.equal(res.status, 400, q);
    assert.match(res.text, /This link is not valid/);
  }
  const user = await member();
  await ask(user.username, { from: '/password/forgot?return=%2F%2Fevil.example' });
  const link = linkIn(await smtp.next());
  assert.doesNotMatch(link.path, /return=/);
  const { res } = await choose(link.path);
  assert.equal(res?.headers.location, '/');
});

test('behind the intranet plugin, the request and reset pages stay open to visitors who are not signed in', async () => {
  await t.app.kiosque.plugins.enable('intranet');
  try {
    await request(t.app).get('/').set(html).expect(302);
    const user = await member();
    const { res } = await ask(user.username);
    assert.equal(res.status, 303);
    const link = linkIn(await smtp.next());
    const { res: done } = await choose(link.path);
    assert.equal(done?.status, 303);
  } finally {
    await t.app.kiosque.plugins.disable('intranet');
  }
});

test('requests are limited per address and per account (whichever identifier names it), with a translated 429 that tells nothing about accounts', async () => {
  const s = await startSmtp();
  const limited = await makeApp({ overrides: { mail: { smtpUrl: s.url, from: FROM }, auth: { maxResetRequestsPerAddress: 7, maxResetRequestsPerAccount: 2 } } });
  try {
    const user = await limited.app.kiosque.users.create({ username: 'lou', password: PASSWORD, role: 'member', email: 'lou@example.org' });
    assert.equal((await ask('lou', { app: limited })).res.status, 303);
    assert.equal((await ask('LOU@example.org', { app: limited })).res.status, 303);
    const third = await ask(user.username, { app: limited, headers: { 'Accept-Language': 'fr' } });
    assert.equal(third.res.status, 429);
    assert.match(third.res.text, /Trop de demandes\. Attendez quelques minutes avant de demander un autre lien\./);
    assert.match(third.res.text, /id="forgot-identifier" name="identifier" [^>]*value="lou"/);
    assert.equal(s.received.length, 2);
    // An identifier that names nobody is limited the same way.
    assert.equal((await ask('nobody', { app: limited })).res.status, 303);
    assert.equal((await ask('nobody', { app: limited })).res.status, 303);
    assert.equal((await ask('nobody', { app: limited })).res.status, 429);
    // Past seven requests from this address, refused whatever they name.
    assert.equal((await ask('someone-else', { app: limited })).res.status, 303);
    const eighth = await ask('another-one', { app: limited });
    assert.equal(eighth.res.status, 429);
    assert.match(eighth.res.text, /Too many requests\. Wait a few minutes before asking for another link\./);
  } finally {
    await limited.close();
    await s.close();
  }
});

test('an SMTP server that does not answer: the visitor sees the same page, the log says the message was lost', async () => {
  const down = await makeApp({ overrides: { mail: { smtpUrl: await deadSmtpUrl(), from: FROM } } });
  try {
    await down.app.kiosque.users.create({ username: 'max', password: PASSWORD, role: 'member', email: 'max@example.org' });
    const sent = await ask('max', { app: down });
    const nobody = await ask('nobody', { app: down });
    assert.equal(sent.res.headers.location, '/password/forgot?sent');
    assert.equal(sent.page!.text, nobody.page!.text);
    const failure = down.logs.find((l) => l.msg === 'mail could not be sent');
    assert.ok(failure, 'a log line');
    assert.equal(failure.mail, 'password_reset');
    assert.match(String(failure.error), /ECONNREFUSED|connect/);
    assert.ok(!JSON.stringify(down.logs).includes('max@example.org'));
  } finally {
    await down.close();
  }
});
