import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, addUser, signIn, csrfFrom, tokenOf, PASSWORD, type TestApp } from '../helpers/app.ts';
import { SESSION_COOKIE } from '../../core/app.ts';

let t: TestApp;
before(async () => {
  t = await makeApp();
  await addUser(t, 'alice', 'admin');
  await addUser(t, 'eddie', 'editor');
  await addUser(t, 'mia', 'member');
});
after(() => t.close());

function sessionCookie(res: request.Response): string | undefined {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return cookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`))?.split(';')[0];
}

test('the login form has labelled fields, a CSRF token and the return path', async () => {
  const res = await request(t.app).get('/login?return=/admin/users').set('Accept', 'text/html').expect(200);
  assert.match(res.text, /<label for="login-username">/);
  assert.match(res.text, /<label for="login-password">/);
  assert.match(res.text, /name="_csrf" value="[^"]{10,}"/);
  assert.match(res.text, /name="return" value="\/admin\/users"/);
});

test('signing in lands on the return path and sets an httpOnly SameSite=Lax cookie', async () => {
  const agent = request.agent(t.app);
  const page = await agent.get('/login').set('Accept', 'text/html');
  const res = await agent.post('/login').type('form').send({ username: 'alice', password: PASSWORD, _csrf: csrfFrom(page.text), return: '/admin/users?x=1' });
  assert.equal(res.status, 303);
  assert.equal(res.headers.location, '/admin/users?x=1');
  const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith(SESSION_COOKIE));
  assert.ok(cookie);
  assert.match(cookie, /HttpOnly/i);
  assert.match(cookie, /SameSite=Lax/i);
  const admin = await agent.get('/admin/users').set('Accept', 'text/html');
  assert.equal(admin.status, 200);
  assert.match(admin.text, /eddie/);
});

test('the header’s sign-in link brings the visitor back to the page they were reading', async () => {
  const agent = request.agent(t.app);
  const search = await agent.get('/search?q=f%C3%AAte&type=image').set('Accept', 'text/html').expect(200);
  const unescape = (v: string | undefined) => v?.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
  const href = unescape(/<a href="([^"]+)" class="login-link">/.exec(search.text)?.[1]);
  assert.equal(href, '/login?return=%2Fsearch%3Fq%3Df%25C3%25AAte%26type%3Dimage');
  const form = await agent.get(href!).set('Accept', 'text/html').expect(200);
  const back = unescape(/name="return" value="([^"]+)"/.exec(form.text)?.[1]);
  const res = await agent.post('/login').type('form').send({ username: 'mia', password: PASSWORD, _csrf: csrfFrom(form.text), return: back });
  assert.equal(res.status, 303);
  assert.equal(res.headers.location, '/search?q=f%C3%AAte&type=image');
  // From the homepage there is nowhere to come back to: the link is plain.
  const home = await request(t.app).get('/').set('Accept', 'text/html').expect(200);
  assert.match(home.text, /<a href="\/login" class="login-link">/);
});

test('unknown user and wrong password get the same answer', async () => {
  const agent = request.agent(t.app);
  const page = await agent.get('/login').set('Accept', 'text/html');
  const token = csrfFrom(page.text);
  const unknown = await agent.post('/login').type('form').send({ username: 'nobody', password: 'whatever-long', _csrf: token });
  const wrong = await agent.post('/login').type('form').send({ username: 'eddie', password: 'whatever-long', _csrf: token });
  assert.equal(unknown.status, 401);
  assert.equal(wrong.status, 401);
  const msg = (html: string) => /<p class="error" role="alert">([^<]*)<\/p>/.exec(html)?.[1];
  assert.equal(msg(unknown.text), msg(wrong.text));
  assert.ok(msg(unknown.text));
});

test('a username with the space a phone keyboard adds signs in; an overlong password is a failed sign-in that keeps the username', async () => {
  const agent = request.agent(t.app);
  const page = await agent.get('/login').set('Accept', 'text/html');
  const token = csrfFrom(page.text);
  const long = await agent.post('/login').type('form').send({ username: 'mia', password: 'x'.repeat(2000), _csrf: token });
  assert.equal(long.status, 401);
  assert.match(long.text, /name="username"[^>]*value="mia"/);
  assert.match(long.text, /<p class="error" role="alert">[^<]+<\/p>/);
  const spaced = await agent.post('/login').type('form').send({ username: ' mia ', password: PASSWORD, _csrf: token });
  assert.equal(spaced.status, 303);
  assert.equal((await agent.get('/account').set('Accept', 'text/html')).status, 200, 'signed in as mia');
});

test('the session id changes at sign-in (no session fixation)', async () => {
  const agent = request.agent(t.app);
  const page = await agent.get('/login').set('Accept', 'text/html');
  const before = sessionCookie(page);
  assert.ok(before, 'the login page starts a session for its CSRF token');
  const res = await agent.post('/login').type('form').send({ username: 'eddie', password: PASSWORD, _csrf: csrfFrom(page.text) });
  assert.equal(res.status, 303);
  const afterLogin = sessionCookie(res);
  assert.ok(afterLogin);
  assert.notEqual(afterLogin, before);
  // The old id is worthless: replaying it does not give the signed-in session.
  const replay = await request(t.app).get('/admin').set('Cookie', before).set('Accept', 'text/html');
  assert.equal(replay.status, 302);
});

test('logout destroys the session at once', async () => {
  const agent = await signIn(t, 'eddie');
  const cookieRes = await agent.get('/admin').set('Accept', 'text/html').expect(200);
  assert.match(cookieRes.text, /eddie/);
  const token = csrfFrom(cookieRes.text);
  const out = await agent.post('/logout').type('form').send({ _csrf: token });
  assert.equal(out.status, 303);
  await agent.get('/admin').set('Accept', 'text/html').expect(302);
});

test('logout without the CSRF token is refused and keeps the session', async () => {
  const agent = await signIn(t, 'eddie');
  await agent.post('/logout').type('form').send({}).expect(403);
  await agent.get('/admin').set('Accept', 'text/html').expect(200);
});

for (const bad of ['https://evil.example', '//evil.example', '/\\evil.example', '%2F%2Fevil.example', 'javascript:alert(1)', '\t//evil.example', '\n//evil.example', '/%2F%2Fevil.example']) {
  test(`return=${JSON.stringify(bad)} lands on a same-origin path`, async () => {
    const agent = request.agent(t.app);
    const page = await agent.get('/login').set('Accept', 'text/html');
    const res = await agent.post('/login').type('form').send({ username: 'mia', password: PASSWORD, _csrf: csrfFrom(page.text), return: bad });
    assert.equal(res.status, 303);
    const location = res.headers.location as string;
    assert.ok(location.startsWith('/') && !location.startsWith('//') && !location.startsWith('/\\'), location);
    assert.equal(new URL(location, 'http://site.test').origin, 'http://site.test');
  });
}

test('the return value is rendered escaped on the login page', async () => {
  const res = await request(t.app).get('/login?return=/x"><script>alert(1)</script>').set('Accept', 'text/html').expect(200);
  assert.doesNotMatch(res.text, /<script>alert/);
});

test('a POST without a CSRF token is refused with 403 and changes nothing', async () => {
  const agent = await signIn(t, 'alice');
  const before = await t.store.users.count();
  const res = await agent.post('/admin/users').type('form').send({ username: 'intruder', password: PASSWORD, role: 'admin' }).set('Accept', 'text/html');
  assert.equal(res.status, 403);
  assert.equal(await t.store.users.count(), before);
  const wrong = await agent.post('/admin/users').type('form').send({ username: 'intruder', password: PASSWORD, role: 'admin', _csrf: 'forged' });
  assert.equal(wrong.status, 403);
  assert.equal(await t.store.users.getByUsername('intruder'), undefined);
});

test('members and editors get 403 on admin-only pages', async () => {
  const member = await signIn(t, 'mia');
  await member.get('/admin').set('Accept', 'text/html').expect(403);
  await member.get('/admin/users').set('Accept', 'text/html').expect(403);
  const editor = await signIn(t, 'eddie');
  await editor.get('/admin').set('Accept', 'text/html').expect(200);
  await editor.get('/admin/users').set('Accept', 'text/html').expect(403);
  const token = await tokenOf(editor, '/admin');
  const res = await editor.post('/admin/users').type('form').send({ username: 'x2', password: PASSWORD, role: 'admin', _csrf: token });
  assert.equal(res.status, 403);
  assert.equal(await t.store.users.getByUsername('x2'), undefined);
});

test('anonymous visitors are sent to the login form from the admin, with the return path', async () => {
  const res = await request(t.app).get('/admin/users?tab=1').set('Accept', 'text/html').expect(302);
  assert.equal(res.headers.location, '/login?return=%2Fadmin%2Fusers%3Ftab%3D1');
  await request(t.app).get('/admin/users').set('Accept', 'application/json').expect(401);
});
