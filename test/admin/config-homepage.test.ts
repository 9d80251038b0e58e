import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, addUser, signIn, tokenOf, type TestApp } from '../helpers/app.ts';
import { mediaRecord } from '../helpers/media-records.ts';
import { settingsFormValues } from '../helpers/settings-form.ts';
import type { Media } from '../../core/store/index.ts';
import { readHomepage } from '../../core/settings/homepage.ts';

const html = { Accept: 'text/html' };
const PAGE = '/admin/config/homepage';
let t: TestApp;
let admin: Awaited<ReturnType<typeof signIn>>;
const media: Record<string, Media> = {};

before(async () => {
  t = await makeApp();
  await addUser(t, 'ada', 'admin');
  await addUser(t, 'ed', 'editor');
  admin = await signIn(t, 'ada');
  const sons = await t.store.sectors.create({ slug: 'sons', title: 'Sons', description: '', order: 0, visible: true, display: 'grid', defaultSort: 'date' });
  const images = await t.store.sectors.create({ slug: 'images', title: 'Images', description: '', order: 1, visible: true, display: 'grid', defaultSort: 'date' });
  const hidden = await t.store.sectors.create({ slug: 'coulisses', title: 'Coulisses', description: '', order: 2, visible: false, display: 'grid', defaultSort: 'date' });
  // The keywords service creates the tags group at start.
  const tags = (await t.store.keywordGroups.list()).find((g) => g.slug === 'tags') ?? (await t.store.keywordGroups.create({ slug: 'tags', title: 'Tags', multiple: true, inNavigation: false, order: 0 }));
  const masques = await t.store.keywords.create({ groupId: tags.id, slug: 'masques', title: 'Masques', description: '' });
  const fetes = await t.store.keywords.create({ groupId: tags.id, slug: 'fetes', title: 'Fêtes', description: '' });
  const day = (n: number) => new Date(Date.UTC(2025, 0, n)).toISOString();
  const add = async (key: string, o: Partial<Media>) => (media[key] = await t.store.media.create(mediaRecord({ slug: key, title: key, ...o })));
  await add('Zèbre', { sectorId: sons.id, publishedAt: day(1), views: 50, keywordIds: [masques.id] });
  await add('Abeille', { sectorId: sons.id, publishedAt: day(2), views: 5, keywordIds: [masques.id, fetes.id] });
  await add('Marée', { sectorId: images.id, publishedAt: day(3), views: 20, keywordIds: [masques.id] });
  await add('Brouillon', { sectorId: sons.id, status: 'draft', publishedAt: null, views: 999, keywordIds: [masques.id] });
  await add('Caché', { sectorId: hidden.id, publishedAt: day(4) });
  // Records made straight in the store: the search index (which the homepage reads) learns of them by a rebuild.
  await t.app.kiosque.search.reindex();
});
after(() => t.close());

async function save(changes: Record<string, string | string[] | undefined>, agent = admin, query = '') {
  const form = { ...settingsFormValues((await agent.get(PAGE).set(html).expect(200)).text), ...changes };
  for (const [k, v] of Object.entries(form)) if (v === undefined) delete form[k];
  return agent.post(PAGE + query).type('form').set(html).send({ ...form, _csrf: await tokenOf(agent, PAGE) });
}
const home = async () => (await request(t.app).get('/').set(html).expect(200)).text;
/** The order in which the block classes appear on the homepage. */
const order = (text: string) => [...text.matchAll(/class="home-block (home-[a-z]+)"/g)].map((m) => m[1]);
const titles = (text: string, block: string) => {
  const section = new RegExp(`class="home-block ${block}"[\\s\\S]*?</section>`).exec(text)?.[0] ?? '';
  return [...section.matchAll(/<span class="media-card-title">([^<]+)<\/span>/g)].map((m) => m[1]);
};

test('a new portal shows the default blocks: latest media newest first, sectors, tag cloud; never drafts', async () => {
  const text = await home();
  assert.deepEqual(order(text), ['home-latest', 'home-sector', 'home-sector', 'home-tags']);
  assert.deepEqual(titles(text, 'home-latest'), ['Caché', 'Marée', 'Abeille', 'Zèbre']);
  assert.doesNotMatch(text, /Brouillon/);
  assert.match(text, /<h2><a href="\/sectors\/sons">Sons<\/a><\/h2>/);
  assert.doesNotMatch(text, /href="\/sectors\/coulisses"/);
  assert.match(text, /<li class="weight-5"><a href="\/keywords\/tags\/masques">Masques<\/a> <span class="count">\(3\)<\/span><\/li>/);
  assert.match(text, /<a href="\/keywords\/tags\/fetes">Fêtes<\/a> <span class="count">\(1\)<\/span>/);
});

test('blocks follow the configured order and settings: featured, latest count, highlights by sector and by keyword', async () => {
  const res = await save({
    blocks: ['highlights', 'featured', 'latest'],
    featuredMedia: `${media['Marée']!.id}\n${media['Brouillon']!.id}\n${media['Zèbre']!.id}`,
    latestCount: '2',
    highlightsTitle: 'Nos sons',
    highlightsSource: 'sector',
    highlightsTarget: 'sons',
    highlightsSort: 'title',
  });
  assert.equal(res.status, 303);
  let text = await home();
  assert.deepEqual(order(text), ['home-highlights', 'home-featured', 'home-latest']);
  assert.match(text, /<h2><a href="\/sectors\/sons">Nos sons<\/a><\/h2>/);
  assert.deepEqual(titles(text, 'home-highlights'), ['Abeille', 'Zèbre']);
  assert.deepEqual(titles(text, 'home-featured'), ['Marée', 'Zèbre'], 'picked order, drafts left out');
  assert.deepEqual(titles(text, 'home-latest'), ['Caché', 'Marée']);

  assert.equal((await save({ highlightsSource: 'keyword', highlightsTarget: 'tags/masques', highlightsSort: 'popularity', itemsPerBlock: '2', highlightsTitle: '' })).status, 303);
  text = await home();
  assert.match(text, /<h2><a href="\/keywords\/tags\/masques">Highlights<\/a><\/h2>/);
  assert.deepEqual(titles(text, 'home-highlights'), ['Zèbre', 'Marée']);
});

test('highlights by sector follow the sector when its address changes', async () => {
  assert.equal((await save({ blocks: ['highlights'], highlightsSource: 'sector', highlightsTarget: 'sons', highlightsTitle: 'Nos sons', highlightsSort: 'title' })).status, 303);
  const sons = (await t.store.sectors.list()).find((s) => s.slug === 'sons')!;
  const rename = async (slug: string) => {
    const token = await tokenOf(admin, `/admin/config/sectors/${sons.id}`);
    const res = await admin.post(`/admin/config/sectors/${sons.id}`).type('form').set(html).send({ _csrf: token, title: 'Sons', slug, visible: 'on', display: 'grid', defaultSort: 'date' });
    assert.equal(res.status, 303);
  };
  await rename('audio');
  try {
    const text = await home();
    assert.match(text, /<h2><a href="\/sectors\/audio">Nos sons<\/a><\/h2>/);
    assert.deepEqual(titles(text, 'home-highlights'), ['Abeille', 'Zèbre']);
    assert.equal((await save({})).status, 303, 'the form saves unchanged with the former address');
  } finally {
    await rename('sons');
  }
});

test('editorial Markdown is rendered, with raw HTML escaped and javascript: links neutralised', async () => {
  const editorial = '# Bienvenue\n\n**Gras** et [un lien](https://example.org/a).\n\n<script>alert(1)</script>\n\n[piège](javascript:alert(2)) <img src=x onerror=alert(3)>';
  assert.equal((await save({ blocks: ['editorial', '', 'description'], editorial })).status, 303);
  const text = await home();
  const section = /<section class="home-block home-editorial"[^>]*>([\s\S]*?)<\/section>/.exec(text)?.[1] ?? '';
  assert.match(section, /<h2>Bienvenue<\/h2>/, 'one level below the page’s own h1');
  assert.doesNotMatch(section, /<h1/);
  assert.match(section, /<strong>Gras<\/strong> et <a href="https:\/\/example.org\/a">un lien<\/a>/);
  assert.match(section, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.doesNotMatch(text, /<script/);
  assert.doesNotMatch(text, /href="javascript:/i);
  assert.match(section, /\[piège\]\(javascript:alert\(2\)\)/);
  assert.match(section, /&lt;img src=x onerror=alert\(3\)&gt;/);
  // The editorial text shows in the form as typed, escaped.
  const form = await admin.get(PAGE).set(html);
  assert.match(form.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
});

test('invalid input: each problem named on its field, in the admin’s language, and nothing saved', async () => {
  const before = JSON.stringify(await t.store.settings.get('homepage'));
  const res = await save({ blocks: ['latest', 'carousel', 'latest'], featuredMedia: '99999', highlightsSource: 'sector', highlightsTarget: 'nope', latestCount: '0' });
  assert.equal(res.status, 400);
  assert.match(res.text, /At least 1\./);
  const again = await save({ blocks: ['latest', '', 'latest'], featuredMedia: '99999', highlightsSource: 'sector', highlightsTarget: 'nope' });
  assert.equal(again.status, 400);
  assert.match(again.text, /Each choice can be picked once only\./);
  assert.match(again.text, /There is no media number 99999\./);
  assert.match(again.text, /There is no sector with the URL name “nope”\./);
  // The positions come back as they were chosen, the empty one included.
  const positions = [...again.text.matchAll(/<select id="homepage-blocks-(\d)" name="blocks">([\s\S]*?)<\/select>/g)].map((m) => /<option value="([^"]*)" selected>/.exec(m[2]!)?.[1] ?? '');
  assert.deepEqual(positions.slice(0, 4), ['latest', '', 'latest', '']);
  const unknown = await save({ blocks: ['carousel'] });
  assert.equal(unknown.status, 400);
  assert.match(unknown.text, /Choose one of the options offered\./);
  const kw = await save({ blocks: ['highlights'], highlightsSource: 'keyword', highlightsTarget: 'tags/absent' });
  assert.match(kw.text, /There is no keyword “tags\/absent”/);
  const empty = await save({ blocks: ['highlights'], highlightsTarget: '' });
  assert.match(empty.text, /The highlights block needs a sector or a keyword\./);
  const fr = await save({ blocks: ['latest', 'latest'] }, admin, '?lang=fr');
  assert.equal(fr.status, 400);
  assert.match(fr.text, /Chaque choix ne peut être pris qu’une fois\./);
  assert.match(fr.text, /<option value="latest" selected>Derniers médias<\/option>/, 'block names in the admin’s language');
  await admin.get('/?lang=en').set(html);
  assert.equal(JSON.stringify(await t.store.settings.get('homepage')), before);
});

test('a featured media deleted since is a warning on its field, and the page’s other fields still save; a new unknown number is refused', async () => {
  const gone = await t.store.media.create(mediaRecord({ slug: 'ephemere', title: 'Éphémère' }));
  assert.equal((await save({ blocks: ['featured', 'latest'], featuredMedia: `${media['Marée']!.id}\n${gone.id}` })).status, 303);
  await t.store.media.delete(gone.id);
  const page = (await admin.get(PAGE).set(html).expect(200)).text;
  assert.match(page, new RegExp(`<p class="field-warning" id="homepage-featuredMedia-warning">There is no media number ${gone.id} any more: the featured media block leaves it out`));
  const other = await save({ itemsPerBlock: '8' });
  assert.equal(other.status, 303, 'the other fields are not held hostage');
  assert.equal((await readHomepage(t.store)).itemsPerBlock, 8);
  assert.deepEqual(titles(await home(), 'home-featured'), ['Marée'], 'the block leaves it out');
  const typed = await save({ featuredMedia: `${media['Marée']!.id}\n${gone.id}\n99999` });
  assert.equal(typed.status, 400);
  assert.match(typed.text, /There is no media number 99999\./);
  assert.doesNotMatch(typed.text, new RegExp(`There is no media number ${gone.id}\\.`), 'only the number typed now is refused');
});

test('CSRF and roles', async () => {
  const before = JSON.stringify(await t.store.settings.get('homepage'));
  assert.equal((await admin.post(PAGE).type('form').set(html).send({ blocks: ['latest'] })).status, 403);
  const ed = await signIn(t, 'ed');
  await ed.get(PAGE).set(html).expect(403);
  assert.equal((await ed.post(PAGE).type('form').set(html).send({ _csrf: await tokenOf(ed, '/'), blocks: ['latest'] })).status, 403);
  assert.equal(JSON.stringify(await t.store.settings.get('homepage')), before);
});

test('stored values the homepage cannot use fall back: unknown blocks dropped, bad numbers at their default', async () => {
  await t.store.settings.set('homepage', { blocks: ['latest', 'bogus', 'latest', 'tagCloud'], latestCount: -3, itemsPerBlock: 'many' });
  const text = await home();
  assert.deepEqual(order(text), ['home-latest', 'home-tags']);
  assert.equal(titles(text, 'home-latest').length, 4);
  await t.store.settings.set('homepage', 'garbage');
  assert.deepEqual(order(await home()), ['home-latest', 'home-sector', 'home-sector', 'home-tags']);
});
