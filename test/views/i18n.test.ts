import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, addUser, signIn, type TestApp } from '../helpers/app.ts';
import { mediaRecord } from '../helpers/media-records.ts';
import { LANG_COOKIE } from '../../core/http/context.ts';
import { skeletonDefaults } from '../../core/settings/skeleton.ts';

let t: TestApp;
before(async () => {
  t = await makeApp();
});
after(() => t.close());

const home = (agent: ReturnType<typeof request.agent> | ReturnType<typeof request>, url = '/', lang?: string) => {
  const req = agent.get(url).set('Accept', 'text/html');
  return lang ? req.set('Accept-Language', lang) : req;
};
const isFrench = (res: request.Response) => res.headers['content-language'] === 'fr' && /<html lang="fr">/.test(res.text) && />Accueil</.test(res.text);
const isEnglish = (res: request.Response) => res.headers['content-language'] === 'en' && /<html lang="en">/.test(res.text) && />Home</.test(res.text);

test('?lang=fr switches the page to French and a cookie remembers it', async () => {
  const agent = request.agent(t.app);
  assert.ok(isEnglish(await home(agent)));
  const switched = await home(agent, '/?lang=fr');
  assert.ok(isFrench(switched));
  const cookie = ([] as string[]).concat(switched.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${LANG_COOKIE}=fr`));
  assert.ok(cookie, 'language cookie set');
  assert.match(cookie, /HttpOnly/i);
  // Later pages, without the parameter and against the browser's preference, stay French.
  assert.ok(isFrench(await home(agent, '/login', 'en')));
  assert.ok(isEnglish(await home(agent, '/?lang=en')));
  assert.ok(isEnglish(await home(agent, '/')));
  // An unknown language is ignored.
  assert.ok(isEnglish(await home(agent, '/?lang=xx')));
});

test('?lang= is understood however its name is escaped, and an escaped value elsewhere changes nothing', async () => {
  assert.ok(isFrench(await home(request(t.app), '/search?q=r%C3%A9gate&l%61ng=fr')));
  assert.ok(isFrench(await home(request(t.app), '/?%6Cang=fr')));
  assert.ok(isEnglish(await home(request(t.app), '/search?q=l%61ng%3Dfr&type=image')));
  assert.ok(isEnglish(await home(request(t.app), '/search?q=%C3%A9t%C3%A9')));
});

test('a visitor who never chose gets the best match of Accept-Language, else the site language', async () => {
  assert.ok(isFrench(await home(request(t.app), '/', 'fr-CA,fr;q=0.9,en;q=0.5')));
  assert.ok(isEnglish(await home(request(t.app), '/', 'de-DE,de;q=0.9,en;q=0.4,fr;q=0.2')));
  assert.ok(isFrench(await home(request(t.app), '/', 'de, fr;q=0.5')));
  assert.ok(isEnglish(await home(request(t.app), '/', 'de')));
  assert.ok(isEnglish(await home(request(t.app), '/')));
});

test('when visitors may not choose, every page is in the site language', async (tc) => {
  const s = await makeApp();
  tc.after(() => s.close());
  await s.store.settings.set('skeleton', { ...skeletonDefaults, language: 'fr', visitorsMayChooseLanguage: false });
  const agent = request.agent(s.app);
  const res = await home(agent, '/?lang=en', 'en');
  assert.ok(isFrench(res));
  assert.equal(([] as string[]).concat(res.headers['set-cookie'] ?? []).some((c) => c.startsWith(LANG_COOKIE)), false);
  assert.ok(isFrench(await home(request(s.app), '/', 'en-GB,en')));
  // With choice allowed, a visitor without preference gets the site's language.
  await s.store.settings.set('skeleton', { ...skeletonDefaults, language: 'fr', visitorsMayChooseLanguage: true });
  assert.ok(isFrench(await home(request(s.app), '/', 'de')));
  assert.ok(isEnglish(await home(request(s.app), '/?lang=en')));
});

test('error pages speak the visitor\'s language', async () => {
  const res = await home(request(t.app), '/nowhere?lang=fr');
  assert.equal(res.status, 404);
  assert.match(res.text, /Page introuvable/);
  assert.match(res.text, /Il n’y a rien à cette adresse/);
});

test('the language links keep the page and its query, drop any lang parameter, and stay on this site', async () => {
  const links = (html: string) => [...html.matchAll(/<a href="([^"]*)" hreflang="(\w+)"/g)].map((m) => [m[2], m[1]!.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&')]);
  const page = await home(request(t.app), '/search?q=a+b%26c&lang=fr&l%61ng=en&type=image');
  assert.deepEqual(links(page.text), [
    ['en', '/search?q=a+b%26c&type=image&lang=en'],
    ['fr', '/search?q=a+b%26c&type=image&lang=fr'],
  ]);
  // A path that a browser would read as another host keeps only its path part.
  const other = await home(request(t.app), '//evil.example/nowhere?x=1');
  assert.equal(links(other.text).length, 2);
  for (const [, href] of links(other.text)) assert.match(href!, /^\/nowhere\?x=1&lang=(en|fr)$/);
});

test('a visitor who chose French with ?lang=fr pages through every listing in French: the cookie carries it, not the page links', async (tc) => {
  const s = await makeApp();
  tc.after(() => s.close());
  const ada = await addUser(s, 'ada', 'admin');
  const photos = await s.store.sectors.create({ slug: 'photos', title: 'Photos', description: '', order: 0, visible: true, display: 'grid', defaultSort: 'date' });
  const kws = s.app.kiosque.keywords;
  const masques = await kws.create((await kws.group('tags'))!.id, 'Masques');
  // More than the admin list's 50 per page; the public lists show 24.
  for (let i = 0; i < 51; i++) {
    await s.store.media.create(mediaRecord({ slug: `m${i}`, title: `Masque ${i}`, sectorId: photos.id, keywordIds: [masques.id], authorId: ada.id, publishedAt: new Date(Date.UTC(2025, 0, i + 1)).toISOString() }));
  }
  await s.app.kiosque.search.reindex();

  // One Host, so the page cache (keyed by it) serves the second visitor what the first one got.
  const get = (agent: ReturnType<typeof request.agent> | ReturnType<typeof request>, url: string) => agent.get(url).set({ Accept: 'text/html', 'Accept-Language': 'en', Host: 'kiosque.example' }).expect(200);
  const inLang = (res: request.Response, lang: 'en' | 'fr', page: number, url: string) => {
    assert.equal(res.headers['content-language'], lang, url);
    assert.match(res.text, new RegExp(`<html lang="${lang}">`), url);
    assert.match(res.text, lang === 'fr' ? new RegExp(`Page ${page} sur \\d`) : new RegExp(`Page ${page} of \\d`), url);
  };
  const nextOf = (res: request.Response, url: string) => {
    const m = /<a (?:rel="next" href="([^"]+)"|href="([^"]+)" rel="next")>/.exec(res.text);
    assert.ok(m, `a next link on ${url}`);
    const href = (m[1] ?? m[2]!).replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
    const next = new URL(href, `http://kiosque.example${url}`);
    return next.pathname + next.search;
  };
  const listings = ['/sectors/photos', '/keywords/tags/masques', '/authors/ada', '/search?type=image'];
  for (const listing of listings) {
    const chosen = `${listing}${listing.includes('?') ? '&' : '?'}lang=fr`;
    // Someone else's visit first: the page the chooser gets comes from the page cache, and must still set the cookie.
    await get(request(s.app), chosen);
    const visitor = request.agent(s.app);
    const first = await get(visitor, chosen);
    assert.equal(first.headers['x-page-cache'], 'hit', chosen);
    inLang(first, 'fr', 1, chosen);
    const second = nextOf(first, chosen);
    inLang(await get(visitor, second), 'fr', 2, second);
    // The same page 2 for a visitor who chose nothing is in their browser's language, not the cached French.
    inLang(await get(request(s.app), second), 'en', 2, second);
    inLang(await get(visitor, second), 'fr', 2, second);
  }

  // The admin's lists too: a signed-in admin who switched keeps French on the next page.
  const admin = await signIn(s, 'ada');
  const list = await get(admin, '/admin/media?lang=fr');
  inLang(list, 'fr', 1, '/admin/media');
  const next = nextOf(list, '/admin/media');
  inLang(await get(admin, next), 'fr', 2, next);
});
