import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSite } from '../helpers/browser.ts';
import { mediaInput } from '../search/fixtures.ts';

const site = browserSite(async (t) => {
  const kws = t.app.kiosque.keywords;
  const tags = (await kws.group('tags'))!.id;
  const ete = await kws.create(tags, 'Été');
  const masques = await kws.create(tags, 'Masques');
  for (const [title, keywordIds] of [['Plage au soleil', [ete.id]], ['Carnaval', [masques.id, ete.id]], ['Hiver', []]] as const) {
    t.app.kiosque.search.upsert(await t.store.media.create(mediaInput({ title, keywordIds: [...keywordIds] })));
  }
});

test('search by a keyword typed without accents, by a tag, then remove a chip', async () => {
  const { base, browser } = site;
  const page = await browser.newPage({ locale: 'en-GB' });
  await page.goto(`${base}/`);
  // The header box: "ete" finds the media tagged "Été".
  await page.getByLabel('Search the site').fill('ete');
  await page.getByRole('button', { name: 'Search', exact: true }).first().click();
  await page.waitForURL(/\/search\?q=ete/);
  assert.equal(await page.locator('.results-count').textContent(), 'Media (2)');

  // The advanced form: the tag, with another criterion.
  await page.getByLabel('Words', { exact: true }).fill('');
  await page.getByLabel('Keywords (group/keyword, comma separated)').fill('tags/masques');
  await page.getByRole('button', { name: 'Search', exact: true }).last().click();
  await page.waitForURL(/kw=tags%2Fmasques/);
  assert.equal(await page.locator('.results-count').textContent(), 'Media (1)');
  const chip = page.locator('.chip', { hasText: 'Keyword: Tags / Masques' });
  assert.equal(await chip.count(), 1);

  await chip.getByRole('link').click();
  await page.waitForURL((url) => !url.search.includes('kw='));
  assert.equal(await page.locator('.chip').count(), 0);
  assert.match((await page.locator('[role=status]').first().textContent()) ?? '', /Your search is empty\./);
  await page.close();
});
