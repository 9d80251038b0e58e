import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import express from 'express';
import { makeApp, addUser, signIn, type TestApp } from '../helpers/app.ts';
import { sampleMedia } from '../helpers/media.ts';
import { createPageCache, type PageCache } from '../../core/http/page-cache.ts';

let t: TestApp;
let denyAnonymous = false;
before(async () => {
  t = await makeApp();
  await addUser(t, 'alice', 'editor');
  // Registered once, before any page is cached; flipping the flag changes no hook version, so the
  // only thing standing between a denied visitor and a cached page is the gate running first.
  t.app.kiosque.hooks.filter('access', (decision, ...args) => {
    const a = args[0] as { user: unknown; path: string };
    return denyAnonymous && !a.user && a.path === '/' ? { allow: false, reason: 'test denies anonymous' } : decision;
  }, { owner: 'test' });
});
after(() => t.close());

// One Host, as a browser sends: supertest listens on a new port for each request, and the Host
// header (port included) is part of the cache key.
const page = (path = '/', host = 'kiosque.test') => request(t.app).get(path).set('Accept', 'text/html').set('Host', host);
const cookiesOf = (res: request.Response) => ([] as string[]).concat(res.headers['set-cookie'] ?? []);

/** An app with only the page cache in front of its routes, as an anonymous English visitor meets it. */
function cacheOnlyApp(cache: PageCache) {
  const app = express();
  app.use((req, res, next) => {
    req.cookies = {};
    res.locals.site = { lang: 'en', theme: 'default', skeleton: { visitorsMayChooseLanguage: false } };
    next();
  });
  app.use(cache.middleware);
  return app;
}

test('a second anonymous request is served from the cache with the same HTML and headers', async () => {
  t.app.kiosque.pageCache.bump();
  const first = await page().expect(200);
  const second = await page().expect(200);
  assert.equal(first.headers['x-page-cache'], 'miss');
  assert.equal(second.headers['x-page-cache'], 'hit');
  assert.equal(second.text, first.text);
  assert.match(second.headers['content-type'] ?? '', /^text\/html/);
  assert.equal(second.headers['content-language'], 'en');
  assert.match(second.headers['vary'] ?? '', /Cookie/);
  assert.match(second.headers['vary'] ?? '', /Accept-Language/);
  assert.ok(second.headers['content-security-policy'], 'helmet headers still apply to cached pages');
  assert.equal(second.headers['etag'], first.headers['etag']);
  await page().set('If-None-Match', String(first.headers['etag'])).expect(304);
});

test('each Host has its own copy: a forged Host never fills the page that visitors of the real one get', async () => {
  t.app.kiosque.pageCache.bump();
  assert.equal((await page('/?hosts', 'evil.example').expect(200)).headers['x-page-cache'], 'miss');
  assert.equal((await page('/?hosts', 'kiosque.test').expect(200)).headers['x-page-cache'], 'miss');
  assert.equal((await page('/?hosts', 'kiosque.test').expect(200)).headers['x-page-cache'], 'hit');
  assert.equal((await page('/?hosts', 'kiosque.test:8080').expect(200)).headers['x-page-cache'], 'miss', 'the port is part of the host');
});

test('the scheme is part of the key too: behind a trusted proxy, a page made for http never answers https', async () => {
  // Pages write absolute links from the scheme and host (the media page's embed code and oEmbed links).
  const cache = createPageCache({ enabled: true, sessionCookie: 'sid', versions: () => '' });
  const app = cacheOnlyApp(cache);
  app.set('trust proxy', true);
  app.get('/', (req, res) => void res.type('html').send(`<p>${req.protocol}://${req.get('host')}/embed/1</p>`));
  const get = (proto: string) => request(app).get('/').set('Accept', 'text/html').set('Host', 'kiosque.test').set('X-Forwarded-Proto', proto).expect(200);
  assert.equal((await get('http')).text, '<p>http://kiosque.test/embed/1</p>');
  const secure = await get('https');
  assert.equal(secure.text, '<p>https://kiosque.test/embed/1</p>');
  assert.equal(secure.headers['x-page-cache'], 'miss');
  assert.equal((await get('https')).headers['x-page-cache'], 'hit');
});

test('a cache hit sends every header the miss sent, with the same values', async () => {
  t.app.kiosque.pageCache.bump();
  const miss = await page('/?headers').set('Accept-Language', 'fr').expect(200);
  const hit = await page('/?headers').set('Accept-Language', 'fr').expect(200);
  assert.equal(miss.headers['x-page-cache'], 'miss');
  assert.equal(hit.headers['x-page-cache'], 'hit');
  const perResponse = new Set(['date', 'x-request-id', 'x-page-cache']);
  const keep = (h: Record<string, unknown>) => Object.fromEntries(Object.entries(h).filter(([k]) => !perResponse.has(k)));
  assert.deepEqual(keep(hit.headers), keep(miss.headers));
  assert.notEqual(hit.headers['x-request-id'], miss.headers['x-request-id'], 'every request gets its own id');
});

test('a cached page is logged at debug level, a rendered one at info', async () => {
  const completed = () => t.logs.filter((l) => l.msg === 'request completed').length;
  t.app.kiosque.pageCache.bump();
  const before = completed();
  await page('/?logged').expect(200);
  await new Promise((r) => setImmediate(r));
  assert.equal(completed(), before + 1, 'the miss is logged');
  assert.equal((await page('/?logged')).headers['x-page-cache'], 'hit');
  await new Promise((r) => setImmediate(r));
  assert.equal(completed(), before + 1, 'the hit is not logged at info');
});

test('the language is part of the key: French and English visitors get their own page', async () => {
  const en = await page().set('Accept-Language', 'en').expect(200);
  const fr = await page().set('Accept-Language', 'fr').expect(200);
  assert.equal(fr.headers['content-language'], 'fr');
  assert.equal(en.headers['content-language'], 'en');
  assert.notEqual(fr.text, en.text);
  const frAgain = await page().set('Accept-Language', 'fr').expect(200);
  assert.equal(frAgain.headers['x-page-cache'], 'hit');
  assert.equal(frAgain.text, fr.text);
});

test('a settings change made through the store invalidates the cache', async () => {
  await page();
  assert.equal((await page()).headers['x-page-cache'], 'hit');
  await t.store.settings.set('skeleton', { siteName: 'Médiathèque du Port' });
  const after = await page().expect(200);
  assert.equal(after.headers['x-page-cache'], 'miss');
  assert.match(after.text, /Médiathèque du Port/);
  assert.equal((await page()).headers['x-page-cache'], 'hit');
});

test('a slot added by a plugin (as on enable) invalidates the cache', async () => {
  await page();
  const undo = t.app.kiosque.slots.add('home', 'test', '<p class="from-test-plugin">hello</p>');
  const withSlot = await page().expect(200);
  assert.equal(withSlot.headers['x-page-cache'], 'miss');
  assert.match(withSlot.text, /from-test-plugin/);
  undo();
  const without = await page().expect(200);
  assert.doesNotMatch(without.text, /from-test-plugin/);
});

test('anonymous page views set no cookie and hold no session', async () => {
  for (const path of ['/', '/', '/robots.txt', '/no-such-page']) {
    const res = await page(path);
    assert.deepEqual(cookiesOf(res), [], `${path} set a cookie`);
  }
});

test('a signed-in user never gets the cached anonymous page and never fills the cache', async () => {
  t.app.kiosque.pageCache.bump();
  const anonymous = await page().expect(200);
  const agent = await signIn(t, 'alice');
  // Signing in wrote to the store (last login), which bumped the cache: fill it again.
  await page();
  const before = t.app.kiosque.pageCache.stats();
  const mine = await agent.get('/').set('Accept', 'text/html').expect(200);
  assert.equal(mine.headers['x-page-cache'], undefined);
  assert.match(mine.text, /action="\/logout"/);
  assert.doesNotMatch(anonymous.text, /action="\/logout"/);
  await agent.get('/?signed-in-only').set('Accept', 'text/html').expect(200);
  const afterStats = t.app.kiosque.pageCache.stats();
  assert.equal(afterStats.entries, before.entries);
  assert.equal(afterStats.misses, before.misses);
  // And the anonymous page is still the anonymous one.
  const again = await page().expect(200);
  assert.equal(again.headers['x-page-cache'], 'hit');
  assert.doesNotMatch(again.text, /action="\/logout"/);
});

test('pages holding a CSRF token (login) are never cached', async () => {
  const a = await page('/login').expect(200);
  const b = await page('/login').expect(200);
  assert.notEqual(a.headers['x-page-cache'], 'hit');
  assert.notEqual(b.headers['x-page-cache'], 'hit');
  assert.ok(cookiesOf(b).length > 0, 'the login page keeps its session (CSRF token)');
});

test('the access gate decides before the cache: a denied visitor never gets the cached page', async () => {
  denyAnonymous = false;
  await page();
  assert.equal((await page()).headers['x-page-cache'], 'hit');
  denyAnonymous = true;
  try {
    const html = await page();
    assert.equal(html.status, 302);
    assert.match(String(html.headers.location), /^\/login/);
    assert.equal(html.headers['x-page-cache'], undefined);
    const other = await request(t.app).get('/').set('Accept', 'application/json');
    assert.equal(other.status, 401);
    assert.equal(other.text, '');
  } finally {
    denyAnonymous = false;
  }
  assert.equal((await page()).headers['x-page-cache'], 'hit');
});

const published = (title: string) => sampleMedia(title, { status: 'published', publishedAt: new Date().toISOString() });

test('search pages are kept per query for visitors, and a new media shows at once', async () => {
  t.app.kiosque.pageCache.bump();
  const q = '/search?q=cormoran';
  const first = await page(q).expect(200);
  assert.equal(first.headers['x-page-cache'], 'miss');
  assert.equal(first.headers['cache-control'], 'no-cache', 'shared caches may keep it but must ask again');
  assert.doesNotMatch(first.text, /Cormoran du port/);
  assert.equal((await page(q)).headers['x-page-cache'], 'hit');
  assert.equal((await page(`${q}&type=image`)).headers['x-page-cache'], 'miss', 'another query is another page');
  const m = await t.store.media.create(published('Cormoran du port'));
  t.app.kiosque.search.upsert(m);
  const after = await page(q).expect(200);
  assert.equal(after.headers['x-page-cache'], 'miss');
  assert.match(after.text, /Cormoran du port/);
  assert.equal(t.app.kiosque.pageCache.stats().byClass.search?.entries, 1);
});

test('a search page served from the cache says no-cache as its render did: shared caches ask again for every query', async () => {
  t.app.kiosque.pageCache.bump();
  const miss = await page('/search?q=goeland').expect(200);
  const hit = await page('/search?q=goeland').expect(200);
  assert.equal(miss.headers['x-page-cache'], 'miss');
  assert.equal(hit.headers['x-page-cache'], 'hit');
  assert.equal(hit.headers['cache-control'], 'no-cache');
  const perResponse = new Set(['date', 'x-request-id', 'x-page-cache']);
  const keep = (h: Record<string, unknown>) => Object.fromEntries(Object.entries(h).filter(([k]) => !perResponse.has(k)));
  assert.deepEqual(keep(hit.headers), keep(miss.headers));
});

test('a search page rendered before the index caught up with a store write is not served after it did', async () => {
  const q = '/search?q=grebe';
  const m = await t.store.media.create(published('Grèbe huppé'));
  // The store write is done, the index does not know the media yet (as between the two in a service).
  const stale = await page(q).expect(200);
  assert.doesNotMatch(stale.text, /Grèbe huppé/);
  assert.equal((await page(q)).headers['x-page-cache'], 'hit');
  t.app.kiosque.search.upsert(m);
  const fresh = await page(q).expect(200);
  assert.equal(fresh.headers['x-page-cache'], 'miss');
  assert.match(fresh.text, /Grèbe huppé/);
});

test("a signed-in user's search page is private and never kept", async () => {
  const agent = await signIn(t, 'alice');
  const before = t.app.kiosque.pageCache.stats();
  const res = await agent.get('/search?q=signed-in-search').set('Accept', 'text/html').expect(200);
  assert.equal(res.headers['cache-control'], 'private, no-cache');
  assert.equal(res.headers['x-page-cache'], undefined);
  assert.equal(t.app.kiosque.pageCache.stats().entries, before.entries);
});

test('pages of a class evict only each other: a flood of queries leaves the other pages cached', async () => {
  const cache = createPageCache({ enabled: true, sessionCookie: 'sid', maxEntries: 10, classes: { search: { maxEntries: 2, maxBytes: 1024 * 1024 } }, versions: () => '' });
  const app = cacheOnlyApp(cache);
  app.get('/', (_req, res) => void res.type('html').send('<p>home</p>'));
  app.get('/search', (req, res) => {
    res.locals.pageCacheClass = 'search';
    res.type('html').send(`<p>${String(req.query.q)}</p>`);
  });
  app.get('/odd', (_req, res) => {
    res.locals.pageCacheClass = 'no-such-class';
    res.type('html').send('<p>odd</p>');
  });
  const get = async (p: string) => (await request(app).get(p).set('Accept', 'text/html').set('Host', 'kiosque.test').expect(200)).headers['x-page-cache'];
  await get('/');
  for (const q of ['a', 'b', 'c', 'd']) await get(`/search?q=${q}`);
  assert.equal(await get('/'), 'hit', 'the homepage survived four search pages');
  assert.equal(await get('/search?q=d'), 'hit');
  assert.equal(await get('/search?q=c'), 'hit');
  assert.equal(await get('/search?q=a'), 'miss', 'the oldest search page made room');
  await get('/odd');
  assert.equal(await get('/odd'), 'miss', 'a page of an unknown class is not kept');
  const stats = cache.stats();
  assert.deepEqual(stats.byClass, { search: { entries: 2, bytes: stats.byClass.search!.bytes }, pages: { entries: 1, bytes: '<p>home</p>'.length } });
});

test('visitors opening a page while it is being rendered wait for that render and share it: one render, not one each', async () => {
  let renders = 0;
  // Registered before the bump, so its hook version is part of the token the pages are kept under.
  const undo = t.app.kiosque.hooks.filter('page.context', async (context, meta) => {
    if ((meta as { template: string }).template === 'home') {
      renders++;
      // A render long enough for the other requests to arrive while it runs (a homepage at 100,000 media takes tens of ms).
      await new Promise((resolve) => setTimeout(resolve, 80));
    }
    return context;
  }, { owner: 'test' });
  try {
    t.app.kiosque.pageCache.bump();
    const before = t.app.kiosque.pageCache.stats();
    const all = await Promise.all(Array.from({ length: 5 }, () => page('/?together').expect(200)));
    assert.equal(renders, 1, 'rendered once for five visitors');
    assert.deepEqual(all.map((r) => r.headers['x-page-cache']).sort(), ['miss', 'shared', 'shared', 'shared', 'shared']);
    for (const r of all) {
      assert.equal(r.text, all[0]!.text);
      assert.equal(r.headers['etag'], all[0]!.headers['etag']);
      assert.match(r.headers['content-type'] ?? '', /^text\/html; charset=utf-8/);
      assert.ok(r.headers['content-security-policy'], 'a shared page still carries the security headers');
    }
    const after = t.app.kiosque.pageCache.stats();
    assert.equal(after.shared - before.shared, 4);
    assert.equal(after.misses - before.misses, 1);
    assert.equal((await page('/?together').expect(200)).headers['x-page-cache'], 'hit', 'and it was kept');
  } finally {
    undo();
  }
});

test('a render that keeps nothing, or began before an invalidation, sends its waiters on to render their own page', async () => {
  const cache = createPageCache({ enabled: true, sessionCookie: 'sid', versions: () => '' });
  const app = cacheOnlyApp(cache);
  let n = 0;
  let onRender: () => void = () => {};
  app.get('/slow', async (req, res) => {
    const mine = ++n;
    onRender();
    await new Promise((resolve) => setTimeout(resolve, 60));
    // The first render sets a cookie when asked: such a page is never kept, nor shared.
    if (mine === 1 && req.query.cookie) res.cookie('pref', 'x');
    res.type('html').send(`<p>render ${mine}</p>`);
  });
  const get = (p: string) => request(app).get(p).set('Accept', 'text/html').set('Host', 'kiosque.test').expect(200);

  const withCookie = await Promise.all([get('/slow?cookie=1'), new Promise((r) => setTimeout(r, 15)).then(() => get('/slow?cookie=1'))]);
  assert.equal(n, 2, 'the waiter rendered its own page');
  assert.deepEqual(withCookie.map((r) => r.text), ['<p>render 1</p>', '<p>render 2</p>']);
  assert.deepEqual(withCookie.map((r) => r.headers['x-page-cache']), ['miss', 'miss']);
  assert.equal(([] as string[]).concat(withCookie[1]!.headers['set-cookie'] ?? []).length, 0, "the first visitor's cookie went to nobody else");

  n = 0;
  onRender = () => {
    // An edit lands while the first render runs (after the second request started waiting).
    if (n === 1) setTimeout(() => cache.bump(), 30);
  };
  const bumped = await Promise.all([get('/slow?bump'), new Promise((r) => setTimeout(r, 15)).then(() => get('/slow?bump'))]);
  assert.deepEqual(bumped.map((r) => r.text), ['<p>render 1</p>', '<p>render 2</p>'], 'the waiter did not get the page from before the edit');
  assert.equal(cache.stats().shared, 0);
});
