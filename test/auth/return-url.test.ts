import { test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { safeReturnPath } from '../../core/auth/return-url.ts';
import { makeApp, addUser, csrfFrom, PASSWORD } from '../helpers/app.ts';

const attacks = ['//evil.com', '//evil.com/admin', '/\\evil.com', '\\\\evil.com', 'https://evil.com', 'http:evil.com', 'javascript:alert(1)', 'JaVaScRiPt:alert(1)', ' /admin', '/\t/evil.com', '/%2F/evil.com', '/%5Cevil.com', 'evil.com', '', '/login', '/logout'];

test('return paths that could leave the site fall back to /', () => {
  for (const value of attacks) assert.equal(safeReturnPath(value), '/', JSON.stringify(value));
  assert.equal(safeReturnPath(undefined), '/');
  assert.equal(safeReturnPath(['/admin']), '/');
  assert.equal(safeReturnPath('/x'.repeat(1100)), '/');
});

test('nobody is sent back to the password reset pages (a used link, or the request form)', () => {
  for (const value of ['/password/forgot', '/password/forgot?sent', `/password/reset?token=${'A'.repeat(43)}`]) assert.equal(safeReturnPath(value), '/', value);
});

test('same-origin paths are kept with their query and hash', () => {
  assert.equal(safeReturnPath('/admin/users?x=1#top'), '/admin/users?x=1#top');
  assert.equal(safeReturnPath('/media/12/a-title'), '/media/12/a-title');
  assert.equal(safeReturnPath('/search?q=%2F%2Fevil'), '/search?q=%2F%2Fevil');
});

test('signing in with a hostile return lands on / (through the real login route)', async (tc) => {
  const t = await makeApp();
  tc.after(() => t.close());
  await addUser(t, 'alice', 'admin');
  for (const value of ['//evil.com', '/\\evil.com', 'https://evil.com/', 'javascript:alert(1)']) {
    const agent = request.agent(t.app);
    const page = await agent.get(`/login?return=${encodeURIComponent(value)}`).set('Accept', 'text/html');
    assert.match(page.text, /name="return" value="\/"/, value);
    const res = await agent.post('/login').type('form').send({ username: 'alice', password: PASSWORD, _csrf: csrfFrom(page.text), return: value });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/', value);
  }
});
