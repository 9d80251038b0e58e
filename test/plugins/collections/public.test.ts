import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { tokenOf } from '../../helpers/app.ts';
import { mediaRecord } from '../../helpers/media-records.ts';
import { skeletonDefaults } from '../../../core/settings/skeleton.ts';
import { cardTitles, collectionsSite, createCollection, itemsPost, page, stored, type CollectionsSite } from './helpers.ts';

/** The public side of the collections plugin: the list, a collection's page, the media page's links, and what never shows. */

let s: CollectionsSite;
let mixed: string;
let secret: string;
before(async () => {
  s = await collectionsSite();
  // In this order: a draft, two published media, one hidden by another plugin's rule.
  mixed = await createCollection(s.editor, 'Été à Paris', 'Les quais,\nle soir.\n\n<b>Deuxième</b> paragraphe.');
  for (const m of [s.ids.draft, s.ids.two, s.ids.one, s.ids.hidden]) assert.equal((await itemsPost(s.editor, mixed, 'add', m)).status, 303);
  // Only what visitors may not see.
  secret = await createCollection(s.editor, 'Coulisses');
  for (const m of [s.ids.draft, s.ids.hidden]) assert.equal((await itemsPost(s.editor, secret, 'add', m)).status, 303);
});
after(() => s.t.close());

const anon = () => request(s.t.app);
const mainOf = (html: string) => /<main id="content">([\s\S]*?)<\/main>/.exec(html)?.[1] ?? '';

test('a collection’s page: its visible media in its order as the theme’s cards, its title and its description as escaped paragraphs', async () => {
  const res = await page(anon(), '/plugins/collections/ete-a-paris?lang=en').expect(200);
  const main = mainOf(res.text);
  assert.match(res.text, /<title>Été à Paris · Kiosque<\/title>/);
  assert.match(main, /<h1>Été à Paris<\/h1>/);
  assert.match(main, /<p>Les quais,<br>le soir\.<\/p><p>&lt;b&gt;Deuxième&lt;\/b&gt; paragraphe\.<\/p>/);
  assert.deepEqual(cardTitles(main), ['Deuxième', 'Première']);
  const thumb = (await s.t.store.media.get(s.ids.two))!.variants.thumb!;
  assert.match(main, new RegExp(`<a href="/media/${s.ids.two}">\\s*<img src="/files/${s.ids.two}/thumb" alt="" width="${thumb.width}" height="${thumb.height}" loading="lazy">`));
  assert.match(main, /<p class="collection-count">2 media<\/p>/);
  assert.match(res.text, /<meta name="description" content="Les quais, le soir\./);
});

test('drafts and media another plugin hides never show, not even in a count; the admin sees what is open to them', async () => {
  for (const agent of [anon(), s.member, s.editor]) {
    const one = mainOf((await page(agent, '/plugins/collections/ete-a-paris').expect(200)).text);
    const list = mainOf((await page(agent, '/plugins/collections/').expect(200)).text);
    for (const html of [one, list]) {
      assert.doesNotMatch(html, /Brouillon secret|Caché ailleurs/);
      assert.doesNotMatch(html, new RegExp(`/files/(?:${s.ids.draft}|${s.ids.hidden})/|/media/(?:${s.ids.draft}|${s.ids.hidden})\\b`));
    }
    assert.match(one, /2 media/);
  }
  const asAdmin = mainOf((await page(s.admin, '/plugins/collections/ete-a-paris?lang=en').expect(200)).text);
  assert.deepEqual(cardTitles(asAdmin), ['Deuxième', 'Première', 'Caché ailleurs'], 'the rule lets admins open it; a draft stays off a public page');
});

test('the list: collections with something to see, each with the first visible media’s thumbnail and the count in the page’s language', async () => {
  const en = mainOf((await page(anon(), '/plugins/collections/?lang=en').expect(200)).text);
  assert.match(en, new RegExp(`<a href="/plugins/collections/ete-a-paris">\\s*<img src="/files/${s.ids.two}/thumb" alt="" width="\\d+" height="\\d+" loading="lazy">\\s*<span class="media-card-title">Été à Paris</span>\\s*</a>\\s*<p class="media-card-meta collection-count">2 media</p>`));
  assert.doesNotMatch(en, /Coulisses/, 'nothing in it a visitor may see');
  const fr = mainOf((await page(anon(), '/plugins/collections/?lang=fr').expect(200)).text);
  assert.match(fr, /<p class="media-card-meta collection-count">2\u00a0médias<\/p>/);
  // An admin may open the hidden media: the collection of it is theirs to see.
  const asAdmin = mainOf((await page(s.admin, '/plugins/collections/?lang=en').expect(200)).text);
  assert.match(asAdmin, /Coulisses[\s\S]*?1 media/);
});

test('a collection with nothing visible says so; an unknown one is a 404', async () => {
  const empty = mainOf((await page(anon(), '/plugins/collections/coulisses?lang=fr').expect(200)).text);
  assert.match(empty, /<p class="empty">Cette collection n’a pas encore de média à montrer\.<\/p>/);
  assert.deepEqual(cardTitles(empty), []);
  await page(anon(), '/plugins/collections/nowhere').expect(404);
  const upper = await page(anon(), '/plugins/collections/Ete-A-Paris').expect(301);
  assert.equal(upper.headers.location, '/plugins/collections/ete-a-paris');
});

test('a published media’s page links the collections it is in; the others’ pages do not', async () => {
  const res = await page(anon(), `/media/${s.ids.one}`).redirects(1).expect(200);
  const aside = /<aside>([\s\S]*?)<\/aside>/.exec(res.text)?.[1] ?? '';
  assert.match(aside, /<h2 id="collections-of-media-title">In the collections<\/h2>\s*<ul>\s*<li><a href="\/plugins\/collections\/ete-a-paris">Été à Paris<\/a><\/li>\s*<\/ul>/);
  const three = await page(anon(), `/media/${s.ids.three}`).redirects(1).expect(200);
  assert.doesNotMatch(three.text, /collections-of-media/);
});

test('the anonymous page cache is emptied by every change to a collection', async () => {
  const url = '/plugins/collections/ete-a-paris';
  await page(anon(), url);
  assert.equal((await page(anon(), url)).headers['x-page-cache'], 'hit');
  await page(anon(), '/plugins/collections/');
  assert.equal((await page(anon(), '/plugins/collections/')).headers['x-page-cache'], 'hit');
  assert.equal((await itemsPost(s.editor, mixed, 'up', s.ids.one)).status, 303);
  const after = await page(anon(), url);
  assert.notEqual(after.headers['x-page-cache'], 'hit');
  assert.deepEqual(cardTitles(mainOf(after.text)), ['Première', 'Deuxième']);
  assert.equal((await itemsPost(s.editor, mixed, 'add', s.ids.three)).status, 303);
  assert.match(mainOf((await page(anon(), '/plugins/collections/?lang=en')).text), /3 media/);
});

test('a media deleted leaves every collection; a draft published shows at once', async () => {
  const token = await tokenOf(s.admin);
  await s.admin.delete(`/api/v1/media/${s.ids.three}`).set('X-CSRF-Token', token).expect(204);
  assert.ok(!(await stored(s.t)).some((c) => c.mediaIds.includes(s.ids.three)));
  await s.admin.patch(`/api/v1/media/${s.ids.draft}`).set('X-CSRF-Token', token).send({ status: 'published' }).expect(200);
  assert.deepEqual(cardTitles(mainOf((await page(anon(), '/plugins/collections/ete-a-paris')).text)), ['Brouillon secret', 'Première', 'Deuxième']);
  assert.match(mainOf((await page(anon(), '/plugins/collections/?lang=en')).text), /Coulisses/);
});

test('the nuit theme draws both pages in its own layout', async () => {
  await s.t.store.settings.set('skeleton', { ...skeletonDefaults, theme: 'nuit' });
  try {
    for (const url of ['/plugins/collections/', '/plugins/collections/ete-a-paris']) {
      const res = await page(anon(), url).expect(200);
      assert.match(res.text, /class="theme-nuit"/);
      assert.match(res.text, /<link rel="stylesheet" href="\/assets\/nuit.css">|nuit\.css/);
      assert.ok(cardTitles(mainOf(res.text)).length > 0, url);
    }
  } finally {
    await s.t.store.settings.set('skeleton', skeletonDefaults);
  }
});

test('behind the intranet, visitors reach none of it; members still do', async () => {
  const enabled = await s.admin.post('/admin/plugins/intranet/enable').type('form').send({ _csrf: await tokenOf(s.admin, '/admin/plugins') });
  assert.equal(enabled.status, 303);
  try {
    for (const url of ['/plugins/collections/', '/plugins/collections/ete-a-paris', '/plugins/collections/assets/collections.css']) {
      const res = await page(anon(), url);
      assert.ok(res.status === 302 || res.status === 401, `${url}: ${res.status}`);
      assert.doesNotMatch(res.text, /Été à Paris|Première/);
    }
    await page(s.member, '/plugins/collections/ete-a-paris').expect(200);
  } finally {
    await s.admin.post('/admin/plugins/intranet/disable').type('form').send({ _csrf: await tokenOf(s.admin, '/admin/plugins') }).expect(303);
  }
});

test('a collection of audio media alone offers “Play all” (a script of the plugin’s, its button hidden without it); one that mixes types does not', async () => {
  const tracks = [];
  for (const title of ['Face A', 'Face B']) tracks.push(await s.t.store.media.create(mediaRecord({ type: 'audio', slug: 'face', title, original: { file: 'none', mime: 'audio/mpeg', size: 1, name: 'a.mp3', sha256: '1' } })));
  const audio = await createCollection(s.editor, 'Disque');
  for (const m of tracks) assert.equal((await itemsPost(s.editor, audio, 'add', m.id)).status, 303);
  assert.equal((await itemsPost(s.editor, audio, 'add', s.ids.hidden)).status, 303, 'an image visitors may not open, which does not count');
  const res = await page(anon(), '/plugins/collections/disque?lang=en').expect(200);
  assert.match(res.text, /<script src="\/plugins\/collections\/assets\/playlist\.js" defer><\/script>/);
  const playlist = /<section class="collection-playlist"[\s\S]*?<\/section>/.exec(res.text)?.[0] ?? '';
  assert.match(playlist, /<button type="button" class="collection-play-all" hidden>Play all<\/button>/);
  const players = [...playlist.matchAll(/<p class="collection-track-title" id="collection-track-(\d+)">([^<]*)<\/p>\s*<audio controls preload="none" aria-labelledby="collection-track-\1"><source src="\/files\/\1\/web"><source src="\/files\/\1\/original"><\/audio>/g)].map((m) => [m[1], m[2]]);
  assert.deepEqual(players, tracks.map((m) => [m.id, m.title]));
  const mixedPage = await page(anon(), '/plugins/collections/ete-a-paris').expect(200);
  assert.doesNotMatch(mixedPage.text, /collection-playlist|playlist\.js/);
  const fr = await page(anon(), '/plugins/collections/disque?lang=fr').expect(200);
  assert.match(fr.text, />Tout écouter<\/button>/);
});
