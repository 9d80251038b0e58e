import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { makeApp, addUser, PASSWORD, type TestApp } from '../helpers/app.ts';

let t: TestApp;
let server: http.Server;
let browser: Browser;
let base: string;

before(async () => {
  t = await makeApp();
  await addUser(t, 'alice', 'admin');
  server = http.createServer(t.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
after(async () => {
  await browser?.close();
  await new Promise((resolve) => server.close(resolve));
  await t.close();
});

test('an admin enables hello from /admin/plugins, its settings link appears in the menu, and goes when disabled', async () => {
  const page = await browser.newPage({ locale: 'en-GB' });
  await page.goto(`${base}/admin/plugins`);
  assert.match(new URL(page.url()).pathname, /^\/login/);
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/admin/plugins`);

  const menu = page.getByRole('navigation', { name: 'Administration menu' });
  const settingsLink = menu.getByRole('link', { name: 'Hello' });
  assert.equal(await settingsLink.count(), 0);
  assert.match(await menu.textContent() ?? '', /No plugin needing particular configuration is currently enabled/);

  await page.getByRole('button', { name: 'Enable Hello' }).click();
  await page.waitForURL(`${base}/admin/plugins?done=enabled`);
  assert.equal(await page.getByRole('status').textContent(), 'The plugin was enabled.');
  assert.equal(await settingsLink.count(), 1);
  await settingsLink.click();
  await page.waitForURL(`${base}/admin/plugins/hello/settings`);
  await page.getByRole('textbox', { name: 'Greeting', exact: true }).fill('Ahoy');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(`${base}/admin/plugins/hello/settings?done=saved`);
  await page.goto(`${base}/`);
  assert.equal(await page.locator('.hello-footer').textContent(), 'Ahoy from the hello plugin');

  await page.goto(`${base}/admin/plugins`);
  await page.getByRole('button', { name: 'Disable Hello' }).click();
  await page.waitForURL(`${base}/admin/plugins?done=disabled`);
  assert.equal(await settingsLink.count(), 0);
  assert.match(await menu.textContent() ?? '', /No plugin needing particular configuration is currently enabled/);
  const gone = await page.goto(`${base}/admin/plugins/hello/settings`);
  assert.equal(gone?.status(), 404);
  await page.close();
});
