import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import express from 'express';
import request from 'supertest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { makeApp, type TestApp } from '../helpers/app.ts';
import { mediaRecord } from '../helpers/media-records.ts';
import { createSitemapRoutes } from '../../core/site/sitemap.ts';
import { createAuthorDirectory } from '../../core/authors/directory.ts';
import type { Media } from '../../core/store/index.ts';

const HOST = { Host: 'kiosque.example' };
let t: TestApp;
const media: Record<string, Media> = {};

/** The <loc> values of a sitemap or sitemap index, read with a real XML parser after checking it is well-formed. */
function locs(xml: string): string[] {
  assert.equal(XMLValidator.validate(xml), true, 'well-formed XML');
  const doc = new XMLParser({ parseTagValue: false }).parse(xml) as { urlset?: { url?: unknown }; sitemapindex?: { sitemap?: unknown } };
  const list = doc.urlset?.url ?? doc.sitemapindex?.sitemap ?? [];
  return (Array.isArray(list) ? list : [list]).map((e) => (e as { loc: string }).loc);
}

before(async () => {
  t = await makeApp();
  const sons = await t.store.sectors.create({ slug: 'sons', title: 'Sons', description: '', order: 0, visible: true, display: 'grid', defaultSort: 'date' });
  await t.store.sectors.create({ slug: 'coulisses', title: 'Coulisses', description: '', order: 1, visible: false, display: 'grid', defaultSort: 'date' });
  const tags = (await t.store.keywordGroups.list()).find((g) => g.slug === 'tags')!;
  const masques = await t.store.keywords.create({ groupId: tags.id, slug: 'masques', title: 'Masques', description: '' });
  const vide = await t.store.keywords.create({ groupId: tags.id, slug: 'vide', title: 'Vide', description: '' });
  const day = (n: number) => new Date(Date.UTC(2025, 0, n)).toISOString();
  const add = async (key: string, o: Partial<Media>) => (media[key] = await t.store.media.create(mediaRecord({ slug: key, title: key, ...o })));
  await add('un', { sectorId: sons.id, publishedAt: day(1), updatedAt: '2025-03-04T10:00:00.000Z', keywordIds: [masques.id] });
  await add('deux', { publishedAt: day(2) });
  await add('trois', { publishedAt: day(3) });
  await add('brouillon', { status: 'draft', publishedAt: null, keywordIds: [vide.id] });
  await t.app.kiosque.search.reindex();
});
after(() => t.close());

test('the sitemap index names the pages sitemap and the media sitemaps; robots.txt names the index', async () => {
  const res = await request(t.app).get('/sitemap.xml').set(HOST).expect(200);
  assert.match(String(res.headers['content-type']), /^application\/xml; charset=utf-8/);
  assert.deepEqual(locs(res.text), ['http://kiosque.example/sitemap-pages.xml', 'http://kiosque.example/sitemap-media-1.xml']);
  const robots = await request(t.app).get('/robots.txt').set(HOST).expect(200);
  assert.match(robots.text, /^Sitemap: http:\/\/kiosque\.example\/sitemap\.xml$/m);
  assert.match(robots.text, /^Disallow: \/admin$/m);
});

test('the pages sitemap lists the homepage, visible sectors and keywords that have published media', async () => {
  const res = await request(t.app).get('/sitemap-pages.xml').set(HOST).expect(200);
  assert.deepEqual(locs(res.text), ['http://kiosque.example/', 'http://kiosque.example/sectors/sons', 'http://kiosque.example/keywords/tags/masques']);
});

test('the media sitemap lists published media pages, oldest first, with their last change; never drafts', async () => {
  const res = await request(t.app).get('/sitemap-media-1.xml').set(HOST).expect(200);
  assert.deepEqual(locs(res.text), ['un', 'deux', 'trois'].map((k) => `http://kiosque.example/media/${media[k]!.id}`));
  assert.match(res.text, new RegExp(`<loc>http://kiosque.example/media/${media.un!.id}</loc><lastmod>2025-03-04</lastmod>`));
  assert.doesNotMatch(res.text, new RegExp(`/media/${media.brouillon!.id}<`));
  assert.equal(res.headers['cache-control'], 'public, max-age=3600');
  await request(t.app).get('/sitemap-media-2.xml').set(HOST).expect(404);
  await request(t.app).get('/sitemap-media-0.xml').set(HOST).expect(404);
  await request(t.app).get('/sitemap-media-x.xml').set(HOST).expect(404);
});

test('media sitemaps are split into files of a fixed size, each page of media in one file', async () => {
  const app = express();
  app.use((_req, res, next) => {
    res.locals.site = { lang: 'en' };
    next();
  });
  const authors = createAuthorDirectory({ store: t.store, search: t.app.kiosque.search });
  app.use(createSitemapRoutes({ store: t.store, search: t.app.kiosque.search, authors, i18n: t.app.kiosque.i18n, baseUrl: 'https://media.example.org/', urlsPerFile: 2 }));
  assert.deepEqual(locs((await request(app).get('/sitemap.xml').expect(200)).text), ['https://media.example.org/sitemap-pages.xml', 'https://media.example.org/sitemap-media-1.xml', 'https://media.example.org/sitemap-media-2.xml']);
  assert.deepEqual(locs((await request(app).get('/sitemap-media-2.xml').expect(200)).text), [`https://media.example.org/media/${media.trois!.id}`]);
  await request(app).get('/sitemap-media-3.xml').expect(404);
});

test('a Host header that is not a host name gets a 400; with the intranet on, crawlers get 401 and robots.txt disallows everything', async (tc) => {
  const res = await request(t.app).get('/sitemap.xml').set('Host', 'a b');
  assert.equal(res.status, 400);
  assert.match(res.text, /set baseUrl/);
  const closed = await makeApp();
  tc.after(() => closed.close());
  await closed.app.kiosque.plugins.enable('intranet');
  for (const path of ['/sitemap.xml', '/sitemap-pages.xml', '/sitemap-media-1.xml']) assert.equal((await request(closed.app).get(path)).status, 401, path);
  assert.equal((await request(closed.app).get('/robots.txt')).text, 'User-agent: *\nDisallow: /\n');
});

test('a keyword whose address is not in Latin letters is listed percent-encoded, as the protocol asks of every <loc>', async (tc) => {
  const cities = await t.store.keywordGroups.create({ slug: 'города', title: 'Города', multiple: true, inNavigation: false, order: 1 });
  const moscow = await t.store.keywords.create({ groupId: cities.id, slug: 'москва', title: 'Москва', description: '' });
  const shown = await t.store.media.create(mediaRecord({ slug: 'kremlin', title: 'Kremlin', keywordIds: [moscow.id] }));
  tc.after(async () => {
    await t.store.media.delete(shown.id);
    await t.store.keywords.delete(moscow.id);
    await t.store.keywordGroups.delete(cities.id);
    await t.app.kiosque.search.reindex();
  });
  await t.app.kiosque.search.reindex();
  const listed = locs((await request(t.app).get('/sitemap-pages.xml').set(HOST).expect(200)).text);
  assert.ok(listed.includes('http://kiosque.example/keywords/%D0%B3%D0%BE%D1%80%D0%BE%D0%B4%D0%B0/%D0%BC%D0%BE%D1%81%D0%BA%D0%B2%D0%B0'), listed.join('\n'));
  // The address listed is the keyword's page.
  await request(t.app).get(new URL(listed.find((l) => l.includes('/keywords/%D0'))!).pathname).set(HOST).expect(200);
});
