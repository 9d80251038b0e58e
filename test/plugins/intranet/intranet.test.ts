import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import request from 'supertest';
import { makeApp, addUser, signIn, tokenOf, csrfFrom, tempDir, PASSWORD, type TestApp } from '../../helpers/app.ts';
import { openLowdbStore } from '../../../core/store/index.ts';
import { jpegWithGps, binary } from '../../helpers/media.ts';
import { mediaInput } from '../../search/fixtures.ts';

/**
 * The intranet plugin, toggled in one running app: with it on, an unidentified visitor learns
 * nothing about the content by any request; with it off, the site is public as before.
 */

const SECRET = 'Zanzibar-private-title';
let t: TestApp;
let admin: ReturnType<typeof request.agent>;
let mediaId: string;
let draftId: string;
let publicSectorMedia: string;
let etag: string;

async function toggle(action: 'enable' | 'disable', id = 'intranet') {
  const token = await tokenOf(admin, '/admin/plugins');
  const res = await admin.post(`/admin/plugins/${id}/${action}`).type('form').send({ _csrf: token });
  assert.equal(res.status, 303, res.text);
}

async function saveSettings(values: Record<string, string | string[]>) {
  const token = await tokenOf(admin, '/admin/plugins/intranet/settings');
  return admin.post('/admin/plugins/intranet/settings').type('form').set('Accept', 'text/html').send({ _csrf: token, message: '', publicPaths: '', publicMedia: '', publicSectors: '', allowedAddresses: '', ...values });
}

const anon = () => request(t.app);
const page = (p: string) => anon().get(p).set('Accept', 'text/html');

/** No private title, file name or size in anything an unidentified visitor receives. */
function assertNothingLeaks(res: request.Response, label: string) {
  const text = `${JSON.stringify(res.headers)}\n${res.text ?? ''}\n${res.body instanceof Buffer ? res.body.toString('latin1') : JSON.stringify(res.body ?? '')}`;
  assert.ok(!text.includes(SECRET), `${label}: leaks the title`);
  assert.ok(!text.includes('holiday-photo'), `${label}: leaks the file name`);
}

before(async () => {
  t = await makeApp();
  await addUser(t, 'ada', 'admin');
  await addUser(t, 'mia', 'member');
  admin = await signIn(t, 'ada');
  const dir = await tempDir('kiosque-intranet-');
  const file = path.join(dir, 'holiday-photo.jpg');
  await jpegWithGps(file, 800, 600, 1);
  const sector = await t.store.sectors.create({ slug: 'open-sector', title: 'Open sector', description: '', order: 1, visible: true, display: 'grid', defaultSort: 'date' });
  const token = await tokenOf(admin, '/admin');
  const up = async (fields: Record<string, string>) => {
    let req = admin.post('/api/v1/media').set('X-CSRF-Token', token);
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    const res = await req.attach('file', file);
    assert.equal(res.status, 201, res.text);
    return String(res.body.id);
  };
  mediaId = await up({ title: SECRET, status: 'published' });
  draftId = await up({ title: `${SECRET} draft`, status: 'draft' });
  publicSectorMedia = await up({ title: 'In the open sector', status: 'published', sector: 'open-sector' });
  assert.ok(sector.id);
  await t.app.kiosque.media.idle();
  const signedIn = await admin.get(`/files/${mediaId}/thumb`);
  etag = String(signedIn.headers.etag);
  await toggle('enable');
});
after(() => t.close());

test('an HTML page sends an unidentified visitor to the login form with the exact path and query', async () => {
  for (const p of ['/', `/media/${mediaId}`, `/media/${mediaId}?x=1&y=%C3%A9`, '/search?q=zanzibar', '/sectors/open-sector', '/keywords/tags/x', '/nowhere']) {
    const res = await page(p);
    assert.equal(res.status, 302, p);
    const location = new URL(res.headers.location as string, 'http://x');
    assert.equal(location.pathname, '/login', p);
    assert.equal(location.searchParams.get('return'), p, p);
    assertNothingLeaks(res, p);
  }
});

test('an author page is content like any page: the login form for a browser, 401 for its feed; signed in, private', async () => {
  for (const p of ['/authors/ada', '/authors/ADA?page=2']) {
    const res = await page(p);
    assert.equal(res.status, 302, p);
    const location = new URL(res.headers.location as string, 'http://x');
    assert.equal(location.pathname, '/login', p);
    assert.equal(location.searchParams.get('return'), p, p);
    assertNothingLeaks(res, p);
  }
  for (const p of ['/authors/ada/feed', '/authors/ADA/feed']) {
    const res = await anon().get(p).set('Accept', 'application/rss+xml').buffer(true).parse(binary);
    assert.equal(res.status, 401, p);
    assert.equal((res.body as Buffer).length, 0, `${p}: no content`);
    assertNothingLeaks(res, p);
  }
  const member = await signIn(t, 'mia');
  const seen = await member.get('/authors/ada').set('Accept', 'text/html').expect(200);
  assert.match(seen.text, new RegExp(SECRET));
  assert.ok(!seen.text.includes(`${SECRET} draft`), 'drafts stay out, whoever asks');
  assert.equal(seen.headers['cache-control'], 'private, no-store');
  const feed = await member.get('/authors/ada/feed').expect(200);
  assert.equal(feed.headers['cache-control'], 'private, no-store');
  // An extra public path opens it, as any page; drafts stay out.
  assert.equal((await saveSettings({ publicPaths: '/authors/ada' })).status, 303);
  try {
    const opened = await page('/authors/ada').expect(200);
    assert.match(opened.text, new RegExp(SECRET));
    assert.ok(!opened.text.includes(`${SECRET} draft`));
    assert.equal((await anon().get('/authors/ada/feed')).status, 401, 'its feed is another path');
  } finally {
    assert.equal((await saveSettings({})).status, 303);
  }
});

test('everything else answers 401 with no content', async () => {
  const cases: Array<[string, string, string?]> = [
    ['GET', `/files/${mediaId}/original`],
    ['GET', `/files/${mediaId}/thumb`],
    ['GET', `/files/${mediaId}/medium`],
    ['GET', `/files/${mediaId}/large`],
    ['GET', '/api/v1/media'],
    ['GET', `/api/v1/media/${mediaId}`],
    ['GET', '/api/v1/keywords'],
    ['GET', '/api/v1/sectors'],
    ['GET', `/media/${mediaId}`, 'application/json'],
    ['GET', '/search?q=zanzibar', '*/*'],
    ['GET', '/does-not-exist', 'application/json'],
    ['HEAD', `/media/${mediaId}`],
    ['HEAD', '/'],
    ['OPTIONS', `/media/${mediaId}`],
    ['POST', '/api/v1/media'],
    ['PUT', `/api/v1/media/${mediaId}`],
    ['DELETE', `/api/v1/media/${mediaId}`],
    ['PATCH', `/api/v1/media/${mediaId}`],
  ];
  for (const [method, p, accept] of cases) {
    const res = await anon()[method.toLowerCase() as 'get'](p).set('Accept', accept ?? 'text/html').buffer(true).parse(binary);
    assert.equal(res.status, 401, `${method} ${p}`);
    assert.equal(Buffer.isBuffer(res.body) ? res.body.length : 0, 0, `${method} ${p}: no content`);
    assertNothingLeaks(res, `${method} ${p}`);
  }
  // A method Express knows nothing about.
  const made = await anon().options(`/media/${mediaId}`).set('X-HTTP-Method-Override', 'BREW');
  assert.equal(made.status, 401);
});

test('a made-up HTTP method is refused without content', async () => {
  const { createServer } = await import('node:http');
  const server = createServer(t.app).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as { port: number };
  const { request: raw } = await import('node:http');
  const status = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = raw({ host: '127.0.0.1', port, method: 'PURGE', path: `/media/${mediaId}` }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
  server.close();
  assert.equal(status.status, 401);
  assert.equal(status.body, '');
});

test('path variants of a private page all lead to the login form or 401, never to content', async () => {
  const variants = [
    `/MEDIA/${mediaId}`, `/media/${mediaId}/`, `//media/${mediaId}`, `/media//${mediaId}`, `/%6Dedia/${mediaId}`, `/./media/${mediaId}`,
    `/media/${mediaId};x`, `/login/../media/${mediaId}`, `/login%2F..%2Fmedia/${mediaId}`, `/media/${mediaId}?x=/login`, `/assets/..%2f..%2fdata/db/users.json`,
    `/assets/../media/${mediaId}`, `/files/${mediaId}/thumb/`, `/FILES/${mediaId}/THUMB`,
  ];
  for (const v of variants) {
    const res = await anon().get(v).set('Accept', 'text/html');
    assert.ok([302, 401, 400].includes(res.status), `${v}: ${res.status}`);
    if (res.status === 302) assert.match(res.headers.location as string, /^\/login/, v);
    assertNothingLeaks(res, v);
  }
});

test('a slash escaped or a backslash inside a segment does not reach a page as an open path', async () => {
  // Express reads `..%2F..%2Flogin` as the media page's slug, which answers with a redirect naming the media.
  const { createServer, request: raw } = await import('node:http');
  const server = createServer(t.app).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as { port: number };
  try {
    for (const p of [`/media/${mediaId}/..%2F..%2Flogin`, `/media/${mediaId}/..%2f..%2fassets%2fx`, `/media/${mediaId}/..%5C..%5Crobots.txt`, `/media/${mediaId}/..\\..\\login`]) {
      const res = await new Promise<{ status: number; location: string; body: string }>((resolve, reject) => {
        const req = raw({ host: '127.0.0.1', port, path: p, headers: { Accept: 'text/html' } }, (r) => {
          let body = '';
          r.on('data', (c) => (body += c));
          r.on('end', () => resolve({ status: r.statusCode ?? 0, location: String(r.headers.location ?? ''), body }));
        });
        req.on('error', reject);
        req.end();
      });
      assert.equal(res.status, 400, `${p}: ${res.status} ${res.location}`);
      assert.ok(!/zanzibar/i.test(res.location + res.body), `${p}: names the media`);
    }
  } finally {
    server.close();
  }
});

test('a conditional request with an ETag captured while signed in gets no 304 and no content', async () => {
  assert.ok(etag && etag !== 'undefined');
  const res = await anon().get(`/files/${mediaId}/thumb`).set('If-None-Match', etag).buffer(true).parse(binary);
  assert.equal(res.status, 401);
  assert.equal((res.body as Buffer).length, 0);
});

test('spoofed client addresses and hosts do not pass the allowed-address rule', async () => {
  assert.equal((await saveSettings({ allowedAddresses: '10.0.0.0/8\n2001:db8::/32' })).status, 303);
  for (const headers of [{ 'X-Forwarded-For': '10.1.2.3' }, { 'X-Forwarded-For': '127.0.0.1' }, { Forwarded: 'for=10.1.2.3' }, { Host: 'localhost' }, { 'X-Real-IP': '10.1.2.3' }]) {
    const res = await anon().get(`/files/${mediaId}/thumb`).set(headers);
    assert.equal(res.status, 401, JSON.stringify(headers));
  }
  assert.equal((await saveSettings({})).status, 303);
});

test('an allowed client address passes without signing in, with private cache headers', async () => {
  assert.equal((await saveSettings({ allowedAddresses: '127.0.0.0/8\n::1/128' })).status, 303);
  const res = await anon().get(`/files/${mediaId}/thumb`).buffer(true).parse(binary);
  assert.equal(res.status, 200);
  assert.equal(res.headers['cache-control'], 'private, no-store');
  assert.match(String(res.headers.vary), /Cookie/);
  assert.equal((await saveSettings({})).status, 303);
  assert.equal((await anon().get(`/files/${mediaId}/thumb`)).status, 401);
});

test('behind a configured trusted proxy, the forwarded address is the one checked', async () => {
  const proxied = await makeApp({ overrides: { trustProxy: 'loopback' } });
  try {
    await addUser(proxied, 'root', 'admin');
    await proxied.app.kiosque.plugins.enable('intranet');
    await proxied.app.kiosque.plugins.saveSettings('intranet', { message: '', publicPaths: [], publicMedia: [], publicSectors: [], allowedAddresses: ['192.0.2.0/24'] });
    // Allowed, the request reaches the router (a 404 here); denied, the gate answers 401.
    assert.equal((await request(proxied.app).get('/api/v1/nothing').set('X-Forwarded-For', '192.0.2.7')).status, 404);
    assert.equal((await request(proxied.app).get('/api/v1/nothing').set('X-Forwarded-For', '198.51.100.1')).status, 401);
    assert.equal((await request(proxied.app).get('/api/v1/nothing')).status, 401);
  } finally {
    await proxied.close();
  }
});

test('the sign-in page, its assets, favicon and robots.txt stay reachable; robots.txt disallows everything', async () => {
  const login = await page('/login?return=/media/1').expect(200);
  assert.match(login.text, /reserved to identified people/);
  await anon().get('/assets/style.css').expect(200);
  await anon().get('/favicon.ico').expect(200);
  // The logo the sign-in page shows (404 here: this site has none) is not behind the gate.
  assert.equal((await anon().get('/site/logo?v=1').set('Accept', 'image/*')).status, 404);
  // The page offers nothing that would only lead back to it: no feed link, no search box.
  assert.doesNotMatch(login.text, /href="\/feed"|action="\/search"/);
  const robots = await anon().get('/robots.txt').expect(200);
  assert.match(robots.text, /Disallow: \/\s*$/m);
  // No redirect loop: the login page does not send to itself.
  assert.equal(login.status, 200);
});

test('the login page shows the message set in the settings, escaped, in place of the default', async () => {
  assert.equal((await saveSettings({ message: 'Staff only <script>alert(1)</script>' })).status, 303);
  const login = await page('/login').expect(200);
  assert.match(login.text, /Staff only &lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.doesNotMatch(login.text, /reserved to identified people/);
  const fr = await page('/login?lang=en').expect(200);
  assert.match(fr.text, /Staff only/);
  assert.equal((await saveSettings({ message: '' })).status, 303);
  const french = await anon().get('/login?lang=fr').set('Accept', 'text/html').expect(200);
  assert.match(french.text, /réservé aux personnes identifiées/);
});

test('signing in from the redirect lands exactly where the visitor was going', async () => {
  const agent = request.agent(t.app);
  const target = `/media/${mediaId}?from=mail`;
  const first = await agent.get(target).set('Accept', 'text/html');
  assert.equal(first.status, 302);
  const loginPage = await agent.get(first.headers.location as string).set('Accept', 'text/html').expect(200);
  // Handlebars escapes '=' in attribute values as &#x3D;.
  assert.match(loginPage.text, new RegExp(`name="return" value="/media/${mediaId}\\?from(=|&#x3D;)mail"`));
  const res = await agent.post('/login').type('form').send({ username: 'mia', password: PASSWORD, _csrf: csrfFrom(loginPage.text), return: `/media/${mediaId}?from=mail` });
  assert.equal(res.status, 303);
  assert.equal(res.headers.location, target);
  const content = await agent.get(target).set('Accept', 'text/html').redirects(1).expect(200);
  assert.match(content.text, new RegExp(SECRET));
  assert.equal(content.headers['cache-control'], 'private, no-store');
  assert.match(String(content.headers.vary), /Cookie/);
});

test('hostile return values land on a same-origin path, rendered escaped', async () => {
  for (const bad of ['https://evil.example', '//evil.example', '/\\evil.example', '%2F%2Fevil.example', 'javascript:alert(1)', '\t//evil.example', '\n//evil.example']) {
    const agent = request.agent(t.app);
    const loginPage = await agent.get(`/login?return=${encodeURIComponent(bad)}`).set('Accept', 'text/html').expect(200);
    assert.doesNotMatch(loginPage.text, /value="[^"]*evil/);
    const res = await agent.post('/login').type('form').send({ username: 'mia', password: PASSWORD, _csrf: csrfFrom(loginPage.text), return: bad });
    assert.equal(res.status, 303);
    assert.equal(new URL(res.headers.location as string, 'http://site.test').origin, 'http://site.test', bad);
  }
  const escaped = await page('/login?return=/x"><script>alert(1)</script>').expect(200);
  assert.doesNotMatch(escaped.text, /<script>alert/);
});

test('a session that signs out loses access at once', async () => {
  const agent = await signIn(t, 'mia');
  await agent.get(`/files/${mediaId}/thumb`).expect(200);
  const token = await tokenOf(agent, '/');
  await agent.post('/logout').type('form').send({ _csrf: token }).expect(303);
  assert.equal((await agent.get(`/files/${mediaId}/thumb`)).status, 401);
  assert.equal((await agent.get(`/media/${mediaId}`).set('Accept', 'text/html')).status, 302);
});

test('a route registered by another plugin is covered by the gate', async () => {
  await toggle('enable', 'hello');
  try {
    assert.equal((await anon().get('/plugins/hello/')).status, 401);
    assert.equal((await page('/plugins/hello/')).status, 302);
    await admin.get('/plugins/hello/').expect(200);
  } finally {
    await toggle('disable', 'hello');
  }
});

test('extra public paths are matched on the normalised path, never as substrings', async () => {
  const media = (await t.store.media.get(mediaId))!;
  const canonical = `/media/${mediaId}/${media.slug}`;
  assert.equal((await saveSettings({ publicPaths: `${canonical}\n/plugins/hello/*` })).status, 303);
  await page(canonical).expect(200);
  await page(canonical.toUpperCase()).expect((res) => assert.notEqual(res.status, 302));
  await page(`${canonical}/`).expect(200);
  // The gate reads this spelling as the public path (the router itself may not route it).
  assert.notEqual((await page(`/media//${mediaId}/./${media.slug}`)).status, 302);
  assert.equal((await page(`${canonical}-2`)).status, 302);
  assert.equal((await page(`/media/${draftId}?x=${canonical}`)).status, 302);
  // Dot segments are refused outright: never resolved onto the draft, nor read as the public path.
  assert.equal((await page(`${canonical}/../../${draftId}`)).status, 400);
  assert.equal((await page('/plugins/hello')).status, 302, '/x/* covers what is under /x/, not /x itself');
  assert.equal((await saveSettings({})).status, 303);
  assert.equal((await page(canonical)).status, 302);
});

test('published media and sectors made public are reachable, drafts never', async () => {
  assert.equal((await saveSettings({ publicMedia: `${mediaId}\n${draftId}`, publicSectors: 'open-sector' })).status, 303);
  const open = await page(`/media/${mediaId}`).redirects(1).expect(200);
  // Its author is named, but their page (all their media) stays closed: no link to it.
  assert.match(open.text, /<dt>Author<\/dt><dd>ada<\/dd>/);
  assert.doesNotMatch(open.text, /href="\/authors\//);
  assert.equal((await page('/authors/ada')).status, 302);
  await anon().get(`/files/${mediaId}/thumb`).expect(200);
  // Its embed page opens with it; a private media's stays closed.
  await page(`/embed/${mediaId}`).expect(200);
  assert.equal((await page(`/embed/${draftId}`)).status, 302);
  const draftPage = await page(`/media/${draftId}`);
  assert.equal(draftPage.status, 302, 'a draft listed as public stays closed');
  assert.match(String(draftPage.headers.location), /^\/login/);
  assert.equal((await anon().get(`/files/${draftId}/thumb`)).status, 401);
  await page(`/media/${publicSectorMedia}`).redirects(1).expect(200);
  await anon().get(`/files/${publicSectorMedia}/medium`).expect(200);
  // The public sector's feed opens with it; the site's feed stays closed.
  const feed = await anon().get('/sectors/open-sector/feed').set('Accept', 'application/rss+xml').expect(200);
  assert.match(feed.text, /In the open sector/);
  assert.doesNotMatch(feed.text, new RegExp(SECRET));
  assert.equal((await anon().get('/feed').set('Accept', 'application/rss+xml')).status, 401);
  assert.equal((await saveSettings({})).status, 303);
  assert.equal((await anon().get('/sectors/open-sector/feed').set('Accept', 'application/rss+xml')).status, 401);
  assert.equal((await anon().get(`/files/${mediaId}/thumb`)).status, 401);
  assert.equal((await page(`/embed/${mediaId}`)).status, 302);
  assert.equal((await page(`/media/${publicSectorMedia}`)).status, 302);
});

test('oEmbed answers are closed like the API, and open with the media they describe', async () => {
  const HOST = 'intranet.example';
  const of = (id: string) => `http://${HOST}/media/${id}`;
  const oembed = (query: string, headers: Record<string, string> = {}) => anon().get(`/oembed?${query}`).set({ Host: HOST, ...headers }).buffer(true).parse(binary);
  const about = (url: string) => `url=${encodeURIComponent(url)}`;
  /** Closed: 401 with no content, even to a browser, nothing a shared cache may keep, nothing another site may read. */
  const assertClosed = async (query: string) => {
    for (const accept of ['application/json', 'text/html']) {
      const res = await oembed(query, { Accept: accept });
      assert.equal(res.status, 401, `${query} (${accept})`);
      assert.equal((res.body as Buffer).length, 0, query);
      assert.equal(res.headers['cache-control'], 'private, no-store');
      assert.equal(res.headers['access-control-allow-origin'], undefined);
      assertNothingLeaks(res, query);
    }
  };
  await assertClosed(about(of(mediaId)));
  await assertClosed('');
  assert.equal((await saveSettings({ publicMedia: `${mediaId}\n${draftId}` })).status, 303);
  try {
    const open = await anon().get('/oembed').query({ url: of(mediaId) }).set('Host', HOST).expect(200);
    assert.equal(open.body.title, SECRET);
    assert.equal(open.headers['access-control-allow-origin'], '*');
    assert.equal(open.headers['cache-control'], 'public, max-age=3600');
    // What the answer points at opens with it.
    await anon().get(new URL(open.body.url as string).pathname).expect(200);
    await anon().get(`/oembed?${about(`http://${HOST}/embed/${mediaId}`)}&format=xml`).set('Host', HOST).expect(200);
    // A draft listed as public stays closed, and so does a private media however the url reaches it.
    await assertClosed(about(of(draftId)));
    await assertClosed(about(of(publicSectorMedia)));
    await assertClosed(about(`${of(mediaId)}/../${publicSectorMedia}`));
    await assertClosed(`${about(of(mediaId))}&${about(of(publicSectorMedia))}`);
    await assertClosed(`${about(of(publicSectorMedia))}&x=${encodeURIComponent(about(of(mediaId)))}`);
    assert.equal((await saveSettings({ publicSectors: 'open-sector' })).status, 303);
    const bySector = await anon().get('/oembed').query({ url: of(publicSectorMedia) }).set('Host', HOST).expect(200);
    assert.equal(bySector.body.title, 'In the open sector');
    await assertClosed(about(of(mediaId)));
  } finally {
    assert.equal((await saveSettings({})).status, 303);
  }
  // Signed in, the answer comes, private: no shared cache, no other site's scripts.
  const member = await signIn(t, 'mia');
  const res = await member.get('/oembed').query({ url: of(mediaId) }).set('Host', HOST).expect(200);
  assert.equal(res.body.title, SECRET);
  assert.equal(res.headers['cache-control'], 'private, no-store');
  assert.equal(res.headers['access-control-allow-origin'], undefined);
  const missing = await member.get('/oembed').set('Host', HOST).expect(400);
  assert.equal(missing.headers['cache-control'], 'private, no-store');
  assert.equal(missing.headers['access-control-allow-origin'], undefined);
});

test('a public media of a private sector names nothing private: no private neighbour, no link to its sector or keywords', async () => {
  const HIDDEN = 'Hidden-neighbour-title';
  const sector = await t.store.sectors.create({ slug: 'closed-sector', title: 'Closed sector', description: '', order: 2, visible: true, display: 'grid', defaultSort: 'date' });
  const tags = (await t.store.keywordGroups.list()).find((g) => g.slug === 'tags')!;
  const keyword = await t.store.keywords.create({ groupId: tags.id, slug: 'closed-tag', title: 'Closed tag', description: '' });
  const add = async (title: string, slug: string, createdAt: string) => {
    const m = await t.store.media.create(mediaInput({ title, slug, sectorId: sector.id, keywordIds: [keyword.id], createdAt }));
    t.app.kiosque.search.upsert(m);
    return m.id;
  };
  const open = await add('Open neighbour', 'open-neighbour', '2024-01-01T00:00:00.000Z');
  await add(HIDDEN, 'hidden-neighbour', '2024-02-01T00:00:00.000Z');
  assert.equal((await saveSettings({ publicMedia: open })).status, 303);
  try {
    const res = await page(`/media/${open}/open-neighbour`).expect(200);
    assert.ok(!res.text.includes(HIDDEN), 'the private neighbour is not named');
    assert.doesNotMatch(res.text, /class="media-strip"/);
    assert.doesNotMatch(res.text, /href="\/sectors\/closed-sector"/);
    assert.doesNotMatch(res.text, /href="\/keywords\/tags\/closed-tag"/);
    assert.match(res.text, /<dd>Closed sector<\/dd>/, 'the media’s own sector is named, without a link');
    // Signed in, the same page shows the neighbour and the links.
    const staff = await admin.get(`/media/${open}/open-neighbour`).set('Accept', 'text/html').expect(200);
    assert.match(staff.text, new RegExp(`class="media-strip"[\\s\\S]*${HIDDEN}`));
    assert.match(staff.text, /href="\/sectors\/closed-sector"/);
    assert.match(staff.text, /href="\/keywords\/tags\/closed-tag"/);
  } finally {
    assert.equal((await saveSettings({})).status, 303);
  }
});

test('invalid settings are refused by the form and nothing is saved', async () => {
  const before = await t.store.plugins.get('intranet');
  const res = await saveSettings({ allowedAddresses: 'not-an-address', publicPaths: 'no-slash' });
  assert.equal(res.status, 400);
  assert.match(res.text, /not-an-address/);
  assert.match(res.text, /no-slash/);
  assert.deepEqual(await t.store.plugins.get('intranet'), before);
});

test('saved settings damaged behind the admin’s back fail closed, and the admin sees why', async () => {
  const other = await makeApp();
  const dataDir = other.dataDir;
  await addUser(other, 'root', 'admin');
  await other.app.kiosque.plugins.enable('intranet');
  await other.close({ keepData: true });
  // Edit the data file with the server stopped: a range that would let everyone in if it were read leniently.
  const store = await openLowdbStore({ dataDir });
  await store.plugins.update('intranet', { settings: { message: '', publicPaths: [], publicMedia: [], publicSectors: [], allowedAddresses: ['0.0.0.0/0', '::/0', '127.0.0.1/99'] } });
  await store.close();
  const restarted = await makeApp({ dataDir });
  try {
    assert.equal((await request(restarted.app).get('/api/v1/nothing')).status, 401);
    assert.equal((await request(restarted.app).get('/').set('Accept', 'text/html')).status, 302);
    const root = await signIn(restarted, 'root');
    const list = await root.get('/admin/plugins').set('Accept', 'text/html').expect(200);
    assert.match(list.text, /class="error plugin-health"[^<]*allowedAddresses/);
    await root.get('/api/v1/nothing').expect(404);
  } finally {
    await restarted.close();
  }
});

test('the settings page exists only while the plugin is enabled', async () => {
  await admin.get('/admin/plugins/intranet/settings').set('Accept', 'text/html').expect(200);
  await toggle('disable');
  await admin.get('/admin/plugins/intranet/settings').set('Accept', 'text/html').expect(404);
  await toggle('enable');
});

test('disabled, the site is public again at once; enabled, private again', async () => {
  await toggle('disable');
  await page(`/media/${mediaId}`).redirects(1).expect(200);
  await anon().get(`/files/${mediaId}/thumb`).expect(200);
  const robots = await anon().get('/robots.txt');
  assert.doesNotMatch(robots.text, /Disallow: \/\s*$/m);
  await toggle('enable');
  assert.equal((await page(`/media/${mediaId}`)).status, 302);
  assert.equal((await anon().get(`/files/${mediaId}/thumb`)).status, 401);
});
