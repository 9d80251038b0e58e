import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeApp, addUser, signIn } from '../helpers/app.ts';
import { mediaRecord } from '../helpers/media-records.ts';

// A signed-in visitor's homepage is drawn for them on every request (no page cache): what it is
// drawn from is kept between requests (keyword and sector lists, search answers, the tag cloud),
// and must follow every change at once.
const t = await makeApp();
after(() => t.close());
await addUser(t, 'ed', 'editor');
const member = await signIn(t, 'ed');
const sons = await t.store.sectors.create({ slug: 'sons', title: 'Sons', description: '', order: 0, visible: true, display: 'grid', defaultSort: 'date' });
const images = await t.store.sectors.create({ slug: 'images', title: 'Images', description: '', order: 1, visible: true, display: 'grid', defaultSort: 'date' });
const tags = (await t.store.keywordGroups.list()).find((g) => g.slug === 'tags')!;
const masques = await t.store.keywords.create({ groupId: tags.id, slug: 'masques', title: 'Masques', description: '' });
const day = (n: number) => new Date(Date.UTC(2025, 0, n)).toISOString();
await t.store.media.create(mediaRecord({ slug: 'zebre', title: 'Zèbre', sectorId: sons.id, publishedAt: day(1), keywordIds: [masques.id] }));
const draft = await t.store.media.create(mediaRecord({ slug: 'maree', title: 'Marée', sectorId: images.id, status: 'draft', publishedAt: null }));
await t.app.kiosque.search.reindex();

/** The page's main part (its head names the test server's port, new for each request). */
const home = async () => /<main[\s\S]*<\/main>/.exec((await member.get('/').set('Accept', 'text/html').expect(200)).text)?.[0] ?? '';
const sectorBlocks = (html: string) => [...html.matchAll(/<h2><a href="\/sectors\/([a-z]+)">/g)].map((m) => m[1]);
const cloud = (html: string) => [...html.matchAll(/<li class="weight-\d"><a href="([^"]+)">([^<]+)<\/a> <span class="count">\((\d+)\)<\/span><\/li>/g)].map((m) => `${m[2]} ${m[3]} ${m[1]}`);

test('a signed-in visitor\'s homepage follows a keyword renamed, a media published, a sector moved, at once', async () => {
  const before = await home();
  assert.deepEqual(cloud(before), ['Masques 1 /keywords/tags/masques']);
  assert.deepEqual(sectorBlocks(before), ['sons']);
  assert.equal(await home(), before, 'the same page while nothing changed');

  await t.app.kiosque.keywords.rename(masques.id, 'Loups');
  assert.deepEqual(cloud(await home()), ['Loups 1 /keywords/tags/loups']);

  await t.app.kiosque.media.update(draft.id, { status: 'published', keywordIds: [masques.id] });
  const published = await home();
  assert.match(published, /Marée/);
  assert.deepEqual(cloud(published), ['Loups 2 /keywords/tags/loups']);
  assert.deepEqual(sectorBlocks(published), ['sons', 'images']);

  await t.store.sectors.update(images.id, { order: -1 });
  assert.deepEqual(sectorBlocks(await home()), ['images', 'sons']);
});
