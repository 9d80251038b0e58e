import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { makeApp, signIn, PASSWORD, type TestApp } from '../helpers/app.ts';
import { mediaRecord } from '../helpers/media-records.ts';
import { mediaDisplayDefaults } from '../../core/settings/media-display.ts';
import { skeletonDefaults } from '../../core/settings/skeleton.ts';
import { FEED_SIZE } from '../../core/feeds/routes.ts';
import type { Media, User } from '../../core/store/index.ts';

const html = { Accept: 'text/html' };
const HOST = { Host: 'kiosque.example' };
const EVIL = '<script>alert(1)</script> Bob';
let t: TestApp;
const users: Record<string, User> = {};
const media: Record<string, Media> = {};

// One Host, as a browser sends: supertest listens on a new port for each request, and the Host
// header (port included) is part of the page cache's key.
const page = (path: string) => request(t.app).get(path).set(html).set(HOST);
const titles = (text: string) => [...text.matchAll(/class="media-card-title">([^<]+)</g)].map((m) => m[1]);
/** The author page's own section: what it says of the account, without the layout around it. */
const section = (text: string) => /<section class="author">[\s\S]*?<\/section>/.exec(text)?.[0] ?? '';

async function hideAuthors(hidden: boolean) {
  const saved = (await t.store.settings.get<Record<string, unknown>>('media')) ?? {};
  await t.store.settings.set('media', { ...mediaDisplayDefaults, ...saved, showAuthor: !hidden });
}

before(async () => {
  t = await makeApp();
  const account = async (username: string, role: User['role'], displayName?: string) =>
    (users[username] = await t.app.kiosque.users.create({ username, password: PASSWORD, role, displayName }));
  await account('ada', 'admin', 'Ada Lovelace');
  await account('bob', 'editor', EVIL);
  await account('mia', 'member');
  await account('dan', 'editor');
  await account('eve', 'editor', 'Eve');
  await account('élodie', 'editor', 'Élodie');
  const add = async (key: string, author: string, o: Partial<Media> = {}) =>
    (media[key] = await t.store.media.create(mediaRecord({ slug: key.toLowerCase().replace(/\s+/g, '-'), title: key, authorId: users[author]!.id, ...o })));
  const day = (n: number) => new Date(Date.UTC(2025, 0, n + 1)).toISOString();
  for (let i = 0; i < 26; i++) await add(`Ada ${i}`, 'ada', { publishedAt: day(i), createdAt: day(i) });
  await add('Ada draft secret', 'ada', { status: 'draft', publishedAt: null, createdAt: day(30) });
  await add('Bob photo', 'bob', { publishedAt: day(2) });
  await add('Dan draft', 'dan', { status: 'draft', publishedAt: null });
  await add('Eve photo', 'eve', { publishedAt: day(3) });
  await add('Élodie photo', 'élodie', { publishedAt: day(4) });
  // Records made straight in the store: the search index learns of them by a rebuild.
  await t.app.kiosque.search.reindex();
  // A disabled account's published media stay published: its page stays too.
  await t.app.kiosque.users.setDisabled(users.eve!.id, true);
});
after(() => t.close());

test('an author page: the display name, the count and the published media of that author only, newest first', async () => {
  const res = await page('/authors/ada').expect(200);
  assert.match(res.text, /<h1>Ada Lovelace<\/h1>/);
  assert.match(res.text, /<title>Ada Lovelace · /);
  assert.match(res.text, /Published media: 26/, 'the draft is not counted');
  const shown = titles(res.text);
  assert.equal(shown.length, 24);
  assert.deepEqual(shown.slice(0, 3), ['Ada 25', 'Ada 24', 'Ada 23']);
  assert.ok(!res.text.includes('Ada draft secret'), 'no draft, even by name');
  assert.ok(!shown.some((title) => !title!.startsWith('Ada ')), 'nobody else’s media');
  assert.match(res.text, /<a href="\/search\?author(=|&#x3D;)ada">Search this author’s media<\/a>/);
  // Nothing about the account but its name: no role, no state.
  assert.doesNotMatch(section(res.text), /admin|editor|member|disabled/i);
  assert.ok(section(res.text), 'the page has its section');
});

test('signed in as staff, the page still lists published media only', async () => {
  const admin = await signIn(t, 'ada');
  const res = await admin.get('/authors/ada').set(html).expect(200);
  assert.match(res.text, /Published media: 26/);
  assert.ok(!res.text.includes('Ada draft secret'));
});

test('24 a page, as sector pages: page 2 holds the rest, a page past the end shows the last one', async () => {
  const first = await page('/authors/ada').expect(200);
  assert.match(first.text, /Page 1 of 2/);
  assert.match(first.text, /<a href="\/authors\/ada\?page(=|&#x3D;)2" rel="next">/);
  const second = await page('/authors/ada?page=2').expect(200);
  assert.match(second.text, /Page 2 of 2/);
  assert.deepEqual(titles(second.text), ['Ada 1', 'Ada 0']);
  assert.match(second.text, /<a href="\/authors\/ada" rel="prev">/);
  const past = await page('/authors/ada?page=9').expect(200);
  assert.match(past.text, /Page 2 of 2/);
  assert.deepEqual(titles(past.text), ['Ada 1', 'Ada 0']);
  assert.match((await page('/authors/ada?page=abc').expect(200)).text, /Page 1 of 2/);
  // One page of media: no page links at all.
  assert.doesNotMatch((await page('/authors/bob').expect(200)).text, /class="pagination"/);
});

test('usernames are case-insensitive, as at sign-in: another case redirects to the one address, query kept', async () => {
  const res = await page('/authors/ADA?page=2').expect(301);
  assert.equal(res.headers.location, '/authors/ada?page=2');
  const feed = await request(t.app).get('/authors/Ada/feed').expect(301);
  assert.equal(feed.headers.location, '/authors/ada/feed');
  // A username outside ASCII: its address is URL-encoded, and it answers.
  const elodie = await page('/authors/%C3%A9lodie').expect(200);
  assert.match(elodie.text, /<h1>Élodie<\/h1>/);
  assert.equal((await page('/authors/%C3%89LODIE').expect(301)).headers.location, '/authors/%C3%A9lodie');
});

test('no page without published media: unknown usernames, members who never uploaded, authors of drafts only', async () => {
  for (const p of ['/authors/nobody', '/authors/mia', '/authors/dan', '/authors/nobody/feed', '/authors/mia/feed', '/authors/dan/feed']) {
    const res = await page(p);
    assert.equal(res.status, 404, p);
    assert.ok(!res.text.includes('Dan draft'), `${p} names no draft`);
  }
});

test('a disabled account keeps its page: its published media are still published', async () => {
  const res = await page('/authors/eve').expect(200);
  assert.match(res.text, /<h1>Eve<\/h1>/);
  assert.deepEqual(titles(res.text), ['Eve photo']);
});

test('a display name is escaped on the page, in its title and in its feed', async () => {
  const res = await page('/authors/bob').expect(200);
  assert.ok(!res.text.includes('<script>alert(1)'), 'no live script');
  assert.match(res.text, /<h1>&lt;script&gt;alert\(1\)&lt;\/script&gt; Bob<\/h1>/);
  assert.match(res.text, /<title>&lt;script&gt;alert\(1\)&lt;\/script&gt; Bob · /);
  const feed = await request(t.app).get('/authors/bob/feed').set(HOST).expect(200);
  assert.ok(!feed.text.includes('<script>'));
  assert.equal(parse(feed.text).channel.title, `${EVIL} · Kiosque`);
});

test('a media page links its author’s name to the author page (URL-encoded), escaped; no link for an author without a page', async () => {
  const ada = await page(`/media/${media['Ada 3']!.id}/ada-3`).expect(200);
  assert.match(ada.text, /<dt>Author<\/dt><dd><a href="\/authors\/ada">Ada Lovelace<\/a><\/dd>/);
  const bob = await page(`/media/${media['Bob photo']!.id}/bob-photo`).expect(200);
  assert.match(bob.text, /<dd><a href="\/authors\/bob">&lt;script&gt;alert\(1\)&lt;\/script&gt; Bob<\/a><\/dd>/);
  const elodie = await page(`/media/${media['Élodie photo']!.id}`).redirects(1).expect(200);
  assert.match(elodie.text, /<dd><a href="\/authors\/%C3%A9lodie">Élodie<\/a><\/dd>/);
  // Staff see a draft's page; its author has no published media, so no page to link to.
  const admin = await signIn(t, 'ada');
  const draft = await admin.get(`/media/${media['Dan draft']!.id}/dan-draft`).set(html).expect(200);
  assert.match(draft.text, /<dt>Author<\/dt><dd>dan<\/dd>/);
});

interface Item {
  title: string;
  link: string;
}
function parse(xml: string) {
  assert.equal(XMLValidator.validate(xml), true, 'well-formed XML');
  const doc = new XMLParser({ ignoreAttributes: false, parseTagValue: false }).parse(xml) as {
    rss: { channel: { title: string; link: string; description: string; item?: Item | Item[]; 'atom:link': { '@_href': string } } };
  };
  const { channel } = doc.rss;
  const items = channel.item === undefined ? [] : Array.isArray(channel.item) ? channel.item : [channel.item];
  return { channel, items };
}

test('the author’s feed: their newest published media, absolute links, announced on the author page', async () => {
  const res = await request(t.app).get('/authors/ada/feed').set({ ...HOST, Accept: 'application/rss+xml' }).expect(200);
  assert.match(String(res.headers['content-type']), /^application\/rss\+xml; charset=utf-8/);
  const { channel, items } = parse(res.text);
  assert.equal(channel.title, 'Ada Lovelace · Kiosque');
  assert.equal(channel.link, 'http://kiosque.example/authors/ada');
  assert.equal(channel['atom:link']['@_href'], 'http://kiosque.example/authors/ada/feed');
  assert.equal(items.length, FEED_SIZE);
  assert.deepEqual(items.slice(0, 2).map((i) => i.title), ['Ada 25', 'Ada 24']);
  assert.equal(items[0]!.link, `http://kiosque.example/media/${media['Ada 25']!.id}`);
  assert.ok(!res.text.includes('draft secret'));
  const elodie = parse((await request(t.app).get('/authors/%C3%A9lodie/feed').set(HOST).expect(200)).text);
  assert.equal(elodie.channel.link, 'http://kiosque.example/authors/%C3%A9lodie');
  assert.deepEqual(elodie.items.map((i) => i.title), ['Élodie photo']);
  const pageHtml = (await page('/authors/ada').expect(200)).text;
  assert.match(pageHtml, /<link rel="alternate" type="application\/rss\+xml" title="Ada Lovelace \(RSS\)" href="\/authors\/ada\/feed">/);
  assert.match(pageHtml, /<a class="feed-link" href="\/authors\/ada\/feed" type="application\/rss\+xml">RSS feed<\/a>/);
});

test('the pages sitemap lists the authors who have published media', async () => {
  const res = await request(t.app).get('/sitemap-pages.xml').set(HOST).expect(200);
  assert.equal(XMLValidator.validate(res.text), true);
  const locs = [...res.text.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]!).filter((l) => l.includes('/authors/'));
  // In the users' order (by username, as the users list sorts them).
  assert.deepEqual(locs, ['ada', 'bob', '%C3%A9lodie', 'eve'].map((u) => `http://kiosque.example/authors/${u}`));
});

test('while the media display settings hide authors: no author page, feed, link or sitemap entry', async () => {
  await hideAuthors(true);
  try {
    for (const p of ['/authors/ada', '/authors/ada/feed', '/authors/ADA', '/authors/eve']) assert.equal((await page(p)).status, 404, p);
    const mediaPage = await page(`/media/${media['Ada 3']!.id}/ada-3`).expect(200);
    assert.doesNotMatch(mediaPage.text, /\/authors\//);
    assert.doesNotMatch(mediaPage.text, /Ada Lovelace/);
    const sitemap = await request(t.app).get('/sitemap-pages.xml').set(HOST).expect(200);
    assert.doesNotMatch(sitemap.text, /\/authors\//);
    assert.match(sitemap.text, /<loc>http:\/\/kiosque\.example\/<\/loc>/, 'the rest of the sitemap stays');
    // Nor can a visitor ask the search who uploaded what: the criterion names nobody, and the form leaves it out.
    const search = await page('/search?author=ada').expect(200);
    assert.match(search.text, /Media \(0\)/);
    assert.doesNotMatch(search.text, /Ada Lovelace|name="author"/);
    assert.equal((await request(t.app).get('/api/v1/media?author=ada').expect(400)).body.error.code, 'unknown_author');
  } finally {
    await hideAuthors(false);
  }
  await page('/authors/ada').expect(200);
});

test('an anonymous author page comes from the page cache until something changes; a new display name shows at once', async () => {
  await page('/authors/eve').expect(200);
  const cached = await page('/authors/eve').expect(200);
  assert.equal(cached.headers['x-page-cache'], 'hit');
  await t.store.users.update(users.eve!.id, { displayName: 'Eve Renamed' });
  try {
    const renamed = await page('/authors/eve').expect(200);
    assert.equal(renamed.headers['x-page-cache'], 'miss');
    assert.match(renamed.text, /<h1>Eve Renamed<\/h1>/);
    assert.match((await page(`/media/${media['Eve photo']!.id}/eve-photo`).expect(200)).text, /<a href="\/authors\/eve">Eve Renamed<\/a>/);
  } finally {
    await t.store.users.update(users.eve!.id, { displayName: 'Eve' });
  }
});

test('an author’s last published media going back to draft takes the page away', async () => {
  const bobs = media['Bob photo']!;
  await t.store.media.update(bobs.id, { status: 'draft', publishedAt: null });
  t.app.kiosque.search.upsert((await t.store.media.get(bobs.id))!);
  try {
    await page('/authors/bob').expect(404);
    await request(t.app).get('/authors/bob/feed').expect(404);
  } finally {
    await t.store.media.update(bobs.id, { status: 'published', publishedAt: bobs.publishedAt });
    t.app.kiosque.search.upsert((await t.store.media.get(bobs.id))!);
  }
  await page('/authors/bob').expect(200);
});

test('the other theme falls back to the default author template', async () => {
  await t.store.settings.set('skeleton', { ...skeletonDefaults, theme: 'nuit' });
  try {
    const res = await page('/authors/ada').expect(200);
    assert.match(res.text, /class="theme-nuit"/);
    assert.match(res.text, /<h1>Ada Lovelace<\/h1>/);
  } finally {
    await t.store.settings.set('skeleton', skeletonDefaults);
  }
});

test('French: the page in French', async () => {
  const res = await page('/authors/ada?lang=fr').expect(200);
  assert.match(res.text, /Médias publiés\u00a0: 26/);
  assert.match(res.text, /Rechercher les médias de cet auteur/);
});
