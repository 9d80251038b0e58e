import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSite } from '../helpers/browser.ts';
import { mediaRecord } from '../helpers/media-records.ts';
import { skeletonDefaults } from '../../core/settings/skeleton.ts';
import { homepageDefaults } from '../../core/settings/homepage.ts';

/** Descriptions typed in a text area keep their lines on the public pages, as the footer's text does. */
const TYPED = 'Première ligne.\nSeconde ligne.';


const site = browserSite(async (t) => {
  await t.store.sectors.create({ slug: 'archives', title: 'Archives', description: TYPED, order: 0, visible: true, display: 'grid', defaultSort: 'date' });
  const tags = (await t.store.keywordGroups.list()).find((g) => g.slug === 'tags')!;
  const kw = await t.store.keywords.create({ groupId: tags.id, slug: 'lettres', title: 'Lettres', description: TYPED });
  await t.store.media.create(mediaRecord({ slug: 'lettre', title: 'Lettre', keywordIds: [kw.id] }));
  await t.app.kiosque.search.reindex();
  await t.store.settings.set('homepage', { ...homepageDefaults, blocks: ['description', 'latest'] });
});

for (const theme of ['default', 'nuit']) {
  test(`${theme} theme: the site’s, a sector’s and a keyword’s descriptions show their typed line breaks`, async () => {
    await site.t.store.settings.set('skeleton', { ...skeletonDefaults, theme, description: TYPED });
    const page = await site.browser.newPage();
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
