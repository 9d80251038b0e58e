import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, addUser, signIn, type TestApp } from '../helpers/app.ts';
import type { Media } from '../../core/store/index.ts';
import { mediaInput } from './fixtures.ts';

let t: TestApp;
const ids: Record<string, string> = {};

async function addMedia(key: string, over: Partial<Omit<Media, 'id'>>) {
  const m = await t.store.media.create(mediaInput(over));
  t.app.kiosque.search.upsert(m);
  ids[key] = m.id;
  return m;
}

before(async () => {
  t = await makeApp();
  await addUser(t, 'eddie', 'editor');
  const kw = t.app.kiosque.keywords;
  const tags = (await kw.group('tags'))!;
  const masques = await kw.create(tags.id, 'Masques');
  const ete = await kw.create(tags.id, 'Été');
  const xss = await kw.create(tags.id, '<script>alert(1)</script>');
  const sector = await t.store.sectors.create({ slug: 'fetes', title: 'Fêtes', description: '', order: 0, visible: true, display: 'grid', defaultSort: 'date' });
  await addMedia('carnaval', { title: 'Le carnaval de Venise', description: 'Des masques', keywordIds: [masques.id, ete.id], type: 'image', sectorId: sector.id, createdAt: '2023-02-01T10:00:00Z', publishedAt: '2023-02-01T10:00:00Z', variants: { thumb: { file: 'd/1.webp', mime: 'image/webp', size: 10 } } });
  await addMedia('medias', { title: 'Médias du monde', description: 'Un film', keywordIds: [ete.id], type: 'video', createdAt: '2024-06-01T10:00:00Z', publishedAt: '2024-06-01T10:00:00Z' });
  await addMedia('draft', { title: 'Brouillon masqué', keywordIds: [masques.id], status: 'draft' });
  await addMedia('xss', { title: '<img src=x onerror=alert(2)>', keywordIds: [xss.id], type: 'document', createdAt: '2022-01-01T00:00:00Z', publishedAt: '2022-01-01T00:00:00Z' });
  for (let i = 0; i < 14; i++) await addMedia(`bulk${i}`, { title: `Photo numéro ${i}`, type: 'image', createdAt: `2021-01-${String(i + 1).padStart(2, '0')}T00:00:00Z`, publishedAt: `2021-01-${String(i + 1).padStart(2, '0')}T00:00:00Z` });
});
after(() => t.close());

const html = (path: string, lang = 'en') => request(t.app).get(path).set('Accept', 'text/html').set('Accept-Language', lang);

test('no criteria: "Your search is empty." in both languages', async () => {
  const en = await html('/search').expect(200);
  assert.match(en.text, /Your search is empty\./);
  const fr = await html('/search?lang=fr', 'fr').expect(200);
  assert.match(fr.text, /Votre recherche est vide\./);
});

test('criteria without result: the no-result message in both languages', async () => {
  const en = await html('/search?q=zzzznothing').expect(200);
  assert.match(en.text, /Media \(0\)/);
  assert.match(en.text, /No media matching your criteria is available on the site\./);
  const fr = await html('/search?q=zzzznothing&lang=fr', 'fr').expect(200);
  assert.match(fr.text, /Aucun média correspondant à vos critères n’est disponible sur le site\./);
});

test('a search without accents finds accented titles, counts and links media cards with thumbs', async () => {
  const res = await html('/search?q=medias').expect(200);
  assert.match(res.text, /Media \(1\)/);
  assert.match(res.text, new RegExp(`href="/media/${ids.medias}"`));
  const carnaval = await html('/search?q=CARNAVAL').expect(200);
  assert.match(carnaval.text, new RegExp(`<img src="/files/${ids.carnaval}/thumb"`));
});

test('keyword chip reads "Keyword: Tags / Masques" and its remove link drops only that keyword', async () => {
  const res = await html('/search?kw=tags/masques&type=image').expect(200);
  assert.match(res.text, /Keyword: Tags \/ Masques/);
  assert.match(res.text, /Media \(1\)/);
  const remove = /<span>Keyword: Tags \/ Masques<\/span> <a href="([^"]+)"/.exec(res.text);
  assert.ok(remove, 'chip with a remove link');
  assert.equal(remove[1]!.replace(/&amp;/g, '&').replace(/&#x3D;/g, '='), '/search?type=image');
});

test('a licence chip shows the licence’s name in the visitor’s language; an unknown licence is an error, escaped, and finds nothing', async () => {
  const en = await html('/search?licence=cc-by').expect(200);
  assert.match(en.text, /<span>Licence: Creative Commons Attribution \(CC BY\)<\/span>/);
  assert.match(en.text, /Media \(17\)/, "every published media has that licence");
  const fr = await html('/search?licence=cc-by&lang=fr', 'fr').expect(200);
  assert.match(fr.text, /<span>Licence\u00a0: Creative Commons Attribution \(CC BY\)<\/span>/);
  const typed = await html('/search?licence=%3Cb%3Emine').expect(200);
  assert.match(typed.text, /Unknown licence: &lt;b&gt;mine\./);
  assert.match(typed.text, /Media \(0\)/);
  assert.doesNotMatch(typed.text, /<b>mine/);
  // The form offers the licences by name.
  assert.match(en.text, /<option value="cc-by" selected>Creative Commons Attribution \(CC BY\)<\/option>/);
  assert.equal((await request(t.app).get('/api/v1/media?licence=mine').expect(400)).body.error.code, 'unknown_licence');
});

test('a hand-edited URL with a value that does not exist gets a message saying what was done instead, not the API’s wording', async () => {
  const en = await html('/search?q=photo&sort=bogus&view=wide&page=x').expect(200);
  assert.match(en.text, /That sort order does not exist; the default one was used\./);
  assert.match(en.text, /That display does not exist; the default one was used\./);
  assert.match(en.text, /That page number is not valid; here is the first page\./);
  assert.doesNotMatch(en.text, /must be one of/);
  assert.match(en.text, /Media \(14\)/, 'the search still ran');
  const fr = await html('/search?q=photo&sort=bogus&lang=fr', 'fr').expect(200);
  assert.match(fr.text, /Ce tri n’existe pas\u202f; le tri par défaut a été utilisé\./);
  const api = await request(t.app).get('/api/v1/media?sort=bogus').expect(400);
  assert.match(api.body.error.message, /sort must be one of/, 'the API keeps naming the parameter');
});

test('drafts are invisible to visitors, even with status=draft; staff may search them', async () => {
  const visitor = await html('/search?q=brouillon&status=draft').expect(200);
  assert.match(visitor.text, /Media \(0\)/);
  const editor = await signIn(t, 'eddie');
  const staff = await editor.get('/search?q=brouillon&status=draft').set('Accept', 'text/html').expect(200);
  assert.match(staff.text, /Media \(1\)/);
});

test('invalid dates and from > to give a message on the form, not an error page', async () => {
  const bad = await html('/search?q=carnaval&from=2024-02-31').expect(200);
  assert.match(bad.text, /Enter a real date as YYYY-MM-DD\./);
  assert.match(bad.text, /Media \(1\)/);
  const reversed = await html('/search?from=2024-05-01&to=2023-01-01&lang=fr', 'fr').expect(200);
  assert.match(reversed.text, /La date de début est postérieure à la date de fin/);
});

test('per_page out of range is clamped with a message; a page past the end shows the last page', async () => {
  const clamped = await html('/search?type=image&per_page=500').expect(200);
  assert.match(clamped.text, /Choose between 6 and 100 media per page; 100 was used\./);
  const small = await html('/search?type=image&per_page=2').expect(200);
  assert.match(small.text, /Page 1 of 3/);
  const past = await html('/search?type=image&per_page=6&page=99').expect(200);
  assert.match(past.text, /There is no page 99; here is the last page \(3\)\./);
  assert.match(past.text, /Page 3 of 3/);
});

test('proposed filters carry counts over all results', async () => {
  const res = await html('/search?from=2021-01-01&per_page=6').expect(200);
  assert.match(res.text, /Media \(17\)/);
  assert.match(res.text, /Image<\/a> \(15\)/);
  assert.match(res.text, /Video<\/a> \(1\)/);
  assert.match(res.text, /2021<\/a> \(14\)/);
  assert.match(res.text, /Tags \/ Été<\/a> \(2\)/);
  const typed = await html('/search?type=image&type=video&per_page=6').expect(200);
  assert.match(typed.text, /Media \(16\)/);
  assert.doesNotMatch(typed.text, /Video<\/a> \(1\)/, 'an active type is not proposed again');
});

test('what the user typed and keyword titles are rendered escaped', async () => {
  const res = await html('/search?q=%3Cscript%3Ealert(9)%3C%2Fscript%3E&kw=tags/script-alert-1-script').expect(200);
  assert.doesNotMatch(res.text, /<script>alert/);
  assert.match(res.text, /&lt;script&gt;alert\(9\)&lt;\/script&gt;/);
  assert.match(res.text, /Keyword: Tags \/ &lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  const kwPage = await html('/search?kw=tags/script-alert-1-script').expect(200);
  assert.doesNotMatch(kwPage.text, /<img src=x/);
  assert.match(kwPage.text, /&lt;img src&#x3D;x onerror&#x3D;alert\(2\)&gt;/);
});

test('words without a letter or digit (an emoji, punctuation) find nothing and say why beside the field, rather than listing every media', async () => {
  const res = await html('/search?q=%F0%9F%8E%89').expect(200);
  assert.match(res.text, /<p id="search-q-help" class="help">[^<]*<\/p>\s*<p class="field-error">“🎉” holds no letter or digit to search for\.<\/p>/);
  assert.match(res.text, /<h2 class="results-count">Media \(0\)<\/h2>/);
  assert.doesNotMatch(res.text, /href="\/media\/\d+/);
  const french = await html('/search?q=%E2%80%94', 'fr').expect(200);
  assert.match(french.text, /<p class="field-error">«\u00a0—\u00a0» ne contient ni lettre ni chiffre à rechercher\.<\/p>/);
  // A word beside it is searched as usual.
  assert.doesNotMatch((await html('/search?q=carnaval%20%F0%9F%8E%89').expect(200)).text, /holds no letter/);
});

test('unknown keyword: message naming it on the page', async () => {
  const res = await html('/search?kw=tags/nope').expect(200);
  assert.match(res.text, /Unknown keyword: tags\/nope\./);
});

test('a renamed sector’s former address still filters by it, and the page carries the current one', async () => {
  const sector = (await t.store.sectors.list()).find((s) => s.slug === 'fetes')!;
  await t.store.sectors.update(sector.id, { slug: 'festivites', formerSlugs: ['fetes'] });
  try {
    const res = await html('/search?sector=fetes').expect(200);
    assert.match(res.text, /Media \(1\)/);
    assert.match(res.text, new RegExp(`href="/media/${ids.carnaval}"`));
    assert.match(res.text, /<option value="festivites" selected>Fêtes<\/option>/);
    const api = await request(t.app).get('/api/v1/media?sector=fetes').expect(200);
    assert.deepEqual((api.body as { items: Array<{ id: string }> }).items.map((m) => m.id), [ids.carnaval]);
  } finally {
    await t.store.sectors.update(sector.id, { slug: 'fetes', formerSlugs: [] });
  }
});

test('a hidden sector is not named to visitors: no facet, no slug in the API, unknown as a criterion; staff see it', async () => {
  const hidden = await t.store.sectors.create({ slug: 'archives', title: 'Archives cachées', description: '', order: 1, visible: false, display: 'grid', defaultSort: 'date' });
  await addMedia('archived', { title: 'Parchemin ancien', type: 'image', sectorId: hidden.id, createdAt: '2020-01-01T00:00:00Z', publishedAt: '2020-01-01T00:00:00Z' });
  const page = await html('/search?q=parchemin').expect(200);
  assert.match(page.text, /Media \(1\)/, 'the media itself is published');
  assert.doesNotMatch(page.text, /Archives cachées|sector=archives/);
  const api = await request(t.app).get('/api/v1/media?q=parchemin').expect(200);
  assert.equal(api.body.items[0].sector, null);
  assert.deepEqual(api.body.facets.sectors, []);
  const asked = await request(t.app).get('/api/v1/media?sector=archives').expect(400);
  assert.equal(asked.body.error.code, 'unknown_sector');
  assert.doesNotMatch((await html('/search?sector=archives').expect(200)).text, /Parchemin ancien/);

  const eddie = await signIn(t, 'eddie');
  const staffApi = await eddie.get('/api/v1/media?q=parchemin').expect(200);
  assert.equal(staffApi.body.items[0].sector, 'archives');
  assert.deepEqual(staffApi.body.facets.sectors.map((s: { slug: string }) => s.slug), ['archives']);
  const staffPage = await eddie.get('/search?q=parchemin').set('Accept', 'text/html').expect(200);
  assert.match(staffPage.text, /Archives cachées/);
});

test('a criterion that names nothing gives no result, with its error, instead of a wider search', async () => {
  const unknown = await html('/search?kw=lieux/paris').expect(200);
  assert.match(unknown.text, /Media \(0\)/);
  assert.match(unknown.text, /lieux\/paris/, 'the error names what was typed');
  assert.doesNotMatch(unknown.text, /Photo numéro/);
  const withKnown = await html('/search?kw=tags/masques&kw=tags/nope').expect(200);
  assert.match(withKnown.text, /Media \(0\)/, 'all keywords must apply, and one does not exist');
  const any = await html('/search?kw=tags/masques&kw=tags/nope&kw_mode=any').expect(200);
  assert.match(any.text, new RegExp(`href="/media/${ids.carnaval}"`), 'any of them: the known one still finds');
  for (const path of ['/search?type=poster', '/search?author=nobody', '/search?sector=nowhere']) {
    const res = await html(path).expect(200);
    assert.match(res.text, /Media \(0\)/, path);
  }
});

test('the less-used criteria sit under “More criteria”, open when one of them is set or has a problem', async () => {
  const closed = await html('/search?q=photo').expect(200);
  assert.match(closed.text, /<details class="more-criteria">/);
  for (const path of ['/search?q=photo&from=2021-01-01', '/search?q=photo&author=nobody', '/search?q=photo&per_page=1000']) {
    const open = await html(path).expect(200);
    assert.match(open.text, /<details class="more-criteria" open>/, path);
  }
  const fr = await html('/search?lang=fr', 'fr').expect(200);
  assert.match(fr.text, /Plus de critères/);
});

test('words cut at the longest search text never split a character in two: no � in the box, the chip or the links', async () => {
  // 500 UTF-16 units end in the middle of the emoji: cutting there left half of it, shown and sent as U+FFFD.
  const q = `photo -${'z'.repeat(492)}🎉`;
  const res = await html(`/search?q=${encodeURIComponent(q)}`).expect(200);
  assert.match(res.text, /The search text is too long/);
  assert.match(res.text, /class="results-count">Media \(14\)/);
  assert.ok(!res.text.includes('\uFFFD') && !res.text.includes('%EF%BF%BD'), 'no replacement character');
  assert.ok(res.text.includes(`value="photo -${'z'.repeat(492)}"`), 'the box keeps what fits, whole characters only');
});

test('the words searched name the page, escaped and cut short; without words it is the advanced search', async () => {
  const title = (text: string) => /<title>([^<]*)<\/title>/.exec(text)?.[1];
  assert.equal(title((await html('/search?q=carnaval').expect(200)).text), '“carnaval”: search · Kiosque');
  assert.equal(title((await html('/search?q=carnaval&lang=fr', 'fr').expect(200)).text), '«\u00a0carnaval\u00a0»\u00a0: recherche · Kiosque');
  assert.equal(title((await html('/search?q=%3Cb%3Eloup').expect(200)).text), '“&lt;b&gt;loup”: search · Kiosque');
  assert.equal(title((await html(`/search?q=${'é'.repeat(70)}`).expect(200)).text), `“${'é'.repeat(60)}…”: search · Kiosque`);
  assert.equal(title((await html('/search?type=image').expect(200)).text), 'Advanced search · Kiosque');
});
