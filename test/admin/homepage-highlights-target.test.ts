import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, addUser, signIn, tokenOf, type TestApp } from '../helpers/app.ts';
import { mediaRecord } from '../helpers/media-records.ts';
import { settingsFormValues } from '../helpers/settings-form.ts';
import type { Keyword, KeywordGroup, Sector } from '../../core/store/index.ts';

// The homepage highlights name their sector or keyword by address. When that goes, the pages that
// delete it say so first, the homepage config page says so after, and its other fields still save.

const html = { Accept: 'text/html' };
const PAGE = '/admin/config/homepage';
let t: TestApp;
let admin: Awaited<ReturnType<typeof signIn>>;
let tagsId: string;

before(async () => {
  t = await makeApp();
  await addUser(t, 'ada', 'admin');
  admin = await signIn(t, 'ada');
  tagsId = (await t.app.kiosque.keywords.group('tags'))!.id;
});
after(() => t.close());

const kws = () => t.app.kiosque.keywords;
/** A published media carrying these keywords (in this sector), known to the search index as the media service would make it. */
async function addMedia(title: string, over: { keywordIds?: string[]; sectorId?: string } = {}) {
  const m = await t.store.media.create(mediaRecord({ slug: title.toLowerCase(), title, ...over }));
  t.app.kiosque.search.upsert(m);
  return m;
}
async function keyword(groupId: string, title: string): Promise<Keyword> {
  const k = await kws().create(groupId, title);
  await addMedia(`Media ${title}`, { keywordIds: [k.id] });
  return k;
}
const SECTORS = '/admin/config/sectors';
async function saveSector(path: string, title: string, slug: string) {
  const token = await tokenOf(admin, SECTORS);
  await admin.post(path).type('form').set(html).send({ _csrf: token, title, slug, visible: 'on', display: 'grid', defaultSort: 'date' }).expect(303);
}
async function sector(title: string, slug: string): Promise<Sector> {
  await saveSector(SECTORS, title, slug);
  const s = (await t.store.sectors.list()).find((x) => x.slug === slug)!;
  await addMedia(`Media ${title}`, { sectorId: s.id });
  return s;
}

async function save(changes: Record<string, string | string[]>, query = '') {
  const form = { ...settingsFormValues((await admin.get(PAGE).set(html).expect(200)).text), ...changes };
  return admin.post(PAGE + query).type('form').set(html).send({ ...form, _csrf: await tokenOf(admin, PAGE) });
}
async function highlight(source: 'sector' | 'keyword', target: string, blocks = ['highlights', 'latest']) {
  const res = await save({ blocks, highlightsSource: source, highlightsTarget: target, highlightsTitle: 'À la une' });
  assert.equal(res.status, 303, 'the highlights are saved');
}
/** The highlights block's heading link on the homepage, or undefined when the block is not there. */
async function highlightsHref() {
  const text = (await request(t.app).get('/').set(html).expect(200)).text;
  const section = /<section class="home-block home-highlights"[\s\S]*?<\/section>/.exec(text)?.[0];
  return section && /<h2><a href="([^"]+)">À la une<\/a><\/h2>/.exec(section)?.[1];
}
/** The warning under the highlights target field of the homepage config page, if any. */
const targetWarning = (page: string) => /<p class="field-warning" id="homepage-highlightsTarget-warning">([^<]*)<\/p>/.exec(page)?.[1];
const post = async (path: string, body: Record<string, string> = {}) => admin.post(path).type('form').set(html).send({ ...body, _csrf: await tokenOf(admin, '/admin/keywords') });
const WARN_KEYWORD = 'The homepage highlights show this keyword: that block will be empty until you choose another.';

test('deleting the highlights’ keyword: the confirmation page says so, the block goes, the config page warns, and the page’s other fields still save', async () => {
  const masques = await keyword(tagsId, 'Masques');
  const fetes = await keyword(tagsId, 'Fêtes');
  await highlight('keyword', 'tags/masques');
  assert.equal(await highlightsHref(), '/keywords/tags/masques');

  const confirm = await admin.get(`/admin/keywords/${masques.id}/delete`).set(html).expect(200);
  assert.ok(confirm.text.includes(WARN_KEYWORD));
  assert.match(confirm.text, /<a href="\/admin\/config\/homepage">Choose the highlights on the homepage page<\/a>/);
  const fr = await admin.get(`/admin/keywords/${masques.id}/delete?lang=fr`).set(html).expect(200);
  assert.ok(fr.text.includes('La sélection de la page d’accueil montre ce mot-clé\u00a0: ce bloc sera vide jusqu’à ce que vous en choisissiez un autre.'));
  await admin.get('/?lang=en').set(html);
  const other = await admin.get(`/admin/keywords/${fetes.id}/delete`).set(html).expect(200);
  assert.ok(!other.text.includes('The homepage highlights'), 'another keyword’s page says nothing of them');
  assert.equal(targetWarning((await admin.get(PAGE).set(html)).text), undefined, 'no warning while the keyword exists');

  const deleted = await post(`/admin/keywords/${masques.id}/delete`);
  assert.equal(deleted.status, 303);
  assert.equal(deleted.headers.location, '/admin/keywords?done=deleted_highlights');
  const notice = await admin.get(deleted.headers.location).set(html);
  assert.match(notice.text, /Keyword deleted\. The homepage highlights showed it/);
  assert.equal(await highlightsHref(), undefined, 'the block is gone from the homepage');

  const page = (await admin.get(PAGE).set(html).expect(200)).text;
  assert.equal(targetWarning(page), 'No keyword has the address “tags/masques” any more: the highlights block stays empty until you choose another keyword or sector.');
  assert.match(page, /<input type="text" id="homepage-highlightsTarget" name="highlightsTarget" value="tags\/masques"[^>]* aria-describedby="[^"]*homepage-highlightsTarget-warning"/);
  assert.doesNotMatch(page, /class="error" role="alert"/, 'a warning, not an error');

  // The admin changes another field and leaves the dead target alone: the save goes through.
  const other1 = await save({ latestCount: '7' });
  assert.equal(other1.status, 303);
  assert.equal(((await t.store.settings.get('homepage')) as Record<string, unknown>).latestCount, 7);
  // A failed save for another reason still shows the warning beside that field's error-free input.
  const failed = await save({ latestCount: '0' });
  assert.equal(failed.status, 400);
  assert.match(targetWarning(failed.text) ?? '', /No keyword has the address “tags\/masques”/);
  // Typing a dead target is refused as before; choosing a live one clears the warning.
  const typed = await save({ highlightsTarget: 'tags/absent' });
  assert.equal(typed.status, 400);
  assert.match(typed.text, /There is no keyword “tags\/absent”/);
  const switched = await save({ highlightsSource: 'sector' });
  assert.equal(switched.status, 400, 'the same text read as another kind of target is a new target');
  await highlight('keyword', 'tags/fetes');
  assert.equal(targetWarning((await admin.get(PAGE).set(html)).text), undefined);
  assert.equal(await highlightsHref(), '/keywords/tags/fetes');
});

test('merging the highlights’ keyword away keeps the block: the old address leads to the keyword it was merged into', async () => {
  const carnaval = await keyword(tagsId, 'Carnaval');
  const defile = await keyword(tagsId, 'Défilé');
  await highlight('keyword', 'tags/carnaval');
  const merged = await post(`/admin/keywords/${carnaval.id}/merge`, { target: 'tags/defile' });
  assert.equal(merged.status, 303);
  assert.equal(merged.headers.location, '/admin/keywords?done=merged', 'nothing to warn of');
  assert.equal(await highlightsHref(), '/keywords/tags/defile');
  assert.equal(targetWarning((await admin.get(PAGE).set(html)).text), undefined);
  assert.equal((await save({ latestCount: '5' })).status, 303);
  // The keyword it now leads to is the one whose deletion empties the block.
  const confirm = await admin.get(`/admin/keywords/${defile.id}/delete`).set(html).expect(200);
  assert.ok(confirm.text.includes(WARN_KEYWORD));
});

test('deleting the group of the highlights’ keyword, or of its former address, says so first', async () => {
  const places: KeywordGroup = await kws().createGroup({ title: 'Lieux' });
  const times: KeywordGroup = await kws().createGroup({ title: 'Époques' });
  await keyword(places.id, 'Venise');
  const warning = 'The homepage highlights show a keyword of this group: that block will be empty until you choose another.';
  const groupPage = async (g: KeywordGroup) => (await admin.get(`/admin/keywords/groups/${g.id}/delete`).set(html).expect(200)).text;

  await highlight('keyword', 'lieux/venise');
  assert.ok((await groupPage(places)).includes(warning));
  assert.ok(!(await groupPage(times)).includes(warning));
  // The block hidden: nothing to lose on the homepage, nothing said.
  await highlight('keyword', 'lieux/venise', ['latest']);
  assert.ok(!(await groupPage(places)).includes(warning));

  // A keyword of Époques merged into a tag: its address, in Époques, now leads to the tag, and goes with the group.
  const renaissance = await keyword(times.id, 'Renaissance');
  const tag = await keyword(tagsId, 'Renaissance italienne');
  await kws().merge(renaissance.id, tag.id);
  await highlight('keyword', 'epoques/renaissance');
  assert.equal(await highlightsHref(), '/keywords/tags/renaissance-italienne');
  assert.ok((await groupPage(times)).includes(warning));
  const fr = (await admin.get(`/admin/keywords/groups/${times.id}/delete?lang=fr`).set(html)).text;
  assert.ok(fr.includes('La sélection de la page d’accueil montre un mot-clé de ce groupe'));
  await admin.get('/?lang=en').set(html);

  const deleted = await post(`/admin/keywords/groups/${times.id}/delete`);
  assert.equal(deleted.headers.location, '/admin/keywords?done=group_deleted_highlights');
  assert.equal(await highlightsHref(), undefined);
  assert.match(targetWarning((await admin.get(PAGE).set(html)).text) ?? '', /No keyword has the address “epoques\/renaissance” any more/);
  assert.equal((await save({ itemsPerBlock: '4' })).status, 303);
});

test('deleting the highlights’ sector: its row says so beside the button, the block goes, the config page warns and still saves', async () => {
  const sons = await sector('Sons', 'sons');
  const images = await sector('Images', 'images');
  await highlight('sector', 'sons');
  assert.equal(await highlightsHref(), '/sectors/sons');
  // A renamed sector is still found by its former address: no warning.
  await saveSector(`${SECTORS}/${sons.id}`, 'Sons', 'audio');
  assert.equal(await highlightsHref(), '/sectors/audio');
  assert.equal(targetWarning((await admin.get(PAGE).set(html)).text), undefined);

  const list = (await admin.get(SECTORS).set(html).expect(200)).text;
  const row = (slug: string) => new RegExp(`<tr data-sector="${slug}">[\\s\\S]*?</tr>`).exec(list)?.[0] ?? '';
  assert.match(row('audio'), new RegExp(`aria-describedby="delete-highlights-${sons.id}"`));
  assert.ok(row('audio').includes(`<p class="warning highlights-warning" id="delete-highlights-${sons.id}">The homepage highlights show this sector: that block will be empty until you choose another.`));
  assert.ok(!row('images').includes('highlights'), 'only that sector’s row');
  const fr = (await admin.get(`${SECTORS}?lang=fr`).set(html)).text;
  assert.ok(fr.includes('La sélection de la page d’accueil montre ce secteur\u00a0: ce bloc sera vide jusqu’à ce que vous en choisissiez un autre.'));
  await admin.get('/?lang=en').set(html);

  const token = await tokenOf(admin, SECTORS);
  const deleted = await admin.post(`${SECTORS}/${sons.id}/delete`).type('form').set(html).send({ _csrf: token, moveTo: images.id });
  assert.equal(deleted.status, 303);
  assert.equal(deleted.headers.location, '/admin/config/sectors?done=deleted_highlights');
  assert.match((await admin.get(deleted.headers.location).set(html)).text, /The sector was deleted\. The homepage highlights showed it/);
  assert.equal(await highlightsHref(), undefined);
  const page = (await admin.get(PAGE).set(html)).text;
  assert.equal(targetWarning(page), 'No sector has the URL name “sons” any more: the highlights block stays empty until you choose another sector or keyword.');
  const frPage = (await admin.get(`${PAGE}?lang=fr`).set(html)).text;
  assert.match(targetWarning(frPage) ?? '', /^Aucun secteur n’a plus le nom d’URL «\u00a0sons\u00a0»/);
  await admin.get('/?lang=en').set(html);
  assert.equal((await save({ highlightsTitle: 'Nouveau titre' })).status, 303);
  assert.equal(((await t.store.settings.get('homepage')) as Record<string, unknown>).highlightsTitle, 'Nouveau titre');

  // Deleting a sector the highlights do not show says the usual.
  const other = await sector('Textes', 'textes');
  await highlight('sector', 'images');
  const plain = await admin.post(`${SECTORS}/${other.id}/delete`).type('form').set(html).send({ _csrf: await tokenOf(admin, SECTORS), moveTo: images.id });
  assert.equal(plain.headers.location, '/admin/config/sectors?done=deleted');
});
