import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { makeApp, usersSignedIn, tempDir, type TestApp } from '../helpers/app.ts';
import { filesUnder, png, webp } from '../helpers/media.ts';
import type { Media, Sector } from '../../core/store/index.ts';
import { mediaRecord } from '../helpers/media-records.ts';

let t: TestApp;
let dir: string;
type Agent = ReturnType<typeof request.agent>;
let alice: Agent, eddie: Agent, emma: Agent;
const tokens = new Map<Agent, string>();
let plages: Sector;

before(async () => {
  t = await makeApp();
  dir = await tempDir('kiosque-bulk-');
  [alice, eddie, emma] = (await usersSignedIn(t, [['alice', 'admin'], ['eddie', 'editor'], ['emma', 'editor']], tokens)) as [Agent, Agent, Agent];
  await png(path.join(dir, 'a.png'), 200, 100, false);
  await webp(path.join(dir, 'b.webp'), 300, 200);
  plages = await t.store.sectors.create({ slug: 'plages', title: 'Plages', description: '', order: 1, visible: true, display: 'grid', defaultSort: 'date' });
});
after(() => t.close());

/** A real upload through the API: files on disk, search index, hooks. */
async function upload(agent: Agent, title: string, fields: Record<string, string> = {}, file = 'a.png'): Promise<string> {
  let req = agent.post('/api/v1/media').set('X-CSRF-Token', tokens.get(agent)!).field('title', title);
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  const res = await req.attach('file', path.join(dir, file));
  assert.equal(res.status, 201, res.text);
  return (res.body as { id: string }).id;
}

function bulk(agent: Agent, body: Record<string, string | string[]>, lang = 'en') {
  return agent.post('/admin/media/bulk').type('form').set('Accept', 'text/html').set('Accept-Language', lang).send({ _csrf: tokens.get(agent)!, ...body });
}

const get = (id: string) => t.store.media.get(id) as Promise<Media>;
const statuses = async (ids: string[]) => Promise.all(ids.map(async (id) => (await get(id))?.status));
/** What anonymous visitors find through the public search API (published media only). */
async function publicFind(q: string): Promise<string[]> {
  const res = await request(t.app).get(`/api/v1/media?q=${encodeURIComponent(q)}&per_page=100`).expect(200);
  return (res.body.items as Array<{ id: string }>).map((m) => m.id).sort();
}
/** The notice a redirect leads to, as text. */
async function noticeAfter(agent: Agent, location: string, lang = 'en'): Promise<string> {
  const page = await agent.get(location).set('Accept', 'text/html').set('Accept-Language', lang).expect(200);
  const m = /<div class="notice" role="status">([\s\S]*?)<\/div>/.exec(page.text);
  assert.ok(m, `a notice on ${location}`);
  return m[1]!.replace(/<\/p><p>/g, ' ').replace(/<[^>]+>/g, '').replace(/&#x27;/g, "'");
}

test('publish, set to draft and move change each selected media through the edit path; the notice counts them', async () => {
  const [a, b, c] = [await upload(alice, 'Lagon bleu'), await upload(alice, 'Lagon vert'), await upload(alice, 'Lagon gris')];
  assert.deepEqual(await statuses([a, b, c]), ['draft', 'draft', 'draft']);
  assert.deepEqual(await publicFind('lagon'), []);
  // An anonymous visitor's sector page, now in the page cache.
  const before = await request(t.app).get('/sectors/plages').expect(200);
  assert.doesNotMatch(before.text, /Lagon/);

  const published = await bulk(alice, { action: 'publish', ids: [a, b] });
  assert.equal(published.status, 303, published.text);
  assert.equal(published.headers.location, '/admin/media?done=bulk_publish&n=2');
  assert.deepEqual(await statuses([a, b, c]), ['published', 'published', 'draft']);
  assert.ok((await get(a)).publishedAt, 'the publication date is set, as by the edit form');
  assert.deepEqual(await publicFind('lagon'), [a, b].sort(), 'the search index follows');
  assert.equal(await noticeAfter(alice, published.headers.location!), 'Published: 2 media.');

  // Those already published are left as they were, and said so.
  const again = await bulk(alice, { action: 'publish', ids: [a, b, c] });
  assert.equal(again.headers.location, '/admin/media?done=bulk_publish&n=1&same=2');
  assert.equal(await noticeAfter(alice, again.headers.location!), 'Published: 1 media. 2 already so: left as they were.');

  const drafted = await bulk(alice, { action: 'draft', ids: [c] });
  assert.equal(drafted.headers.location, '/admin/media?done=bulk_draft&n=1');
  assert.deepEqual(await statuses([a, b, c]), ['published', 'published', 'draft']);
  assert.deepEqual(await publicFind('lagon'), [a, b].sort());

  const moved = await bulk(alice, { action: 'move', sector: plages.id, ids: [a, b] });
  assert.equal(moved.headers.location, `/admin/media?done=bulk_move&n=2&to=${plages.id}`);
  assert.deepEqual([(await get(a)).sectorId, (await get(b)).sectorId, (await get(c)).sectorId], [plages.id, plages.id, null]);
  assert.equal(await noticeAfter(alice, moved.headers.location!), 'Moved to Plages: 2 media.');
  // The anonymous page cache was emptied: the sector page shows them now.
  const sectorPage = await request(t.app).get('/sectors/plages').expect(200);
  assert.match(sectorPage.text, /Lagon bleu/);
  assert.match(sectorPage.text, /Lagon vert/);
  // The admin list filtered by sector reads the search index: it knows.
  const filtered = await alice.get('/admin/media?sector=plages').set('Accept', 'text/html').expect(200);
  assert.deepEqual([...filtered.text.matchAll(/<tr data-media="(\d+)"/g)].map((m) => m[1]).sort(), [a, b].sort());

  const out = await bulk(alice, { action: 'move', sector: 'none', ids: [a] }, 'fr');
  assert.equal(out.headers.location, '/admin/media?done=bulk_move&n=1&to=none');
  assert.equal((await get(a)).sectorId, null);
  assert.equal(await noticeAfter(alice, out.headers.location!, 'fr'), 'Déplacé vers (aucun secteur)\u00a0: 1 média.');
});

test('an editor changes only their own media: others’ are refused and counted, and the rest goes on', async () => {
  const mine = await upload(eddie, 'Falaise à moi');
  const hers = await upload(emma, 'Falaise à elle');
  const herBefore = await get(hers);
  // The list offers a box only on what the editor may change (as it offers Edit only there).
  const list = await eddie.get('/admin/media').set('Accept', 'text/html').expect(200);
  assert.match(list.text, new RegExp(`id="pick-${mine}"`));
  assert.doesNotMatch(list.text, new RegExp(`id="pick-${hers}"`));
  assert.ok(!/name="page_ids" value="([^"]*)"/.exec(list.text)![1]!.split(',').includes(hers));

  // A selection that names her media anyway (an older page, a crafted post) is refused for hers only.
  const res = await bulk(eddie, { action: 'publish', ids: [mine, hers, '999999'] });
  assert.equal(res.status, 303);
  assert.equal(res.headers.location, '/admin/media?done=bulk_publish&n=1&not_yours=1&gone=1');
  assert.equal((await get(mine)).status, 'published');
  assert.deepEqual(await get(hers), herBefore, 'her media is untouched');
  assert.equal(
    await noticeAfter(eddie, res.headers.location!),
    'Published: 1 media. 1 left alone: you may only change the media you uploaded. 1 left alone: it no longer exists.',
  );
  assert.match(await noticeAfter(eddie, res.headers.location!, 'fr'), /1 laissé de côté\u00a0: vous ne pouvez modifier que les médias que vous avez envoyés\./);

  // Deleting hers: nothing to confirm, nothing deleted, files kept.
  const folder = path.join(t.dataDir, 'files', path.dirname(herBefore.original.file));
  const del = await bulk(eddie, { action: 'delete', ids: [hers] });
  assert.equal(del.status, 303);
  assert.equal(del.headers.location, '/admin/media?done=bulk_delete&n=0&not_yours=1');
  assert.deepEqual(await get(hers), herBefore);
  assert.ok((await filesUnder(folder)).length > 0);
  const moved = await bulk(eddie, { action: 'move', sector: plages.id, ids: [hers] });
  assert.equal(moved.headers.location, `/admin/media?done=bulk_move&n=0&not_yours=1&to=${plages.id}`);
  assert.deepEqual(await get(hers), herBefore);
  // An admin may change anyone's.
  const byAdmin = await bulk(alice, { action: 'publish', ids: [hers] });
  assert.equal(byAdmin.headers.location, '/admin/media?done=bulk_publish&n=1');
});

test('delete asks first, listing what will go (titles escaped); confirmed, records, files and search entries are gone', async () => {
  const x = await upload(alice, 'Épave <b>rouillée</b> & "coque"', { status: 'published' });
  const y = await upload(alice, 'Épave du port', { status: 'published' }, 'b.webp');
  const other = await upload(emma, 'Épave d’Emma', { status: 'published' });
  const folders = await Promise.all([x, y].map(async (id) => path.join(t.dataDir, 'files', path.dirname((await get(id)).original.file))));
  for (const f of folders) assert.ok((await filesUnder(f)).length >= 3, 'an original and derivatives');
  assert.deepEqual(await publicFind('epave'), [x, y, other].sort());

  const ask = await bulk(alice, { action: 'delete', ids: [x, y, '888888'], return: '/admin/media?q=epave' });
  assert.equal(ask.status, 200);
  assert.match(ask.text, /<h1>Delete 2 media\?<\/h1>/);
  assert.match(ask.text, /The media listed below \(2\) and all their files will be deleted/);
  assert.match(ask.text, /Épave &lt;b&gt;rouillée&lt;\/b&gt; &amp; &quot;coque&quot;/);
  assert.doesNotMatch(ask.text, /<b>rouillée<\/b>/);
  assert.match(ask.text, /Épave du port/);
  assert.match(ask.text, /1 left alone: it no longer exists\./);
  assert.ok(await get(x) && (await get(y)), 'nothing deleted before the confirmation');
  assert.match(ask.text, /<a href="\/admin\/media\?q&#x3D;epave">Cancel, back to the library<\/a>/);

  // The confirmation form carries exactly the listed ids.
  const form = /<form method="post" action="\/admin\/media\/bulk"[\s\S]*?<\/form>/.exec(ask.text)![0];
  const ids = [...form.matchAll(/name="ids" value="(\d+)"/g)].map((m) => m[1]!);
  assert.deepEqual(ids.sort(), [x, y].sort());
  assert.match(form, /name="confirm" value="yes"/);
  const ret = /name="return" value="([^"]+)"/.exec(form)![1]!.replace(/&#x3D;/g, '=');
  const done = await bulk(alice, { action: 'delete', confirm: 'yes', ids, return: ret });
  assert.equal(done.status, 303);
  assert.equal(done.headers.location, '/admin/media?q=epave&done=bulk_delete&n=2');
  assert.equal(await noticeAfter(alice, done.headers.location!), 'Deleted, with their files: 2 media.');
  assert.equal(await get(x), undefined);
  assert.equal(await get(y), undefined);
  for (const f of folders) assert.equal(existsSync(f), false, `${f} removed`);
  for (const id of [x, y]) assert.equal((await request(t.app).get(`/files/${id}/original`)).status, 404);
  assert.deepEqual(await publicFind('epave'), [other], 'the search no longer finds them');
  assert.ok(await get(other));

  // A second confirmation of the same (now gone) ids deletes nothing and says why.
  const twice = await bulk(alice, { action: 'delete', confirm: 'yes', ids });
  assert.equal(twice.headers.location, '/admin/media?done=bulk_delete&n=0&gone=2');
});

test('an empty selection, an unknown action, a missing or removed sector, ids that are not media numbers, too many ids: a message, nothing changed', async () => {
  const ids = [await upload(alice, 'Récif un'), await upload(alice, 'Récif deux')];
  const gone = await t.store.sectors.create({ slug: 'disparu', title: 'Disparu', description: '', order: 2, visible: true, display: 'grid', defaultSort: 'date' });
  await t.store.sectors.delete(gone.id);
  const snapshot = async () => ({ media: await t.store.media.list(), files: await filesUnder(path.join(t.dataDir, 'files')) });
  const before = await snapshot();
  const many = Array.from({ length: 51 }, (_, i) => String(i + 1));
  const cases: Array<[string, Record<string, string | string[]>, RegExp]> = [
    ['no selection', { action: 'publish' }, /Select at least one media/],
    ['an empty selection', { action: 'publish', ids: '', all: 'page', page_ids: '' }, /Select at least one media/],
    ['no action', { ids }, /Choose an action from the list\. Nothing was changed\./],
    ['an unknown action', { action: 'explode', ids }, /Choose an action from the list/],
    ['move without a sector', { action: 'move', ids }, /Choose the sector to move the media to/],
    ['move to an unknown sector', { action: 'move', sector: 'nowhere', ids }, /This sector does not exist \(any more\)/],
    ['move to a removed sector', { action: 'move', sector: gone.id, ids }, /This sector does not exist \(any more\)/],
    ['ids that are not numbers', { action: 'delete', confirm: 'yes', ids: [ids[0]!, '../1'] }, /not a media number/],
    ['an id hidden in the page ids', { action: 'delete', confirm: 'yes', all: 'page', page_ids: `${ids[1]},x` }, /not a media number/],
    ['too many ids', { action: 'delete', confirm: 'yes', ids: many }, /At most 50 media at once \(51 were selected\)/],
  ];
  for (const [what, body, message] of cases) {
    const res = await bulk(alice, { ...body, return: '/admin/media?q=recif&page=1' });
    assert.equal(res.status, 400, what);
    assert.match(res.text, message, what);
    // Back on the same filtered list, with the selection and the choices as they were.
    assert.match(res.text, /<input id="filter-q" type="search" name="q" value="recif"/, what);
    assert.match(res.text, /<p class="error" role="alert">/, what);
    assert.deepEqual(await snapshot(), before, what);
  }
  const kept = await bulk(alice, { action: 'move', ids: [ids[0]!], return: '/admin/media?q=recif' });
  assert.match(kept.text, new RegExp(`<input id="pick-${ids[0]}" type="checkbox" name="ids" value="${ids[0]}" form="media-bulk" checked>`));
  assert.doesNotMatch(kept.text, new RegExp(`id="pick-${ids[1]}"[^>]* checked`));
  assert.match(kept.text, /<option value="move" selected>/);
  const fr = await bulk(alice, { action: 'publish' }, 'fr');
  assert.equal(fr.status, 400);
  assert.match(fr.text, /Sélectionnez au moins un média/);
  assert.match((await bulk(alice, { action: 'publish', ids: many }, 'fr')).text, /Au plus 50 médias à la fois \(51 sélectionnés\)\. Rien n’a été modifié\./);
  assert.deepEqual(await snapshot(), before);
});

test('a missing action or sector is said beside its select, linked from the top; a bad selection stands at the top', async () => {
  const id = await upload(alice, 'Galet');
  const before = await get(id);
  const noAction = await bulk(alice, { ids: [id] }, 'fr');
  assert.equal(noAction.status, 400);
  assert.match(noAction.text, /<p class="error" role="alert"><a href="#bulk-action">Certains champs sont à corriger \(1\)\. Rien n’a été enregistré\.<\/a><\/p>/);
  assert.match(noAction.text, /<select id="bulk-action" name="action" aria-invalid="true" aria-describedby="bulk-action-error">/);
  assert.match(noAction.text, /<p class="field-error" id="bulk-action-error">Choisissez une action dans la liste\. Rien n’a été modifié\.<\/p>/);
  const noSector = await bulk(alice, { action: 'move', ids: [id] });
  assert.equal(noSector.status, 400);
  assert.match(noSector.text, /<a href="#bulk-sector">Some fields need correcting \(1\)/);
  assert.match(noSector.text, /<select id="bulk-sector" name="sector" aria-invalid="true" aria-describedby="bulk-sector-error">/);
  assert.match(noSector.text, /<p class="field-error" id="bulk-sector-error">Choose the sector to move the media to/);
  assert.doesNotMatch(noSector.text, /id="bulk-action"[^>]*aria-invalid/);
  const empty = await bulk(alice, { action: 'publish' });
  assert.match(empty.text, /<p class="error" role="alert">Select at least one media/);
  assert.doesNotMatch(empty.text, /aria-invalid/);
  assert.deepEqual(await get(id), before);
});

test('the bulk form needs its CSRF token', async () => {
  const id = await upload(alice, 'Lagune');
  const noToken = await alice.post('/admin/media/bulk').type('form').set('Accept', 'text/html').send({ action: 'publish', ids: id });
  assert.equal(noToken.status, 403);
  const wrong = await alice.post('/admin/media/bulk').type('form').set('Accept', 'text/html').send({ _csrf: 'forged', action: 'delete', confirm: 'yes', ids: id });
  assert.equal(wrong.status, 403);
  // Another session's token is no good either.
  const other = await alice.post('/admin/media/bulk').type('form').send({ _csrf: tokens.get(emma)!, action: 'delete', confirm: 'yes', ids: id });
  assert.equal(other.status, 403);
  assert.equal((await get(id)).status, 'draft');
  // Visitors and members never reach it.
  assert.equal((await request(t.app).post('/admin/media/bulk').type('form').send({ action: 'publish', ids: id })).status, 401);
});

test('back to the same filtered page after an action; only this list on this site as a return path', async () => {
  const ids: string[] = [];
  for (let i = 1; i <= 3; i++) ids.push(await upload(alice, `Mangrove ${i}`));
  const res = await bulk(alice, { action: 'publish', ids: [ids[0]!], return: '/admin/media?q=mangrove&type=image&status=draft&sector=plages&page=2' });
  assert.equal(res.headers.location, '/admin/media?q=mangrove&type=image&status=draft&sector=plages&page=2&done=bulk_publish&n=1');
  // The page the list renders for the form comes back as the form's return path (filters and page).
  const page = await alice.get('/admin/media?q=mangrove&status=draft&page=1').set('Accept', 'text/html').expect(200);
  assert.match(page.text, /<input type="hidden" name="return" value="\/admin\/media\?q&#x3D;mangrove&amp;status&#x3D;draft">/);
  for (const [ret, expected] of [
    ['https://evil.example/admin/media?q=x', '/admin/media?done='],
    ['//evil.example/admin/media', '/admin/media?done='],
    ['/\\evil.example', '/admin/media?done='],
    ['/admin/users', '/admin/media?done='],
    ['/admin/media/../users', '/admin/media?done='],
    ['javascript:alert(1)', '/admin/media?done='],
    // Unknown parameters and values that are no filter are dropped.
    ['/admin/media?q=mangrove&evil=1&type=hologram&done=bulk_delete&n=999', '/admin/media?q=mangrove&done='],
  ] as Array<[string, string]>) {
    const r = await bulk(alice, { action: 'draft', ids: [ids[0]!], return: ret });
    assert.equal(r.status, 303, ret);
    assert.ok(r.headers.location!.startsWith(expected), `${ret} → ${r.headers.location}`);
    assert.doesNotMatch(r.headers.location!, /evil|999|hologram/, ret);
  }
});

test('“all the media of this page” works without a script: the page posts its ids, the box says to use them', async () => {
  const ids: string[] = [];
  for (let i = 1; i <= 3; i++) ids.push(await upload(eddie, `Atoll ${i}`));
  const herOwn = await upload(emma, 'Atoll d’Emma');
  const page = await eddie.get('/admin/media?q=atoll').set('Accept', 'text/html').expect(200);
  assert.match(page.text, /<label for="bulk-all">All the media of this page that you may change \(3\)<\/label>/);
  const pageIds = /name="page_ids" value="([^"]*)"/.exec(page.text)![1]!;
  assert.deepEqual(pageIds.split(',').sort(), [...ids].sort());
  assert.ok(!pageIds.split(',').includes(herOwn));
  // Unchecked, the page's ids mean nothing.
  const unchecked = await bulk(eddie, { action: 'publish', page_ids: pageIds, return: '/admin/media?q=atoll' });
  assert.equal(unchecked.status, 400);
  assert.deepEqual(await statuses(ids), ['draft', 'draft', 'draft']);
  const res = await bulk(eddie, { action: 'publish', all: 'page', page_ids: pageIds, ids: [ids[0]!], return: '/admin/media?q=atoll' });
  assert.equal(res.headers.location, '/admin/media?q=atoll&done=bulk_publish&n=3');
  assert.deepEqual(await statuses(ids), ['published', 'published', 'published']);
  assert.equal((await get(herOwn)).status, 'draft');
  // Every box has a visible label, which names its media for screen readers.
  assert.match(page.text, new RegExp(`<label for="pick-${ids[0]}" class="pick">Select<span class="visually-hidden"> “Atoll 1”</span></label>`));
  for (const id of ['bulk-action', 'bulk-sector', 'bulk-all']) assert.match(page.text, new RegExp(`<label for="${id}">[^<]+</label>`));
});

test('emptying the last page of a filtered list comes back to the page before it, not to an empty page', async () => {
  const oldest = [await upload(alice, 'Corail ancien 1'), await upload(alice, 'Corail ancien 2')];
  for (let i = 0; i < 50; i++) {
    const m = await t.store.media.create(mediaRecord({ title: `Corail ${i}`, slug: `corail-${i}`, status: 'draft', publishedAt: null, createdAt: new Date(Date.now() + 1000 + i).toISOString() }));
    t.app.kiosque.search.upsert(m);
  }
  const second = await alice.get('/admin/media?q=corail&page=2').set('Accept', 'text/html').expect(200);
  assert.deepEqual([...second.text.matchAll(/<tr data-media="(\d+)"/g)].map((m) => m[1]).sort(), [...oldest].sort());
  const res = await bulk(alice, { action: 'delete', confirm: 'yes', ids: oldest, return: '/admin/media?q=corail&page=2' });
  assert.equal(res.headers.location, '/admin/media?q=corail&page=2&done=bulk_delete&n=2');
  const back = await alice.get(res.headers.location!).set('Accept', 'text/html').expect(200);
  assert.match(back.text, /Page 1 of 1/);
  assert.equal([...back.text.matchAll(/<tr data-media="(\d+)"/g)].length, 50);
});

test('Retry asked for a media with nothing to process (an image) is refused and changes nothing, rather than saying it was relaunched', async () => {
  const id = await upload(alice, 'Une image');
  const before = JSON.stringify(await get(id));
  const res = await alice.post(`/admin/media/${id}/retry`).type('form').set('Accept', 'text/html').send({ _csrf: tokens.get(alice)! });
  assert.equal(res.status, 409);
  assert.match(res.text, /This media has nothing to process again, or its processing is running now\./);
  assert.equal(JSON.stringify(await get(id)), before);
  const french = await alice.post(`/admin/media/${id}/retry`).type('form').set('Accept', 'text/html').set('Accept-Language', 'fr').send({ _csrf: tokens.get(alice)! });
  assert.match(french.text, /Ce média n’a rien à traiter de nouveau/);
});

test('a refused form’s address, opened by its language link or a reload, leads back to its page with the query kept', async () => {
  const id = await upload(alice, 'Adresse');
  const refused = await bulk(alice, { ids: [id] });
  assert.equal(refused.status, 400);
  assert.match(refused.text, /<a href="\/admin\/media\/bulk\?lang&#x3D;fr" hreflang="fr"/, 'the language link names the form’s address');
  const cases: Array<[string, string]> = [
    ['/admin/media/bulk?lang=en', '/admin/media?lang=en'],
    [`/admin/media/${id}/replace?lang=en`, `/admin/media/${id}?lang=en`],
    [`/admin/media/${id}/retry?lang=en`, '/admin/media?lang=en'],
    [`/admin/media/${id}/delete?lang=en`, '/admin/media?lang=en'],
  ];
  for (const [from, to] of cases) {
    const res = await alice.get(from).set('Accept', 'text/html');
    assert.equal(res.status, 303, from);
    assert.equal(res.headers.location, to, from);
  }
  assert.ok(await get(id), 'a GET deletes nothing');
});
