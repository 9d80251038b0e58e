import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeApp, addUser, signIn, tokenOf, PASSWORD, type TestApp } from '../helpers/app.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';

const html = { Accept: 'text/html' };
let smtp: TestSmtp;
let t: TestApp;

before(async () => {
  smtp = await startSmtp();
  t = await makeApp({ overrides: { mail: { smtpUrl: smtp.url, from: 'Kiosque <noreply@example.org>' } } });
  await addUser(t, 'alice', 'admin');
});
after(async () => {
  await t.close();
  await smtp.close();
});

const request = (username: string, email: string) => t.app.kiosque.users.register({ username, displayName: '', email, password: PASSWORD, confirm: PASSWORD }, { pending: true });

test('approving a request tells its owner by mail, in the site’s language, with the sign-in link; refusing one, or one without an address, sends nothing', async () => {
  await t.store.settings.set('skeleton', { ...((await t.store.settings.get<Record<string, unknown>>('skeleton')) ?? {}), language: 'fr', siteName: 'Archives & Co' });
  const withAddress = await request('paula', 'Paula@Example.org');
  const without = await request('quentin', '');
  const refused = await request('rose', 'rose@example.org');
  const admin = await signIn(t, 'alice');
  const token = await tokenOf(admin, '/admin/users');
  for (const [user, action] of [[without, 'approve'], [refused, 'refuse'], [withAddress, 'approve']] as const) {
    await admin.post(`/admin/users/${user.id}/${action}`).type('form').set(html).send({ _csrf: token }).expect(303);
  }
  await t.app.kiosque.mail!.idle();
  assert.equal(smtp.received.length, 1, 'one message: the approved account that has an address');
  const mail = await smtp.next();
  assert.equal(mail.to && !Array.isArray(mail.to) ? mail.to.text : '', 'paula@example.org');
  assert.equal(mail.subject, 'Archives & Co\u00a0: votre compte a été approuvé');
  assert.match(mail.text!, /^Bonjour paula,/);
  assert.match(mail.text!, /approuvé votre compte «\u00a0paula\u00a0»/);
  assert.match(mail.text!, /http:\/\/127\.0\.0\.1:\d+\/login/);
  assert.ok(!JSON.stringify(t.logs).includes('paula@example.org'));
});
