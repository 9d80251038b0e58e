import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { csrfFrom, tokenOf } from '../../helpers/app.ts';
import { collectionsSite, createCollection, itemsPost, page, stored, type CollectionsSite } from './helpers.ts';

/** The management pages of the collections plugin: who reaches them, what they refuse, what they change. */

let s: CollectionsSite;
before(async () => {
  s = await collectionsSite();
});
after(() => s.t.close());

const fieldError = (html: string, id: string) => new RegExp(`<p class="field-error" id="${id}-error"[^>]*>([^<]*)</p>`).exec(html)?.[1];

async function postForm(agent: CollectionsSite['admin'], url: string, fields: Record<string, string>, lang = 'en') {
  const token = await tokenOf(agent, '/plugins/collections/manage');
  return agent.post(`${url}?lang=${lang}`).type('form').set('Accept', 'text/html').set('Host', 'kiosque.test').send({ _csrf: token, ...fields });
}

test('the management pages are the staff’s, in the admin layout, linked from the menu’s Content section; members get 403, visitors the sign-in page', async () => {
  const id = await createCollection(s.admin, 'Roles');
  for (const url of ['/plugins/collections/manage', '/plugins/collections/manage/new', `/plugins/collections/manage/${id}`, `/plugins/collections/manage/${id}/delete`]) {
    const res = await page(s.editor, url).expect(200);
    assert.match(res.text, /<body class="admin">/, url);
    assert.equal(res.headers['cache-control'], 'private, no-store', url);
    await page(s.member, url).expect(403);
    const anon = await page(request(s.t.app), url).expect(302);
    assert.equal(anon.headers.location, `/login?return=${encodeURIComponent(url)}`);
  }
  const dash = await page(s.editor, '/admin').expect(200);
  assert.match(dash.text, /data-section="content"[\s\S]*?<a href="\/plugins\/collections\/manage">Collections<\/a>/);
  const before = await stored(s.t);
  const token = await tokenOf(s.member, '/');
  await s.member.post('/plugins/collections/manage/new').type('form').send({ _csrf: token, title: 'Mine' }).expect(403);
  await s.member.post(`/plugins/collections/manage/${id}/items`).type('form').send({ _csrf: token, action: 'add', media: s.ids.one }).expect(403);
  await s.member.post(`/plugins/collections/manage/${id}/delete`).type('form').send({ _csrf: token }).expect(403);
  await request(s.t.app).post('/plugins/collections/manage/new').type('form').send({ title: 'Anon' }).expect(403);
  assert.deepEqual(await stored(s.t), before);
});

test('every form refuses a post without its CSRF token, and stores nothing', async () => {
  const id = await createCollection(s.editor, 'Guarded');
  const before = await stored(s.t);
  for (const [url, fields] of [['/plugins/collections/manage/new', { title: 'No token' }], [`/plugins/collections/manage/${id}`, { title: 'Renamed' }], [`/plugins/collections/manage/${id}/items`, { action: 'add', media: s.ids.one }], [`/plugins/collections/manage/${id}/delete`, {}]] as const) {
    await s.editor.post(url).type('form').send(fields).expect(403);
    await s.editor.post(url).type('form').send({ ...fields, _csrf: 'forged' }).expect(403);
  }
  assert.deepEqual(await stored(s.t), before);
});

test('a new collection: refused titles come back beside the field in English and French, typed values kept, nothing stored', async () => {
  await createCollection(s.editor, 'Été à Paris');
  const before = await stored(s.t);
  const cases: Array<[Record<string, string>, string, string, string]> = [
    [{ title: '   ', description: 'Kept <b>text</b>' }, 'title', 'Give the collection a title.', 'Donnez un titre à la collection.'],
    [{ title: 'x'.repeat(121) }, 'title', 'A title holds at most 120 characters (this one has 121).', 'Un titre compte 120\u00a0caractères au plus (celui-ci en a 121).'],
    [{ title: 'ÉTÉ A  paris' }, 'title', 'Another collection already has this title (whatever its case and accents).', 'Une autre collection a déjà ce titre (aux majuscules et aux accents près).'],
    [{ title: 'Fine', description: 'd'.repeat(2001) }, 'description', 'A description holds at most 2,000 characters (this one has 2,001).', 'Une description compte 2\u202f000\u00a0caractères au plus (celle-ci en a 2\u202f001).'],
  ];
  for (const [fields, field, en, fr] of cases) {
    const inEn = await postForm(s.editor, '/plugins/collections/manage/new', fields, 'en');
    assert.equal(inEn.status, 422);
    assert.equal(fieldError(inEn.text, `collection-${field}`), en.replace(/&/g, '&amp;'));
    assert.match(inEn.text, /<p class="error" role="alert">Nothing was saved: correct what is marked below\.<\/p>/);
    const inFr = await postForm(s.editor, '/plugins/collections/manage/new', fields, 'fr');
    assert.equal(inFr.status, 422);
    assert.equal(fieldError(inFr.text, `collection-${field}`)?.replace(/&#x27;/g, '’'), fr);
    if (fields.description === 'Kept <b>text</b>') assert.match(inEn.text, /<textarea[^>]*>Kept &lt;b&gt;text&lt;\/b&gt;<\/textarea>/);
    if (fields.title?.length === 121) assert.match(inEn.text, new RegExp(`value="${'x'.repeat(121)}"`));
  }
  assert.deepEqual(await stored(s.t), before);
});

test('adding media: by id or by the media page’s address; unknown, foreign, duplicate, empty and a full collection are refused in both languages, nothing stored', async () => {
  const id = await createCollection(s.editor, 'Additions');
  assert.equal((await itemsPost(s.editor, id, 'add', s.ids.one)).status, 303);
  assert.equal((await itemsPost(s.editor, id, 'add', `/media/${s.ids.two}/deuxieme`)).status, 303);
  assert.equal((await itemsPost(s.editor, id, 'add', `http://kiosque.test/media/${s.ids.draft}`)).status, 303);
  const mine = async () => (await stored(s.t)).find((c) => c.id === id)!;
  assert.deepEqual((await mine()).mediaIds, [s.ids.one, s.ids.two, s.ids.draft]);
  const before = await stored(s.t);
  const refusals: Array<[string, string, string]> = [
    ['999999', '“999999” is not a media of this site.', '«\u00a0999999\u00a0» n’est pas un média de ce site.'],
    [`https://elsewhere.example/media/${s.ids.three}`, `“https://elsewhere.example/media/${s.ids.three}” is not a media of this site.`, `«\u00a0https://elsewhere.example/media/${s.ids.three}\u00a0» n’est pas un média de ce site.`],
    ['/sectors/x', '“/sectors/x” is not a media of this site.', '«\u00a0/sectors/x\u00a0» n’est pas un média de ce site.'],
    [`/media/${s.ids.one}`, '“Première” is already in this collection.', '«\u00a0Première\u00a0» est déjà dans cette collection.'],
    ['  ', 'Give the number of a media or the address of its page.', 'Donnez le numéro d’un média ou l’adresse de sa page.'],
  ];
  const unescape = (text: string | undefined) => text?.replace(/&#x27;/g, '’').replace(/&#x2F;/g, '/').replace(/&#x3D;/g, '=');
  for (const [reference, en, fr] of refusals) {
    const inEn = await itemsPost(s.editor, id, 'add', reference, 'en');
    assert.equal(inEn.status, 422, reference);
    assert.equal(unescape(fieldError(inEn.text, 'collection-media')), en);
    if (reference.trim()) assert.match(unescape(inEn.text)!, new RegExp(`<input id="collection-media" name="media" value="${reference.replace(/[.?]/g, '\\$&')}"`), 'what was typed is kept');
    const inFr = await itemsPost(s.editor, id, 'add', reference, 'fr');
    assert.equal(unescape(fieldError(inFr.text, 'collection-media')), fr);
  }
  assert.deepEqual(await stored(s.t), before);

  // 500 at most: filled directly in storage, the 501st is refused.
  const full = { ...(await mine()), mediaIds: Array.from({ length: 500 }, (_, i) => String(100000 + i)) };
  await s.t.store.plugins.update('collections', { storage: { ...((await s.t.store.plugins.get('collections'))!.storage), [`collection:${id}`]: full } });
  const tooMany = await itemsPost(s.editor, id, 'add', s.ids.three, 'en');
  assert.equal(tooMany.status, 422);
  assert.equal(fieldError(tooMany.text, 'collection-media'), 'A collection holds at most 500 media: remove one before adding another.');
  assert.equal((await mine()).mediaIds.length, 500);
  const tooManyFr = await itemsPost(s.editor, id, 'add', s.ids.three, 'fr');
  assert.equal(fieldError(tooManyFr.text, 'collection-media'), 'Une collection compte 500\u00a0médias au plus\u00a0: retirez-en un avant d’en ajouter un autre.');
});

test('the edit page shows each media’s title and thumbnail, marks a draft, and moves and removes items', async () => {
  const id = await createCollection(s.editor, 'Order');
  for (const m of [s.ids.one, s.ids.draft, s.ids.two]) assert.equal((await itemsPost(s.editor, id, 'add', m)).status, 303);
  const edit = await page(s.editor, `/plugins/collections/manage/${id}?lang=en`).expect(200);
  const thumb = (await s.t.store.media.get(s.ids.one))!.variants.thumb!;
  assert.match(edit.text, new RegExp(`<img src="/files/${s.ids.one}/thumb" alt="" width="${thumb.width}" height="${thumb.height}">\\s*<span class="collection-admin-item-title"><a href="/media/${s.ids.one}">Première</a></span>`));
  assert.match(edit.text, /<a href="\/media\/\d+">Brouillon secret<\/a> <span class="draft-mark">\(Draft: not shown to visitors\)<\/span>/);
  const order = async () => (await stored(s.t)).find((c) => c.id === id)!.mediaIds;
  assert.equal((await itemsPost(s.editor, id, 'up', s.ids.two)).status, 303);
  assert.deepEqual(await order(), [s.ids.one, s.ids.two, s.ids.draft]);
  assert.equal((await itemsPost(s.editor, id, 'down', s.ids.one)).status, 303);
  assert.deepEqual(await order(), [s.ids.two, s.ids.one, s.ids.draft]);
  // The first cannot go up, nor the last down: nothing changes.
  assert.equal((await itemsPost(s.editor, id, 'up', s.ids.two)).status, 303);
  assert.equal((await itemsPost(s.editor, id, 'down', s.ids.draft)).status, 303);
  assert.deepEqual(await order(), [s.ids.two, s.ids.one, s.ids.draft]);
  assert.equal((await itemsPost(s.editor, id, 'remove', s.ids.one)).status, 303);
  assert.deepEqual(await order(), [s.ids.two, s.ids.draft]);
  assert.equal((await itemsPost(s.editor, id, 'remove', s.ids.three)).status, 404, 'not in it');
  assert.equal((await itemsPost(s.editor, 'nosuchid', 'add', s.ids.three)).status, 404);
});

test('retitling changes the address and the old one redirects; a title may change case alone and keep its address', async () => {
  const id = await createCollection(s.editor, 'Carnaval de Binche');
  assert.equal((await itemsPost(s.editor, id, 'add', s.ids.one)).status, 303);
  const form = await page(s.editor, `/plugins/collections/manage/${id}`).expect(200);
  const save = (title: string) => s.editor.post(`/plugins/collections/manage/${id}`).type('form').send({ _csrf: csrfFrom(form.text), title, description: 'Gilles\net oranges' });
  assert.equal((await save('CARNAVAL de Binche')).status, 303);
  assert.equal((await stored(s.t)).find((c) => c.id === id)!.slug, 'carnaval-de-binche');
  assert.equal((await save('Binche 2024')).status, 303);
  const c = (await stored(s.t)).find((x) => x.id === id)!;
  assert.equal(c.slug, 'binche-2024');
  assert.deepEqual(c.formerSlugs, ['carnaval-de-binche']);
  assert.equal(c.description, 'Gilles\net oranges');
  const old = await page(request(s.t.app), '/plugins/collections/carnaval-de-binche').expect(301);
  assert.equal(old.headers.location, '/plugins/collections/binche-2024');
  await page(request(s.t.app), '/plugins/collections/binche-2024').expect(200);
  // Another collection cannot take the old address: it keeps leading where it did.
  const other = await createCollection(s.editor, 'Carnaval de Binche');
  assert.equal((await stored(s.t)).find((x) => x.id === other)!.slug, 'carnaval-de-binche-2');
  // Nor the plugin's own paths.
  const manage = await createCollection(s.editor, 'Manage');
  assert.equal((await stored(s.t)).find((x) => x.id === manage)!.slug, 'manage-2');
});

test('deleting goes through a confirmation page; the collection and its address are gone, the media stay', async () => {
  const id = await createCollection(s.editor, 'Doomed');
  assert.equal((await itemsPost(s.editor, id, 'add', s.ids.one)).status, 303);
  const confirm = await page(s.editor, `/plugins/collections/manage/${id}/delete?lang=en`).expect(200);
  assert.match(confirm.text, /<h1>Delete “Doomed”\?<\/h1>/);
  assert.ok((await stored(s.t)).some((c) => c.id === id), 'the confirmation page deletes nothing');
  const res = await s.editor.post(`/plugins/collections/manage/${id}/delete`).type('form').send({ _csrf: csrfFrom(confirm.text) });
  assert.equal(res.status, 303);
  assert.equal(res.headers.location, '/plugins/collections/manage?done=deleted');
  assert.ok(!(await stored(s.t)).some((c) => c.id === id));
  await page(request(s.t.app), '/plugins/collections/doomed').expect(404);
  assert.ok(await s.t.store.media.get(s.ids.one));
  const list = await page(s.editor, '/plugins/collections/manage?done=deleted&lang=en').expect(200);
  assert.match(list.text, /<p class="notice" role="status">The collection was deleted\.<\/p>/);
});

test('the list shows each collection with its count of media, escaped', async () => {
  const id = await createCollection(s.admin, '<script>alert(1)</script>');
  assert.equal((await itemsPost(s.admin, id, 'add', s.ids.one)).status, 303);
  assert.equal((await itemsPost(s.admin, id, 'add', s.ids.draft)).status, 303);
  const list = await page(s.editor, '/plugins/collections/manage').expect(200);
  assert.match(list.text, new RegExp(`<th scope="row"><a href="/plugins/collections/manage/${id}">&lt;script&gt;alert\\(1\\)&lt;/script&gt;</a></th>\\s*<td class="collection-count">2</td>`));
  assert.doesNotMatch(list.text, /<script>alert/);
});
