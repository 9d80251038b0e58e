import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSite } from '../helpers/browser.ts';

const site = browserSite(async (t) => {
  await t.app.kiosque.plugins.saveSettings('hello', { greeting: 'Salut', tone: 'formal' });
  assert.deepEqual(await t.app.kiosque.plugins.enable('hello'), { ok: true });
});

test('the hello page in Chromium: the site’s stylesheet and the plugin’s both apply, under the site’s CSP', async () => {
  const page = await site.browser.newPage();
  const refused: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') refused.push(message.text());
  });
  const css = page.waitForResponse((res) => res.url().endsWith('/plugins/hello/assets/hello.css'));
  await page.goto(`${site.base}/plugins/hello/`);
  assert.equal((await css).status(), 200);
  const greeting = page.locator('.hello-greeting');
  assert.equal(await greeting.textContent(), 'Salut!');
  // hello.css: 1.6rem, italic for the formal tone; the theme's own rules still reach the header.
  assert.equal(await greeting.evaluate((el) => getComputedStyle(el).fontSize), '25.6px');
  assert.equal(await greeting.evaluate((el) => getComputedStyle(el).fontStyle), 'italic');
  assert.equal(await page.locator('.site-header').evaluate((el) => getComputedStyle(el).display), 'flex');
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Hello');
  assert.deepEqual(refused, []);
  await page.close();
});
