import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { makeApp, addUser, signIn, csrfFrom, type TestApp } from '../helpers/app.ts';
import { mediaRecord } from '../helpers/media-records.ts';
import type { Media } from '../../core/store/index.ts';
import { FEED_SIZE } from '../../core/feeds/routes.ts';

const RSS = { Accept: 'application/rss+xml' };
const html = { Accept: 'text/html' };
let t: TestApp;
const media: Record<string, Media> = {};

interface Item {
  title: string;
  link: string;
  description: string;
  enclosure?: { '@_url': string; '@_type': string; '@_length': string };
  category?: string | string[];
}
interface Rss {
  rss: { channel: { title: string; link: string; description: string; language: string; lastBuildDate?: string; item?: Item | Item[]; 'atom:link': { '@_href': string } } };
}

/** Parses a feed with a real XML parser, after checking that it is well-formed. */
function parse(xml: string) {
  const valid = XMLValidator.validate(xml);
  assert.equal(valid, true, `well-formed XML: ${JSON.stringify(valid)}`);
  const doc = new XMLParser({ ignoreAttributes: false, parseTagValue: false }).parse(xml) as Rss;
  const { channel } = doc.rss;
  const items = channel.item === undefined ? [] : Array.isArray(channel.item) ? channel.item : [channel.item];
  return { channel, items };
}

const feed = async (path: string, headers: Record<string, string> = {}) => {
  const res = await request(t.app).get(path).set({ ...RSS, Host: 'kiosque.example', ...headers });
  assert.equal(res.status, 200, `${path}: ${res.status}`);
  assert.match(String(res.headers['content-type']), /^application\/rss\+xml; charset=utf-8/);
  return { res, ...parse(res.text) };
};

before(async () => {
  t = await makeApp();
  await addUser(t, 'ada', 'admin');
  const sons = await t.store.sectors.create({ slug: 'sons', title: 'Sons & bruits', description: 'Des sons.', order: 0, visible: true, display: 'grid', defaultSort: 'date' });
  const hidden = await t.store.sectors.create({ slug: 'coulisses', title: 'Coulisses', description: '', order: 1, visible: false, display: 'grid', defaultSort: 'date' });
  const tags = (await t.store.keywordGroups.list()).find((g) => g.slug === 'tags')!;
  const masques = await t.store.keywords.create({ groupId: tags.id, slug: 'masques', title: 'Masques', description: '' });
  const day = (n: number) => new Date(Date.UTC(2025, 0, n)).toISOString();
  const add = async (key: string, o: Partial<Media>) => (media[key] = await t.store.media.create(mediaRecord({ slug: key, title: key, ...o })));
  await add('Chant', {
    type: 'audio',
    sectorId: sons.id,
    publishedAt: day(3),
    keywordIds: [masques.id],
    description: 'Ligne <b>1</b>\nLigne 2 ]]> fin',
    original: { file: '1/original.mp3', mime: 'audio/mpeg', size: 48_000, name: 'chant.mp3', sha256: 'x' },
  });
  await add('Photo <script>', { sectorId: sons.id, publishedAt: day(2), variants: { thumb: { file: '2/thumb.jpg', mime: 'image/jpeg', size: 900 }, large: { file: '2/large.jpg', mime: 'image/jpeg', size: 90_000 } } });
  await add('Brouillon', { type: 'audio', sectorId: sons.id, status: 'draft', publishedAt: null });
  await add('Caché', { sectorId: hidden.id, publishedAt: day(1) });
  await add('Notice', { type: 'document', publishedAt: day(4), original: { file: '5/original.pdf', mime: 'application/pdf', size: 5_000, name: 'notice.pdf', sha256: 'y' } });
  // Records made straight in the store: the search index learns of them by a rebuild.
  await t.app.kiosque.search.reindex();
});
after(() => t.close());

test('the site feed lists the newest published media, drafts never, with absolute links from the request', async () => {
  const { channel, items } = await feed('/feed');
  assert.equal(channel.title, 'Kiosque: latest media');
  assert.equal(channel.link, 'http://kiosque.example/');
  assert.equal(channel['atom:link']['@_href'], 'http://kiosque.example/feed');
  assert.equal(channel.language, 'en');
  assert.deepEqual(items.map((i) => i.title), ['Notice', 'Chant', 'Photo <script>', 'Caché']);
  assert.equal(items[1]!.link, `http://kiosque.example/media/${media.Chant!.id}`);
  assert.equal(channel.lastBuildDate, new Date(media.Notice!.publishedAt!).toUTCString(), 'built when its newest media was published');
});

test('a feed carries what a reader needs: enclosures for audio, images at their large size, categories; the text escaped', async () => {
  const { items, res } = await feed('/feed');
  const chant = items.find((i) => i.title === 'Chant')!;
  assert.deepEqual(chant.enclosure, { '@_url': `http://kiosque.example/files/${media.Chant!.id}/original`, '@_type': 'audio/mpeg', '@_length': '48000' });
  assert.equal(chant.category, 'Tags: Masques');
  // The description is HTML for the reader: HTML the editor typed is escaped in it, line breaks kept.
  assert.equal(chant.description, '<p>Ligne &lt;b&gt;1&lt;/b&gt;<br>\nLigne 2 ]]&gt; fin</p>');
  const photo = items.find((i) => i.title === 'Photo <script>')!;
  assert.equal(photo.enclosure?.['@_url'], `http://kiosque.example/files/${media['Photo <script>']!.id}/large`);
  assert.match(photo.description, new RegExp(`^<p><img src="http://kiosque.example/files/${media['Photo <script>']!.id}/thumb" alt=""></p>$`));
  assert.doesNotMatch(res.text, /<script>(?!\]\]>)/, 'the title sits in CDATA, never as markup');
  // Anonymous downloads are open on a new portal: the document is enclosed.
  assert.equal(items.find((i) => i.title === 'Notice')!.enclosure?.['@_type'], 'application/pdf');
});

test('a description reads in the feed as on its page: Markdown formatted, the site’s links absolute, other sites’ images as links', async (tc) => {
  const other = await makeApp();
  tc.after(() => other.close());
  const m = await other.store.media.create(mediaRecord({ slug: 'regate', title: 'Régate', publishedAt: new Date().toISOString(), description: '**Départ** à 10 h, voir [le port](/sectors/port).\n\n![plan](/files/1/large) ![ailleurs](https://example.org/x.png)' }));
  await other.app.kiosque.search.reindex();
  const res = await request(other.app).get('/feed').set({ ...RSS, Host: 'kiosque.example' }).expect(200);
  const item = parse(res.text).items.find((i) => i.title === 'Régate')!;
  assert.ok(item, `media ${m.id} is in the feed`);
  assert.match(item.description, /<strong>Départ<\/strong>/);
  assert.match(item.description, /<a href="http:\/\/kiosque\.example\/sectors\/port">le port<\/a>/);
  assert.match(item.description, /<img src="http:\/\/kiosque\.example\/files\/1\/large" alt="plan">/);
  assert.match(item.description, /<a href="https:\/\/example\.org\/x\.png" rel="nofollow noopener">ailleurs<\/a>/);
  assert.doesNotMatch(item.description, /\*\*/);
});

test('an empty feed gives no build date, neither 1970 nor "now": it stays the same from one request to the next', async (tc) => {
  const other = await makeApp();
  tc.after(() => other.close());
  await other.store.sectors.create({ slug: 'vide', title: 'Vide', description: '', order: 0, visible: true, display: 'grid', defaultSort: 'date' });
  const at = { ...RSS, Host: 'kiosque.example' };
  for (const path of ['/feed', '/sectors/vide/feed']) {
    const first = await request(other.app).get(path).set(at).expect(200);
    assert.equal(parse(first.text).items.length, 0, path);
    assert.doesNotMatch(first.text, /lastBuildDate/, path);
    // The dates the feed library writes count seconds.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const second = await request(other.app).get(path).set(at).expect(200);
    assert.equal(second.text, first.text, path);
    await request(other.app).get(path).set({ ...at, 'If-None-Match': String(first.headers.etag) }).expect(304);
  }
});

test('documents are not enclosed when downloads are for signed-in visitors only', async () => {
  const saved = (await t.store.settings.get<Record<string, unknown>>('skeleton')) ?? {};
  await t.store.settings.set('skeleton', { ...saved, downloadsSignedInOnly: true });
  try {
    const { items } = await feed('/feed');
    assert.equal(items.find((i) => i.title === 'Notice')!.enclosure, undefined);
    assert.ok(items.find((i) => i.title === 'Chant')!.enclosure, 'audio still plays inline');
  } finally {
    await t.store.settings.set('skeleton', saved);
  }
});

test('a sector feed holds its sector; a hidden or unknown sector has none; another case redirects', async () => {
  const { channel, items } = await feed('/sectors/sons/feed');
  assert.equal(channel.title, 'Sons & bruits · Kiosque');
  assert.equal(channel.description, 'Des sons.');
  assert.equal(channel.link, 'http://kiosque.example/sectors/sons');
  assert.deepEqual(items.map((i) => i.title), ['Chant', 'Photo <script>']);
  await request(t.app).get('/sectors/coulisses/feed').set(RSS).expect(404);
  await request(t.app).get('/sectors/nope/feed').set(RSS).expect(404);
  const moved = await request(t.app).get('/sectors/SONS/feed').set(RSS).expect(301);
  assert.equal(moved.headers.location, '/sectors/sons/feed');
});

test('a keyword feed holds the media carrying it', async () => {
  const { channel, items } = await feed('/keywords/tags/masques/feed');
  assert.equal(channel.title, 'Tags: Masques · Kiosque');
  assert.deepEqual(items.map((i) => i.title), ['Chant']);
  await request(t.app).get('/keywords/tags/absent/feed').set(RSS).expect(404);
  // A keyword only drafts carry (an embargoed subject) has no feed, which would name it.
  const embargo = await t.app.kiosque.keywords.create((await t.store.keywordGroups.list()).find((g) => g.slug === 'tags')!.id, 'Embargo');
  t.app.kiosque.search.upsert(await t.store.media.create(mediaRecord({ slug: 'secret', title: 'Secret', status: 'draft', publishedAt: null, keywordIds: [embargo.id] })));
  await request(t.app).get('/keywords/tags/embargo/feed').set(RSS).expect(404);
});

test('a renamed keyword’s old feed address redirects to the new one', async () => {
  const tags = (await t.store.keywordGroups.list()).find((g) => g.slug === 'tags')!;
  const k = await t.app.kiosque.keywords.create(tags.id, 'Carnaval');
  t.app.kiosque.search.upsert(await t.store.media.create(mediaRecord({ slug: 'gilles', title: 'Gilles', publishedAt: new Date(Date.UTC(2025, 0, 5)).toISOString(), keywordIds: [k.id] })));
  await t.app.kiosque.keywords.rename(k.id, 'Carnaval de Binche');
  const moved = await request(t.app).get('/keywords/tags/carnaval/feed?x=1').set(RSS).expect(301);
  assert.equal(moved.headers.location, '/keywords/tags/carnaval-de-binche/feed?x=1');
  await feed('/keywords/tags/carnaval-de-binche/feed');
});

test('the configured public address wins over the Host header; French titles follow the site language', async (tc) => {
  const other = await makeApp({ overrides: { baseUrl: 'https://media.example.org/' } });
  tc.after(() => other.close());
  const saved = (await other.store.settings.get<Record<string, unknown>>('skeleton')) ?? {};
  await other.store.settings.set('skeleton', { ...saved, language: 'fr', siteName: 'Médiathèque' });
  const res = await request(other.app).get('/feed').set({ ...RSS, Host: 'evil.example' }).expect(200);
  const { channel } = parse(res.text);
  assert.equal(channel['atom:link']['@_href'], 'https://media.example.org/feed');
  assert.equal(channel.title, 'Médiathèque\u00a0: derniers médias');
  assert.equal(channel.language, 'fr');
  const tags = (await other.store.keywordGroups.list()).find((g) => g.slug === 'tags')!;
  const kw = await other.store.keywords.create({ groupId: tags.id, slug: 'masques', title: 'Masques', description: '' });
  await other.store.media.create(mediaRecord({ slug: 'm', title: 'M', keywordIds: [kw.id] }));
  await other.app.kiosque.search.reindex();
  const item = parse((await request(other.app).get('/feed').set(RSS).expect(200)).text).items[0]!;
  assert.equal(item.category, 'Tags\u00a0: Masques', 'French punctuation in a French feed');
});

test('control characters never reach a feed: old records are cleaned on the way out, new text is cleaned on the way in', async (tc) => {
  const other = await makeApp();
  tc.after(() => other.close());
  await addUser(other, 'ada', 'admin');
  // As a record saved before the input was cleaned: straight into the store.
  await other.store.sectors.create({ slug: 'sons', title: 'Sons', description: 'Des\u0001 sons\u000b', order: 0, visible: true, display: 'grid', defaultSort: 'date' });
  const sector = (await other.store.sectors.list())[0]!;
  const old = await other.store.media.create(mediaRecord({ slug: 'old', title: 'Podcast\u0001 1\uFFFE', description: 'a\u0000b', sectorId: sector.id }));
  await other.app.kiosque.search.reindex();
  const { items } = parse((await request(other.app).get('/feed').set(RSS).expect(200)).text);
  assert.equal(items[0]!.title, 'Podcast 1');
  assert.equal(items[0]!.description, '<p>ab</p>');
  assert.equal(parse((await request(other.app).get('/sectors/sons/feed').set(RSS).expect(200)).text).channel.description, 'Des sons');
  // Through the API, a title and a description lose them before they are stored.
  const admin = await signIn(other, 'ada');
  const token = csrfFrom((await admin.get('/admin').set(html)).text);
  const res = await admin.patch(`/api/v1/media/${old.id}`).set('X-CSRF-Token', token).send({ title: 'Nouveau\u0007 titre', description: 'Ligne\u001b 1' }).expect(200);
  assert.equal(res.body.title, 'Nouveau titre');
  assert.equal((await other.store.media.get(old.id))!.description, 'Ligne 1');
});

test('a Host header that is not a host name gets a 400 saying what to set, not a 500', async () => {
  for (const host of ['a b', 'x"><y', 'exa_mple.org:99999999']) {
    const res = await request(t.app).get('/feed').set({ ...RSS, Host: host });
    assert.equal(res.status, 400, host);
    assert.match(res.text, /set baseUrl \(KIOSQUE_BASE_URL\)/);
  }
  await feed('/feed', { Host: '[::1]:8080' });
});

test('where visitors may choose their language, a feed says it varies with it', async (tc) => {
  const fr = await request(t.app).get('/feed').set({ ...RSS, 'Accept-Language': 'fr' }).expect(200);
  assert.match(String(fr.headers.vary), /Accept-Language/);
  assert.match(String(fr.headers.vary), /Cookie/);
  assert.equal(parse(fr.text).channel.title, 'Kiosque\u00a0: derniers médias');
  const saved = (await t.store.settings.get<Record<string, unknown>>('skeleton')) ?? {};
  await t.store.settings.set('skeleton', { ...saved, visitorsMayChooseLanguage: false });
  tc.after(() => t.store.settings.set('skeleton', saved));
  const one = await request(t.app).get('/feed').set({ ...RSS, 'Accept-Language': 'fr' }).expect(200);
  assert.doesNotMatch(String(one.headers.vary ?? ''), /Accept-Language/, 'one language: nothing to vary on');
  assert.equal(parse(one.text).channel.title, 'Kiosque: latest media');
});

test('a feed is cacheable and answers 304 while unchanged; a new media changes it', async () => {
  // A fixed Host: supertest listens on a new port for each request, and the links carry it.
  const at = { ...RSS, Host: 'kiosque.example' };
  const first = await request(t.app).get('/feed').set(at).expect(200);
  assert.equal(first.headers['cache-control'], 'public, max-age=300');
  const etag = String(first.headers.etag);
  await request(t.app).get('/feed').set({ ...at, 'If-None-Match': etag }).expect(304);
  const added = await t.store.media.create(mediaRecord({ slug: 'neuf', title: 'Neuf', publishedAt: new Date(Date.UTC(2025, 5, 1)).toISOString() }));
  t.app.kiosque.search.upsert(added);
  try {
    const changed = await request(t.app).get('/feed').set({ ...at, 'If-None-Match': etag }).expect(200);
    assert.equal(parse(changed.text).items[0]!.title, 'Neuf');
  } finally {
    await t.store.media.delete(added.id);
    t.app.kiosque.search.remove(added.id);
  }
});

test(`a feed carries at most ${FEED_SIZE} media, the newest`, async (tc) => {
  const big = await makeApp();
  tc.after(() => big.close());
  for (let i = 1; i <= FEED_SIZE + 5; i++) await big.store.media.create(mediaRecord({ slug: `m${i}`, title: `M${i}`, publishedAt: new Date(Date.UTC(2025, 0, i)).toISOString() }));
  await big.app.kiosque.search.reindex();
  const { items } = parse((await request(big.app).get('/feed').set(RSS).expect(200)).text);
  assert.equal(items.length, FEED_SIZE);
  assert.equal(items[0]!.title, `M${FEED_SIZE + 5}`);
  assert.equal(items.at(-1)!.title, 'M6');
});

test('pages announce their feeds (site, sector, keyword) in the head, titles escaped, and link them', async () => {
  const home = await request(t.app).get('/').set(html).expect(200);
  assert.match(home.text, /<link rel="alternate" type="application\/rss\+xml" title="Latest media \(RSS\)" href="\/feed">/);
  const sector = await request(t.app).get('/sectors/sons').set(html).expect(200);
  assert.match(sector.text, /<link rel="alternate" type="application\/rss\+xml" title="Sons &amp; bruits \(RSS\)" href="\/sectors\/sons\/feed">/);
  assert.match(sector.text, /<a class="feed-link" href="\/sectors\/sons\/feed" type="application\/rss\+xml">RSS feed<\/a>/);
  const keyword = await request(t.app).get('/keywords/tags/masques').set(html).expect(200);
  assert.match(keyword.text, /title="Masques \(RSS\)" href="\/keywords\/tags\/masques\/feed"/);
  // The admin area announces none.
  const admin = await signIn(t, 'ada');
  assert.doesNotMatch((await admin.get('/admin').set(html).expect(200)).text, /<link rel="alternate"/);
});

test('with the intranet on, a feed reader without a session gets 401 and no content; a signed-in one gets the feed', async (tc) => {
  const closed = await makeApp();
  tc.after(() => closed.close());
  await addUser(closed, 'ida', 'member');
  await closed.store.media.create(mediaRecord({ slug: 'prive', title: 'Privé' }));
  await closed.app.kiosque.search.reindex();
  await closed.app.kiosque.plugins.enable('intranet');
  const denied = await request(closed.app).get('/feed').set(RSS);
  assert.equal(denied.status, 401);
  assert.doesNotMatch(denied.text, /Privé/);
  const member = await signIn(closed, 'ida');
  const res = await member.get('/feed').set(RSS).expect(200);
  assert.deepEqual(parse(res.text).items.map((i) => i.title), ['Privé']);
  assert.match(String(res.headers['cache-control']), /private/, 'never widened to public behind the intranet');
});
