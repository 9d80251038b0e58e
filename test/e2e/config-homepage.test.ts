import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSite, signInThroughForm } from '../helpers/browser.ts';
import { addUser } from '../helpers/app.ts';
import { mediaRecord } from '../helpers/media-records.ts';

const site = browserSite(async (t) => {
  await addUser(t, 'alice', 'admin');
  await t.store.media.create(mediaRecord({ title: 'Carnaval de Binche', slug: 'carnaval' }));
  // Records made straight in the store: the search index (which the homepage reads) learns of them by a rebuild.
  await t.app.kiosque.search.reindex();
});

test('an admin renames the site and reorders the homepage blocks from the admin, and the public homepage follows', async () => {
  const { base, browser } = site;
  const page = await browser.newPage({ locale: 'en-GB' });
  await page.goto(`${base}/admin/config/skeleton`);
  await signInThroughForm(page, 'alice');
  await page.waitForURL(`${base}/admin/config/skeleton`);

  await page.getByRole('textbox', { name: 'Site name', exact: true }).fill('Les Archives du Carnaval');
  await page.getByRole('textbox', { name: 'Slogan', exact: true }).fill('Masques, sons et images');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(`${base}/admin/config/skeleton?done=saved`);
  assert.equal(await page.getByRole('status').textContent(), 'The settings were saved.');

  const menu = page.getByRole('navigation', { name: 'Administration menu' });
  await menu.getByRole('link', { name: 'Homepage' }).click();
  await page.waitForURL(`${base}/admin/config/homepage`);
  // One select per position, the blocks named in the admin's language.
  const blocks = page.getByRole('group', { name: 'Blocks, top to bottom' });
  await blocks.getByLabel('Position 1', { exact: true }).selectOption({ label: 'Editorial text' });
  await blocks.getByLabel('Position 2', { exact: true }).selectOption({ label: 'Latest media' });
  for (let n = 3; n <= 7; n++) await blocks.getByLabel(`Position ${n}`, { exact: true }).selectOption('');
  await page.getByLabel('Editorial text (Markdown)').fill('Welcome to **the archives**.');
  await page.getByLabel('How many latest media').fill('3');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(`${base}/admin/config/homepage?done=saved`);
  assert.equal(await blocks.getByLabel('Position 2', { exact: true }).inputValue(), 'latest');

  // A block chosen twice is refused on the page, and the homepage keeps the saved blocks.
  await blocks.getByLabel('Position 3', { exact: true }).selectOption({ label: 'Latest media' });
  await page.getByRole('button', { name: 'Save' }).click();
  assert.match((await page.locator('[data-field="blocks"] .field-error').textContent()) ?? '', /Each choice can be picked once only/);

  const visitor = await browser.newPage({ locale: 'en-GB' });
  await visitor.goto(`${base}/`);
  assert.equal(await visitor.title(), 'Les Archives du Carnaval');
  assert.equal(await visitor.locator('.site-name').textContent(), 'Les Archives du Carnaval');
  assert.equal(await visitor.locator('.site-header .slogan').textContent(), 'Masques, sons et images');
  const shown = await visitor.locator('.home-block').evaluateAll((els) => els.map((e) => e.className));
  assert.deepEqual(shown, ['home-block home-editorial', 'home-block home-latest']);
  assert.equal(await visitor.locator('.home-editorial strong').textContent(), 'the archives');
  assert.equal(await visitor.locator('.home-latest .media-card .media-card-title').textContent(), 'Carnaval de Binche');
});
