import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addUser } from '../helpers/app.ts';
import { browserSite, signInAt, signInThroughForm } from '../helpers/browser.ts';

const site = browserSite(async (t) => {
  await addUser(t, 'alice', 'admin');
  await t.store.settings.set('accounts', { registration: 'approval' });
});

test('in a browser: a visitor asks for an account from the login page, an admin approves it, the visitor signs in', async () => {
  const { base, browser } = site;
  const visitor = await browser.newContext({ locale: 'en-GB' });
  const adminContext = await browser.newContext({ locale: 'en-GB' });
  try {
    const page = await visitor.newPage();
    const password = 'my own long password';
    await page.goto(`${base}/login?return=/search`);
    await Promise.all([page.waitForURL(`${base}/register?return=%2Fsearch`), page.getByRole('link', { name: 'Create an account' }).click()]);

    // A first try with passwords that differ: the message stands by its field, the name typed stays.
    await page.getByLabel('Username').fill('lea');
    await page.getByLabel('Display name (optional)').fill('Léa M.');
    await page.getByLabel('Password (at least 10 characters)').fill(password);
    await page.getByLabel('Password (again)').fill('something else entirely');
    await Promise.all([page.waitForURL(`${base}/register`), page.getByRole('button', { name: 'Create my account' }).click()]);
    assert.equal(await page.getByLabel('Password (again)').getAttribute('aria-invalid'), 'true');
    assert.match(await page.getByRole('alert').innerText(), /The two passwords differ/);
    assert.equal(await page.getByLabel('Username').inputValue(), 'lea');
    assert.equal(await page.getByLabel('Password (at least 10 characters)').inputValue(), '', 'passwords are never sent back');

    await page.getByLabel('Password (at least 10 characters)').fill(password);
    await page.getByLabel('Password (again)').fill(password);
    await Promise.all([page.waitForURL(/\/register\?done=pending/), page.getByRole('button', { name: 'Create my account' }).click()]);
    assert.match(await page.getByRole('status').innerText(), /awaits an administrator’s approval/);

    // Not yet: the login form says why.
    await page.goto(`${base}/login?return=/search`);
    await signInThroughForm(page, 'lea', password);
    assert.match(await page.getByRole('alert').innerText(), /This account awaits an administrator’s approval/);

    const admin = await adminContext.newPage();
    await signInAt(admin, base, '/admin', 'alice');
    await Promise.all([admin.waitForURL(`${base}/admin/users#pending`), admin.getByRole('link', { name: /1 account asked for by a visitor awaits your approval/ }).click()]);
    assert.match(await admin.getByRole('heading', { name: '1 account awaiting approval' }).innerText(), /1 account/);
    await Promise.all([admin.waitForURL(`${base}/admin/users?done=approve`), admin.getByRole('button', { name: 'Approve the account lea' }).click()]);
    assert.match(await admin.getByRole('status').innerText(), /The account was approved/);
    assert.equal(await admin.locator('tr[data-user="lea"]').count(), 1, 'now among the accounts');

    await Promise.all([page.waitForURL(`${base}/search`), signInThroughForm(page, 'lea', password)]);
    assert.match(await page.locator('.account').innerText(), /Léa M\./);
  } finally {
    await visitor.close();
    await adminContext.close();
  }
});
