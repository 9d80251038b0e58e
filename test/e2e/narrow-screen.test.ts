import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSite, signInAt } from '../helpers/browser.ts';
import { addUser } from '../helpers/app.ts';
import { mediaRecord } from '../helpers/media-records.ts';
import { skeletonDefaults } from '../../core/settings/skeleton.ts';

/** A phone's width: the public pages must fit it whatever their titles, in both themes, without scrolling sideways. */
const PHONE = { width: 360, height: 740 };
const LONG_WORD = 'Anticonstitutionnellement'.repeat(6);

let longId = '';

const site = browserSite(async (t) => {
  await addUser(t, 'alice', 'admin');
  const sector = async (slug: string, title: string, order: number) => t.store.sectors.create({ slug, title, description: '', order, visible: true, display: 'grid', defaultSort: 'date' });
  const photos = await sector('photographies', 'Photographies', 0);
  await sector('enregistrements', 'Enregistrements sonores', 1);
  await sector('videos', 'Vidéos', 2);
  await sector('archives', 'Archives', 3);
  const tags = (await t.store.keywordGroups.list()).find((g) => g.slug === 'tags')!;
  const kw = await t.store.keywords.create({ groupId: tags.id, slug: 'long', title: LONG_WORD, description: '' });
  longId = (await t.store.media.create(mediaRecord({ slug: 'long', title: `${LONG_WORD} 🎉`, description: LONG_WORD, sectorId: photos.id, keywordIds: [kw.id] }))).id;
  await t.store.media.create(mediaRecord({ slug: 'court', title: 'Court', sectorId: photos.id, keywordIds: [kw.id] }));
  await t.app.kiosque.search.reindex();
});

/** How much wider than the screen each page is (0 when it fits). */
async function overflowOf(paths: string[]): Promise<Record<string, number>> {
  const page = await site.browser.newPage({ viewport: PHONE });
  const out: Record<string, number> = {};
  try {
    for (const p of paths) {
      await page.goto(site.base + p);
      out[p] = await page.evaluate(() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth));
    }
  } finally {
    await page.close();
  }
  return out;
}

for (const theme of ['default', 'nuit']) {
  test(`${theme} theme: the navigation of four sectors wraps on a phone rather than running off the screen`, async () => {
    await site.t.store.settings.set('skeleton', { ...skeletonDefaults, theme });
    const widths = await overflowOf(['/sectors/archives', '/search']);
    assert.deepEqual(widths, { '/sectors/archives': 0, '/search': 0 });
  });

  test(`${theme} theme: a title of one very long word breaks on a phone instead of widening the page`, async () => {
    await site.t.store.settings.set('skeleton', { ...skeletonDefaults, theme });
    const paths = ['/', '/sectors/photographies', `/media/${longId}`, '/keywords/tags/long', '/search?q=court'];
    const widths = await overflowOf(paths);
    assert.deepEqual(widths, Object.fromEntries(paths.map((p) => [p, 0])));
  });
}

test('the admin media library keeps a title of one very long word within a desktop screen', async () => {
  await site.t.store.settings.set('skeleton', { ...skeletonDefaults });
  const page = await site.browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
  try {
    await signInAt(page, site.base, '/admin/media', 'alice');
    assert.ok(await page.getByRole('link', { name: LONG_WORD.slice(0, 40) }).count(), 'the long title is listed');
    assert.equal(await page.evaluate(() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth)), 0);
  } finally {
    await page.close();
  }
});
