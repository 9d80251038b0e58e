import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, addUser, signIn, tokenOf, csrfFrom, type TestApp } from '../../helpers/app.ts';
import { mediaRecord } from '../../helpers/media-records.ts';
import { saveCommentSettings, storedComments } from './helpers.ts';
import { skeletonDefaults } from '../../../core/settings/skeleton.ts';

/** The comments plugin, from a media page to the moderation page, in one running app. */

type Agent = ReturnType<typeof request.agent>;
let t: TestApp;
let admin: Agent;
let member: Agent;
let media: { id: string; slug: string };
let href: string;

/** A page in `lang` (chosen with ?lang=, which signed-in agents remember), on one host (the page cache keys on it). */
const page = (agent: Agent | ReturnType<typeof request>, url: string, lang = 'en') =>
  agent.get(`${url}${url.includes('?') ? '&' : '?'}lang=${lang}`).set('Accept', 'text/html').set('Host', 'kiosque.test');
/** The comment section of a page ('' when there is none). */
const sectionOf = (html: string) => /<section class="comments" id="comments"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
/** The texts of the comments a page shows, in order. */
const shown = (html: string) => [...sectionOf(html).matchAll(/<div class="comment-text">([\s\S]*?)<\/div>/g)].map((m) => m[1]!);
const stored = () => storedComments(t, media.id);

async function post(agent: Agent, fields: Record<string, string>, lang = 'en') {
  const token = await tokenOf(agent, href);
  return agent.post(`/plugins/comments/media/${media.id}?lang=${lang}`).type('form').set('Accept', 'text/html').send({ _csrf: token, ...fields });
}

const settings = (values: Record<string, string>) => saveCommentSettings(admin, values);

before(async () => {
  t = await makeApp();
  await addUser(t, 'ada', 'admin');
  const mia = await addUser(t, 'mia', 'member');
  await t.store.users.update(mia.id, { displayName: 'Mia <b>Martin</b>' });
  admin = await signIn(t, 'ada');
  member = await signIn(t, 'mia');
  media = await t.store.media.create(mediaRecord({ slug: 'carnaval', title: 'Carnaval' }));
  href = `/media/${media.id}/${media.slug}`;
  const enabled = await admin.post('/admin/plugins/comments/enable').type('form').send({ _csrf: await tokenOf(admin, '/admin/plugins') });
  assert.equal(enabled.status, 303);
  await settings({});
});
after(() => t.close());

test('a member posts a comment: published at once, shown under the media with their name and the date, text escaped, line breaks kept', async () => {
  const before = await page(member, href).expect(200);
  assert.match(sectionOf(before.text), /<h2 id="comments-title">Comments<\/h2>/);
  assert.match(sectionOf(before.text), /No comments yet\./);
  assert.match(sectionOf(before.text), new RegExp(`<form method="post" action="/plugins/comments/media/${media.id}"`));
  const res = await post(member, { text: '  First line <script>alert(1)</script>\nsecond line\n\nhttps://spam.example/ next paragraph  ' });
  assert.equal(res.status, 303, res.text);
  const [saved] = await stored();
  assert.equal(saved!.status, 'published');
  assert.equal(res.headers.location, `${href}#comment-${String(saved!.id)}`);
  const after = await page(member, href).expect(200);
  assert.deepEqual(shown(after.text), ['<p>First line &lt;script&gt;alert(1)&lt;/script&gt;<br>second line</p><p>https://spam.example/ next paragraph</p>']);
  assert.doesNotMatch(after.text, /<script>alert/);
  assert.doesNotMatch(sectionOf(after.text), /<a href="https:\/\/spam/, 'links are not made clickable');
  assert.match(sectionOf(after.text), /<span class="comment-author">Mia &lt;b&gt;Martin&lt;\/b&gt;<\/span>/);
  const day = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium' }).format(new Date()).replace(/ /g, '\u00a0');
  assert.match(sectionOf(after.text), new RegExp(`<time datetime="[^"]+">${day}</time>`));
  const fr = await page(member, href, 'fr').expect(200);
  assert.match(sectionOf(fr.text), /<h2 id="comments-title">Commentaires<\/h2>/);
  assert.match(sectionOf(fr.text), new RegExp(new Intl.DateTimeFormat('fr-FR', { dateStyle: 'medium' }).format(new Date()).replace(/ /g, '\u00a0')));
});

test('empty or too long: refused in the visitor’s language beside the field, what they typed kept, nothing stored', async () => {
  const count = (await stored()).length;
  const empty = await post(member, { text: '   \n  ' });
  assert.equal(empty.status, 422);
  assert.match(empty.text, /<p class="field-error" id="comment-text-error">Write your comment before sending it\.<\/p>/);
  assert.match(empty.text, /aria-invalid="true"/);
  const long = `<i>${'a'.repeat(5000)}</i>`;
  const tooLong = await post(member, { text: long }, 'fr');
  assert.equal(tooLong.status, 422);
  assert.match(tooLong.text, /<html lang="fr">/);
  assert.match(tooLong.text, /Un commentaire compte au plus 5\u202f000 caractères \(celui-ci en compte 5\u202f007\)\./);
  assert.match(tooLong.text, /Votre commentaire n’a pas été envoyé\u00a0: corrigez ce qui est signalé ci-dessous\./);
  assert.ok(tooLong.text.includes(`>&lt;i&gt;${'a'.repeat(5000)}&lt;/i&gt;</textarea>`), 'the typed text comes back, escaped');
  assert.match(tooLong.text, new RegExp(`<a href="${href}">Retour à «\u00a0Carnaval\u00a0»</a>`));
  assert.equal((await stored()).length, count);
});

test('without the CSRF token the post is refused and nothing is stored', async () => {
  const count = (await stored()).length;
  const res = await member.post(`/plugins/comments/media/${media.id}`).type('form').send({ text: 'forged' });
  assert.equal(res.status, 403);
  assert.equal((await stored()).length, count);
});

test('visitors: a sign-in link back to the media by default, and posting is sent to sign in', async () => {
  const res = await page(request(t.app), href).expect(200);
  assert.ok(sectionOf(res.text).replace(/&#x3D;/g, '=').includes(`<a href="/login?return=${encodeURIComponent(`${href}?lang=en`)}">Sign in to comment</a>`), 'the sign-in link comes back here');
  assert.doesNotMatch(sectionOf(res.text), /<form/);
  const visitor = request.agent(t.app);
  const form = await page(visitor, '/login').expect(200);
  const refused = await visitor.post(`/plugins/comments/media/${media.id}`).type('form').send({ _csrf: csrfFrom(form.text), text: 'hello', name: 'Zoe' });
  assert.equal(refused.status, 303);
  assert.equal(refused.headers.location, `/login?return=${encodeURIComponent(href)}`);
  await page(visitor, `/plugins/comments/media/${media.id}`).expect(404);
  assert.ok(!(await stored()).some((c) => c.text === 'hello'));
});

test('visitors allowed: a name is required, their comment waits for approval, then an editor publishes it', async () => {
  await settings({ whoMayComment: 'everyone' });
  const visitor = request.agent(t.app);
  const section = sectionOf((await page(visitor, href).expect(200)).text);
  assert.match(section, new RegExp(`<a href="/plugins/comments/media/${media.id}">Write a comment</a>`));
  const form = await page(visitor, `/plugins/comments/media/${media.id}`).expect(200);
  assert.match(form.text, /<label for="comment-name">Your name<\/label>/);
  assert.match(form.text, /Comments are published once a moderator has approved them\./);
  const send = (fields: Record<string, string>) => visitor.post(`/plugins/comments/media/${media.id}`).type('form').set('Accept', 'text/html').send({ _csrf: csrfFrom(form.text), ...fields });
  const noName = await send({ text: 'Nice <em>work</em>', name: ' ' });
  assert.equal(noName.status, 422);
  assert.match(noName.text, /<p class="field-error" id="comment-name-error">Give a name to sign your comment\.<\/p>/);
  assert.match(noName.text, />Nice &lt;em&gt;work&lt;\/em&gt;<\/textarea>/);
  const twoLines = await send({ text: 'x', name: 'Zoe\nAdmin' });
  assert.match(twoLines.text, /A name fits on one line\./);
  const longName = await send({ text: 'x', name: 'z'.repeat(81) });
  assert.match(longName.text, /A name holds at most 80 characters\./);
  assert.match(longName.text, new RegExp(`value="${'z'.repeat(81)}"`));

  const sent = await send({ text: 'Nice <em>work</em>', name: '<script>Zoe</script>' });
  assert.equal(sent.status, 303);
  assert.equal(sent.headers.location, `${href}?comment=pending#comments`);
  const pending = (await stored()).find((c) => c.name === '<script>Zoe</script>');
  assert.equal(pending?.status, 'pending');
  const after = await page(request(t.app), `${href}?comment=pending`).expect(200);
  assert.match(sectionOf(after.text), /Thank you: your comment will appear once a moderator has approved it\./);
  assert.ok(!shown(after.text).some((s) => s.includes('work')), 'not shown before approval');

  await addUser(t, 'eddie', 'editor');
  const editor = await signIn(t, 'eddie');
  const moderation = await page(editor, '/plugins/comments/moderation').expect(200);
  assert.match(moderation.text, /<h1>Comment moderation<\/h1>/);
  assert.match(moderation.text, /&lt;script&gt;Zoe&lt;\/script&gt; \(visitor\)/);
  assert.doesNotMatch(moderation.text, /<script>Zoe/);
  assert.match(moderation.text, new RegExp(`Media: <a href="${href}">Carnaval</a>`));
  const approve = await editor.post(`/plugins/comments/moderation/${media.id}/${String(pending!.id)}`).type('form').send({ _csrf: csrfFrom(moderation.text), action: 'approve' });
  assert.equal(approve.status, 303);
  const published = await page(request(t.app), href).expect(200);
  assert.ok(shown(published.text).includes('<p>Nice &lt;em&gt;work&lt;/em&gt;</p>'));
  assert.match(sectionOf(published.text), /&lt;script&gt;Zoe&lt;\/script&gt; \(visitor\)/);
  await settings({});
});

test('the honeypot: a bot that fills the hidden field is sent back as if it had worked, and nothing is kept', async () => {
  const count = (await stored()).length;
  const res = await post(member, { text: 'Buy now', website: 'https://spam.example' });
  assert.equal(res.status, 303);
  assert.equal((await stored()).length, count);
});

test('moderation: hide takes a comment off the page, delete removes it; members and visitors cannot moderate', async () => {
  await post(member, { text: 'To be hidden' });
  const target = (await stored()).find((c) => c.text === 'To be hidden')!;
  const action = `/plugins/comments/moderation/${media.id}/${String(target.id)}`;
  const token = await tokenOf(member, href);
  // As the rest of the admin area answers them: 403 for a member, the sign-in page for a visitor.
  await member.post(action).type('form').send({ _csrf: token, action: 'delete' }).expect(403);
  await page(member, '/plugins/comments/moderation').expect(403);
  const anon = await page(request(t.app), '/plugins/comments/moderation').expect(302);
  assert.equal(anon.headers.location, '/login?return=%2Fplugins%2Fcomments%2Fmoderation%3Flang%3Den');
  assert.ok((await stored()).some((c) => c.id === target.id));

  const adminToken = await tokenOf(admin, '/plugins/comments/moderation');
  await admin.post(action).type('form').send({ _csrf: adminToken, action: 'hide' }).expect(303);
  assert.equal((await stored()).find((c) => c.id === target.id)?.status, 'hidden');
  assert.ok(!shown((await page(request(t.app), href)).text).includes('<p>To be hidden</p>'));
  const list = await page(admin, '/plugins/comments/moderation').expect(200);
  assert.match(list.text, /<section class="comments-group" data-status="hidden"[\s\S]*To be hidden/);
  const publishedGroup = /data-status="published"[\s\S]*?<\/ol>/.exec(list.text)?.[0] ?? '';
  const dates = [...publishedGroup.matchAll(/<time datetime="([^"]+)">/g)].map((m) => m[1]!);
  assert.ok(dates.length >= 2, 'several published comments');
  assert.deepEqual(dates, [...dates].sort().reverse(), 'newest first');
  await admin.post(action).type('form').send({ _csrf: adminToken, action: 'delete' }).expect(303);
  assert.ok(!(await stored()).some((c) => c.id === target.id));
  await admin.post(action).type('form').send({ _csrf: adminToken, action: 'delete' }).expect(404);
});

test('the anonymous page cache shows a new comment, an approval and a deletion on the next request', async () => {
  const anon = () => page(request(t.app), href);
  await anon();
  const cached = await anon();
  assert.equal(cached.headers['x-page-cache'], 'hit');
  await post(member, { text: 'Fresh comment' });
  assert.ok(shown((await anon()).text).includes('<p>Fresh comment</p>'));
  const fresh = (await stored()).find((c) => c.text === 'Fresh comment')!;
  const token = await tokenOf(admin, '/plugins/comments/moderation');
  await anon();
  await admin.post(`/plugins/comments/moderation/${media.id}/${String(fresh.id)}`).type('form').send({ _csrf: token, action: 'delete' }).expect(303);
  assert.ok(!shown((await anon()).text).includes('<p>Fresh comment</p>'));

  await settings({ moderation: 'all' });
  try {
    await post(member, { text: 'Held comment' });
    const held = (await stored()).find((c) => c.text === 'Held comment')!;
    assert.equal(held.status, 'pending');
    await anon();
    const warm = await anon();
    assert.equal(warm.headers['x-page-cache'], 'hit');
    assert.ok(!shown(warm.text).includes('<p>Held comment</p>'));
    await admin.post(`/plugins/comments/moderation/${media.id}/${String(held.id)}`).type('form').send({ _csrf: token, action: 'approve' }).expect(303);
    assert.ok(shown((await anon()).text).includes('<p>Held comment</p>'));
  } finally {
    await settings({});
  }
});

test('the section is under the media in the nuit theme too', async () => {
  await t.store.settings.set('skeleton', { ...skeletonDefaults, theme: 'nuit' });
  try {
    const res = await page(request(t.app), href).expect(200);
    assert.match(res.text, /class="theme-nuit"/);
    assert.match(sectionOf(res.text), /<h2 id="comments-title">Comments<\/h2>/);
    assert.ok(shown(res.text).length > 0);
  } finally {
    await t.store.settings.set('skeleton', skeletonDefaults);
  }
});

test('the admin menu links the moderation page for admins and editors', async () => {
  const dash = await page(admin, '/admin').expect(200);
  assert.match(dash.text, /<a href="\/plugins\/comments\/moderation"[^>]*>Comments<\/a>/);
});

test('the moderation page is drawn in the admin layout: its menu (the page marked current), noindex, private and never cached', async () => {
  const res = await page(admin, '/plugins/comments/moderation').expect(200);
  assert.match(res.text, /<body class="admin">/);
  assert.match(res.text, /<nav class="admin-menu"[\s\S]*<a href="\/plugins\/comments\/moderation" aria-current="page">Comments<\/a>/);
  assert.match(res.text, /<meta name="robots" content="noindex">/);
  assert.equal(res.headers['cache-control'], 'private, no-store');
  assert.equal((res.text.match(/<h1>/g) ?? []).length, 1, 'one heading: the layout’s');
  assert.match(res.text, /<h1>Comment moderation<\/h1>/);
});

