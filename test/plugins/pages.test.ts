import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { makeApp, addUser, signIn, tokenOf, tempDir, type TestApp } from '../helpers/app.ts';
import { manifest, writePlugin, API_URL } from '../helpers/plugins.ts';
import { ROOT_DIR } from '../../core/app.ts';
import { skeletonDefaults } from '../../core/settings/skeleton.ts';

// A plugin with a themed page, a page-level stylesheet, a script on every page and a route that
// tries to answer inside its reserved assets/ folder.
const pager = `import { definePlugin } from '${API_URL}';
export default definePlugin({
  register(ctx) {
    const title = (req) => ctx.i18n.t(ctx.i18n.languageOf(req), 'heading');
    ctx.router.get('/', (req, res) => ctx.views.render(req, res, 'board', { said: String(req.query.said ?? '') }, { title: title(req), stylesheets: ['board.css'] }));
    ctx.router.get('/kept', (req, res) => ctx.views.render(req, res, 'board', { said: 'kept' }, { title: title(req), cache: true }));
    ctx.router.get('/form', (req, res) => ctx.views.render(req, res, 'board', { said: 'form' }, { csrf: true }));
    ctx.router.get('/missing', (req, res) => ctx.views.render(req, res, 'no-such-page', {}));
    ctx.router.get('/gone', (req, res) => ctx.views.render(req, res, 'board', {}, { status: 410 }));
    ctx.router.get('/about', (req, res) => ctx.views.render(req, res, 'board', { said: 'about' }, { title: 'About the board', share: { description: 'What the **board** is for.' } }));
    ctx.router.get('/assets/{*rest}', (_req, res) => res.send('the plugin route answered'));
    ctx.router.get('/where', (_req, res) => res.send(ctx.views.asset('sub/pic.svg')));
    ctx.router.use('/manage', ctx.access.staffOnly);
    ctx.router.get('/manage', (req, res) => ctx.views.render(req, res, 'board', { said: 'manage' }, { title: 'Board admin', layout: 'admin', stylesheets: ['board.css'], cache: true, share: {} }));
    ctx.router.post('/manage', (_req, res) => res.send('changed'));
    // No role check of its own: the admin layout refuses on its behalf.
    ctx.router.get('/loose', (req, res) => ctx.views.render(req, res, 'board', { said: 'loose' }, { title: 'Loose', layout: 'admin' }));
    ctx.hooks.filter('admin.menu', (items) => [...items, { section: 'content', href: '/plugins/pager/manage', label: 'Board admin', roles: ['admin', 'editor'] }]);
    ctx.views.script('app.js');
    ctx.hooks.filter('page.context', (context, info) => (info.template === 'plugins/pager/board' ? { ...context, boardNote: 'filtered' } : context));
  },
});
`;

const board = `<section class="board"><h1>{{t "plugin.pager.heading"}}</h1><p class="said">{{page.said}}</p><p class="note">{{boardNote}}</p><img src="{{pluginPage.assets}}/sub/pic.svg" alt=""></section>`;

// Closes the pager's assets to anonymous visitors, as an intranet would.
const gatekeeper = `import { definePlugin } from '${API_URL}';
export default definePlugin({
  register(ctx) {
    ctx.hooks.filter('access', (decision, request) => (!request.user && request.path.startsWith('/plugins/pager/assets') ? { allow: false, reason: 'members only' } : decision));
  },
});
`;

let t: TestApp;
let themesDir: string;
let admin: Awaited<ReturnType<typeof signIn>>;

const html = (agent: ReturnType<typeof request.agent> | ReturnType<typeof request>, url: string) => agent.get(url).set('Accept', 'text/html');

async function toggle(action: 'enable' | 'disable', id: string) {
  const token = await tokenOf(admin, '/admin/plugins');
  const res = await admin.post(`/admin/plugins/${id}/${action}`).type('form').send({ _csrf: token });
  assert.equal(res.status, 303, res.text);
}

before(async () => {
  const pluginsDir = await tempDir('kiosque-plugins-');
  await writePlugin(pluginsDir, 'pager', {
    manifest: manifest('pager'),
    code: pager,
    files: {
      'views/pages/board.hbs': board,
      'i18n/en.json': JSON.stringify({ heading: 'Notice board' }),
      'i18n/fr.json': JSON.stringify({ heading: 'Tableau d’affichage' }),
      'assets/board.css': '.board { color: teal; }\n',
      'assets/app.js': 'document.documentElement.dataset.pager = "on";\n',
      'assets/sub/pic.svg': '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n',
      'assets/.secret': 'hidden\n',
    },
  });
  await writePlugin(pluginsDir, 'gatekeeper', { manifest: manifest('gatekeeper'), code: gatekeeper });
  await writePlugin(pluginsDir, 'sloppy', { manifest: manifest('sloppy'), code: `import { definePlugin } from '${API_URL}';\nexport default definePlugin({ register(ctx) { ctx.views.stylesheet('../index.ts'); } });\n` });
  await writePlugin(pluginsDir, 'forgetful', { manifest: manifest('forgetful'), code: `import { definePlugin } from '${API_URL}';\nexport default definePlugin({ register(ctx) { ctx.views.stylesheet('forgotten.css'); } });\n` });
  themesDir = await tempDir('kiosque-themes-');
  await cp(path.join(ROOT_DIR, 'themes', 'default'), path.join(themesDir, 'default'), { recursive: true });
  await cp(path.join(ROOT_DIR, 'themes', 'nuit'), path.join(themesDir, 'nuit'), { recursive: true });
  await mkdir(path.join(themesDir, 'nuit', 'plugins', 'pager'), { recursive: true });
  await writeFile(path.join(themesDir, 'nuit', 'plugins', 'pager', 'board.hbs'), '<section class="board-nuit"><h1>{{t "plugin.pager.heading"}}</h1><p>{{page.said}}</p></section>');
  t = await makeApp({ overrides: { pluginsDir, themesDir } });
  await addUser(t, 'alice', 'admin');
  await addUser(t, 'edith', 'editor');
  await addUser(t, 'mo', 'member');
  admin = await signIn(t, 'alice');
  await toggle('enable', 'pager');
});
after(() => t.close());

test('a plugin page is rendered in the site layout, with the plugin’s strings, the page.context filter and the title', async () => {
  const res = await html(request(t.app), '/plugins/pager/').expect(200);
  assert.match(res.headers['content-type']!, /^text\/html/);
  assert.match(res.text, /^<!doctype html>\s*<html lang="en">/);
  assert.match(res.text, /<title>Notice board · Kiosque<\/title>/);
  assert.match(res.text, /<header class="site-header">[\s\S]*<main id="content">\s*<section class="board"><h1>Notice board<\/h1>/);
  assert.match(res.text, /<footer class="site-footer"/);
  assert.match(res.text, /<p class="note">filtered<\/p>/);
  assert.match(res.text, /<img src="\/plugins\/pager\/assets\/sub\/pic.svg" alt="">/);
  assert.match(res.text, /<link rel="stylesheet" href="\/plugins\/pager\/assets\/board.css">/);
  assert.doesNotMatch(res.text, /name="csrf-token"/, 'no token for an anonymous visitor');
});

test('the page speaks the visitor’s language and escapes what it is given', async () => {
  const res = await html(request(t.app), `/plugins/pager/?lang=fr&said=${encodeURIComponent('<script>alert(1)</script>')}`).expect(200);
  assert.match(res.text, /<html lang="fr">/);
  assert.match(res.text, /<h1>Tableau d’affichage<\/h1>/);
  assert.match(res.text, /<p class="said">&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/p>/);
  assert.doesNotMatch(res.text, /<script>alert/);
});

test('signed-in visitors get the CSRF meta; a page may ask for a token for anyone', async () => {
  const mine = await html(admin, '/plugins/pager/').expect(200);
  assert.match(mine.text, /<meta name="csrf-token" content="[^"]+">/);
  assert.match(mine.text, /<a [^>]*href="\/logout"|action="\/logout"/);
  const form = await html(request(t.app), '/plugins/pager/form').expect(200);
  assert.match(form.text, /<meta name="csrf-token" content="[^"]+">/);
});

test('a template that cannot be found gives the site’s error page, and the admin sees which route failed', async () => {
  const res = await html(request(t.app), '/plugins/pager/missing').expect(500);
  assert.match(res.text, /<header class="site-header">/);
  assert.doesNotMatch(res.text, /no-such-page/, 'the reason stays in the logs');
  const failure = t.app.kiosque.plugins.get('pager')!.lastFailure;
  assert.equal(failure?.where, 'GET /plugins/pager/missing');
  assert.match(failure!.message, /No template found for no-such-page/);
  await html(request(t.app), '/plugins/pager/gone').expect(410);
});

test('the active theme’s plugins/<id>/<template>.hbs wins over the plugin’s own template', async () => {
  await t.store.settings.set('skeleton', { ...skeletonDefaults, theme: 'nuit' });
  try {
    const res = await html(request(t.app), '/plugins/pager/?said=night').expect(200);
    assert.match(res.text, /<html lang="en" class="theme-nuit">/);
    assert.match(res.text, /<section class="board-nuit"><h1>Notice board<\/h1><p>night<\/p><\/section>/);
    assert.doesNotMatch(res.text, /class="board"/);
  } finally {
    await t.store.settings.set('skeleton', skeletonDefaults);
  }
  const back = await html(request(t.app), '/plugins/pager/?said=day').expect(200);
  assert.match(back.text, /<section class="board">/);
});

test('a plugin page is kept out of search engines unless it offers itself, then it is shared as the site\'s public pages are', async () => {
  const plain = await html(request(t.app), '/plugins/pager/?said=x').expect(200);
  assert.match(plain.text, /<meta name="robots" content="noindex">/);
  assert.doesNotMatch(plain.text, /og:url/);
  const about = await html(request(t.app), '/plugins/pager/about?utm_source=x&lang=en').set('Host', 'portal.test').expect(200);
  assert.doesNotMatch(about.text, /name="robots"/);
  assert.match(about.text, /<link rel="canonical" href="http:\/\/portal\.test\/plugins\/pager\/about">/);
  assert.match(about.text, /<meta property="og:title" content="About the board">/);
  assert.match(about.text, /<meta name="description" content="What the board is for\.">/);
});

test('plugin pages stay out of the anonymous page cache unless they ask for it', async () => {
  // Each supertest request listens on a new port: one Host header makes them the same page.
  const page = (url: string) => html(request(t.app), url).set('Host', 'kiosque.test').expect(200);
  await page('/plugins/pager/?said=twice');
  assert.equal((await page('/plugins/pager/?said=twice')).headers['x-page-cache'], 'miss');
  await page('/plugins/pager/kept');
  assert.equal((await page('/plugins/pager/kept')).headers['x-page-cache'], 'hit');
});

test('a page in the admin layout: the admin menu with the page marked, noindex, private, never cached, its own stylesheet but not the site-wide script', async () => {
  const editor = await signIn(t, 'edith');
  for (const agent of [admin, editor]) {
    const res = await html(agent, '/plugins/pager/manage').set('Host', 'kiosque.test').expect(200);
    assert.match(res.text, /<body class="admin">/);
    assert.match(res.text, /<title>Board admin · Administration · Kiosque<\/title>/);
    assert.match(res.text, /<nav class="admin-menu"[\s\S]*<a href="\/plugins\/pager\/manage" aria-current="page">Board admin<\/a>/);
    assert.match(res.text, /<main id="content" class="admin-main">\s*<h1>Board admin<\/h1>\s*<section class="board">/);
    assert.match(res.text, /<meta name="robots" content="noindex">/);
    assert.doesNotMatch(res.text, /og:url|rel="canonical"/, 'never shared');
    assert.match(res.text, /<link rel="stylesheet" href="\/plugins\/pager\/assets\/board.css">/);
    assert.doesNotMatch(res.text, /\/plugins\/pager\/assets\/app.js/, 'the script plugins add to public pages stays out');
    assert.match(res.text, /<meta name="csrf-token" content="[^"]+">/);
    assert.equal(res.headers['cache-control'], 'private, no-store');
    assert.notEqual(res.headers['x-page-cache'], 'hit');
  }
});

test('a page in the admin layout, and staffOnly, answer others as the admin area does: sign-in page, 401, 403', async () => {
  const member = await signIn(t, 'mo');
  for (const url of ['/plugins/pager/manage', '/plugins/pager/loose']) {
    const anon = await html(request(t.app), url).expect(302);
    assert.equal(anon.headers.location, `/login?return=${encodeURIComponent(url)}`);
    const refused = await html(member, url).expect(403);
    assert.doesNotMatch(refused.text, /class="board"/);
    assert.match(refused.text, /<h1>[^<]+<\/h1>/, 'the site’s error page');
  }
  await request(t.app).get('/plugins/pager/manage').set('Accept', 'application/json').expect(401);
  const token = await tokenOf(member, '/');
  await member.post('/plugins/pager/manage').type('form').send({ _csrf: token }).expect(403);
  await admin.post('/plugins/pager/manage').type('form').send({ _csrf: await tokenOf(admin, '/') }).expect(200, 'changed');
});

test('assets are served with their type, nosniff and a cache lifetime; the folder is the files’ alone', async () => {
  const css = await request(t.app).get('/plugins/pager/assets/board.css').expect(200);
  assert.match(css.headers['content-type']!, /^text\/css/);
  assert.equal(css.headers['x-content-type-options'], 'nosniff');
  assert.match(css.headers['cache-control']!, /max-age=3600/);
  assert.equal(css.text, '.board { color: teal; }\n');
  const svg = await request(t.app).get('/plugins/pager/assets/sub/pic.svg').expect(200);
  assert.match(svg.headers['content-type']!, /^image\/svg\+xml/);
  const js = await request(t.app).get('/plugins/pager/assets/app.js').expect(200);
  assert.match(js.headers['content-type']!, /javascript/);
  assert.equal((await request(t.app).get('/plugins/pager/where')).text, '/plugins/pager/assets/sub/pic.svg');
  // A missing file is a 404, never the plugin's own route under assets/.
  for (const url of ['/plugins/pager/assets/nothing.css', '/plugins/pager/assets', '/plugins/pager/assets/sub']) {
    const res = await request(t.app).get(url);
    assert.equal(res.status, 404, url);
    assert.doesNotMatch(res.text, /the plugin route answered/, url);
  }
});

test('dotfiles and paths out of the assets folder are refused', async () => {
  for (const url of ['/plugins/pager/assets/.secret', '/plugins/pager/assets/%2esecret', '/plugins/pager/assets/../index.ts', '/plugins/pager/assets/%2e%2e/index.ts', '/plugins/pager/assets/sub/..%2f..%2findex.ts', '/plugins/pager/assets/..%5cindex.ts', '/plugins/pager/assets/sub/../../plugin.json']) {
    const res = await request(t.app).get(url);
    assert.ok(res.status === 404 || res.status === 400, `${url}: ${res.status}`);
    assert.doesNotMatch(res.text, /hidden|definePlugin|"version"/, url);
  }
});

test('a plugin’s script is on every public page, not in the admin area', async () => {
  const home = await html(request(t.app), '/').expect(200);
  assert.match(home.text, /<script src="\/plugins\/pager\/assets\/app.js" defer><\/script>/);
  assert.doesNotMatch(home.text, /board.css/, 'a page’s own stylesheet stays on that page');
  const dash = await html(admin, '/admin').expect(200);
  assert.doesNotMatch(dash.text, /\/plugins\/pager\/assets/);
});

test('an access filter closing the assets: anonymous visitors get 401 (or the sign-in page), and pages stop linking them', async () => {
  await toggle('enable', 'gatekeeper');
  try {
    await request(t.app).get('/plugins/pager/assets/board.css').set('Accept', 'text/css,*/*;q=0.1').expect(401);
    const page = await html(request(t.app), '/plugins/pager/assets/board.css').expect(302);
    assert.equal(page.headers.location, `/login?return=${encodeURIComponent('/plugins/pager/assets/board.css')}`);
    const home = await html(request(t.app), '/').expect(200);
    assert.doesNotMatch(home.text, /app\.js/);
    const board = await html(request(t.app), '/plugins/pager/').expect(200);
    assert.doesNotMatch(board.text, /board\.css/);
    await admin.get('/plugins/pager/assets/board.css').expect(200);
    assert.match((await html(admin, '/').expect(200)).text, /<script src="\/plugins\/pager\/assets\/app.js" defer>/);
  } finally {
    await toggle('disable', 'gatekeeper');
  }
});

test('stylesheet() refuses a path out of assets/ or a missing file: the plugin fails to start, saying why', async () => {
  await toggle('enable', 'sloppy').catch(() => undefined);
  const sloppy = t.app.kiosque.plugins.get('sloppy')!;
  assert.equal(sloppy.state, 'failed');
  assert.match(sloppy.problems[0]!, /"\.\.\/index\.ts" is not a file name under assets\//);
  await toggle('enable', 'forgetful').catch(() => undefined);
  const forgetful = t.app.kiosque.plugins.get('forgetful')!;
  assert.equal(forgetful.state, 'failed');
  assert.match(forgetful.problems[0]!, /no file assets\/forgotten\.css/);
});

test('disabled: the pages, the files and the script link are gone at once; enabled again, all are back', async () => {
  await toggle('disable', 'pager');
  await html(request(t.app), '/plugins/pager/').expect(404);
  await request(t.app).get('/plugins/pager/assets/board.css').expect(404);
  assert.doesNotMatch((await html(request(t.app), '/').expect(200)).text, /plugins\/pager/);
  await toggle('enable', 'pager');
  await request(t.app).get('/plugins/pager/assets/board.css').expect(200);
  assert.match((await html(request(t.app), '/').expect(200)).text, /plugins\/pager\/assets\/app\.js/);
});
