import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSite } from '../helpers/browser.ts';

// No user yet: the first visit leads to the setup page.
const site = browserSite();

test('in a browser: create the first admin through /setup, sign out, sign in again', async () => {
  const { t, base, browser } = site;
  const page = await browser.newPage();
  const password = 'a browser-made password';

  // Until an admin exists, /admin leads to the setup page, which needs the printed link.
  await page.goto(`${base}/admin`);
  assert.equal(new URL(page.url()).pathname, '/setup');
  assert.match(await page.getByRole('alert').innerText(), /open the setup link/);

  await page.goto(`${base}/setup?token=${t.app.kiosque.setup.token}`);
  await page.getByLabel('Username').fill('Chief');
  await page.getByLabel('Password (at least 10 characters)').fill(password);
  await page.getByLabel('Password again').fill(password);
  await Promise.all([page.waitForURL(`${base}/admin`), page.getByRole('button', { name: 'Create the administrator' }).click()]);
  assert.match(await page.locator('.account').innerText(), /Chief/);

  await Promise.all([page.waitForURL(`${base}/`), page.getByRole('button', { name: 'Sign out' }).click()]);
  assert.equal(await page.getByRole('button', { name: 'Sign out' }).count(), 0);
  await page.goto(`${base}/admin`);
  assert.equal(new URL(page.url()).pathname, '/login');

  await page.getByLabel('Username', { exact: true }).fill('chief');
  await page.getByLabel('Password', { exact: true }).fill(password);
  await Promise.all([page.waitForURL(`${base}/admin`), page.getByRole('button', { name: 'Sign in' }).click()]);
  assert.match(await page.locator('.account').innerText(), /Chief/);
  // The setup page is gone for good.
  const setup = await page.goto(`${base}/setup`);
  assert.equal(setup?.status(), 404);
});
