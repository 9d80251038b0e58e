import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSite, signInThroughForm } from '../helpers/browser.ts';
import { addUser } from '../helpers/app.ts';

const site = browserSite((t) => addUser(t, 'alice', 'admin'));

test('an admin enables hello from /admin/plugins, its settings link appears in the menu, and goes when disabled', async () => {
  const { base, browser } = site;
  const page = await browser.newPage({ locale: 'en-GB' });
  await page.goto(`${base}/admin/plugins`);
  assert.match(new URL(page.url()).pathname, /^\/login/);
  await signInThroughForm(page, 'alice');
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
