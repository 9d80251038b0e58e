import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { addUser, makeApp, signIn, type TestApp } from '../helpers/app.ts';
import { mediaInput } from '../search/fixtures.ts';
import { searchDefaults } from '../../core/settings/search.ts';

let t: TestApp;
before(async () => {
  t = await makeApp();
  const kws = t.app.kiosque.keywords;
  const tags = (await kws.group('tags'))!.id;
  const masques = await kws.create(tags, 'Masques');
  const venise = await kws.create(tags, 'Venise');
  const xss = await kws.create(tags, '"><b>gras</b>');
  for (let i = 0; i < 26; i++) {
    const day = `2020-01-${String(i + 1).padStart(2, '0')}T00:00:00Z`;
    const m = await t.store.media.create(mediaInput({ title: `Masque ${i}`, keywordIds: i < 3 ? [masques.id, venise.id] : [masques.id, xss.id].slice(0, i === 5 ? 2 : 1), createdAt: day, publishedAt: day }));
    t.app.kiosque.search.upsert(m);
  }
  const draft = await t.store.media.create(mediaInput({ title: 'Masque caché', keywordIds: [masques.id], status: 'draft' }));
  t.app.kiosque.search.upsert(draft);
  // A keyword only a draft carries: not on the group's page.
  const secret = await kws.create(tags, 'Secret');
  t.app.kiosque.search.upsert((await t.store.media.update(draft.id, { keywordIds: [masques.id, secret.id] }))!);
});
after(() => t.close());

const html = (path: string) => request(t.app).get(path).set('Accept', 'text/html');

test('a keyword page: breadcrumb, published media paginated, related keywords', async () => {
  const res = await html('/keywords/tags/masques').expect(200);
  assert.match(res.text, /<ol>\s*<li><a href="\/">Home<\/a><\/li>\s*<li><a href="\/search">Keywords<\/a><\/li>\s*<li><a href="\/keywords\/tags">Tags<\/a><\/li>\s*<li aria-current="page">Masques<\/li>/);
  assert.match(res.text, /Media \(26\)/, 'the draft is not counted');
  assert.doesNotMatch(res.text, /Masque caché/);
  assert.match(res.text, /Page 1 of 2/);
  assert.match(res.text, /Masque 25/, 'newest first');
  assert.match(res.text, /<a href="\/keywords\/tags\/venise">Tags \/ Venise<\/a> \(3\)/);
  const last = await html('/keywords/tags/masques?page=2').expect(200);
  assert.match(last.text, /Page 2 of 2/);
  assert.match(last.text, /Masque 0/);
  const past = await html('/keywords/tags/masques?page=9').expect(200);
  assert.match(past.text, /Page 2 of 2/);
});

test('another case of a keyword’s address redirects to it, with the query kept', async () => {
  const res = await html('/keywords/Tags/MASQUES?page=2').expect(301);
  assert.equal(res.headers.location, '/keywords/tags/masques?page=2');
  await html('/keywords/tags/masques').expect(200);
  await html('/keywords/Tags/Nothing').expect(404);
});

test('keyword titles are escaped; unknown keywords are 404', async () => {
  const res = await html('/keywords/tags/masques').expect(200);
  assert.doesNotMatch(res.text, /<b>gras<\/b>/);
  assert.match(res.text, /&quot;&gt;&lt;b&gt;gras&lt;\/b&gt;/);
  await html('/keywords/tags/nothing').expect(404);
  await html('/keywords/nogroup/masques').expect(404);
});

test('keyword pages sort as the search config page says, from the next request on', async () => {
  const titles = async () => [...(await html('/keywords/tags/masques').expect(200)).text.matchAll(/class="media-card-title">([^<]+)</g)].map((m) => m[1]);
  assert.equal((await titles())[0], 'Masque 25', 'by default: newest first');
  await t.store.settings.set('search', { ...searchDefaults, defaultSort: 'date', defaultOrder: 'asc' });
  const oldestFirst = await titles();
  assert.deepEqual(oldestFirst.slice(0, 3), ['Masque 0', 'Masque 1', 'Masque 2']);
  assert.ok(!oldestFirst.includes('Masque 25'), 'the newest is on page 2 now');
  await t.store.settings.set('search', { ...searchDefaults, defaultSort: 'relevance', defaultOrder: 'asc' });
  assert.equal((await titles())[0], 'Masque 0', 'relevance without text means by date, in the configured order');
  await t.store.settings.set('search', searchDefaults);
  assert.equal((await titles())[0], 'Masque 25');
});

test('a group’s page lists its keywords that published media carry, with their counts, linked; another case redirects', async () => {
  const res = await html('/keywords/tags').expect(200);
  const items = [...res.text.matchAll(/<li><a href="(\/keywords\/tags\/[^"]+)">([^<]+)<\/a> \((\d+)\)<\/li>/g)].map((m) => [m[1], m[2], Number(m[3])]);
  assert.deepEqual(items.map((i) => i[1]), ['&quot;&gt;&lt;b&gt;gras&lt;/b&gt;', 'Masques', 'Venise'], 'alphabetical, escaped, the draft-only keyword left out');
  assert.equal(items[1]![2], 26, 'published media only');
  assert.equal(items[2]![2], 3);
  assert.match(res.text, /<h1>Tags<\/h1>/);
  const redirect = await html('/keywords/TAGS?page=2').expect(301);
  assert.equal(redirect.headers.location, '/keywords/tags?page=2');
  await html('/keywords/nowhere').expect(404);
  const fr = await request(t.app).get('/keywords/tags?lang=fr').set('Accept', 'text/html').expect(200);
  assert.match(fr.text, /aria-label="Les mots-clés de ce groupe, avec leurs médias publiés"/);
});

test('a keyword only drafts carry is named to nobody but editors and admins: no page, no autocomplete entry', async () => {
  await addUser(t, 'mia', 'member');
  await addUser(t, 'eddie', 'editor');
  const [member, editor] = [await signIn(t, 'mia'), await signIn(t, 'eddie')];
  await html('/keywords/tags/secret').expect(404);
  await html('/keywords/Tags/SECRET').expect(404); // no redirect, which would say it exists
  await member.get('/keywords/tags/secret').set('Accept', 'text/html').expect(404);
  const staffPage = await editor.get('/keywords/tags/secret').set('Accept', 'text/html').expect(200);
  assert.match(staffPage.text, /<li aria-current="page">Secret<\/li>/);
  assert.doesNotMatch(staffPage.text, /Masque caché/, 'the page lists published media only');

  const titles = (res: request.Response) => (res.body as { items: Array<{ title: string }> }).items.map((k) => k.title);
  const asked = '/api/v1/keywords?group=tags&prefix=s';
  assert.deepEqual(titles(await request(t.app).get(asked).expect(200)), []);
  assert.deepEqual(titles(await member.get(asked).expect(200)), []);
  assert.deepEqual(titles(await editor.get(asked).expect(200)), ['Secret']);
  // The limit counts the keywords shown: the draft-only one takes no place.
  assert.deepEqual(titles(await request(t.app).get('/api/v1/keywords?group=tags&limit=2').expect(200)), ['"><b>gras</b>', 'Masques']);
  assert.deepEqual(titles(await request(t.app).get('/api/v1/keywords?group=tags&limit=3').expect(200)), ['"><b>gras</b>', 'Masques', 'Venise']);
});
