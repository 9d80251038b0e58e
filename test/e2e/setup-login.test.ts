import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import { makeApp } from '../helpers/app.ts';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

test('in a browser: create the first admin through /setup, sign out, sign in again', async (t) => {
  const app = await makeApp();
  const server = createServer(app.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  t.after(async () => {
    await browser.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await app.close();
  });
  const page = await browser.newPage();
  const password = 'a browser-made password';

  // Until an admin exists, /admin leads to the setup page, which needs the printed link.
  await page.goto(`${base}/admin`);
  assert.equal(new URL(page.url()).pathname, '/setup');
  assert.match(await page.getByRole('alert').innerText(), /open the setup link/);

  await page.goto(`${base}/setup?token=${app.app.kiosque.setup.token}`);
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
