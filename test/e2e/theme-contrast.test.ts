import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { browserSite } from '../helpers/browser.ts';
import { mediaRecord } from '../helpers/media-records.ts';
import { skeletonDefaults } from '../../core/settings/skeleton.ts';

/**
 * What the public pages print in colours of their own (a field's error, a notice, the skip link
 * once focused, a media without a thumbnail in a media page's strip) stays readable in every theme:
 * WCAG's 4.5:1 between the text and what is behind it.
 */

let mediaPath = '';

const site = browserSite(async (t) => {
  const sector = await t.store.sectors.create({ slug: 'archives', title: 'Archives', description: '', order: 0, visible: true, display: 'grid', defaultSort: 'date' });
  // Records without derivatives: the strip shows their titles in place of thumbnails.
  const first = await t.store.media.create(mediaRecord({ slug: 'lettre', title: 'Lettre', sectorId: sector.id }));
  await t.store.media.create(mediaRecord({ slug: 'carnet', title: 'Carnet', sectorId: sector.id }));
  await t.app.kiosque.search.reindex();
  mediaPath = `/media/${first.id}/lettre`;
});

/**
 * The contrast ratio of an element's text against the first opaque background behind it (WCAG 2's
 * formula). Sent as source text: the test runner's compiler would wrap named functions in a helper the page lacks.
 */
const CONTRAST = `(el) => {
  const rgb = (css) => (css.match(/[\\d.]+/g) || []).map(Number);
  const lin = (c) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const luminance = (c) => 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
  let back = [255, 255, 255];
  for (let node = el; node; node = node.parentElement) {
    const c = rgb(getComputedStyle(node).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] === 1)) { back = c.slice(0, 3); break; }
  }
  const a = luminance(rgb(getComputedStyle(el).color));
  const b = luminance(back);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}`;

async function contrastOf(page: Page, selector: string): Promise<number> {
  assert.ok(await page.locator(selector).count(), `${selector} is on the page`);
  return page.evaluate(`(${CONTRAST})(document.querySelector(${JSON.stringify(selector)}))`);
}

for (const theme of ['default', 'nuit']) {
  test(`${theme} theme: errors, notices, the focused skip link and titles in the media strip are readable`, async () => {
    await site.t.store.settings.set('skeleton', { ...skeletonDefaults, theme, navThumbnailCount: 6 });
    const page = await site.browser.newPage();
    try {
      const ratios: Record<string, number> = {};
      await page.goto(`${site.base}/search?from=2020-13-45&to=x`);
      ratios.fieldError = await contrastOf(page, '.field-error');
      await page.goto(`${site.base}/search?q=lettre&page=9`);
      ratios.notice = await contrastOf(page, '.notice');
      await page.keyboard.press('Tab');
      ratios.skipLink = await contrastOf(page, '.skip:focus');
      await page.goto(site.base + mediaPath);
      ratios.stripTitle = await contrastOf(page, '.media-strip .no-thumb');
      const unreadable = Object.entries(ratios).filter(([, ratio]) => ratio < 4.5).map(([what, ratio]) => `${what}: ${ratio.toFixed(2)}:1`);
      assert.deepEqual(unreadable, []);
    } finally {
      await page.close();
    }
  });
}
