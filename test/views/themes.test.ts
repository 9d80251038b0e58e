import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { makeApp, addUser, signIn, tempDir, type TestApp } from '../helpers/app.ts';
import { ROOT_DIR } from '../../core/app.ts';
import { skeletonDefaults } from '../../core/settings/skeleton.ts';

let themesDir: string;
let t: TestApp;

async function writeTheme(name: string, files: Record<string, string>) {
  for (const [file, text] of Object.entries(files)) {
    const p = path.join(themesDir, name, file);
    await mkdir(path.dirname(p), { recursive: true });
    await writeFile(p, text);
  }
}

const manifest = (name: string) => JSON.stringify({ name, version: '1.0.0', description: { en: `${name} theme` } });

before(async () => {
  themesDir = await tempDir('kiosque-themes-');
  await cp(path.join(ROOT_DIR, 'themes', 'default'), path.join(themesDir, 'default'), { recursive: true });
  await writeTheme('alt', {
    'theme.json': manifest('alt'),
    'templates/home.hbs': '<p class="alt-home">{{t "site.nav_home"}} from alt</p>',
    'templates/error-404.hbs': '<p class="alt-404">{{page.message}} ({{page.requestId}})</p>',
    'assets/alt.css': 'body { color: teal; }',
  });
  // Renders with a Handlebars parse error: a real 500 through the error handler.
  await writeTheme('crashy', { 'theme.json': manifest('crashy'), 'templates/home.hbs': '{{#if page}}never closed' });
  // Calls a helper core does not have: templates compile knowing every helper, so this fails at compile time, naming it.
  await writeTheme('unknownhelper', { 'theme.json': manifest('unknownhelper'), 'templates/home.hbs': '<p>{{shout site.siteName}}</p>' });
  // Every page uses the footer partial; its `if` is never closed.
  await writeTheme('brokenfooter', { 'theme.json': manifest('brokenfooter'), 'partials/footer.hbs': '<footer>{{#if site}}never closed</footer>' });
  // The layout asks for a partial no theme has.
  await writeTheme('nopartial', { 'theme.json': manifest('nopartial'), 'layouts/main.hbs': '<html><body>{{{body}}}{{> nowhere-to-be-found}}</body></html>' });
  await writeTheme('badjson', { 'theme.json': '{ "name": "badjson", ' });
  await writeTheme('misnamed', { 'theme.json': manifest('other-name') });
  t = await makeApp({ overrides: { themesDir } });
});
after(async () => {
  await t.close();
  await rm(themesDir, { recursive: true, force: true });
});

const useTheme = (theme: string) => t.store.settings.set('skeleton', { ...skeletonDefaults, theme });
const get = (url: string, agent: ReturnType<typeof request.agent> | ReturnType<typeof request> = request(t.app)) => agent.get(url).set('Accept', 'text/html');
const hasLayout = (html: string) => /<header class="site-header">/.test(html) && /<link rel="stylesheet" href="\/assets\/style.css">/.test(html) && /<footer/.test(html);

test('broken themes are listed with their error; good ones without', () => {
  const themes = Object.fromEntries(t.app.kiosque.engine.themes().map((th) => [th.name, th]));
  assert.equal(themes.default?.error, undefined);
  assert.equal(themes.alt?.error, undefined);
  assert.match(themes.badjson?.error ?? '', /theme\.json/);
  assert.match(themes.misnamed?.error ?? '', /names "other-name" but the folder is "misnamed"/);
});

test('a theme overriding only home.hbs falls back to default for everything else', async () => {
  await useTheme('alt');
  const home = await get('/');
  assert.equal(home.status, 200);
  assert.match(home.text, /<p class="alt-home">Home from alt<\/p>/);
  assert.ok(hasLayout(home.text), 'layout from default');
  const login = await get('/login');
  assert.match(login.text, /<label for="login-username">/);
  assert.ok(hasLayout(login.text));
  // error-404 → error: the alt theme's specific template wins for 404...
  const missing = await get('/nowhere');
  assert.equal(missing.status, 404);
  assert.match(missing.text, /<p class="alt-404">There is nothing at this address. \([0-9a-f-]{36}\)<\/p>/);
});

test('theme assets are served under /assets, falling back to the default theme', async () => {
  await useTheme('alt');
  const own = await request(t.app).get('/assets/alt.css').expect(200);
  assert.match(own.text, /teal/);
  const inherited = await request(t.app).get('/assets/style.css').expect(200);
  assert.match(inherited.headers['content-type']!, /text\/css/);
  assert.equal((await request(t.app).get('/assets/nope.css')).status, 404);
  // A dot segment is refused by the access gate before any file is looked for.
  assert.equal((await request(t.app).get('/assets/../theme.json')).status, 400);
  await useTheme('default');
  assert.equal((await request(t.app).get('/assets/alt.css')).status, 404);
});

test('a broken theme chosen in the settings leaves the site on the default theme', async () => {
  await useTheme('badjson');
  const home = await get('/');
  assert.equal(home.status, 200);
  assert.ok(hasLayout(home.text));
  assert.doesNotMatch(home.text, /alt-home/);
});

test('404, 403 and 500 pages look like the site and show a request id, never a stack trace', async () => {
  await useTheme('default');
  await addUser(t, 'root', 'admin'); // else /admin leads to /setup
  await addUser(t, 'mia', 'member');
  const mia = await signIn(t, 'mia');
  const cases: Array<[number, request.Response]> = [
    [404, await get('/nowhere')],
    [403, await get('/admin', mia)],
  ];
  await useTheme('crashy');
  cases.push([500, await get('/')]);
  await useTheme('default');
  for (const [status, res] of cases) {
    assert.equal(res.status, status);
    assert.ok(hasLayout(res.text), `${status} has the site layout`);
    const id = res.headers['x-request-id'];
    // Only a failure has something in the log for the administrator to look up.
    if (status >= 500) assert.ok(id && res.text.includes(`Reference for the administrator: ${id}`), `${status} shows the request id`);
    else assert.ok(id && !res.text.includes('Reference for the administrator'), `${status} shows no request id`);
    assert.doesNotMatch(res.text, /at .+\.ts:\d+|Error:|node_modules|Parse error/);
  }
  assert.match(cases[2]![1].text, /<section class="error-page">/);
  // The details went to the log, tied to the same request id.
  const logged = t.logs.find((l) => l.msg === 'request failed' && l.reqId === cases[2]![1].headers['x-request-id']);
  assert.ok(logged, 'the 500 is logged with its request id');
  assert.match(JSON.stringify(logged.err), /Parse error/);
});

test('a template calling a helper that does not exist gets the error page, and the log names the helper', async () => {
  await useTheme('unknownhelper');
  const res = await get('/');
  await useTheme('default');
  assert.equal(res.status, 500);
  assert.ok(hasLayout(res.text), 'the error page keeps the layout of the default theme');
  assert.doesNotMatch(res.text, /shout/);
  const logged = t.logs.find((l) => l.msg === 'request failed' && l.reqId === res.headers['x-request-id']);
  assert.ok(logged, 'the failure is logged with its request id');
  assert.match(JSON.stringify(logged.err), /unknown helper shout/);
});

test('a theme edited on disk shows once the themes are re-read (the skeleton page), anonymous page cache included', async () => {
  await addUser(t, 'theo', 'admin');
  const theo = await signIn(t, 'theo');
  await writeTheme('edited', { 'theme.json': manifest('edited'), 'templates/home.hbs': '<p class="edited">first</p>' });
  t.app.kiosque.engine.rescan();
  await useTheme('edited');
  // One Host, as a browser sends: supertest listens on a new port for each request.
  const anonymous = (url: string) => get(url).set('Host', 'kiosque.test');
  assert.match((await anonymous('/')).text, /<p class="edited">first<\/p>/);
  assert.equal((await anonymous('/')).headers['x-page-cache'], 'hit');
  await writeTheme('edited', { 'templates/home.hbs': '<p class="edited">second</p>' });
  await get('/admin/config/skeleton', theo).expect(200);
  const fresh = await anonymous('/?not=cached');
  const again = await anonymous('/');
  await useTheme('default');
  assert.match(fresh.text, /<p class="edited">second<\/p>/, 'the template file is read again');
  assert.match(again.text, /<p class="edited">second<\/p>/, 'the page kept in the cache is not served any more');
});

test('a theme with a broken partial: pages fail with an error page of the default theme, the log names the file, and the admin can still switch themes', async () => {
  await addUser(t, 'bea', 'admin');
  const bea = await signIn(t, 'bea');
  await useTheme('brokenfooter');
  const home = await get('/?lang=fr');
  const login = await get('/login');
  const admin = await get('/admin/config/skeleton', bea);
  await useTheme('default');
  assert.equal(home.status, 500);
  assert.ok(hasLayout(home.text), 'the error page is a page of the site, not a line of text');
  assert.match(home.text, /<section class="error-page">/);
  assert.match(home.text, /Référence pour l’administrateur/, 'in the visitor’s language');
  const logged = t.logs.find((l) => l.msg === 'request failed' && l.reqId === home.headers['x-request-id']);
  assert.match(JSON.stringify(logged?.err), /brokenfooter\/partials\/footer\.hbs: Parse error/);
  // Signing in and the administration stay usable, in the default theme, so the theme can be switched back.
  assert.equal(login.status, 200);
  assert.match(login.text, /<label for="login-username">/);
  assert.equal(admin.status, 200);
  assert.match(admin.text, /name="theme"/);
  assert.ok(t.logs.some((l) => l.msg === 'theme failed to render the page: rendered with the default theme' && l.theme === 'brokenfooter'));
});

test('a layout calling a partial no theme has gets the error page of the default theme, naming the partial in the log', async () => {
  await useTheme('nopartial');
  const res = await get('/');
  await useTheme('default');
  assert.equal(res.status, 500);
  assert.ok(hasLayout(res.text));
  const logged = t.logs.find((l) => l.msg === 'request failed' && l.reqId === res.headers['x-request-id']);
  assert.match(JSON.stringify(logged?.err), /The partial nowhere-to-be-found could not be found/);
});
