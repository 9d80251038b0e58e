import { test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, addUser, csrfFrom, PASSWORD, type TestApp } from '../helpers/app.ts';

async function loginAgent(t: TestApp) {
  const agent = request.agent(t.app);
  const page = await agent.get('/login').set('Accept', 'text/html').expect(200);
  const token = csrfFrom(page.text);
  return (username: string, password: string) => agent.post('/login').type('form').set('Accept', 'text/html').send({ username, password, _csrf: token });
}

test('failed attempts on one account are limited: 429 with Retry-After, even for the right password', async (tc) => {
  const t = await makeApp({ overrides: { auth: { maxAttemptsPerAccount: 3, maxAttemptsPerAddress: 1000 } } });
  tc.after(() => t.close());
  await addUser(t, 'alice', 'admin');
  await addUser(t, 'bob', 'member');
  const login = await loginAgent(t);
  for (let i = 0; i < 3; i++) assert.equal((await login('alice', 'wrong password!')).status, 401);
  const limited = await login('Alice', PASSWORD); // case-folded: same account
  assert.equal(limited.status, 429);
  const retryAfter = Number(limited.headers['retry-after']);
  assert.ok(retryAfter > 0 && retryAfter <= 15 * 60, `Retry-After: ${limited.headers['retry-after']}`);
  assert.match(limited.text, /Too many failed attempts/);
  // Another account from the same address is not affected by alice's limit.
  assert.equal((await login('bob', PASSWORD)).status, 303);
});

test('failed attempts from one address are limited across accounts', async (tc) => {
  const t = await makeApp({ overrides: { auth: { maxAttemptsPerAccount: 1000, maxAttemptsPerAddress: 4 } } });
  tc.after(() => t.close());
  await addUser(t, 'carol', 'member');
  const login = await loginAgent(t);
  for (let i = 0; i < 4; i++) assert.equal((await login(`nobody${i}`, 'wrong password!')).status, 401);
  const limited = await login('carol', PASSWORD);
  assert.equal(limited.status, 429);
  assert.ok(Number(limited.headers['retry-after']) > 0);
});

test('successful sign-ins are not counted', async (tc) => {
  const t = await makeApp({ overrides: { auth: { maxAttemptsPerAccount: 2, maxAttemptsPerAddress: 2 } } });
  tc.after(() => t.close());
  await addUser(t, 'dave', 'member');
  for (let i = 0; i < 4; i++) {
    const login = await loginAgent(t);
    assert.equal((await login('dave', PASSWORD)).status, 303, `sign-in ${i + 1}`);
  }
  const login = await loginAgent(t);
  assert.equal((await login('dave', 'wrong password!')).status, 401);
  assert.equal((await login('dave', PASSWORD)).status, 303);
});

test('wrong passwords from one address lock that address out of the account, not its owner elsewhere; many addresses together lock it everywhere', async (tc) => {
  // Behind a reverse proxy that names the client in X-Forwarded-For.
  const t = await makeApp({ overrides: { trustProxy: true, auth: { maxAttemptsPerAccount: 3, maxAttemptsPerAccountOverall: 7, maxAttemptsPerAddress: 1000 } } });
  tc.after(() => t.close());
  await addUser(t, 'alice', 'admin');
  const from = async (address: string) => {
    const login = await loginAgent(t);
    return (username: string, password: string) => login(username, password).set('X-Forwarded-For', address);
  };
  const attacker = await from('203.0.113.7');
  for (let i = 0; i < 3; i++) assert.equal((await attacker('alice', 'wrong password!')).status, 401);
  assert.equal((await attacker('alice', PASSWORD)).status, 429, 'the guessing address is locked out of the account');
  assert.equal((await (await from('198.51.100.20'))('alice', PASSWORD)).status, 303, 'alice signs in from her own address');
  // Guessing spread over addresses: 3 + 3 + 1 more failures reach the overall limit of 7.
  const second = await from('203.0.113.8');
  for (let i = 0; i < 3; i++) assert.equal((await second('alice', 'wrong password!')).status, 401);
  const third = await from('203.0.113.9');
  assert.equal((await third('alice', 'wrong password!')).status, 401);
  const everywhere = await (await from('198.51.100.21'))('alice', PASSWORD);
  assert.equal(everywhere.status, 429, 'past the overall limit the account is locked from every address');
  assert.match(everywhere.text, /Too many failed attempts/);
});
