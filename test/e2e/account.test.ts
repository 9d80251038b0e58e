import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addUser, PASSWORD } from '../helpers/app.ts';
import { browserSite, signInThroughForm } from '../helpers/browser.ts';

const site = browserSite((t) => addUser(t, 'mia', 'member'));

test('in a browser: a member changes their password from “My account”, signs out, and signs in with the new one', async () => {
  const { base, browser } = site;
  const page = await browser.newPage({ locale: 'en-GB' });
  const password = 'a password chosen in the browser';

  await page.goto(`${base}/account`);
  assert.equal(new URL(page.url()).pathname, '/login', 'anonymous: to the login form first');
  await Promise.all([page.waitForURL(`${base}/account`), signInThroughForm(page, 'mia')]);
  assert.match(await page.getByRole('definition').nth(1).innerText(), /^member$/);

  // From elsewhere on the site, the header leads to the page.
  await page.goto(`${base}/`);
  await Promise.all([page.waitForURL(`${base}/account`), page.getByRole('link', { name: 'My account' }).click()]);

  await page.getByLabel('Current password').fill('not the password at all');
  await page.getByLabel('New password (at least 10 characters)').fill(password);
  await page.getByLabel('New password again').fill(password);
  await Promise.all([page.waitForURL(`${base}/account/password`), page.getByRole('button', { name: 'Change the password' }).click()]);
  assert.equal(await page.getByLabel('Current password').getAttribute('aria-invalid'), 'true');
  assert.match(await page.getByRole('alert').innerText(), /This is not your current password/);

  await page.getByLabel('Current password').fill(PASSWORD);
  await page.getByLabel('New password (at least 10 characters)').fill(password);
  await page.getByLabel('New password again').fill(password);
  await Promise.all([page.waitForURL(`${base}/account?done=password`), page.getByRole('button', { name: 'Change the password' }).click()]);
  assert.match(await page.getByRole('status').innerText(), /Your password was changed/);
  assert.match(await page.locator('.account').innerText(), /Signed in as mia/, 'still signed in here');

  await Promise.all([page.waitForURL(`${base}/`), page.getByRole('button', { name: 'Sign out' }).click()]);
  await page.goto(`${base}/login?return=/account`);
  await signInThroughForm(page, 'mia');
  assert.match(await page.getByRole('alert').innerText(), /Unknown username or wrong password/, 'the old password no longer works');
  await Promise.all([page.waitForURL(`${base}/account`), signInThroughForm(page, 'mia', password)]);
  assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /My account/);
});
