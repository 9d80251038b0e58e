import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { browserSite } from '../helpers/browser.ts';
import { mediaRecord } from '../helpers/media-records.ts';
import { skeletonDefaults } from '../../core/settings/skeleton.ts';

/**
 * A title typed in Arabic on a French or English page reads in its own direction, as dir="auto"
 * would have it: its last character, the "!", is its leftmost, and its first word its rightmost.
 */
const TITLE = 'مرحبا بالعالم، 2026!';

let mediaPath = '';

const site = browserSite(async (t) => {
  const sector = await t.store.sectors.create({ slug: 'monde', title: 'Monde', description: '', order: 0, visible: true, display: 'grid', defaultSort: 'date' });
  const m = await t.store.media.create(mediaRecord({ slug: 'media', title: TITLE, sectorId: sector.id }));
  await t.app.kiosque.search.reindex();
  mediaPath = `/media/${m.id}/media`;
});

/** Where the first and the last character of an element's text are drawn (their left edges). Sent as source: see theme-contrast.test.ts. */
async function edges(page: Page, selector: string): Promise<{ first: number; last: number }> {
  assert.ok(await page.locator(selector).count(), `${selector} is on the page`);
  return page.evaluate(`(() => {
    const el = document.querySelector(${JSON.stringify(selector)});
    const text = [...el.childNodes].find((n) => n.nodeType === 3 && n.textContent.trim());
    const at = (i) => { const r = document.createRange(); r.setStart(text, i); r.setEnd(text, i + 1); return r.getBoundingClientRect().left; };
    const start = text.textContent.indexOf(text.textContent.trim()[0]);
    return { first: at(start), last: at(text.textContent.trimEnd().length - 1) };
  })()`);
}

for (const theme of ['default', 'nuit']) {
  test(`${theme} theme: an Arabic title reads right to left on the media page and on its card`, async () => {
    await site.t.store.settings.set('skeleton', { ...skeletonDefaults, theme });
    const page = await site.browser.newPage();
    try {
      await page.goto(site.base + mediaPath);
      const heading = await edges(page, 'h1');
      await page.goto(`${site.base}/sectors/monde`);
      const card = await edges(page, '.media-card-title');
      assert.ok(heading.last < heading.first, `h1: the "!" at ${heading.last}, the first letter at ${heading.first}`);
      assert.ok(card.last < card.first, `card: the "!" at ${card.last}, the first letter at ${card.first}`);
    } finally {
      await page.close();
    }
  });
}
