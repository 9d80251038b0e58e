import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, addUser, signIn, tokenOf, csrfFrom, PASSWORD, type TestApp } from '../helpers/app.ts';
import { mediaInput } from '../search/fixtures.ts';

let t: TestApp;
let admin: Awaited<ReturnType<typeof signIn>>;
let csrf: string;

before(async () => {
  t = await makeApp();
  await addUser(t, 'alice', 'admin');
  admin = await signIn(t, 'alice');
  csrf = await tokenOf(admin, '/admin/users');
});
after(() => t.close());

const post = (url: string, body: Record<string, string>) => admin.post(url).type('form').set('Accept', 'text/html').send({ _csrf: csrf, ...body });
const idOf = async (username: string) => (await t.store.users.getByUsername(username))!.id;

test('an admin creates an account; it can sign in', async () => {
  const res = await post('/admin/users', { username: 'newbie', displayName: 'New Bie', role: 'editor', password: PASSWORD });
  assert.equal(res.status, 303);
  assert.equal(res.headers.location, '/admin/users?done=created');
  const page = await admin.get('/admin/users?done=created').set('Accept', 'text/html');
  assert.match(page.text, /The account was created/);
  assert.match(page.text, /data-user="newbie"/);
  assert.equal((await t.store.users.getByUsername('newbie'))?.role, 'editor');
  await signIn(t, 'newbie');
});

for (const [what, body, message] of [
  ['a taken username (any case)', { username: 'ALICE', role: 'member', password: PASSWORD }, /This username is already taken/],
  ['a short password', { username: 'shorty', role: 'member', password: 'short' }, /at least 10 characters/],
  ['an overlong password', { username: 'longpw', role: 'member', password: 'x'.repeat(1025) }, /at most 1,024 characters/],
  ['a password of spaces only', { username: 'spacey', role: 'member', password: ' '.repeat(12) }, /cannot be only spaces/],
  ['an invalid role', { username: 'boss', role: 'overlord', password: PASSWORD }, /Choose a role among administrator, editor, or member\./],
  ['an invalid username', { username: '<b>x</b>', role: 'member', password: PASSWORD }, /A username has 2 to 40/],
  ['a display name over 80 characters', { username: 'longname', displayName: 'x'.repeat(81), role: 'member', password: PASSWORD }, /<p class="field-error" id="new-display-name-error" role="alert">A display name has at most 80 characters.<\/p>/],
] as const) {
  test(`creating with ${what} shows the message and stores nothing`, async () => {
    const count = await t.store.users.count();
    const res = await post('/admin/users', body);
    assert.equal(res.status, 400);
    assert.match(res.text, message);
    assert.equal(await t.store.users.count(), count);
    // What was typed is shown back, escaped.
    assert.doesNotMatch(res.text, /<b>x<\/b>/);
  });
}

test('creating with several mistakes shows each next to its field, and keeps what was typed', async () => {
  const count = await t.store.users.count();
  const res = await post('/admin/users', { username: 'x', displayName: 'Zoé <i>', role: 'overlord', password: 'short' });
  assert.equal(res.status, 400);
  assert.match(res.text, /A username has 2 to 40/);
  assert.match(res.text, /at least 10 characters/);
  assert.match(res.text, /Choose a role among administrator, editor, or member\./);
  assert.equal((res.text.match(/class="field-error"/g) ?? []).length, 3);
  // Each message is tied to its field for screen readers.
  for (const id of ['new-username', 'new-role', 'new-password']) {
    assert.match(res.text, new RegExp(`id="${id}"[^>]* aria-invalid="true" aria-describedby="${id}-error"`));
    assert.match(res.text, new RegExp(`<p class="field-error" id="${id}-error" role="alert">`));
  }
  assert.match(res.text, /value="Zoé &lt;i&gt;"/);
  assert.equal(await t.store.users.count(), count);
});

test('a refused role is said with the roles as the form names them, in French too', async () => {
  const res = await admin.post('/admin/users?lang=fr').type('form').set('Accept', 'text/html').send({ _csrf: csrf, username: 'roi', role: 'king', password: PASSWORD });
  assert.equal(res.status, 400);
  assert.match(res.text, /Choisissez un rôle parmi administrateur, rédacteur ou membre\./);
  await admin.get('/?lang=en').set('Accept', 'text/html');
});

test('an unknown done= in the URL shows no message rather than a translation key', async () => {
  const page = await admin.get('/admin/users?done=foo_bar').set('Accept', 'text/html').expect(200);
  assert.doesNotMatch(page.text, /done_foo_bar/);
  const keywords = await admin.get('/admin/keywords?done=foo_bar').set('Accept', 'text/html').expect(200);
  assert.doesNotMatch(keywords.text, /done_foo_bar/);
  const sectors = await admin.get('/admin/config/sectors?done=foo_bar').set('Accept', 'text/html').expect(200);
  assert.doesNotMatch(sectors.text, /done_foo_bar/);
  const skeleton = await admin.get('/admin/config/skeleton?done=foo_bar').set('Accept', 'text/html').expect(200);
  assert.doesNotMatch(skeleton.text, /done_foo_bar/);
});

test('changing the role takes effect', async () => {
  await addUser(t, 'roley', 'member');
  const id = await idOf('roley');
  const res = await post(`/admin/users/${id}/role`, { role: 'editor' });
  assert.equal(res.status, 303);
  assert.equal((await t.store.users.get(id))?.role, 'editor');
  assert.equal((await post(`/admin/users/${id}/role`, { role: 'overlord' })).status, 400);
  assert.equal((await t.store.users.get(id))?.role, 'editor');
});

test('resetting a password: the old one stops working, the new one works', async () => {
  await addUser(t, 'resetme', 'member');
  const id = await idOf('resetme');
  const next = 'a brand new password';
  assert.equal((await post(`/admin/users/${id}/password`, { password: 'short' })).status, 400);
  await signIn(t, 'resetme'); // the short one changed nothing
  assert.equal((await post(`/admin/users/${id}/password`, { password: next })).status, 303);
  await assert.rejects(signIn(t, 'resetme'), /failed: 401/);
  await signIn(t, 'resetme', next);
});

test('a new password ends the sessions opened with the old one; an admin changing their own stays signed in', async () => {
  await addUser(t, 'edith', 'editor');
  const id = await idOf('edith');
  const edith = await signIn(t, 'edith');
  const other = await signIn(t, 'edith');
  assert.equal((await edith.get('/admin').set('Accept', 'text/html')).status, 200);
  assert.equal((await post(`/admin/users/${id}/password`, { password: 'another long password' })).status, 303);
  for (const session of [edith, other]) {
    const res = await session.get('/admin').set('Accept', 'text/html');
    assert.equal(res.status, 302, 'signed out');
    assert.match(res.headers.location!, /^\/login/);
  }
  const again = await signIn(t, 'edith', 'another long password');
  assert.equal((await again.get('/admin').set('Accept', 'text/html')).status, 200);

  await addUser(t, 'ops', 'admin');
  const ops = await signIn(t, 'ops');
  const opsOther = await signIn(t, 'ops');
  const token = await tokenOf(ops, '/admin/users');
  const own = await ops.post(`/admin/users/${await idOf('ops')}/password`).type('form').set('Accept', 'text/html').send({ _csrf: token, password: 'my own new password' });
  assert.equal(own.status, 303);
  assert.equal((await ops.get('/admin/users').set('Accept', 'text/html')).status, 200, 'the session that changed it stays');
  assert.equal((await opsOther.get('/admin').set('Accept', 'text/html')).status, 302, 'the admin’s other session ends');
  assert.equal((await post(`/admin/users/${await idOf('ops')}/disable`, {})).status, 303, 'alice is the only active admin again');
});

test("disabling an account ends that user's open session at once; enabling restores sign-in", async () => {
  await addUser(t, 'eddie', 'editor');
  const eddie = await signIn(t, 'eddie');
  assert.equal((await eddie.get('/admin').set('Accept', 'text/html')).status, 200);
  const id = await idOf('eddie');
  assert.equal((await post(`/admin/users/${id}/disable`, {})).status, 303);
  const after = await eddie.get('/admin').set('Accept', 'text/html');
  assert.equal(after.status, 302);
  assert.match(after.headers.location!, /^\/login/);
  await assert.rejects(signIn(t, 'eddie'), /failed: 401/);
  assert.equal((await post(`/admin/users/${id}/enable`, {})).status, 303);
  await signIn(t, 'eddie');
});

test('deleting an account removes it and its access', async () => {
  await addUser(t, 'gone', 'editor');
  const gone = await signIn(t, 'gone');
  const id = await idOf('gone');
  // The list's Delete leads to a page that asks first; it changes nothing by itself.
  const list = await admin.get('/admin/users').set('Accept', 'text/html').expect(200);
  assert.match(list.text, new RegExp(`<a href="/admin/users/${id}/delete" class="danger">Delete</a>`));
  const ask = await admin.get(`/admin/users/${id}/delete`).set('Accept', 'text/html').expect(200);
  assert.match(ask.text, /<h1>Delete the account “gone”\?<\/h1>/);
  assert.match(ask.text, /The media they uploaded stay on the site/);
  assert.match(ask.text, new RegExp(`<form method="post" action="/admin/users/${id}/delete" class="inline">\\s*<input type="hidden" name="_csrf" value="[^"]+">`));
  const french = await admin.get(`/admin/users/${id}/delete?lang=fr`).set('Accept', 'text/html').expect(200);
  assert.match(french.text, /<h1>Supprimer le compte «\u00a0gone\u00a0»\u202f\?<\/h1>/);
  await admin.get('/?lang=en').set('Accept', 'text/html');
  assert.ok(await t.store.users.get(id), 'asking deletes nothing');
  assert.equal((await post(`/admin/users/${id}/delete`, {})).status, 303);
  assert.equal(await t.store.users.get(id), undefined);
  assert.equal((await gone.get('/admin').set('Accept', 'text/html')).status, 302);
  assert.equal((await post(`/admin/users/${id}/delete`, {})).status, 404);
  assert.equal((await admin.get(`/admin/users/${id}/delete`).set('Accept', 'text/html')).status, 404, 'no page asks about an account that is gone');
});

test('the last active admin cannot be demoted; no admin disables or deletes their own account here', async () => {
  const id = await idOf('alice');
  for (const [action, body, said] of [['role', { role: 'member' }, /This is the last active administrator/], ['disable', {}, /You cannot disable your own account/], ['delete', {}, /You cannot delete your own account/]] as const) {
    const res = await post(`/admin/users/${id}/${action}`, body);
    assert.equal(res.status, 400, action);
    assert.match(res.text, said);
  }
  // Their own row offers neither; the confirmation page, opened by its address, refuses too.
  const list = await admin.get('/admin/users').set('Accept', 'text/html').expect(200);
  assert.doesNotMatch(list.text, new RegExp(`/admin/users/${id}/(disable|delete)`));
  const ask = await admin.get(`/admin/users/${id}/delete?lang=fr`).set('Accept', 'text/html').expect(400);
  assert.match(ask.text, /<p class="error" role="alert">Vous ne pouvez pas supprimer votre propre compte\u00a0: vous seriez déconnecté aussitôt\./);
  await admin.get('/?lang=en').set('Accept', 'text/html');
  const alice = await t.store.users.get(id);
  assert.equal(alice?.role, 'admin');
  assert.equal(alice?.disabled, false);
  // With a second admin, the first one may step down.
  await addUser(t, 'bert', 'admin');
  assert.equal((await post(`/admin/users/${await idOf('bert')}/role`, { role: 'member' })).status, 303);
  assert.equal((await post(`/admin/users/${id}/role`, { role: 'member' })).status, 400);
});

test('two changes sent at the same moment never leave the site without an active admin', async () => {
  const site = await makeApp();
  try {
    const { users } = site.app.kiosque;
    for (const [first, second] of [['role', 'role'], ['disable', 'delete']] as const) {
      const a = await addUser(site, `${first}-a`, 'admin');
      const b = await addUser(site, `${second}-b`, 'admin');
      const change = (what: 'role' | 'disable' | 'delete', id: string) => (what === 'role' ? users.setRole(id, 'member') : what === 'disable' ? users.setDisabled(id, true) : users.remove(id));
      const results = await Promise.allSettled([change(first, a.id), change(second, b.id)]);
      assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected'], `${first} + ${second}`);
      const refused = results.find((r) => r.status === 'rejected')!.reason as { code?: string };
      assert.equal(refused.code, 'last_admin');
      const admins = (await site.store.users.list()).filter((u) => u.role === 'admin' && !u.disabled);
      assert.equal(admins.length, 1, `${first} + ${second}: one admin is left`);
      // Back to a single active admin for the next pair: make it a member by hand.
      await site.store.users.update(admins[0]!.id, { role: 'member' });
    }
  } finally {
    await site.close();
  }
});

test('a refused row form shows its message beside its field in that row, linked from the top, with the role as chosen', async () => {
  await addUser(t, 'rowan', 'member');
  const id = await idOf('rowan');
  const short = await admin.post(`/admin/users/${id}/password?lang=fr`).type('form').set('Accept', 'text/html').send({ _csrf: csrf, password: 'court' });
  assert.equal(short.status, 400);
  assert.match(short.text, new RegExp(`<input id="password-${id}" name="password" [^>]*aria-invalid="true" aria-describedby="password-${id}-error"`));
  assert.match(short.text, new RegExp(`<p class="field-error" id="password-${id}-error">Le mot de passe doit compter au moins 10 caractères\\.</p>`));
  assert.match(short.text, new RegExp(`<a href="#password-${id}">1 problème\u00a0: voir le compte «\u00a0rowan\u00a0»\\.</a>`));
  // Only that row's field is marked.
  assert.equal((short.text.match(/aria-invalid="true"/g) ?? []).length, 1);
  await admin.get('/?lang=en').set('Accept', 'text/html');

  const aliceId = await idOf('alice');
  const demote = await post(`/admin/users/${aliceId}/role`, { role: 'editor' });
  assert.equal(demote.status, 400);
  assert.match(demote.text, new RegExp(`<select id="role-${aliceId}" name="role" aria-invalid="true" aria-describedby="role-${aliceId}-error">\\s*<option value="admin">[^<]*</option><option value="editor" selected>`));
  assert.match(demote.text, new RegExp(`<p class="field-error" id="role-${aliceId}-error">This is the last active administrator`));
  assert.equal((await t.store.users.get(aliceId))?.role, 'admin');

  // Disabling or deleting oneself concerns no field: the message stands at the top.
  const disable = await post(`/admin/users/${aliceId}/disable`, {});
  assert.equal(disable.status, 400);
  assert.match(disable.text, /<p class="error" role="alert">You cannot disable your own account/);
  assert.doesNotMatch(disable.text, /aria-invalid/);
});

test('an admin changes an account’s display name; it shows on the site at once; a refused one keeps what was typed beside its field', async () => {
  const writer = await addUser(t, 'writer', 'editor');
  const media = await t.store.media.create(mediaInput({ title: 'Reportage', authorId: writer.id }));
  t.app.kiosque.search.upsert(media);
  // Seen (and kept in the page cache) under the username first.
  assert.match((await request(t.app).get('/authors/writer').set('Accept', 'text/html').expect(200)).text, /<h1>writer<\/h1>/);

  const saved = await post(`/admin/users/${writer.id}/name`, { displayName: '  Zoé Martin ' });
  assert.equal(saved.status, 303);
  assert.equal(saved.headers.location, '/admin/users?done=name');
  assert.equal((await t.store.users.get(writer.id))!.displayName, 'Zoé Martin');
  const list = await admin.get('/admin/users?done=name').set('Accept', 'text/html').expect(200);
  assert.match(list.text, /<p class="notice" role="status">The display name was saved\.<\/p>/);
  assert.match(list.text, new RegExp(`<label for="displayName-${writer.id}">Display name</label>\\s*<input id="displayName-${writer.id}" name="displayName" value="Zoé Martin"`));
  assert.match((await request(t.app).get('/authors/writer').set('Accept', 'text/html').expect(200)).text, /<h1>Zoé Martin<\/h1>/);

  const long = 'N'.repeat(81);
  const refused = await post(`/admin/users/${writer.id}/name`, { displayName: long });
  assert.equal(refused.status, 400);
  assert.match(refused.text, new RegExp(`<input id="displayName-${writer.id}" name="displayName" value="${long}"[^>]* aria-invalid="true" aria-describedby="displayName-${writer.id}-error">`));
  assert.match(refused.text, new RegExp(`<p class="field-error" id="displayName-${writer.id}-error">A display name has at most 80 characters\\.</p>`));
  assert.equal((await t.store.users.get(writer.id))!.displayName, 'Zoé Martin', 'nothing changed');
  // Emptied: the site shows the username again.
  assert.equal((await post(`/admin/users/${writer.id}/name`, { displayName: '' })).status, 303);
  assert.match((await request(t.app).get('/authors/writer').set('Accept', 'text/html').expect(200)).text, /<h1>writer<\/h1>/);
});

test('an admin who makes themselves an editor lands on their account page, which says so, not on a page they may no longer open', async () => {
  await addUser(t, 'otto', 'admin');
  await addUser(t, 'olga', 'admin');
  const otto = await signIn(t, 'otto');
  const token = await tokenOf(otto, '/admin/users');
  const res = await otto.post(`/admin/users/${await idOf('otto')}/role`).type('form').set('Accept', 'text/html').send({ _csrf: token, role: 'editor' });
  assert.equal(res.status, 303);
  assert.equal(res.headers.location, '/account?done=role');
  const account = await otto.get(res.headers.location).set('Accept', 'text/html').expect(200);
  assert.match(account.text, /<p class="notice" role="status">Your role was changed: the administration of accounts is for administrators only\.<\/p>/);
  assert.equal((await t.store.users.getByUsername('otto'))?.role, 'editor');
  // Changing someone else's role still comes back to the list.
  const other = await post(`/admin/users/${await idOf('olga')}/role`, { role: 'member' });
  assert.equal(other.headers.location, '/admin/users?done=role');
});

test('members and editors get 403 on /admin/users; a form without CSRF token changes nothing', async () => {
  await addUser(t, 'mia', 'member');
  const mia = await signIn(t, 'mia');
  assert.equal((await mia.get('/admin/users').set('Accept', 'text/html')).status, 403);
  await addUser(t, 'eva', 'editor');
  const eva = await signIn(t, 'eva');
  const page = await eva.get('/admin').set('Accept', 'text/html');
  const res = await eva.post('/admin/users').type('form').set('Accept', 'text/html').send({ _csrf: csrfFrom(page.text), username: 'sneaky', role: 'admin', password: PASSWORD });
  assert.equal(res.status, 403);
  const noToken = await admin.post('/admin/users').type('form').set('Accept', 'text/html').send({ username: 'sneaky', role: 'admin', password: PASSWORD });
  assert.equal(noToken.status, 403);
  assert.equal(await t.store.users.getByUsername('sneaky'), undefined);
  assert.equal((await request(t.app).get('/admin/users').set('Accept', 'text/html')).status, 302);
});

test('a refused row form’s address, opened by its language link or a reload, leads back to the list with the query kept', async () => {
  const id = await idOf('alice');
  const refused = await post(`/admin/users/${id}/password`, { password: 'short' });
  assert.equal(refused.status, 400);
  assert.match(refused.text, new RegExp(`<a href="/admin/users/${id}/password\\?lang&#x3D;fr" hreflang="fr"`), 'the language link names the form’s address');
  // (…/delete is the confirmation page: see the deletion's test.)
  for (const action of ['password', 'role', 'disable', 'enable']) {
    const res = await admin.get(`/admin/users/${id}/${action}?lang=en`).set('Accept', 'text/html');
    assert.equal(res.status, 303, action);
    assert.equal(res.headers.location, '/admin/users?lang=en');
  }
  await admin.get(`/admin/users/${id}/frobnicate`).set('Accept', 'text/html').expect(404);
});
