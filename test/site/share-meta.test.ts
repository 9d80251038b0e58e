import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import request from 'supertest';
import sharp from 'sharp';
import { makeApp, signIn, tokenOf, tempDir, PASSWORD, type TestApp } from '../helpers/app.ts';
import { binary, jpegWithGps, mp3, mp4, pdf } from '../helpers/media.ts';
import { mediaInput } from '../search/fixtures.ts';
import { LOCATION_PENDING } from '../../core/media/service.ts';
import type { Media } from '../../core/store/index.ts';
import { createDescriptionCache, describe } from '../../core/site/share-meta.ts';

/**
 * What public pages tell search engines and the sites their links are shared on (description,
 * robots, canonical address, OpenGraph, Twitter card), through the real app, with media made by
 * the real processing.
 */

const HOST = 'kiosque.example';
const ORIGIN = `http://${HOST}`;
const HOSTILE_TITLE = 'Le "bal" <masqué> & \'co\'';
const DESCRIPTION = 'Un **grand** [bal](https://example.org/bal) <script>alert("x")</script> & des "masques".\n\nSecond paragraphe.';
const DESCRIPTION_TEXT = 'Un grand bal <script>alert("x")</script> & des "masques". Second paragraphe.';
const SITE_DESCRIPTION = 'Les *archives* du théâtre <i>municipal</i>.';
const SITE_TEXT = 'Les archives du théâtre <i>municipal</i>.';

let t: TestApp;
let admin: ReturnType<typeof request.agent>;
const media = {} as Record<'photo' | 'video' | 'audio' | 'brochure' | 'draft' | 'withheld', Media>;

// ---- reading a page's head: every <meta> and <link>, each attribute value decoded ----

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'", '#x3D': '=', '#x60': '`' };
const decode = (v: string) =>
  v.replace(/&(#?\w+);/g, (whole, name: string) => {
    assert.ok(ENTITIES[name], `an entity the test knows: ${whole}`);
    return ENTITIES[name]!;
  });

interface Head {
  raw: string;
  /** OpenGraph (and article:, profile:) properties, in order, repeated ones kept. */
  properties: Array<[string, string]>;
  og(name: string): string | undefined;
  meta(name: string): string | undefined;
  canonical: string[];
}

function headOf(html: string): Head {
  const raw = /<head>([\s\S]*?)<\/head>/.exec(html)?.[1];
  assert.ok(raw !== undefined, 'the page has a head');
  const tags = [...raw.matchAll(/<(meta|link)((?:\s+[a-z:-]+="[^"<>]*")*)\s*>/g)].map((m) => ({
    tag: m[1]!,
    attrs: Object.fromEntries([...m[2]!.matchAll(/([a-z:-]+)="([^"]*)"/g)].map((a) => [a[1]!, decode(a[2]!)])),
  }));
  // Every tag was read whole: none has an attribute the strict pattern above refused.
  assert.equal(tags.length, (raw.match(/<(?:meta|link)\b/g) ?? []).length, `every <meta> and <link> is well formed:\n${raw}`);
  const properties = tags.filter((x) => x.tag === 'meta' && x.attrs.property).map((x) => [x.attrs.property!, x.attrs.content ?? ''] as [string, string]);
  const named = (name: string) => tags.filter((x) => x.tag === 'meta' && x.attrs.name === name).map((x) => x.attrs.content ?? '');
  const one = (values: string[], what: string) => {
    assert.ok(values.length <= 1, `${what} once at most`);
    return values[0];
  };
  return {
    raw,
    properties,
    og: (name) => one(properties.filter(([p]) => p === name).map(([, c]) => c), name),
    meta: (name) => one(named(name), name),
    canonical: tags.filter((x) => x.tag === 'link' && x.attrs.rel === 'canonical').map((x) => x.attrs.href!),
  };
}

const get = (p: string, headers: Record<string, string> = {}) => request(t.app).get(p).set({ Accept: 'text/html', Host: HOST, ...headers });
async function head(p: string, headers: Record<string, string> = {}, agent?: ReturnType<typeof request.agent>): Promise<Head> {
  const res = await (agent ? agent.get(p).set({ Accept: 'text/html', Host: HOST, ...headers }) : get(p, headers));
  assert.equal(res.status, 200, `${p}: ${res.status}`);
  return headOf(res.text);
}
const pagePath = (m: Media) => `/media/${m.id}/${m.slug}`;
/** The path an absolute address of this site names. */
const sitePath = (url: string | undefined) => {
  assert.ok(url?.startsWith(`${ORIGIN}/`), `absolute, on this site: ${url}`);
  return url!.slice(ORIGIN.length);
};

/** The absolute image address is one an anonymous visitor gets, as an image. */
async function fetchable(url: string | undefined, mime: string) {
  const res = await request(t.app).get(sitePath(url)).set('Host', HOST).buffer(true).parse(binary);
  assert.equal(res.status, 200, `${url}: ${res.status}`);
  assert.equal(String(res.headers['content-type']).split(';')[0], mime);
  return res.body as Buffer;
}

before(async () => {
  t = await makeApp();
  await t.app.kiosque.users.create({ username: 'ada', password: PASSWORD, role: 'admin', displayName: 'Ada Lovelace' });
  admin = await signIn(t, 'ada');
  const saved = (await t.store.settings.get<Record<string, unknown>>('skeleton')) ?? {};
  await t.store.settings.set('skeleton', { ...saved, siteName: 'Théâtre <&> "Kiosque"', description: SITE_DESCRIPTION });
  const sector = await t.store.sectors.create({ slug: 'spectacles', title: 'Spectacles', description: 'Les *spectacles* de la saison.', order: 0, visible: true, display: 'grid', defaultSort: 'date' });
  const dir = await tempDir('kiosque-share-');
  await jpegWithGps(path.join(dir, 'photo.jpg'), 1000, 600, 1);
  await mp4(path.join(dir, 'clip.mp4'));
  await mp3(path.join(dir, 'tone.mp3'));
  await pdf(path.join(dir, 'brochure.pdf'));
  const token = await tokenOf(admin);
  const up = async (file: string, fields: Record<string, string>) => {
    let req = admin.post('/api/v1/media').set('X-CSRF-Token', token);
    for (const [k, v] of Object.entries({ status: 'published', sector: 'spectacles', ...fields })) req = req.field(k, v);
    const res = await req.attach('file', path.join(dir, file));
    assert.equal(res.status, 201, res.text);
    return String(res.body.id);
  };
  const ids = {
    photo: await up('photo.jpg', { title: HOSTILE_TITLE, description: DESCRIPTION, keywords: 'tags/masques' }),
    video: await up('clip.mp4', { title: 'Mire' }),
    audio: await up('tone.mp3', { title: 'La note' }),
    brochure: await up('brochure.pdf', { title: 'Programme' }),
    draft: await up('photo.jpg', { title: 'Projet secret', status: 'draft' }),
  };
  await t.app.kiosque.media.idle();
  for (const [key, id] of Object.entries(ids)) media[key as keyof typeof media] = (await t.store.media.get(id))!;
  // An audio file whose location the queue has not yet removed: its files go to its editors only.
  const photo = media.photo;
  media.withheld = await t.store.media.create(
    mediaInput({ slug: 'en-attente', title: 'En attente', type: 'video', sectorId: sector.id, original: { ...photo.original, mime: 'video/mp4' }, variants: { poster: photo.variants.large!, medium: photo.variants.medium! }, meta: { [LOCATION_PENDING]: true } }),
  );
  await t.app.kiosque.search.reindex();
});
after(() => t.close());

test('a media page: title, absolute canonical address, description, its picture as a large card', async () => {
  const m = media.photo;
  const res = await get(pagePath(m)).expect(200);
  const h = headOf(res.text);
  const url = `${ORIGIN}${pagePath(m)}`;
  assert.deepEqual(h.canonical, [url]);
  assert.equal(h.og('og:url'), url);
  assert.equal(h.og('og:title'), HOSTILE_TITLE);
  assert.equal(h.og('og:site_name'), 'Théâtre <&> "Kiosque"');
  assert.equal(h.og('og:type'), 'article');
  assert.equal(h.og('og:locale'), 'en_US');
  assert.equal(h.meta('description'), DESCRIPTION_TEXT);
  assert.equal(h.og('og:description'), DESCRIPTION_TEXT);
  assert.equal(h.meta('robots'), undefined, 'a published media is for search engines');
  assert.equal(h.og('article:published_time'), m.publishedAt);
  // Its largest derivative, as the page shows it, never the original.
  assert.equal(h.og('og:image'), `${ORIGIN}/files/${m.id}/large`);
  assert.equal(h.og('og:image:width'), '1000');
  assert.equal(h.og('og:image:height'), '600');
  // Its WebP twin goes to crawlers that accept WebP: no type named that could be wrong.
  assert.equal(h.og('og:image:type'), undefined);
  assert.equal(h.og('og:image:alt'), HOSTILE_TITLE);
  assert.equal(h.meta('twitter:card'), 'summary_large_image');
  const picture = await sharp(await fetchable(h.og('og:image'), 'image/jpeg')).metadata();
  assert.deepEqual([picture.width, picture.height], [1000, 600]);
});

test('what a user typed is escaped in the head: no tag, quote or ampersand of theirs comes out raw', async () => {
  const { raw } = await head(pagePath(media.photo));
  assert.doesNotMatch(raw, /<script|<masqué>|<i>|"bal"|"masques"|'co'|<&>/);
  assert.ok(raw.includes('Le &quot;bal&quot; &lt;masqué&gt; &amp; &#x27;co&#x27;'), 'the title, escaped');
  assert.ok(raw.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'), 'the description, escaped');
});

test('one address per media: ?lang=, tracking parameters and another slug lead to the same canonical', async () => {
  const m = media.photo;
  const url = `${ORIGIN}${pagePath(m)}`;
  const fr = await head(`${pagePath(m)}?lang=fr&utm_source=mastodon&fbclid=abc`);
  assert.deepEqual(fr.canonical, [url]);
  assert.equal(fr.og('og:url'), url);
  assert.equal(fr.og('og:locale'), 'fr_FR', 'the locale is the page’s language');
  const redirect = await get(`/media/${m.id}/another-slug?utm_source=x`).expect(301);
  assert.equal(redirect.headers.location, pagePath(m));
  const bare = await get(`/media/${m.id}`).expect(301);
  assert.equal(bare.headers.location, pagePath(m));
});

test('a video shares its poster and the file its player plays; a sound its stream and a small card', async () => {
  const v = media.video;
  const page = await get(pagePath(v)).expect(200);
  const h = headOf(page.text);
  assert.equal(h.og('og:type'), 'video.other');
  assert.equal(h.og('og:image'), `${ORIGIN}/files/${v.id}/poster`);
  assert.equal(h.og('og:image:width'), String(v.variants.poster!.width));
  await fetchable(h.og('og:image'), 'image/jpeg');
  // The player's first source, made absolute.
  const played = /<video[^>]*>\s*<source src="([^"]+)"/.exec(page.text)?.[1];
  assert.ok(played);
  assert.equal(h.og('og:video'), `${ORIGIN}${played}`);
  assert.equal(h.og('og:video:type'), 'video/mp4');
  await fetchable(h.og('og:video'), 'video/mp4');
  assert.equal(h.meta('twitter:card'), 'summary_large_image');
  // The site's description stands in for the one the media lacks.
  assert.equal(h.meta('description'), SITE_TEXT);

  const a = await head(pagePath(media.audio));
  assert.equal(h.og('og:audio'), undefined);
  assert.equal(a.og('og:type'), 'article');
  assert.equal(a.og('og:audio'), `${ORIGIN}/files/${media.audio.id}/original`);
  assert.equal(a.og('og:audio:type'), 'audio/mpeg');
  assert.equal(a.og('og:image'), `${ORIGIN}/files/${media.audio.id}/poster`, 'no cover: its waveform');
  await fetchable(a.og('og:image'), 'image/jpeg');
  assert.equal(a.meta('twitter:card'), 'summary_large_image');
});

test('downloads off: a PDF shares its preview, which anybody may fetch, never its withheld original', async () => {
  const saved = (await t.store.settings.get<Record<string, unknown>>('skeleton')) ?? {};
  await t.store.settings.set('skeleton', { ...saved, allowDownloads: false });
  try {
    const d = media.brochure;
    const h = await head(pagePath(d));
    assert.equal(h.og('og:image'), `${ORIGIN}/files/${d.id}/poster`);
    await fetchable(h.og('og:image'), 'image/jpeg');
    assert.doesNotMatch(h.raw, /\/original/);
    await request(t.app).get(`/files/${d.id}/original`).set('Host', HOST).expect(403);
  } finally {
    await t.store.settings.set('skeleton', saved);
  }
});

test('a media whose files are withheld for now names none of them', async () => {
  const w = media.withheld;
  await request(t.app).get(`/files/${w.id}/poster`).set('Host', HOST).expect(503);
  const h = await head(pagePath(w));
  assert.equal(h.og('og:title'), 'En attente');
  assert.equal(h.og('og:image'), undefined);
  assert.equal(h.og('og:video'), undefined);
  assert.doesNotMatch(h.raw, /\/files\//);
  assert.equal(h.meta('twitter:card'), 'summary');
});

test('a draft is kept out of search engines and announces nothing, even to its editor', async () => {
  const h = await head(pagePath(media.draft), {}, admin);
  assert.equal(h.meta('robots'), 'noindex');
  assert.deepEqual(h.properties, []);
  assert.deepEqual(h.canonical, []);
  assert.equal(h.meta('twitter:card'), undefined);
  assert.equal(h.meta('description'), undefined);
});

test('search pages: noindex, follow; sign-in, account and error pages: noindex; none has a card', async () => {
  const search = await head('/search?q=bal&type=image');
  assert.equal(search.meta('robots'), 'noindex, follow');
  assert.deepEqual(search.properties, []);
  assert.deepEqual(search.canonical, []);
  assert.equal((await head('/search')).meta('robots'), 'noindex, follow');
  for (const p of ['/login', '/login?return=%2Fmedia%2F1']) {
    const h = await head(p);
    assert.equal(h.meta('robots'), 'noindex', p);
    assert.deepEqual(h.properties, [], p);
  }
  assert.equal((await head('/account', {}, admin)).meta('robots'), 'noindex');
  const missing = await get('/no-such-page').expect(404);
  assert.equal(headOf(missing.text).meta('robots'), 'noindex');
  assert.deepEqual(headOf(missing.text).properties, []);
  // The embed page (framed by other sites) is the media page's twin: not one to index.
  const embed = await get(`/embed/${media.photo.id}`).expect(200);
  assert.equal(headOf(embed.text).meta('robots'), 'noindex');
});

test('the homepage, a sector, a keyword, a keyword group and an author page: their text and address', async () => {
  const home = await head('/?utm_campaign=x&lang=fr');
  assert.deepEqual(home.canonical, [`${ORIGIN}/`]);
  assert.equal(home.og('og:type'), 'website');
  assert.equal(home.og('og:title'), 'Théâtre <&> "Kiosque"');
  assert.equal(home.og('og:locale'), 'fr_FR');
  assert.equal(home.meta('description'), SITE_TEXT);
  assert.equal(home.meta('robots'), undefined);
  assert.equal(home.og('og:image'), undefined, 'no logo set: no picture');

  const sector = await head('/sectors/spectacles?page=7&utm_source=x');
  // Page 7 is past the end: the page shown is the first, so is its address.
  assert.deepEqual(sector.canonical, [`${ORIGIN}/sectors/spectacles`]);
  assert.equal(sector.og('og:title'), 'Spectacles');
  assert.equal(sector.meta('description'), 'Les spectacles de la saison.');

  const keyword = await head('/keywords/tags/masques?fbclid=1');
  assert.deepEqual(keyword.canonical, [`${ORIGIN}/keywords/tags/masques`]);
  assert.equal(keyword.og('og:title'), 'masques');
  assert.equal(keyword.meta('description'), SITE_TEXT);
  assert.deepEqual((await head('/keywords/tags')).canonical, [`${ORIGIN}/keywords/tags`]);

  const author = await head('/authors/ada?page=1');
  assert.deepEqual(author.canonical, [`${ORIGIN}/authors/ada`]);
  assert.equal(author.og('og:type'), 'profile');
  assert.equal(author.og('profile:username'), 'ada');
  assert.equal(author.og('og:title'), 'Ada Lovelace');
});

test('a listing past its first page keeps its page in its address, and nothing else', async () => {
  const archives = await t.store.sectors.create({ slug: 'archives', title: 'Archives', description: '', order: 1, visible: true, display: 'grid', defaultSort: 'date' });
  for (let i = 0; i < 26; i++) await t.store.media.create(mediaInput({ slug: `archive-${i}`, title: `Archive ${i}`, sectorId: archives.id }));
  await t.app.kiosque.search.reindex();
  assert.deepEqual((await head('/sectors/archives?page=2&utm_medium=social&lang=en')).canonical, [`${ORIGIN}/sectors/archives?page=2`]);
  assert.deepEqual((await head('/sectors/archives?page=1')).canonical, [`${ORIGIN}/sectors/archives`]);
});

test('the site logo is the picture of pages without one of their own, as a small card', async () => {
  const token = await tokenOf(admin, '/admin/config/skeleton');
  const logo = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#884422' } }).png().toBuffer();
  const up = await admin.post('/admin/config/skeleton/logo').set('Accept', 'text/html').field('_csrf', token).attach('logo', logo, { filename: 'logo.png', contentType: 'image/png' });
  assert.equal(up.status, 303, up.text);
  for (const p of ['/', '/sectors/spectacles', '/keywords/tags/masques', '/authors/ada']) {
    const h = await head(p);
    assert.match(sitePath(h.og('og:image')), /^\/site\/logo\?v=[0-9a-f]{16}-\d+$/, p);
    assert.equal(h.og('og:image:alt'), 'Théâtre <&> "Kiosque"', p);
    assert.equal(h.meta('twitter:card'), 'summary', p);
    await fetchable(h.og('og:image'), 'image/png');
  }
  // A media with a picture of its own keeps it.
  assert.equal((await head(pagePath(media.photo))).og('og:image'), `${ORIGIN}/files/${media.photo.id}/large`);
});

test('the nuit theme’s own layout carries the same head', async () => {
  const saved = (await t.store.settings.get<Record<string, unknown>>('skeleton')) ?? {};
  await t.store.settings.set('skeleton', { ...saved, theme: 'nuit' });
  try {
    const res = await get(pagePath(media.photo)).expect(200);
    assert.match(res.text, /<html lang="en" class="theme-nuit">/);
    const h = headOf(res.text);
    assert.deepEqual(h.canonical, [`${ORIGIN}${pagePath(media.photo)}`]);
    assert.equal(h.og('og:image'), `${ORIGIN}/files/${media.photo.id}/large`);
    assert.equal(h.meta('description'), DESCRIPTION_TEXT);
  } finally {
    await t.store.settings.set('skeleton', saved);
  }
});

test('absolute addresses follow the Host, each cached page keeping its own', async () => {
  const p = pagePath(media.photo);
  for (const host of ['a.example', 'b.example:8080', 'a.example']) {
    const res = await get(`${p}?hosts`, { Host: host }).expect(200);
    const h = headOf(res.text);
    assert.deepEqual(h.canonical, [`http://${host}${p}`], `${host} (${String(res.headers['x-page-cache'])})`);
    assert.equal(h.og('og:image'), `http://${host}/files/${media.photo.id}/large`);
  }
  assert.equal((await get(`${p}?hosts`, { Host: 'a.example' })).headers['x-page-cache'], 'hit');
  // Not behind a trusted proxy: X-Forwarded-Proto is the client's word, and ignored.
  assert.deepEqual((await head(p, { 'X-Forwarded-Proto': 'https' })).canonical, [`${ORIGIN}${p}`]);
  // A Host header that is no host name is written nowhere: the page keeps its description, no absolute address.
  const odd = await head(p, { Host: 'evil"><script>' });
  assert.deepEqual(odd.canonical, []);
  assert.deepEqual(odd.properties, []);
  assert.equal(odd.meta('description'), DESCRIPTION_TEXT);
  assert.doesNotMatch(odd.raw, /evil/);
});

test('baseUrl, when set, is every absolute address, whatever the Host', async () => {
  const other = await makeApp({ overrides: { baseUrl: 'https://media.example.org/' } });
  try {
    const m = await other.store.media.create(mediaInput({ slug: 'affiche', title: 'Affiche', variants: { large: { file: 'x/large.jpg', mime: 'image/jpeg', size: 1, width: 800, height: 600 } } }));
    const res = await request(other.app).get('/media/1/affiche').set({ Accept: 'text/html', Host: 'evil.example', 'X-Forwarded-Proto': 'http' }).expect(200);
    const h = headOf(res.text);
    assert.deepEqual(h.canonical, [`https://media.example.org/media/${m.id}/affiche`]);
    assert.equal(h.og('og:url'), `https://media.example.org/media/${m.id}/affiche`);
    assert.equal(h.og('og:image'), `https://media.example.org/files/${m.id}/large`);
    assert.doesNotMatch(h.raw, /evil\.example/);
  } finally {
    await other.close();
  }
});

test('behind a trusted proxy, the scheme comes from X-Forwarded-Proto', async () => {
  const other = await makeApp({ overrides: { trustProxy: true } });
  try {
    await other.store.media.create(mediaInput({ slug: 'affiche', title: 'Affiche' }));
    const at = async (proto: string) => headOf((await request(other.app).get('/media/1/affiche').set({ Accept: 'text/html', Host: HOST, 'X-Forwarded-Proto': proto }).expect(200)).text);
    assert.deepEqual((await at('https')).canonical, [`https://${HOST}/media/1/affiche`]);
    assert.deepEqual((await at('http')).canonical, [`http://${HOST}/media/1/affiche`]);
    assert.equal((await at('https')).og('og:url'), `https://${HOST}/media/1/affiche`);
  } finally {
    await other.close();
  }
});

test('behind the intranet, signed-in pages are private: noindex, no card; anonymous visitors are sent to sign in', async () => {
  const toggle = async (action: 'enable' | 'disable') => {
    const token = await tokenOf(admin, '/admin/plugins');
    assert.equal((await admin.post(`/admin/plugins/intranet/${action}`).type('form').send({ _csrf: token })).status, 303);
  };
  await toggle('enable');
  try {
    const p = pagePath(media.photo);
    assert.equal((await get(p).expect(302)).headers.location, `/login?return=${encodeURIComponent(p)}`);
    for (const path of [p, '/', '/sectors/spectacles']) {
      const h = await head(path, {}, admin);
      assert.equal(h.meta('robots'), 'noindex', path);
      assert.deepEqual(h.properties, [], path);
      assert.deepEqual(h.canonical, [], path);
    }
  } finally {
    await toggle('disable');
  }
  assert.equal((await head(pagePath(media.photo), {}, admin)).meta('robots'), undefined, 'public again once it is off');
});

test('a long description is read once while remembered, to the same text; the cache keeps at most its size, the least recently used going first', () => {
  const long = (n: number) => `# Carnaval ${n}\n\n${'Les **Gilles** de [Binche](https://example.org) dansent. '.repeat(200)}`;
  const read: string[] = [];
  const cached = createDescriptionCache(2, (md) => {
    read.push(md.slice(0, 12));
    return describe(md);
  });
  assert.equal(cached(long(1)), describe(long(1)));
  assert.match(cached(long(1)), /^Carnaval 1 Les Gilles de Binche dansent\. .*…$/);
  assert.equal(cached(long(2)), describe(long(2)));
  assert.equal(cached(long(1)), describe(long(1)));
  assert.deepEqual(read, ['# Carnaval 1', '# Carnaval 2'], 'each text read once');
  cached(long(3)); // the third pushes out the least recently used: the second
  cached(long(1));
  cached(long(2));
  assert.deepEqual(read, ['# Carnaval 1', '# Carnaval 2', '# Carnaval 3', '# Carnaval 2']);
  // An edited description is another text: never the old answer.
  assert.match(cached(`${long(1)} Et la suite.`), /^Carnaval 1/);
  assert.equal(read.length, 5);
});
