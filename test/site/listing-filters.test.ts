import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, type TestApp } from '../helpers/app.ts';
import { mediaInput } from '../search/fixtures.ts';
import { TAG_CLOUD_SIZE } from '../../core/site/home-blocks.ts';
import type { SearchContext, SearchCriteria } from '../../core/search/index.ts';
import type { Media } from '../../core/store/index.ts';

// The homepage's blocks, the sector pages and the media page's sector strip list media from the
// search index. A plugin that hides media from searches (its `search.query` filter) must hide them
// there too, as it does on /search, the keyword and author pages, feeds and the API.

let t: TestApp;
const ids: Record<string, string> = {};
const thumb = { file: 'x/thumb.jpg', mime: 'image/jpeg', size: 1, width: 320, height: 240 };

before(async () => {
  t = await makeApp();
  const photos = await t.store.sectors.create({ slug: 'photos', title: 'Photos', description: '', order: 0, visible: true, display: 'grid', defaultSort: 'date' });
  const group = await t.store.keywordGroups.create({ slug: 'mots', title: 'Mots', multiple: true, inNavigation: false, order: 5 });
  // More keywords in use than the cloud shows, each used a different number of times.
  const keywords = [];
  for (let i = 0; i < TAG_CLOUD_SIZE + 5; i++) keywords.push(await t.store.keywords.create({ groupId: group.id, slug: `k${i}`, title: `Mot ${i}`, description: '' }));
  const add = async (name: string, over: Partial<Omit<Media, 'id'>>) => {
    const m = await t.store.media.create(mediaInput({ slug: name, title: name, sectorId: photos.id, variants: { thumb }, ...over }));
    ids[name] = m.id;
  };
  await add('picture-a', { createdAt: '2024-01-01T00:00:00.000Z', keywordIds: keywords.map((k) => k.id) });
  await add('picture-b', { createdAt: '2024-02-01T00:00:00.000Z', keywordIds: keywords.slice(0, 20).map((k) => k.id) });
  await add('sound', { type: 'audio', variants: {}, createdAt: '2024-03-01T00:00:00.000Z', keywordIds: [keywords[0]!.id] });
  await t.store.settings.set('homepage', { blocks: ['latest', 'highlights', 'tagCloud', 'sectors'], highlightsSource: 'sector', highlightsTarget: 'photos', itemsPerBlock: 6, latestCount: 6 });
  await t.app.kiosque.search.reindex();
});
after(() => t.close());

const page = async (path: string) => (await request(t.app).get(path).set('Accept', 'text/html').expect(200)).text;
const section = (html: string, cls: string) => new RegExp(`<section class="home-block ${cls}"[\\s\\S]*?</section>`).exec(html)?.[0] ?? '';
const cardTitles = (html: string) => [...html.matchAll(/<span class="media-card-title">([^<]*)<\/span>/g)].map((m) => m[1]);
const stripLinks = (html: string) => [...(/<nav class="media-strip"[\s\S]*?<\/nav>/.exec(html)?.[0] ?? '').matchAll(/<li><a href="\/media\/\d+\/([^"]+)"/g)].map((m) => m[1]);
const cloud = (html: string) => [...section(html, 'home-tags').matchAll(/<a href="[^"]+">([^<]*)<\/a> <span class="count">\((\d+)\)<\/span>/g)].map((m) => [m[1], Number(m[2])] as const);

test('without a filter: every block, the sector page and the strip list every published media; the tag cloud shows its full size', async () => {
  const home = await page('/');
  assert.deepEqual(cardTitles(section(home, 'home-latest')), ['sound', 'picture-b', 'picture-a']);
  assert.deepEqual(cardTitles(section(home, 'home-highlights')), ['sound', 'picture-b', 'picture-a']);
  assert.deepEqual(cardTitles(section(home, 'home-sector')), ['sound', 'picture-b', 'picture-a']);
  const tags = cloud(home);
  assert.equal(tags.length, TAG_CLOUD_SIZE, 'the cloud holds its full size, not the 30 facets a search returns by default');
  assert.deepEqual(tags.find(([label]) => label === 'Mot 0'), ['Mot 0', 3]);
  assert.deepEqual(cardTitles(await page('/sectors/photos')), ['sound', 'picture-b', 'picture-a']);
  assert.deepEqual(stripLinks(await page(`/media/${ids['picture-a']}/picture-a`)), ['sound', 'picture-b']);
});

test('a search.query filter that shows audio only hides the pictures from the homepage, the sector page and the strip, and from the cloud’s counts', async () => {
  const seen: SearchContext[] = [];
  const undo = t.app.kiosque.hooks.filter(
    'search.query',
    (c, context) => {
      seen.push(context as SearchContext);
      return { ...(c as SearchCriteria), types: ['audio'] };
    },
    { owner: 'test' },
  );
  try {
    const home = await page('/');
    assert.deepEqual(cardTitles(section(home, 'home-latest')), ['sound']);
    assert.deepEqual(cardTitles(section(home, 'home-highlights')), ['sound']);
    assert.deepEqual(cardTitles(section(home, 'home-sector')), ['sound']);
    assert.deepEqual(cloud(home), [['Mot 0', 1]], 'only the keyword of the audio, counted once');
    assert.deepEqual(cardTitles(await page('/sectors/photos')), ['sound']);
    assert.deepEqual(stripLinks(await page(`/media/${ids['picture-a']}/picture-a`)), ['sound']);
    const sources = new Set(seen.map((c) => c.source));
    assert.deepEqual([...sources].sort(), ['home', 'media', 'sector']);
    assert.ok(seen.every((c) => c.user === null), 'an anonymous visitor: no user');
  } finally {
    undo();
  }
  // Removing the filter (a plugin turned off) changes the pages again: the page cache does not keep the filtered ones.
  assert.deepEqual(cardTitles(section(await page('/'), 'home-latest')), ['sound', 'picture-b', 'picture-a']);
});
