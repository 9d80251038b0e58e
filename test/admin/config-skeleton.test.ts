import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, readdir, writeFile, rm } from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import sharp from 'sharp';
import { makeApp, addUser, signIn, tokenOf, tempDir, type TestApp } from '../helpers/app.ts';
import { ROOT_DIR } from '../../core/app.ts';
import { decodeHtml as decode, settingsFormValues } from '../helpers/settings-form.ts';
import { mediaRecord } from '../helpers/media-records.ts';

const html = { Accept: 'text/html' };
const PAGE = '/admin/config/skeleton';
let t: TestApp;
let admin: Awaited<ReturnType<typeof signIn>>;
let themesDir: string;

before(async () => {
  // A themes folder of our own: the real two themes plus a broken one.
  themesDir = await tempDir('kiosque-themes-');
  await cp(path.join(ROOT_DIR, 'themes', 'default'), path.join(themesDir, 'default'), { recursive: true });
  await cp(path.join(ROOT_DIR, 'themes', 'nuit'), path.join(themesDir, 'nuit'), { recursive: true });
  await mkdir(path.join(themesDir, 'casse-theme'));
  await writeFile(path.join(themesDir, 'casse-theme', 'theme.json'), '{"name": "casse-theme", "version": ');
  t = await makeApp({ overrides: { themesDir } });
  await addUser(t, 'ada', 'admin');
  await addUser(t, 'ed', 'editor');
  admin = await signIn(t, 'ada');
});
after(async () => {
  await t.close();
  await rm(themesDir, { recursive: true, force: true });
});

async function currentForm() {
  return settingsFormValues((await admin.get(PAGE).set(html).expect(200)).text);
}

async function save(changes: Record<string, string | string[] | undefined>, agent = admin, query = '') {
  const form = { ...(await currentForm()), ...changes };
  for (const [k, v] of Object.entries(form)) if (v === undefined) delete form[k];
  const token = await tokenOf(agent, PAGE);
  return agent.post(PAGE + query).type('form').set(html).send({ ...form, _csrf: token });
}

test('the page shows every field with a label and the defaults of a new portal', async () => {
  const page = await admin.get(PAGE).set(html).expect(200);
  for (const label of ['Site name', 'Slogan', 'Theme', 'Site language', 'Search box', 'Logo box (pixels)', 'Default licence for new media', 'Footer text', 'Logo image']) {
    const m = new RegExp(`<label for="([^"]+)">${label.replace(/[()]/g, '\\$&')}`).exec(page.text);
    assert.ok(m, `label ${label}`);
    assert.match(page.text, new RegExp(`id="${m[1]}"`));
  }
  assert.match(page.text, /name="siteName" value="Kiosque"/);
  assert.match(page.text, /<option value="casse-theme">casse-theme \(broken\)<\/option>/);
  // Themes by their titles in the admin's language, each described under the list.
  assert.match(page.text, /<option value="default" selected>Default<\/option>/);
  assert.match(page.text, /<option value="nuit">Nuit \(dark\)<\/option>/);
  assert.match(page.text, /Nuit \(dark\): A dark, gallery-style theme/);
  const fr = await admin.get(`${PAGE}?lang=fr`).set(html).expect(200);
  assert.match(fr.text, /<option value="default" selected>Par défaut<\/option>/);
  assert.match(fr.text, /Nuit \(sombre\)\u00a0: Un thème sombre façon galerie/);
  await admin.get(`${PAGE}?lang=en`).set(html).expect(200);
  assert.match(page.text, /<a href="\/admin\/config\/skeleton" aria-current="page">Site setup<\/a>/);
});

test('a valid save reshapes the public layout on the next request', async () => {
  const res = await save({ siteName: 'Médiathèque <Lumière>', slogan: 'Sons & images', footerText: 'Ligne 1\nLigne 2', searchBoxPosition: 'navigation', hiddenBlocks: ['loginBlock'] });
  assert.equal(res.status, 303);
  assert.equal(res.headers.location, `${PAGE}?done=saved`);
  const done = await admin.get(res.headers.location).set(html);
  assert.match(done.text, /The settings were saved\./);

  const home = await request(t.app).get('/').set(html).expect(200);
  assert.match(home.text, /<a href="\/" class="site-name">Médiathèque &lt;Lumière&gt;<\/a>/);
  assert.match(home.text, /<p class="slogan">Sons &amp; images<\/p>/);
  assert.match(home.text, /<p>Ligne 1\nLigne 2<\/p>/);
  assert.doesNotMatch(home.text, /id="header-q"/);
  assert.match(home.text, /<nav class="main-nav"[\s\S]*id="nav-q"[\s\S]*<\/nav>/);
  assert.doesNotMatch(home.text, /class="login-link"/);

  await save({ hiddenBlocks: ['siteTitle', 'slogan', 'breadcrumb'], searchBoxPosition: 'none' });
  const after = await request(t.app).get('/').set(html).expect(200);
  assert.doesNotMatch(after.text, /class="site-name"/);
  assert.doesNotMatch(after.text, /class="slogan"/);
  assert.doesNotMatch(after.text, /role="search"/);
  assert.match(after.text, /class="login-link"/);
  await t.store.sectors.create({ slug: 'sons', title: 'Sons', description: '', order: 0, visible: true, display: 'grid', defaultSort: 'date' });
  const sector = await request(t.app).get('/sectors/sons').set(html).expect(200);
  assert.doesNotMatch(sector.text, /class="breadcrumb"/);
  await save({ hiddenBlocks: [] });
  assert.match((await request(t.app).get('/sectors/sons').set(html)).text, /class="breadcrumb"/);
});

test('language: the site language applies, and visitors cannot switch when that is off', async () => {
  await save({ language: 'fr', visitorsMayChooseLanguage: undefined });
  const home = await request(t.app).get('/?lang=en').set(html).set('Accept-Language', 'en').expect(200);
  assert.match(home.text, /<html lang="fr">/);
  assert.doesNotMatch(home.text, /class="languages"/);
  await save({ language: 'en', visitorsMayChooseLanguage: 'on' });
  const switched = await request(t.app).get('/?lang=fr').set(html).expect(200);
  assert.match(switched.text, /<html lang="fr">/);
  assert.match(switched.text, /class="languages"/);
});

test('invalid input is re-shown with messages in the admin’s language and nothing is saved', async () => {
  const before = JSON.stringify(await t.store.settings.get('skeleton'));
  const res = await save({ siteName: '', logoBox: '5', searchBoxPosition: 'sky', slogan: 'kept input' });
  assert.equal(res.status, 400);
  assert.match(res.text, /Some fields need correcting \(3\)/);
  assert.match(res.text, /This field is required\./);
  assert.match(res.text, /At least 16\./);
  assert.match(res.text, /Choose one of the options offered\./);
  assert.match(res.text, /name="slogan" value="kept input"/);
  const fr = await save({ siteName: '' }, admin, '?lang=fr');
  assert.equal(fr.status, 400);
  assert.match(fr.text, /Ce champ est obligatoire\./);
  await admin.get('/?lang=en').set(html);
  assert.equal(JSON.stringify(await t.store.settings.get('skeleton')), before);
});

test('a site name of spaces only is refused as an empty one, and nothing is saved', async () => {
  const before = JSON.stringify(await t.store.settings.get('skeleton'));
  const res = await save({ siteName: '   ', slogan: 'kept input' }, admin, '?lang=fr');
  assert.equal(res.status, 400);
  assert.match(res.text, /id="skeleton-siteName"[^>]*aria-invalid="true"/);
  assert.match(res.text, /<p class="field-error" id="skeleton-siteName-error"[^>]*>Ce champ est obligatoire\.<\/p>/);
  assert.match(res.text, /name="slogan" value="kept input"/);
  await admin.get('/?lang=en').set(html);
  assert.equal(JSON.stringify(await t.store.settings.get('skeleton')), before);
});

test('a choice that must have a value cannot be emptied; an empty one saved before is read as the default', async () => {
  const before = JSON.stringify(await t.store.settings.get('skeleton'));
  for (const key of ['language', 'searchBoxPosition', 'defaultLicence', 'theme']) {
    const res = await save({ [key]: '' });
    assert.equal(res.status, 400, key);
    assert.match(res.text, /This field is required\./, key);
    assert.equal(JSON.stringify(await t.store.settings.get('skeleton')), before, `${key}: nothing saved`);
  }
  // What the form accepted before choices were required: the site must still answer, in its default language.
  const saved = (await t.store.settings.get<Record<string, unknown>>('skeleton'))!;
  await t.store.settings.set('skeleton', { ...saved, language: '', searchBoxPosition: '', defaultLicence: '' });
  try {
    const home = await request(t.app).get('/').set(html).expect(200);
    assert.match(home.text, /<html lang="en">/);
    assert.match(home.text, /class="search-box"/, 'the search box is where the default puts it');
    await request(t.app).get('/nowhere').set(html).expect(404);
  } finally {
    await t.store.settings.set('skeleton', saved);
  }
});

test('theme switch takes effect at once; a broken theme is refused with its error and the current one stays', async () => {
  assert.equal((await save({ theme: 'nuit' })).status, 303);
  assert.match((await request(t.app).get('/').set(html)).text, /class="theme-nuit"/);
  const before = JSON.stringify(await t.store.settings.get('skeleton'));
  const res = await save({ theme: 'casse-theme' });
  assert.equal(res.status, 400);
  assert.match(res.text, /The theme “casse-theme” cannot be used: theme.json: [^<]+\. The current theme was kept\./);
  assert.equal(JSON.stringify(await t.store.settings.get('skeleton')), before);
  assert.match((await request(t.app).get('/').set(html)).text, /class="theme-nuit"/);
  assert.equal((await save({ theme: 'default' })).status, 303);
  assert.doesNotMatch((await request(t.app).get('/').set(html)).text, /theme-nuit/);
});

test('the keyword groups picked for the navigation show there with their keywords', async () => {
  const group = await t.store.keywordGroups.create({ slug: 'lieux', title: 'Lieux', multiple: true, inNavigation: false, order: 0 });
  const lyon = await t.store.keywords.create({ groupId: group.id, slug: 'lyon', title: 'Lyon', description: '' });
  t.app.kiosque.search.upsert(await t.store.media.create(mediaRecord({ slug: 'fourviere', title: 'Fourvière', keywordIds: [lyon.id] })));
  assert.doesNotMatch((await request(t.app).get('/').set(html)).text, /Lieux/);
  assert.equal((await save({ navigationKeywordGroups: ['lieux'] })).status, 303);
  const home = await request(t.app).get('/').set(html);
  assert.match(home.text, /<a class="nav-group-title" href="\/keywords\/lieux">Lieux<\/a>\s*<ul><li><a href="\/keywords\/lieux\/lyon">Lyon<\/a><\/li><\/ul>/);
  const bad = await save({ navigationKeywordGroups: ['nope'] });
  assert.equal(bad.status, 400);
});

test('saved values the site cannot render fall back to their defaults, field by field', async () => {
  const saved = await t.store.settings.get<Record<string, unknown>>('skeleton');
  await t.store.settings.set('skeleton', { ...saved, siteName: 42, slogan: 'Still here', searchBoxPosition: 'sky', hiddenBlocks: 'all', theme: '../../etc', logo: '../../secret.png' });
  const home = await request(t.app).get('/').set(html).expect(200);
  assert.match(home.text, /class="site-name">Kiosque<\/a>/);
  assert.match(home.text, /<p class="slogan">Still here<\/p>/);
  assert.match(home.text, /id="header-q"/);
  assert.doesNotMatch(home.text, /\/site\/logo/);
  await request(t.app).get('/site/logo').expect(404);
  await t.store.settings.set('skeleton', saved);
});

test('CSRF and roles: no token or an editor changes nothing', async () => {
  const before = JSON.stringify(await t.store.settings.get('skeleton'));
  const noToken = await admin.post(PAGE).type('form').set(html).send({ ...(await currentForm()), siteName: 'Hacked' });
  assert.equal(noToken.status, 403);
  const ed = await signIn(t, 'ed');
  await ed.get(PAGE).set(html).expect(403);
  const edToken = await tokenOf(ed, '/');
  assert.equal((await ed.post(PAGE).type('form').set(html).send({ _csrf: edToken, siteName: 'Hacked' })).status, 403);
  assert.equal((await request(t.app).post(PAGE).type('form').send({ siteName: 'Hacked' })).status, 401);
  assert.equal(JSON.stringify(await t.store.settings.get('skeleton')), before);
});

test('logo: an image is resized into the logo box and served; a non-image is refused; removal', async () => {
  const png = await sharp({ create: { width: 800, height: 400, channels: 3, background: '#c03' } }).png().toBuffer();
  const token = await tokenOf(admin, PAGE);
  const res = await admin.post(`${PAGE}/logo`).set(html).field('_csrf', token).attach('logo', png, { filename: 'logo.png', contentType: 'image/png' });
  assert.equal(res.status, 303);
  const home = await request(t.app).get('/').set(html);
  const src = decode(/<a href="\/" class="logo"><img src="([^"]+)"/.exec(home.text)?.[1] ?? '');
  assert.match(src, /^\/site\/logo\?v=[0-9a-f]{16}-240$/);
  const served = await request(t.app).get(src).buffer(true).parse((r, cb) => {
    const chunks: Buffer[] = [];
    r.on('data', (c: Buffer) => chunks.push(c));
    r.on('end', () => cb(null, Buffer.concat(chunks)));
  }).expect(200);
  assert.equal(served.headers['content-type'], 'image/png');
  assert.match(String(served.headers['cache-control']), /immutable/);
  const meta = await sharp(served.body as Buffer).metadata();
  assert.deepEqual([meta.width, meta.height], [240, 120]);

  // Changing the box on the skeleton page shows the logo at the new size at once, smaller or larger
  // (the upload is kept at the largest box), under a new URL so no cache shows the old one.
  const logoAtBox = async (box: string) => {
    const saved = await save({ logoBox: box });
    assert.equal(saved.status, 303, `box ${box} saved`);
    const page = await request(t.app).get('/').set(html);
    const url = decode(/<a href="\/" class="logo"><img src="([^"]+)"/.exec(page.text)?.[1] ?? '');
    assert.match(url, new RegExp(`-${box}$`));
    const img = await request(t.app).get(url).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    }).expect(200);
    const m = await sharp(img.body as Buffer).metadata();
    return [m.width, m.height];
  };
  assert.deepEqual(await logoAtBox('100'), [100, 50]);
  assert.deepEqual(await logoAtBox('500'), [500, 250]);
  assert.deepEqual(await logoAtBox('200'), [200, 100]);
  assert.deepEqual(await logoAtBox('240'), [240, 120]);

  // A small logo is never enlarged.
  const tiny = await sharp({ create: { width: 40, height: 20, channels: 4, background: '#0000' } }).webp().toBuffer();
  assert.equal((await admin.post(`${PAGE}/logo`).set(html).field('_csrf', await tokenOf(admin, PAGE)).attach('logo', tiny, 'x.webp')).status, 303);
  const skeleton = await t.store.settings.get<{ logo: string }>('skeleton');
  const small = await sharp(path.join(t.dataDir, 'files', skeleton!.logo)).metadata();
  assert.deepEqual([small.width, small.height, small.format], [40, 20, 'png']);

  const before = JSON.stringify(await t.store.settings.get('skeleton'));
  const text = await admin.post(`${PAGE}/logo`).set(html).field('_csrf', await tokenOf(admin, PAGE)).attach('logo', Buffer.from('<svg onload="alert(1)"></svg> not a png'), { filename: 'logo.png', contentType: 'image/png' });
  assert.equal(text.status, 400);
  assert.match(text.text, /This file is not an image Kiosque can use as a logo/);
  // Its address, opened by the page's language link or a reload, leads back to the page.
  for (const address of [`${PAGE}/logo`, `${PAGE}/logo/delete`]) {
    const back = await admin.get(`${address}?lang=en`).set(html);
    assert.deepEqual([back.status, back.headers.location], [303, `${PAGE}?lang=en`], address);
  }
  // Beside the file field, which says so to screen readers.
  assert.match(text.text, /<input type="file" id="logo-file" name="logo" [^>]*aria-describedby="logo-help logo-file-error" aria-invalid="true">\s*<p class="help" id="logo-help">[^<]*<\/p>\s*<p class="field-error" id="logo-file-error" role="alert">This file is not an image/);
  const noToken = await admin.post(`${PAGE}/logo`).set(html).attach('logo', png, 'logo.png');
  assert.equal(noToken.status, 403);
  const ed = await signIn(t, 'ed');
  assert.equal((await ed.post(`${PAGE}/logo`).set(html).field('_csrf', await tokenOf(ed, '/')).attach('logo', png, 'logo.png')).status, 403);
  assert.equal(JSON.stringify(await t.store.settings.get('skeleton')), before);

  const removed = await admin.post(`${PAGE}/logo/delete`).type('form').set(html).send({ _csrf: await tokenOf(admin, PAGE) });
  assert.equal(removed.status, 303);
  assert.deepEqual(await readdir(path.join(t.dataDir, 'files', 'site')), [], 'the logo and every size made from it are gone');
  assert.doesNotMatch((await request(t.app).get('/').set(html)).text, /class="logo"/);
  await request(t.app).get('/site/logo').expect(404);
});

test('each site language is named in its own language, marked so for screen readers (WCAG 3.1.2)', async () => {
  const page = await admin.get(`${PAGE}?lang=fr`).set(html).expect(200);
  assert.match(page.text, /<option value="en"( selected)? lang="en">English<\/option><option value="fr"( selected)? lang="fr">Français<\/option>/);
  await admin.get('/?lang=en').set(html);
});

test('the tag group speaks the site language until someone renames it', async () => {
  const tagsTitle = async () => (await t.store.keywordGroups.list()).find((g) => g.slug === 'tags')?.title;
  assert.equal(await tagsTitle(), 'Tags');
  try {
    assert.equal((await save({ language: 'fr' })).status, 303);
    assert.equal(await tagsTitle(), 'Étiquettes');
    // Visitors see it at once (the page cache heard of the change).
    assert.match((await request(t.app).get('/keywords/tags').set(html).expect(200)).text, /<h1>Étiquettes<\/h1>/);
    assert.equal((await save({ language: 'en' })).status, 303);
    assert.equal(await tagsTitle(), 'Tags');

    // A title the admin chose is theirs, whatever the language.
    const tags = (await t.store.keywordGroups.list()).find((g) => g.slug === 'tags')!;
    await t.app.kiosque.keywords.updateGroup(tags.id, { title: 'Sujets' });
    assert.equal((await save({ language: 'fr' })).status, 303);
    assert.equal(await tagsTitle(), 'Sujets');
  } finally {
    const tags = (await t.store.keywordGroups.list()).find((g) => g.slug === 'tags')!;
    await t.app.kiosque.keywords.updateGroup(tags.id, { title: 'Tags' });
    await save({ language: 'en' });
  }
});

test('a portal started in French names its tag group in French, and one started before this was translated is renamed', async () => {
  const dataDir = await tempDir('kiosque-tags-fr-');
  const first = await makeApp({ dataDir });
  assert.equal((await first.store.keywordGroups.list()).find((g) => g.slug === 'tags')?.title, 'Tags');
  await first.store.settings.set('skeleton', { language: 'fr' });
  await first.close({ keepData: true });
  // Restarted on French settings, with the English default still there (as every French site had it).
  const again = await makeApp({ dataDir });
  try {
    assert.equal((await again.store.keywordGroups.list()).find((g) => g.slug === 'tags')?.title, 'Étiquettes');
  } finally {
    await again.close();
  }
});
