import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import request from 'supertest';
import { makeApp, addUser, signIn, tokenOf, usersSignedIn, tempDir, type TestApp } from '../helpers/app.ts';
import { png } from '../helpers/media.ts';

let t: TestApp;
let dir: string;
type Agent = ReturnType<typeof request.agent>;
let alice: Agent, eddie: Agent, emma: Agent;
const tokens = new Map<Agent, string>();
const HOUR = 3600 * 1000;

before(async () => {
  t = await makeApp();
  dir = await tempDir('kiosque-schedule-');
  [alice, eddie, emma] = (await usersSignedIn(t, [['alice', 'admin'], ['eddie', 'editor'], ['emma', 'editor']], tokens)) as [Agent, Agent, Agent];
  await png(path.join(dir, 'a.png'), 120, 80, false);
});
after(() => t.close());

async function upload(agent: Agent, title: string, status = 'draft') {
  const res = await agent.post('/api/v1/media').set('X-CSRF-Token', tokens.get(agent)!).field('title', title).field('status', status).attach('file', path.join(dir, 'a.png'));
  assert.equal(res.status, 201, res.text);
  return res.body as { id: string; slug: string };
}

const patch = (agent: Agent, id: string, body: Record<string, unknown>) => agent.patch(`/api/v1/media/${id}`).set('X-CSRF-Token', tokens.get(agent)!).send(body);
const save = (agent: Agent, id: string, fields: Record<string, string>, query = '') => agent.post(`/admin/media/${id}${query}`).type('form').send({ _csrf: tokens.get(agent)!, title: 'Vernissage', status: 'draft', licence: 'all-rights-reserved', ...fields });
/** A datetime-local value (`YYYY-MM-DDTHH:mm`) for an instant, in UTC: the tests send the offset 0 or 60 with it. */
const utcLocal = (ms: number) => new Date(ms).toISOString().slice(0, 16);
const anonymousPage = (m: { id: string; slug: string }) => request(t.app).get(`/media/${m.id}/${m.slug}`).set('Accept', 'text/html');

test('the edit form schedules a draft at the time the browser showed, with its offset; the edit page and the list say when it goes out', async () => {
  const m = await upload(eddie, 'Vernissage');
  const page = await eddie.get(`/admin/media/${m.id}`).set('Accept', 'text/html').expect(200);
  assert.match(page.text, /<label for="edit-publish-at">Publish on<\/label>/);
  assert.match(page.text, /<input id="edit-publish-at" name="publish_at" type="datetime-local" value=""/);
  assert.match(page.text, /<input id="edit-publish-at-offset" name="publish_at_offset" type="hidden" value="">/);
  assert.match(page.text, /<script src="\/assets\/publish-at.js" defer><\/script>/);

  // 18:00 on a browser at UTC+1 is 17:00 UTC.
  const year = new Date().getUTCFullYear() + 1;
  const res = await save(eddie, m.id, { publish_at: `${year}-03-12T18:00`, publish_at_offset: '60' });
  assert.equal(res.status, 303, res.text);
  const stored = await t.store.media.get(m.id);
  assert.deepEqual([stored?.status, stored?.publishAt, stored?.publishedAt], ['draft', `${year}-03-12T17:00:00.000Z`, null]);
  await t.app.kiosque.scheduler.idle();
  assert.equal(t.app.kiosque.scheduler.pending.get(m.id), Date.parse(`${year}-03-12T17:00:00Z`));

  const edit = await eddie.get(`/admin/media/${m.id}`).set('Accept', 'text/html').expect(200);
  assert.match(edit.text, new RegExp(`<p class="notice scheduled"><time datetime="${year}-03-12T17:00:00.000Z">Scheduled: this draft will be published on 12 March ${year}[^<]*</time></p>`));
  assert.match(edit.text, new RegExp(`data-instant="${year}-03-12T17:00:00.000Z"`));
  const list = await eddie.get('/admin/media').set('Accept', 'text/html').expect(200);
  assert.match(list.text, new RegExp(`<time datetime="${year}-03-12T17:00:00.000Z">Scheduled for 12 March ${year}`));
  const fr = await eddie.get('/admin/media?lang=fr').set('Accept', 'text/html').expect(200);
  await eddie.get('/?lang=en');
  assert.match(fr.text, new RegExp(`<time datetime="${year}-03-12T17:00:00.000Z">Programmé pour le 12 mars ${year}`));
  // Still a draft to visitors; its editor's view of the page says when it goes out, in their language.
  assert.equal((await anonymousPage(m)).status, 404);
  const own = await eddie.get(`/media/${m.id}/${m.slug}`).set('Accept', 'text/html').expect(200);
  assert.match(own.text, new RegExp(`<p class="notice" role="status">This media is a draft: visitors cannot see it until it is published by itself on 12 March ${year} at [^<]+\\.</p>`));
  const ownFr = await eddie.get(`/media/${m.id}/${m.slug}?lang=fr`).set('Accept', 'text/html').expect(200);
  await eddie.get('/?lang=en');
  assert.match(ownFr.text, new RegExp(`Ce média est un brouillon\u00a0: les visiteurs ne le verront qu’à sa publication automatique, le 12 mars ${year} à [^<]+\\.</p>`));
});

test('without the script’s offset, the time is read in the server’s time zone', async () => {
  const m = await upload(eddie, 'Sans script');
  const year = new Date().getFullYear() + 1;
  const res = await save(eddie, m.id, { publish_at: `${year}-07-01T09:30`, publish_at_offset: '' });
  assert.equal(res.status, 303, res.text);
  assert.equal((await t.store.media.get(m.id))?.publishAt, new Date(year, 6, 1, 9, 30).toISOString());
  // Shown back the same way: the value the form will send again unchanged.
  const edit = await eddie.get(`/admin/media/${m.id}`).set('Accept', 'text/html').expect(200);
  assert.match(edit.text, new RegExp(`name="publish_at" type="datetime-local" value="${year}-07-01T09:30"`));
});

test('a past, malformed or published-media time is refused beside the field, in English and French, with what was typed kept and nothing saved', async () => {
  const m = await upload(eddie, 'Embargo');
  const stored = JSON.stringify(await t.store.media.get(m.id));
  const cases: Array<[Record<string, string>, RegExp, RegExp]> = [
    [{ publish_at: '2001-01-01T10:00', publish_at_offset: '0' }, /This time has already passed: choose a time to come, or leave the field empty\./, /Cette heure est déjà passée\u00a0: choisissez une heure à venir, ou laissez le champ vide\./],
    [{ publish_at: 'demain midi', publish_at_offset: '0' }, /This is not a valid date and time\./, /Ce n’est pas une date et une heure valides\./],
    [{ publish_at: '2030-02-30T10:00', publish_at_offset: '0' }, /This is not a valid date and time\./, /Ce n’est pas une date et une heure valides\./],
    [{ publish_at: '2030-02-10T10:00', publish_at_offset: '9999' }, /This is not a valid date and time\./, /Ce n’est pas une date et une heure valides\./],
    [{ publish_at: utcLocal(Date.now() + 48 * HOUR), publish_at_offset: '0', status: 'published' }, /Only a draft can wait for its publication time: set the status to draft, or leave the time empty\./, /Seul un brouillon peut attendre son heure de publication\u00a0: choisissez le statut brouillon, ou laissez l’heure vide\./],
  ];
  for (const [fields, english, french] of cases) {
    const en = await save(eddie, m.id, { title: 'Nouveau titre', ...fields });
    assert.equal(en.status, 400, fields.publish_at);
    assert.match(en.text, /<input id="edit-publish-at" name="publish_at" type="datetime-local" value="[^"]*"[^>]*aria-describedby="edit-publish-at-help edit-publish-at-error" aria-invalid="true">/);
    const error = /<p class="field-error" id="edit-publish-at-error">([^<]*)<\/p>/.exec(en.text);
    assert.match(error?.[1] ?? '', english, fields.publish_at);
    // What was typed is back in the fields.
    assert.ok(en.text.includes(`name="publish_at" type="datetime-local" value="${fields.publish_at}"`), fields.publish_at);
    assert.match(en.text, /name="title" value="Nouveau titre"/);
    const fr = await save(eddie, m.id, { title: 'Nouveau titre', ...fields }, '?lang=fr');
    await eddie.get('/?lang=en');
    assert.equal(fr.status, 400);
    assert.match(/<p class="field-error" id="edit-publish-at-error">([^<]*)<\/p>/.exec(fr.text)?.[1] ?? '', french, fields.publish_at);
    assert.equal(JSON.stringify(await t.store.media.get(m.id)), stored, `nothing saved: ${fields.publish_at}`);
  }
});

test('clearing the field cancels the schedule; the form needs its CSRF token', async () => {
  const m = await upload(eddie, 'Annulé');
  assert.equal((await save(eddie, m.id, { publish_at: utcLocal(Date.now() + 24 * HOUR), publish_at_offset: '0' })).status, 303);
  assert.ok((await t.store.media.get(m.id))?.publishAt);
  const forged = await eddie.post(`/admin/media/${m.id}`).type('form').send({ title: 'Annulé', status: 'draft', publish_at: '' });
  assert.equal(forged.status, 403);
  assert.ok((await t.store.media.get(m.id))?.publishAt, 'kept without a token');
  assert.equal((await save(eddie, m.id, { title: 'Annulé', publish_at: '', publish_at_offset: '' })).status, 303);
  const stored = await t.store.media.get(m.id);
  assert.deepEqual([stored?.status, stored?.publishAt], ['draft', undefined]);
  await t.app.kiosque.scheduler.idle();
  assert.equal(t.app.kiosque.scheduler.pending.has(m.id), false);
  const edit = await eddie.get(`/admin/media/${m.id}`).set('Accept', 'text/html').expect(200);
  assert.doesNotMatch(edit.text, /Scheduled/);
});

test('the API sets, shows and clears publishAt (ISO 8601 with offset), refuses bad values, and someone else’s media is 403', async () => {
  const m = await upload(eddie, 'Par l’API');
  const year = new Date().getUTCFullYear() + 1;
  const set = await patch(eddie, m.id, { publishAt: `${year}-05-04T12:00:00+02:00` });
  assert.equal(set.status, 200, set.text);
  assert.equal(set.body.publishAt, `${year}-05-04T10:00:00.000Z`);
  assert.equal((await eddie.get(`/api/v1/media/${m.id}`).expect(200)).body.publishAt, `${year}-05-04T10:00:00.000Z`);
  assert.equal((await alice.get(`/api/v1/media/${m.id}`).expect(200)).body.publishAt, `${year}-05-04T10:00:00.000Z`);
  assert.equal((await request(t.app).get(`/api/v1/media/${m.id}`)).status, 404, 'a draft to visitors');

  const refused: Array<[unknown, string, string]> = [
    [`${year}-05-04T12:00:00`, 'publish_at_invalid', 'This is not a valid date and time.'],
    ['tomorrow', 'publish_at_invalid', 'This is not a valid date and time.'],
    [12345, 'publish_at_invalid', 'This is not a valid date and time.'],
    ['2001-05-04T12:00:00Z', 'publish_at_past', 'This time has already passed: choose a time to come, or leave the field empty.'],
  ];
  for (const [value, code, message] of refused) {
    const res = await patch(eddie, m.id, { publishAt: value, title: 'Changé' });
    assert.equal(res.status, 400, String(value));
    assert.deepEqual(res.body.error, { code, message, field: 'publishAt' });
  }
  const french = await patch(eddie, `${m.id}?lang=fr`, { publishAt: '2001-05-04T12:00:00Z' });
  await eddie.get('/?lang=en');
  assert.equal(french.body.error.message, 'Cette heure est déjà passée\u00a0: choisissez une heure à venir, ou laissez le champ vide.');
  const both = await patch(eddie, m.id, { publishAt: `${year}-06-01T08:00Z`, status: 'published' });
  assert.deepEqual([both.status, both.body.error.code], [400, 'publish_at_published']);
  const stored = await t.store.media.get(m.id);
  assert.deepEqual([stored?.title, stored?.status, stored?.publishAt], ['Par l’API', 'draft', `${year}-05-04T10:00:00.000Z`], 'nothing saved');

  const other = await patch(emma, m.id, { publishAt: null });
  assert.deepEqual([other.status, other.body.error.code], [403, 'not_yours']);
  assert.ok((await t.store.media.get(m.id))?.publishAt);

  const cleared = await patch(eddie, m.id, { publishAt: null });
  assert.equal(cleared.status, 200);
  assert.equal(cleared.body.publishAt, undefined);
  assert.equal((await t.store.media.get(m.id))?.publishAt, undefined);

  // An upload may carry its schedule too.
  const scheduledUpload = await eddie.post('/api/v1/media').set('X-CSRF-Token', tokens.get(eddie)!).field('title', 'Envoyé programmé').field('publishAt', `${year}-09-01T07:00:00Z`).attach('file', path.join(dir, 'a.png'));
  assert.equal(scheduledUpload.status, 201, scheduledUpload.text);
  assert.deepEqual([scheduledUpload.body.status, scheduledUpload.body.publishAt], ['draft', `${year}-09-01T07:00:00.000Z`]);
  const count = await t.store.media.count();
  const refusedUpload = await eddie.post('/api/v1/media').set('X-CSRF-Token', tokens.get(eddie)!).field('status', 'published').field('publishAt', `${year}-09-01T07:00:00Z`).attach('file', path.join(dir, 'a.png'));
  assert.deepEqual([refusedUpload.status, refusedUpload.body.error.code], [400, 'publish_at_published']);
  assert.equal(await t.store.media.count(), count, 'nothing stored');

  const published = await upload(eddie, 'Déjà en ligne', 'published');
  const late = await patch(eddie, published.id, { publishAt: `${year}-06-01T08:00:00Z` });
  assert.deepEqual([late.status, late.body.error.code, late.body.error.field], [400, 'publish_at_published', 'publishAt']);
});

test('the list filters the scheduled drafts, soonest first', async () => {
  const later = await upload(alice, 'Filtre plus tard');
  const sooner = await upload(alice, 'Filtre bientôt');
  await upload(alice, 'Filtre brouillon');
  assert.equal((await patch(alice, later.id, { publishAt: new Date(Date.now() + 72 * HOUR).toISOString() })).status, 200);
  assert.equal((await patch(alice, sooner.id, { publishAt: new Date(Date.now() + 24 * HOUR).toISOString() })).status, 200);
  const list = await alice.get('/admin/media?q=filtre&status=scheduled').set('Accept', 'text/html').expect(200);
  const rows = [...list.text.matchAll(/<tr data-media="(\d+)">/g)].map((r) => r[1]);
  assert.deepEqual(rows, [sooner.id, later.id]);
  assert.match(list.text, /<option value="scheduled" selected>scheduled<\/option>/);
});

test('a schedule a moment ahead publishes for real: page, search and the cached homepage follow', async () => {
  const m = await upload(eddie, 'Ouverture exposition');
  // One host for every request (supertest's port changes): the page cache keys pages by it.
  const home = () => request(t.app).get('/').set('Accept', 'text/html').set('Host', 'kiosque.test');
  // The homepage is in the page cache before the publication.
  await home().expect(200);
  const cached = await home().expect(200);
  assert.equal(cached.headers['x-page-cache'], 'hit');
  assert.doesNotMatch(cached.text, /Ouverture exposition/);

  const res = await patch(eddie, m.id, { publishAt: new Date(Date.now() + 400).toISOString() });
  assert.equal(res.status, 200, res.text);
  assert.equal((await anonymousPage(m)).status, 404);
  assert.equal((await request(t.app).get('/api/v1/media?q=ouverture').expect(200)).body.total, 0);

  const deadline = Date.now() + 5000;
  let status = 404;
  while (status !== 200 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    status = (await anonymousPage(m)).status;
  }
  assert.equal(status, 200, 'published within 5 s');
  // The record is read as published as soon as the store holds it; the index follows once it is written.
  await t.app.kiosque.scheduler.idle();
  const stored = await t.store.media.get(m.id);
  assert.deepEqual([stored?.status, stored?.publishAt, stored?.publishedAt], ['published', undefined, res.body.publishAt]);
  const found = await request(t.app).get('/api/v1/media?q=ouverture').expect(200);
  assert.deepEqual((found.body.items as Array<{ id: string }>).map((i) => i.id), [m.id]);
  const after = await home().expect(200);
  assert.match(after.text, /Ouverture exposition/);
});

test('a draft whose time passed while the server was stopped is published as it starts again', async () => {
  const first = await makeApp();
  await addUser(first, 'olga', 'admin');
  const agent = await signIn(first, 'olga');
  const token = await tokenOf(agent);
  const up = await agent.post('/api/v1/media').set('X-CSRF-Token', token).field('title', 'Pendant la panne').attach('file', path.join(dir, 'a.png'));
  assert.equal(up.status, 201, up.text);
  const at = new Date(Date.now() + HOUR).toISOString();
  assert.equal((await agent.patch(`/api/v1/media/${up.body.id}`).set('X-CSRF-Token', token).send({ publishAt: at })).status, 200);
  await first.close({ keepData: true });

  // Two hours later, as far as the restarted server can tell.
  const again = await makeApp({ dataDir: first.dataDir, now: () => Date.now() + 2 * HOUR });
  try {
    const stored = await again.store.media.get(up.body.id);
    assert.deepEqual([stored?.status, stored?.publishedAt, stored?.publishAt], ['published', at, undefined]);
    assert.equal((await request(again.app).get(`/media/${up.body.id}/${up.body.slug}`).set('Accept', 'text/html')).status, 200);
    assert.deepEqual(((await request(again.app).get('/api/v1/media?q=panne').expect(200)).body.items as Array<{ id: string }>).map((i) => i.id), [up.body.id]);
  } finally {
    await again.close();
  }
});
