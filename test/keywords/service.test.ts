import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeApp, type TestApp } from '../helpers/app.ts';
import { KeywordInputError, slugify, type KeywordService } from '../../core/keywords/index.ts';
import { criteria } from '../../core/search/index.ts';
import { mediaInput } from '../search/fixtures.ts';

let t: TestApp;
let kw: KeywordService;
let tagsId: string;

before(async () => {
  t = await makeApp();
  kw = t.app.kiosque.keywords;
  tagsId = (await kw.group('tags'))!.id;
});
after(() => t.close());

async function media(keywordIds: string[], title = 'Une photo') {
  const m = await t.store.media.create(mediaInput({ title, keywordIds }));
  t.app.kiosque.search.upsert(m);
  return m;
}
const searchIds = async (c: Parameters<typeof criteria>[0]) => (await t.app.kiosque.search.search(criteria({ perPage: 100, ...c }), { user: null, source: 'test' })).ids.toSorted();

test('the tags group exists from the start, once', async () => {
  const groups = (await kw.groups()).filter((g) => g.slug === 'tags');
  assert.equal(groups.length, 1);
  await kw.ensureTagsGroup('Étiquettes');
  assert.deepEqual((await kw.groups()).filter((g) => g.slug === 'tags').map((g) => g.title), ['Tags']);
  assert.equal((await kw.groups()).filter((g) => g.slug === 'tags').length, 1);
});

test('slugs fold case and accents', () => {
  assert.equal(slugify('Été Indien'), 'ete-indien');
  assert.equal(slugify('  ¡¿ '), 'keyword');
  assert.equal(slugify("L'Œuvre d'art"), 'l-oeuvre-d-art');
});

test('titles are unique per group after case folding; accent twins get distinct slugs', async () => {
  const a = await kw.create(tagsId, 'Masques');
  await assert.rejects(kw.create(tagsId, 'masques'), (e: unknown) => e instanceof KeywordInputError && e.code === 'title_taken' && e.field === 'title');
  await assert.rejects(kw.create(tagsId, '  MASQUES '), KeywordInputError);
  const b = await kw.create(tagsId, 'Masqués');
  assert.equal(a.slug, 'masques');
  assert.equal(b.slug, 'masques-2');
  const other = await kw.createGroup({ title: 'Genre' });
  const c = await kw.create(other.id, 'masques');
  assert.equal(c.slug, 'masques', 'slugs are per group');
  assert.equal((await kw.resolve('genre/masques'))?.id, c.id);
  await assert.rejects(kw.create(tagsId, ''), (e: unknown) => e instanceof KeywordInputError && e.code === 'title_required');
  await assert.rejects(kw.create(tagsId, 'x'.repeat(101)), (e: unknown) => e instanceof KeywordInputError && e.code === 'title_too_long');
});

test('rename moves the address with the title, keeps the old one as former, and re-indexes the media for text search', async () => {
  const k = await kw.create(tagsId, 'Carnaval');
  const m = await media([k.id]);
  assert.deepEqual(await searchIds({ q: 'carnaval' }), [m.id]);
  await kw.rename(k.id, 'CARNAVAL!');
  assert.equal((await kw.get(k.id))?.slug, 'carnaval', 'same slug form: the address stays');
  assert.equal((await kw.get(k.id))?.formerSlugs, undefined);
  await kw.rename(k.id, 'Mardi gras');
  assert.equal((await kw.get(k.id))?.slug, 'mardi-gras');
  assert.deepEqual((await kw.get(k.id))?.formerSlugs, [{ groupId: tagsId, slug: 'carnaval' }]);
  assert.equal((await kw.resolve('tags/carnaval'))?.ref, 'tags/mardi-gras', 'the old address resolves, to the current ref');
  assert.deepEqual(await searchIds({ q: 'carnaval' }), []);
  assert.deepEqual(await searchIds({ q: 'mardi' }), [m.id]);
  await assert.rejects(kw.rename(k.id, 'masques'), KeywordInputError);
});

test('merge moves every media to the target, without duplicates, and deletes the source', async () => {
  const src = await kw.create(tagsId, 'Fete');
  const dst = await kw.create(tagsId, 'Fête');
  const both = await media([src.id, dst.id]);
  const onlySrc = await media([src.id]);
  const none = await media([]);
  assert.equal(kw.usage(src.id), 2);
  const changed = await kw.merge(src.id, dst.id);
  assert.equal(changed, 2);
  assert.equal(await t.store.keywords.get(src.id), undefined);
  assert.deepEqual((await t.store.media.get(both.id))!.keywordIds, [dst.id]);
  assert.deepEqual((await t.store.media.get(onlySrc.id))!.keywordIds, [dst.id]);
  assert.deepEqual((await t.store.media.get(none.id))!.keywordIds, []);
  assert.deepEqual(await searchIds({ keywordIds: [dst.id] }), [both.id, onlySrc.id].sort());
  assert.deepEqual(await searchIds({ keywordIds: [src.id] }), []);
  await assert.rejects(kw.merge(dst.id, dst.id), (e: unknown) => e instanceof KeywordInputError && e.code === 'merge_same');
});

test('delete detaches the keyword from its media (counted first) and keeps the media', async () => {
  const k = await kw.create(tagsId, 'Éphémère');
  const keep = await kw.create(tagsId, 'Durable');
  const a = await media([k.id, keep.id], 'Sculpture');
  const b = await media([k.id], 'Sable');
  assert.equal(kw.usage(k.id), 2);
  assert.equal(await kw.remove(k.id), 2);
  assert.deepEqual((await t.store.media.get(a.id))!.keywordIds, [keep.id]);
  assert.deepEqual((await t.store.media.get(b.id))!.keywordIds, []);
  assert.ok(await t.store.media.get(b.id));
  assert.deepEqual(await searchIds({ q: 'ephemere' }), []);
  assert.deepEqual(await searchIds({ q: 'sable' }), [b.id]);
});

test('related keywords: the most co-occurring first, published media only', async () => {
  const main = await kw.create(tagsId, 'Plage');
  const often = await kw.create(tagsId, 'Soleil');
  const once = await kw.create(tagsId, 'Vent');
  const hidden = await kw.create(tagsId, 'Secret');
  await media([main.id, often.id]);
  await media([main.id, often.id, once.id]);
  const draft = await t.store.media.create(mediaInput({ keywordIds: [main.id, hidden.id], status: 'draft' }));
  t.app.kiosque.search.upsert(draft);
  const related = await kw.related(main.id);
  assert.deepEqual(related.map((r) => [r.title, r.count]), [['Soleil', 2], ['Vent', 1]]);
});

test('group options: rename, single/multiple, navigation; group titles unique', async () => {
  const g = await kw.createGroup({ title: 'Lieux', multiple: false, inNavigation: true });
  assert.equal(g.slug, 'lieux');
  await assert.rejects(kw.createGroup({ title: 'LIEUX' }), (e: unknown) => e instanceof KeywordInputError && e.code === 'group_title_taken');
  await assert.rejects(kw.createGroup({ title: '  ' }), (e: unknown) => e instanceof KeywordInputError && e.code === 'group_title_required');
  await assert.rejects(kw.updateGroup(g.id, { title: '' }), (e: unknown) => e instanceof KeywordInputError && e.code === 'group_title_required');
  const updated = await kw.updateGroup(g.id, { title: 'Endroits', multiple: true, inNavigation: false });
  assert.deepEqual([updated.title, updated.slug, updated.multiple, updated.inNavigation], ['Endroits', 'lieux', true, false]);
});

test('findOrCreate: by slug, by folded title, creates tags only', async () => {
  const existing = await kw.create(tagsId, 'Lanterne');
  assert.equal((await kw.findOrCreate('tags/lanterne', { createTags: false })).id, existing.id);
  assert.equal((await kw.findOrCreate('tags/LANTERNE', { createTags: true })).id, existing.id);
  const created = await kw.findOrCreate('tags/Feu de camp', { createTags: true });
  assert.equal(created.ref, 'tags/feu-de-camp');
  assert.equal(created.title, 'Feu de camp');
  await assert.rejects(kw.findOrCreate('tags/inconnu', { createTags: false }), (e: unknown) => e instanceof KeywordInputError && e.code === 'keyword_not_found');
  await kw.createGroup({ title: 'Saisons' });
  await assert.rejects(kw.findOrCreate('saisons/hiver', { createTags: true }), (e: unknown) => e instanceof KeywordInputError && e.code === 'tags_only');
  await assert.rejects(kw.findOrCreate('nogroup/x', { createTags: true }), KeywordInputError);
});

test('findOrCreate: a title is found before a keyword whose slug merely looks like it', async () => {
  const plain = await kw.create(tagsId, 'Bougie');
  const accented = await kw.create(tagsId, 'Bougié');
  assert.equal(accented.slug, 'bougie-2');
  assert.equal((await kw.findOrCreate('tags/Bougié', { createTags: false })).id, accented.id);
  assert.equal((await kw.findOrCreate('tags/bougié', { createTags: false })).id, accented.id);
  assert.equal((await kw.findOrCreate('tags/BOUGIE', { createTags: false })).id, plain.id);
});

test('a group allowing one keyword per media stays so: a merge that would give a media two is refused, and so is the switch while media have several', async () => {
  const place = await kw.createGroup({ title: 'Lieu', multiple: false });
  const paris = await kw.create(place.id, 'Paris');
  const lyon = await kw.create(place.id, 'Lyon');
  const masques = await kw.create(tagsId, 'Masques de carnaval');
  const both = await media([paris.id, masques.id], 'Paris masqué');
  await media([masques.id], 'Masques seuls');
  await assert.rejects(kw.merge(masques.id, lyon.id), (e: unknown) => e instanceof KeywordInputError && e.code === 'merge_single' && e.vars?.count === 1 && e.vars?.group === 'Lieu');
  assert.deepEqual((await t.store.media.get(both.id))!.keywordIds, [paris.id, masques.id], 'nothing changed');
  assert.ok(await kw.get(masques.id), 'the source is still there');
  // Into Paris, the media with both end up with Paris once: allowed.
  assert.equal(await kw.merge(masques.id, paris.id), 2);
  assert.deepEqual((await t.store.media.get(both.id))!.keywordIds, [paris.id]);

  const themes = await kw.createGroup({ title: 'Thèmes', multiple: true });
  const a = await kw.create(themes.id, 'Fête');
  const b = await kw.create(themes.id, 'Musique');
  const several = await media([a.id, b.id], 'Fête de la musique');
  await assert.rejects(kw.updateGroup(themes.id, { multiple: false }), (e: unknown) => e instanceof KeywordInputError && e.code === 'group_single_conflict' && e.vars?.count === 1);
  assert.equal((await kw.group(themes.id))!.multiple, true);
  await t.store.media.update(several.id, { keywordIds: [a.id] });
  t.app.kiosque.search.upsert((await t.store.media.get(several.id))!);
  assert.equal((await kw.updateGroup(themes.id, { multiple: false })).multiple, false, 'once no media has two, the switch is allowed');
});
