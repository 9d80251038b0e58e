import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import request from 'supertest';
import { makeApp, addUser, signIn, tokenOf, tempDir, type TestApp } from '../helpers/app.ts';
import { manifest, writePlugin, API_URL } from '../helpers/plugins.ts';
import { openLowdbStore } from '../../core/store/index.ts';

let t: TestApp;
let pluginsDir: string;
let admin: Awaited<ReturnType<typeof signIn>>;

const plugin = (body: string) => `import { definePlugin } from '${API_URL}';\nexport default definePlugin({\n  register(ctx) {\n${body}\n  },\n});\n`;

before(async () => {
  pluginsDir = await tempDir('kiosque-plugins-');
  await writePlugin(pluginsDir, 'throws', {
    manifest: manifest('throws'),
    code: plugin(`
    ctx.hooks.filter('robots.txt', (text) => text + '# throws was here\\n');
    ctx.views.slot('footer', '<p class="throws-footer">throws</p>');
    ctx.router.get('/', (_req, res) => res.send('throws route'));
    ctx.i18n.add({ en: { hi: 'hi' } });
    throw new Error('boom in register');`),
  });
  await writePlugin(pluginsDir, 'unknown-hook', { manifest: manifest('unknown-hook'), code: plugin(`    ctx.hooks.filter('no.such.hook', (v) => v);`) });
  await writePlugin(pluginsDir, 'bad-filter', {
    manifest: manifest('bad-filter'),
    code: plugin(`
    ctx.hooks.filter('page.context', () => { throw new Error('page.context exploded'); });
    ctx.hooks.filter('robots.txt', () => { throw new Error('robots exploded'); });
    ctx.views.slot('footer', '<p class="bad-filter-footer">{{t "plugin.bad-filter.still"}}</p>');
    ctx.i18n.add({ en: { still: 'still here' } });`),
  });
  await writePlugin(pluginsDir, 'deny-all', { manifest: manifest('deny-all'), code: plugin(`    ctx.hooks.filter('access', () => { throw new Error('access exploded'); });`) });
  await writePlugin(pluginsDir, 'bad-action', {
    manifest: manifest('bad-action'),
    code: plugin(`
    ctx.hooks.action('plugin.enabled', () => { throw new Error('action exploded'); });
    ctx.health('the frobnicator is unplugged');`),
  });
  await writePlugin(pluginsDir, 'menu-adder', {
    manifest: manifest('menu-adder'),
    code: plugin(`    ctx.hooks.filter('admin.menu', (items, { lang }) => [...items, { section: 'content', href: '/plugins/menu-adder/', label: lang === 'fr' ? 'Galerie' : 'Gallery', roles: ['admin', 'editor'] }]);`),
  });
  await writePlugin(pluginsDir, 'fails-later', {
    manifest: manifest('fails-later'),
    code: plugin(`
    ctx.router.get('/boom', () => { throw new Error('route <boom>'); });
    ctx.router.get('/reject', async () => { throw new Error('route rejected'); });
    ctx.router.get('/fine', (_req, res) => res.send('fine'));
    ctx.hooks.filter('robots.txt', () => { throw new Error('robots exploded'); });
    ctx.views.slot('home', '{{#with}}no argument{{/with}}');`),
  });
  await writePlugin(pluginsDir, 'base', { manifest: manifest('base') });
  await writePlugin(pluginsDir, 'needs-base', { manifest: manifest('needs-base', { dependencies: ['base'] }) });
  await writePlugin(pluginsDir, 'needs-ghost', { manifest: manifest('needs-ghost', { dependencies: ['ghost'] }) });
  await writePlugin(pluginsDir, 'no-export', { manifest: manifest('no-export'), code: 'export const nothing = 1;\n' });

  // Left enabled by an earlier run: `throws` fails at start, and the site must start anyway.
  const dataDir = await tempDir();
  const seed = await openLowdbStore({ dataDir });
  await seed.plugins.update('throws', { enabled: true });
  await seed.plugins.update('needs-ghost', { enabled: true });
  await seed.close();
  t = await makeApp({ dataDir, overrides: { pluginsDir } });
  await addUser(t, 'alice', 'admin');
  admin = await signIn(t, 'alice');
});
after(async () => {
  await t.close();
  await rm(pluginsDir, { recursive: true, force: true });
});

async function toggle(id: string, action: 'enable' | 'disable') {
  const token = await tokenOf(admin, '/admin/plugins');
  return admin.post(`/admin/plugins/${id}/${action}`).type('form').send({ _csrf: token }).set('Accept', 'text/html');
}

test('a plugin whose register throws at start is marked failed and rolled back; the site starts', async () => {
  const info = t.app.kiosque.plugins.get('throws')!;
  assert.equal(info.state, 'failed');
  assert.deepEqual(info.problems, ['boom in register']);
  await request(t.app).get('/').set('Accept', 'text/html').expect(200);
  await request(t.app).get('/plugins/throws/').expect(404);
  assert.doesNotMatch((await request(t.app).get('/robots.txt')).text, /throws was here/);
  assert.doesNotMatch((await request(t.app).get('/').set('Accept', 'text/html')).text, /throws-footer/);
  assert.equal(t.app.kiosque.i18n.has('en', 'plugin.throws.hi'), false);
  const list = await admin.get('/admin/plugins').set('Accept', 'text/html');
  assert.match(list.text, /data-plugin="throws">[\s\S]*?data-state="failed"[\s\S]*?boom in register/);
  const ghost = t.app.kiosque.plugins.get('needs-ghost')!;
  assert.equal(ghost.state, 'failed');
  assert.match(ghost.problems[0]!, /dependency "ghost"/);
});

test('enabling a plugin whose register throws is refused with its message, nothing left behind', async () => {
  const res = await toggle('throws', 'enable');
  assert.equal(res.status, 409);
  assert.match(res.text, /could not start: boom in register/);
  await request(t.app).get('/plugins/throws/').expect(404);
  assert.doesNotMatch((await request(t.app).get('/robots.txt')).text, /throws was here/);
});

test('an unknown hook name or a missing default export fails the plugin with a clear reason', async () => {
  const res = await toggle('unknown-hook', 'enable');
  assert.equal(res.status, 409);
  assert.match(res.text, /Unknown filter hook &quot;no.such.hook&quot;/);
  const res2 = await toggle('no-export', 'enable');
  assert.equal(res2.status, 409);
  assert.match(res2.text, /has no default export with a register\(\) function/);
});

test('filters that throw keep the previous value and are logged', async () => {
  assert.equal((await toggle('bad-filter', 'enable')).status, 303);
  const home = await request(t.app).get('/').set('Accept', 'text/html').expect(200);
  assert.match(home.text, /<p class="bad-filter-footer">still here<\/p>/);
  const robots = await request(t.app).get('/robots.txt').set('Host', 'kiosque.example').expect(200);
  assert.equal(robots.text, 'User-agent: *\nDisallow: /admin\nDisallow: /login\nDisallow: /register\nDisallow: /password/\nSitemap: http://kiosque.example/sitemap.xml\n', 'core’s text, unchanged by the failing filter');
  assert.ok(t.logs.some((l) => l.plugin === 'bad-filter' && l.hook === 'robots.txt' && l.msg === 'filter failed'));
  assert.equal((await toggle('bad-filter', 'disable')).status, 303);
});

test('an access filter that throws denies, and disabling it reopens the site', async () => {
  assert.equal((await toggle('deny-all', 'enable')).status, 303);
  const page = await request(t.app).get('/').set('Accept', 'text/html');
  assert.equal(page.status, 302);
  assert.equal(page.headers.location, '/login?return=%2F');
  await request(t.app).get('/plugins/hello/').expect(401);
  await request(t.app).get('/login').set('Accept', 'text/html').expect(200);
  // Everyone else is locked out, but an admin can still reach /admin/plugins to switch the culprit off.
  await admin.get('/admin').set('Accept', 'text/html').expect(403);
  const list = await admin.get('/admin/plugins').set('Accept', 'text/html').expect(200);
  const token = /name="_csrf" value="([^"]+)"/.exec(list.text)![1]!;
  await admin.post('/admin/plugins/deny-all/disable').type('form').send({ _csrf: token }).expect(303);
  await request(t.app).get('/').set('Accept', 'text/html').expect(200);
});

test('an action that throws is logged; the toggle that ran it succeeds; health shows on the list', async () => {
  assert.equal((await toggle('bad-action', 'enable')).status, 303);
  assert.equal((await toggle('base', 'enable')).status, 303);
  assert.equal(t.app.kiosque.plugins.get('base')!.state, 'enabled');
  assert.ok(t.logs.some((l) => l.plugin === 'bad-action' && l.hook === 'plugin.enabled' && l.msg === 'action failed'));
  const list = await admin.get('/admin/plugins').set('Accept', 'text/html');
  assert.match(list.text, /data-plugin="bad-action">[\s\S]*?Problem reported: the frobnicator is unplugged/);
  assert.equal((await toggle('bad-action', 'disable')).status, 303);
  assert.equal((await toggle('base', 'disable')).status, 303);
});

test('dependencies: enabling needs them enabled, disabling is refused while a dependent is on', async () => {
  const missing = await toggle('needs-ghost', 'enable');
  assert.equal(missing.status, 409);
  assert.match(missing.text, /needs the plugin “ghost”, which is not installed or is broken/);

  const off = await toggle('needs-base', 'enable');
  assert.equal(off.status, 409);
  assert.match(off.text, /needs the plugin “Plugin base”: enable “Plugin base” first/);
  assert.notEqual(t.app.kiosque.plugins.get('needs-base')!.state, 'enabled');

  assert.equal((await toggle('base', 'enable')).status, 303);
  assert.equal((await toggle('needs-base', 'enable')).status, 303);
  const refuse = await toggle('base', 'disable');
  assert.equal(refuse.status, 409);
  assert.match(refuse.text, /“Plugin base” is needed by Plugin needs-base: disable Plugin needs-base first/);
  assert.equal(t.app.kiosque.plugins.get('base')!.state, 'enabled');

  assert.equal((await toggle('needs-base', 'disable')).status, 303);
  assert.equal((await toggle('base', 'disable')).status, 303);
});

test('the admin sees refusals in French when the page is French', async () => {
  const token = await tokenOf(admin, '/admin/plugins');
  const res = await admin.post('/admin/plugins/needs-base/enable?lang=fr').type('form').send({ _csrf: token }).set('Accept', 'text/html');
  assert.equal(res.status, 409);
  assert.match(res.text, /nécessite le plugin «\u00a0Plugin base \(fr\)\u00a0»\u00a0: activez d’abord/);
  await admin.get('/admin/plugins?lang=en').set('Accept', 'text/html');
});

test('an admin.menu filter adds an entry that vanishes with the plugin', async () => {
  assert.equal((await toggle('menu-adder', 'enable')).status, 303);
  const on = await admin.get('/admin').set('Accept', 'text/html').expect(200);
  assert.match(on.text, /data-section="content">[\s\S]*?<a href="\/plugins\/menu-adder\/">Gallery<\/a>/);
  assert.equal((await toggle('menu-adder', 'disable')).status, 303);
  const off = await admin.get('/admin').set('Accept', 'text/html').expect(200);
  assert.doesNotMatch(off.text, /menu-adder/);
});

test('a running plugin whose route, filter or slot fails: the site answers, the log and the plugins page name it, in the admin’s language', async () => {
  assert.equal((await toggle('fails-later', 'enable')).status, 303);
  const failure = async (lang = 'en') => /data-plugin="fails-later">[\s\S]*?(?:<p class="error plugin-failure">([^<]*)<\/p>|<\/li>)/.exec((await admin.get(`/admin/plugins?lang=${lang}`).set('Accept', 'text/html')).text)![1];
  assert.equal(await failure(), undefined, 'nothing failed yet');
  await request(t.app).get('/plugins/fails-later/fine').expect(200, 'fine');

  const boom = await request(t.app).get('/plugins/fails-later/boom').set('Accept', 'text/html').expect(500);
  assert.match(boom.text, /<section class="error-page">/);
  assert.doesNotMatch(boom.text, /route &lt;boom&gt;|route <boom>/, 'the visitor sees no detail');
  assert.ok(t.logs.some((l) => l.msg === 'request failed' && l.plugin === 'fails-later' && l.reqId === boom.headers['x-request-id']), 'the log names the plugin');
  assert.equal(await failure(), 'Failed once since it was enabled: its route GET /plugins/fails-later/boom: route &lt;boom&gt;');

  await request(t.app).get('/plugins/fails-later/reject?x=1').expect(500);
  const fr = await failure('fr');
  await admin.get('/admin/plugins?lang=en').set('Accept', 'text/html');
  assert.equal(fr, 'A échoué 2 fois depuis son activation\u202f; la dernière fois\u00a0: sa route GET /plugins/fails-later/reject\u00a0: route rejected');

  await request(t.app).get('/robots.txt').expect(200);
  assert.equal(await failure(), 'Failed 3 times since it was enabled; the last time: its “robots.txt” filter: robots exploded');
  const home = await request(t.app).get('/?slot').set('Accept', 'text/html').expect(200);
  assert.doesNotMatch(home.text, /no argument/);
  assert.match((await failure()) ?? '', /^Failed 4 times since it was enabled; the last time: its template in the “home” slot: #with requires exactly one argument/);

  // Disabling forgets them; enabled again, it starts with a clean slate.
  assert.equal((await toggle('fails-later', 'disable')).status, 303);
  assert.equal(await failure(), undefined);
  assert.equal((await toggle('fails-later', 'enable')).status, 303);
  assert.equal(await failure(), undefined);
  assert.equal((await toggle('fails-later', 'disable')).status, 303);
});
