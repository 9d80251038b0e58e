import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { addUser, signIn, tempDir, tokenOf } from '../helpers/app.ts';
import { browserSite, signInAt } from '../helpers/browser.ts';
import { png } from '../helpers/media.ts';

const media: Array<{ id: string; slug: string }> = [];
const site = browserSite(async (t) => {
  await addUser(t, 'ada', 'admin');
  await addUser(t, 'ed', 'editor');
  const agent = await signIn(t, 'ada');
  const token = await tokenOf(agent);
  const dir = await tempDir('kiosque-e2e-collections-');
  for (const [name, title] of [['quai', 'Le quai'], ['pont', 'Le pont']] as const) {
    await png(path.join(dir, `${name}.png`), 320, 200, false);
    const res = await agent.post('/api/v1/media').set('X-CSRF-Token', token).field('title', title).field('status', 'published').attach('file', path.join(dir, `${name}.png`));
    assert.equal(res.status, 201, res.text);
    media.push(res.body as { id: string; slug: string });
  }
  await t.app.kiosque.media.idle();
  assert.deepEqual(await t.app.kiosque.plugins.enable('collections'), { ok: true });
});

test('an editor makes a collection of two media, moves the second up, and a visitor sees them in that order', async () => {
  const editor = await site.browser.newContext({ locale: 'en-GB' });
  const page = await editor.newPage();
  const problems: string[] = [];
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`${res.status()} ${res.url()}`);
  });
  await signInAt(page, site.base, '/admin', 'ed');
  await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Collections' }).click();
  await page.getByRole('link', { name: 'New collection' }).click();
  await page.getByLabel('Title').fill('Paris la nuit');
  await page.getByLabel('Description (optional)').fill('Deux vues.\nÀ la tombée du jour.');
  await page.getByRole('button', { name: 'Create the collection' }).click();
  await page.waitForURL(/\/plugins\/collections\/manage\/[\w-]{8}\?done=created$/);
  assert.equal(await page.getByRole('status').textContent(), 'The collection was created: add its media below.');

  const add = page.getByLabel('Media number or page address');
  await add.fill(media[0]!.id);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.waitForURL(/#items$/);
  // The second by its page's address, as copied from the browser's address bar.
  await add.fill(`${site.base}/media/${media[1]!.id}/${media[1]!.slug}`);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.waitForLoadState();
  const items = page.locator('.collection-admin-item .collection-admin-item-title');
  assert.deepEqual(await items.allTextContents(), ['Le quai', 'Le pont']);
  assert.equal(await page.locator(`.collection-admin-item img[src="/files/${media[1]!.id}/thumb"]`).count(), 1, 'each item shows its thumbnail');

  await page.getByRole('button', { name: 'Move up: “Le pont”' }).click();
  await page.waitForLoadState();
  assert.deepEqual(await items.allTextContents(), ['Le pont', 'Le quai']);
  await editor.close();

  const visitor = await site.browser.newContext({ locale: 'en-GB' });
  const view = await visitor.newPage();
  view.on('response', (res) => {
    if (res.status() >= 400) problems.push(`${res.status()} ${res.url()}`);
  });
  await view.goto(`${site.base}/plugins/collections/`);
  await view.getByRole('link', { name: 'Paris la nuit' }).click();
  await view.waitForURL(`${site.base}/plugins/collections/paris-la-nuit`);
  assert.equal(await view.getByRole('heading', { level: 1 }).textContent(), 'Paris la nuit');
  assert.equal(await view.locator('.collection-description').innerText(), 'Deux vues.\nÀ la tombée du jour.');
  assert.deepEqual(await view.locator('.collection-items .media-card-title').allTextContents(), ['Le pont', 'Le quai']);
  // The thumbnails load (the cards link real files): waited for, as a busy machine may be slow to send them.
  assert.equal(await view.locator('.collection-items img').count(), 2);
  await view.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('.collection-items img')].every((img) => img.complete && img.naturalWidth > 0));
  await visitor.close();
  assert.deepEqual(problems, []);
});
