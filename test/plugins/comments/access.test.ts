import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import path from 'node:path';
import { makeApp, addUser, signIn, tokenOf, csrfFrom, tempDir, type TestApp } from '../../helpers/app.ts';
import { png } from '../../helpers/media.ts';
import { mediaRecord } from '../../helpers/media-records.ts';
import { saveCommentSettings, storedComments } from './helpers.ts';

/** Which media take comments, from whom, how often; and the plugin's traces when it is switched off. */

type Agent = ReturnType<typeof request.agent>;
let t: TestApp;
let admin: Agent;
let member: Agent;
let open: { id: string; slug: string };
let draft: { id: string; slug: string };
let hidden: { id: string; slug: string };

const page = (agent: Agent | ReturnType<typeof request>, url: string) => agent.get(url).set('Accept', 'text/html').set('Host', 'kiosque.test');
const comments = (id: string) => storedComments(t, id);

async function post(agent: Agent, id: string, fields: Record<string, string> = { text: 'Hello' }, url = `/plugins/comments/media/${id}`) {
  const token = await tokenOf(agent, `/media/${open.id}/${open.slug}`);
  return agent.post(url).type('form').set('Accept', 'text/html').send({ _csrf: token, ...fields });
}

async function toggle(id: string, action: 'enable' | 'disable') {
  const res = await admin.post(`/admin/plugins/${id}/${action}`).type('form').send({ _csrf: await tokenOf(admin, '/admin/plugins') });
  assert.equal(res.status, 303, res.text);
}

const settings = (values: Record<string, string>) => saveCommentSettings(admin, values);

before(async () => {
  t = await makeApp();
  await addUser(t, 'ada', 'admin');
  await addUser(t, 'mia', 'member');
  admin = await signIn(t, 'ada');
  member = await signIn(t, 'mia');
  open = await t.store.media.create(mediaRecord({ slug: 'open', title: 'Open' }));
  draft = await t.store.media.create(mediaRecord({ slug: 'draft', title: 'Draft', status: 'draft', publishedAt: null }));
  hidden = await t.store.media.create(mediaRecord({ slug: 'hidden', title: 'Hidden' }));
  // Another plugin's rule: nobody but admins may open this media.
  t.app.kiosque.hooks.filter('access', (decision, ...args) => {
    const req = args[0] as { path: string; user: { role: string } | null };
    return req.path.startsWith(`/media/${hidden.id}`) && req.user?.role !== 'admin' ? { allow: false, reason: 'test rule' } : decision;
  }, { owner: 'test' });
  await toggle('comments', 'enable');
});
after(() => t.close());

test('a draft, an unknown id, a media another plugin’s rule hides: 404, nothing stored, and no section on a draft', async () => {
  for (const id of [draft.id, '999', 'abc', hidden.id]) {
    const res = await post(member, id);
    assert.equal(res.status, 404, id);
  }
  assert.deepEqual(await comments(draft.id), []);
  assert.deepEqual(await comments(hidden.id), []);
  const draftPage = await page(admin, `/media/${draft.id}/${draft.slug}`).expect(200);
  assert.doesNotMatch(draftPage.text, /id="comments"/);
  // The admin may open the hidden media, so may comment on it.
  assert.equal((await post(admin, hidden.id)).status, 303);
});

test('the rate limit per address answers 429 in the visitor’s language and keeps nothing more', async () => {
  await settings({ perHour: '2' });
  // Counting starts afresh with the plugin (the limiter lives in its activation).
  await toggle('comments', 'disable');
  await toggle('comments', 'enable');
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(member, open.id, { text: `Try ${i}` })).status);
    assert.deepEqual(statuses, [303, 303, 429]);
    const stored = (await comments(open.id)).length;
    const en = await post(member, open.id, { text: 'One more' }, `/plugins/comments/media/${open.id}?lang=en`);
    assert.equal(en.status, 429);
    assert.match(en.text, /Too many comments were sent from your address: try again in an hour\./);
    const fr = await post(member, open.id, { text: 'Encore' }, `/plugins/comments/media/${open.id}?lang=fr`);
    assert.equal(fr.status, 429);
    assert.match(fr.text, /Trop de commentaires ont été envoyés depuis votre adresse\u00a0: réessayez dans une heure\./);
    assert.equal((await comments(open.id)).length, stored);
  } finally {
    await settings({ perHour: '100' });
  }
});

test('a deleted media takes its comments with it', async () => {
  const dir = await tempDir('kiosque-comments-');
  await png(path.join(dir, 'doomed.png'), 40, 30);
  const token = await tokenOf(admin);
  const upload = await admin.post('/api/v1/media').set('X-CSRF-Token', token).field('status', 'published').attach('file', path.join(dir, 'doomed.png'));
  assert.equal(upload.status, 201, upload.text);
  const doomed = upload.body as { id: string };
  // A fresh limiter window: re-enabling the plugin starts a new one.
  await toggle('comments', 'disable');
  await toggle('comments', 'enable');
  assert.equal((await post(member, doomed.id, { text: 'Soon gone' })).status, 303);
  assert.equal((await comments(doomed.id)).length, 1);
  await admin.delete(`/api/v1/media/${doomed.id}`).set('X-CSRF-Token', token).expect(204);
  assert.equal((await t.store.plugins.get('comments'))?.storage?.[`media:${doomed.id}`], undefined);
});

test('with the intranet on, visitors reach neither the comments nor the posting route; members still comment', async () => {
  await settings({ whoMayComment: 'everyone' });
  await toggle('intranet', 'enable');
  try {
    const visitor = request.agent(t.app);
    const login = await page(visitor, '/login').expect(200);
    const media = await page(visitor, `/media/${open.id}/${open.slug}`);
    assert.equal(media.status, 302);
    assert.match(media.headers.location!, /^\/login\?return=/);
    const form = await page(visitor, `/plugins/comments/media/${open.id}`);
    assert.equal(form.status, 302);
    const before = (await comments(open.id)).length;
    const sent = await visitor.post(`/plugins/comments/media/${open.id}`).type('form').send({ _csrf: csrfFrom(login.text), text: 'Let me in', name: 'Eve' });
    assert.equal(sent.status, 401);
    assert.equal((await comments(open.id)).length, before);
    assert.equal((await post(member, open.id, { text: 'Inside' })).status, 303);
    assert.match((await page(member, `/media/${open.id}/${open.slug}`)).text, /<p>Inside<\/p>/);
  } finally {
    await toggle('intranet', 'disable');
    await settings({});
  }
});

test('disabled, the section, the routes and the menu entry are gone at once; enabled again, they are back', async () => {
  const mediaPage = `/media/${open.id}/${open.slug}`;
  assert.match((await page(request(t.app), mediaPage)).text, /id="comments"/);
  assert.match((await page(admin, '/admin')).text, /href="\/plugins\/comments\/moderation"/);
  await toggle('comments', 'disable');
  assert.doesNotMatch((await page(request(t.app), mediaPage).expect(200)).text, /id="comments"/);
  assert.doesNotMatch((await page(member, mediaPage).expect(200)).text, /id="comments"/);
  assert.equal((await post(member, open.id, { text: 'While off' })).status, 404);
  await page(admin, '/plugins/comments/moderation').expect(404);
  assert.doesNotMatch((await page(admin, '/admin')).text, /plugins\/comments/);
  await toggle('comments', 'enable');
  assert.match((await page(request(t.app), mediaPage)).text, /id="comments"/);
  await page(admin, '/plugins/comments/moderation').expect(200);
});
