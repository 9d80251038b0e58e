import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchChromium, serve } from '../helpers/browser.ts';
import { makeApp, type TestApp } from '../helpers/app.ts';
import { mediaRecord } from '../helpers/media-records.ts';
import { skeletonDefaults } from '../../core/settings/skeleton.ts';
import { homepageDefaults } from '../../core/settings/homepage.ts';

/** Descriptions typed in a text area keep their lines on the public pages, as the footer's text does. */
const TYPED = 'Première ligne.\nSeconde ligne.';

let t: TestApp;
let site: Awaited<ReturnType<typeof serve>>;
let browser: Browser;

before(async () => {
  t = await makeApp();
  await t.store.sectors.create({ slug: 'archives', title: 'Archives', description: TYPED, order: 0, visible: true, display: 'grid', defaultSort: 'date' });
  const tags = (await t.store.keywordGroups.list()).find((g) => g.slug === 'tags')!;
  const kw = await t.store.keywords.create({ groupId: tags.id, slug: 'lettres', title: 'Lettres', description: TYPED });
  await t.store.media.create(mediaRecord({ slug: 'lettre', title: 'Lettre', keywordIds: [kw.id] }));
  await t.app.kiosque.search.reindex();
  await t.store.settings.set('homepage', { ...homepageDefaults, blocks: ['description', 'latest'] });
  site = await serve(t.app);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await site?.close();
  await t?.close();
});

for (const theme of ['default', 'nuit']) {
  test(`${theme} theme: the site’s, a sector’s and a keyword’s descriptions show their typed line breaks`, async () => {
    await t.store.settings.set('skeleton', { ...skeletonDefaults, theme, description: TYPED });
    const page = await browser.newPage();
    try {
      const shown: Record<string, string> = {};
      for (const path of ['/', '/sectors/archives', '/keywords/tags/lettres']) {
        await page.goto(site.base + path);
        // innerText follows the CSS: a line break the page shows is a "\n" there, a collapsed one a space.
        shown[path] = await page.locator('p.description').innerText();
      }
      assert.deepEqual(shown, { '/': TYPED, '/sectors/archives': TYPED, '/keywords/tags/lettres': TYPED });
    } finally {
      await page.close();
    }
  });
}
