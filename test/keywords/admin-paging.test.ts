import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeDataset } from '../../bench/lib/media-data.ts';
import { skeletonDefaults } from '../../core/settings/skeleton.ts';
import { makeApp, addUser, signIn, tokenOf, tempDir, type TestApp } from '../helpers/app.ts';

let t: TestApp;
let admin: Awaited<ReturnType<typeof signIn>>;
/** Keyword ids by title. */
const ids: Record<string, string> = {};

// 130 tags (three pages: 50, 50, 30), a second group with more than a page, and two small ones.
before(async () => {
  t = await makeApp();
  await addUser(t, 'alice', 'admin');
  await addUser(t, 'eddie', 'editor');
  admin = await signIn(t, 'alice');
  const kws = t.app.kiosque.keywords;
  const groups = { tags: (await kws.group('tags'))!, numbers: await kws.createGroup({ title: 'Nombres' }), seasons: await kws.createGroup({ title: 'Saisons' }), places: await kws.createGroup({ title: 'Lieux' }) };
  const titles: Array<[keyof typeof groups, string]> = [
    ...Array.from({ length: 130 }, (_, i) => ['tags', `Mot ${String(i + 1).padStart(3, '0')}`] as [keyof typeof groups, string]),
    ...Array.from({ length: 60 }, (_, i) => ['numbers', `Nombre ${String(i + 1).padStart(2, '0')}`] as [keyof typeof groups, string]),
    ['seasons', 'Été'],
    ['seasons', 'Hiver'],
    ['places', 'Paris'],
  ];
  for (const [group, title] of titles) ids[title] = (await kws.create(groups[group].id, title)).id;
});
after(() => t.close());

const page = (path: string, agent = admin) => agent.get(path).set('Accept', 'text/html');
const decode = (html: string) => html.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');

/** A group's section of the page, from its opening tag to its end. */
function sectionOf(html: string, slug: string): string {
  const start = html.indexOf(`<section class="keyword-group" id="keywords-${slug}" data-group="${slug}">`);
  assert.ok(start >= 0, `no section for ${slug}`);
  return html.slice(start, html.indexOf('</section>', start));
}
/** The keywords a section lists, by address, in order. */
const rowsOf = (section: string) => [...section.matchAll(/<tr data-keyword="([^"]+)">/g)].map((m) => m[1]);
/** The page a section's pagination says is the current one (undefined without pagination). */
const currentPage = (section: string) => /<span aria-current="page">(\d+)<\/span>/.exec(section)?.[1];
const mots = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `tags/mot-${String(from + i).padStart(3, '0')}`);

test('each group shows at most 50 keywords, and page links for a group that has more', async () => {
  const html = (await page('/admin/keywords').expect(200)).text;
  const tags = sectionOf(html, 'tags');
  assert.deepEqual(rowsOf(tags), mots(1, 50));
  assert.match(tags, /<nav class="pagination" aria-label="Pages of the group “Tags”">/);
  assert.match(tags, /<p>Page 1 of 3<\/p>/);
  assert.equal(currentPage(tags), '1');
  // Each link names its group and page, and lands on the group's section.
  assert.match(decode(tags), /<a href="\/admin\/keywords\?group=tags&page=2#keywords-tags" rel="next">Next<\/a>/);
  assert.match(decode(tags), /<a href="\/admin\/keywords\?group=tags&page=3#keywords-tags">3<\/a>/);
  assert.equal(rowsOf(sectionOf(html, 'nombres')).length, 50);
  assert.match(sectionOf(html, 'nombres'), /aria-label="Pages of the group “Nombres”"/);
  // A group that fits on one page has no page links.
  assert.deepEqual(rowsOf(sectionOf(html, 'saisons')), ['saisons/ete', 'saisons/hiver']);
  assert.doesNotMatch(sectionOf(html, 'saisons'), /class="pagination"/);
  // The forms to add a keyword and a group stay at the top, before the groups.
  assert.ok(html.indexOf('id="kw-title"') < html.indexOf('id="keywords-tags"'));
  assert.ok(html.indexOf('id="group-title"') < html.indexOf('id="keywords-tags"'));
});

test('?group=tags&page=3 shows the last 30 tags; the other groups show their first page', async () => {
  const html = (await page('/admin/keywords?group=tags&page=3').expect(200)).text;
  const tags = sectionOf(html, 'tags');
  assert.deepEqual(rowsOf(tags), mots(101, 130));
  assert.equal(currentPage(tags), '3');
  assert.match(decode(tags), /<a href="\/admin\/keywords\?group=tags&page=2#keywords-tags" rel="prev">Previous<\/a>/);
  assert.doesNotMatch(tags, /rel="next"/);
  assert.equal(currentPage(sectionOf(html, 'nombres')), '1');
  assert.equal(rowsOf(sectionOf(html, 'nombres'))[0], 'nombres/nombre-01');
  const numbers = sectionOf((await page('/admin/keywords?group=nombres&page=2').expect(200)).text, 'nombres');
  assert.deepEqual(rowsOf(numbers), Array.from({ length: 10 }, (_, i) => `nombres/nombre-${51 + i}`));
});

test('a page past the end shows the last page; a bad page number or an unknown group shows the first', async () => {
  const past = sectionOf((await page('/admin/keywords?group=tags&page=999').expect(200)).text, 'tags');
  assert.deepEqual(rowsOf(past), mots(101, 130));
  assert.equal(currentPage(past), '3');
  for (const query of ['group=tags&page=abc', 'group=tags&page=0', 'group=tags&page=-2', 'group=nowhere&page=2', 'page=3']) {
    const tags = sectionOf((await page(`/admin/keywords?${query}`).expect(200)).text, 'tags');
    assert.deepEqual(rowsOf(tags), mots(1, 50), query);
  }
});

test('the filter keeps the keywords whose title or slug contains the text, in every group, accents and case folded', async () => {
  for (const q of ['ete', 'ÉTÉ', 'Ete']) {
    const html = (await page(`/admin/keywords?q=${encodeURIComponent(q)}`).expect(200)).text;
    assert.deepEqual(rowsOf(sectionOf(html, 'saisons')), ['saisons/ete'], q);
    assert.match(html, new RegExp(`<p class="filter-count">1 keyword matches “${q}”\\. <a href="/admin/keywords">Show every keyword</a></p>`), q);
    // Every group still shows, saying when nothing in it matches.
    assert.match(sectionOf(html, 'tags'), /<p>No keyword of this group matches\.<\/p>/);
    assert.match(sectionOf(html, 'lieux'), /<p>No keyword of this group matches\.<\/p>/);
    assert.match(html, new RegExp(`<input type="search" id="kw-filter" name="q" value="${q}" maxlength="100">`));
  }
  // Slugs match too ("mot-12" is in no title), and the filter narrows the pages.
  const html = (await page('/admin/keywords?q=mot-12').expect(200)).text;
  assert.deepEqual(rowsOf(sectionOf(html, 'tags')), Array.from({ length: 10 }, (_, i) => `tags/mot-${120 + i}`));
  assert.match(html, /10 keywords match “mot-12”\./);
  assert.doesNotMatch(sectionOf(html, 'tags'), /class="pagination"/);
  // Without a filter there is no count, and an empty group says it is empty.
  const plain = (await page('/admin/keywords').expect(200)).text;
  assert.doesNotMatch(plain, /class="filter-count"/);
  assert.match(plain, /<label for="kw-filter">Keywords whose title or address contains<\/label>/);
});

test('the filter is kept in the page links, and a group page is counted within the filtered keywords', async () => {
  // "mot 0" is in 99 titles (Mot 001…099): two pages.
  const html = (await page('/admin/keywords?q=mot+0&group=tags&page=2').expect(200)).text;
  const tags = sectionOf(html, 'tags');
  assert.match(html, /99 keywords match “mot 0”\./);
  assert.deepEqual(rowsOf(tags), mots(51, 99));
  assert.match(decode(tags), /<a href="\/admin\/keywords\?group=tags&page=1&q=mot\+0#keywords-tags" rel="prev">Previous<\/a>/);
});

test('a row form posts back the page it is on: after a change the redirect comes back to it, with the notice there', async () => {
  const html = (await page('/admin/keywords?group=tags&page=3&q=mot').expect(200)).text;
  const id = ids['Mot 110']!;
  assert.match(decode(sectionOf(html, 'tags')), new RegExp(`<form method="post" action="/admin/keywords/${id}/rename\\?group=tags&page=3&q=mot" class="inline">`));
  assert.match(decode(sectionOf(html, 'tags')), new RegExp(`<a href="/admin/keywords/${id}/delete\\?group=tags&page=3&q=mot" class="danger">`));
  // The forms at the top keep the filter only.
  assert.match(decode(html), /<form method="post" action="\/admin\/keywords\?q=mot" class="stack">/);
  const token = await tokenOf(admin, '/admin/keywords');
  const res = await admin.post(`/admin/keywords/${id}/rename?group=tags&page=3&q=mot`).type('form').send({ _csrf: token, title: 'Mot 110 bis' }).expect(303);
  assert.equal(res.headers.location, '/admin/keywords?done=renamed&group=tags&page=3&q=mot#keywords-tags');
  const back = (await page(res.headers.location!).expect(200)).text;
  assert.match(sectionOf(back, 'tags'), /<p class="notice" role="status">Keyword renamed\.<\/p>/);
  assert.doesNotMatch(back.slice(0, back.indexOf('id="keywords-tags"')), /class="notice"/, 'once, where the redirect lands');
  assert.ok(rowsOf(sectionOf(back, 'tags')).includes('tags/mot-110-bis'));
  await t.app.kiosque.keywords.rename(id, 'Mot 110');
  // Deleting goes through the confirmation page, which carries the view to its form and its Cancel link.
  const confirm = decode((await page(`/admin/keywords/${id}/delete?group=tags&page=3&q=mot`).expect(200)).text);
  assert.match(confirm, new RegExp(`<form method="post" action="/admin/keywords/${id}/delete\\?group=tags&page=3&q=mot" class="inline">`));
  assert.match(confirm, /<a href="\/admin\/keywords\?group=tags&page=3&q=mot#keywords-tags">Cancel<\/a>/);
});

test('a refused rename of a keyword on page 3 re-renders page 3 with the error beside its row, whatever page the form came from', async () => {
  const id = ids['Mot 120']!;
  const before = JSON.stringify(await t.store.keywords.list());
  const token = await tokenOf(admin, '/admin/keywords');
  // Sent from page 1, or from another group's page, or from a list filtered on text it does not
  // hold (there it is shown alone): the page shown is the one holding it.
  for (const query of ['', '?group=tags&page=1', '?group=nombres&page=2', '?q=hiver']) {
    const res = await admin.post(`/admin/keywords/${id}/rename${query}`).type('form').set('Accept', 'text/html').send({ _csrf: token, title: 'Mot 121' }).expect(400);
    const tags = sectionOf(res.text, 'tags');
    if (query === '?q=hiver') assert.deepEqual(rowsOf(tags), ['tags/mot-120']);
    else {
      assert.equal(currentPage(tags), '3', query);
      assert.deepEqual(rowsOf(tags), mots(101, 130), query);
    }
    assert.match(tags, new RegExp(`<input id="rename-${id}" name="title" value="Mot 121" required maxlength="100" aria-invalid="true" aria-describedby="rename-${id}-error">`), query);
    assert.match(tags, new RegExp(`<p class="field-error" id="rename-${id}-error">This group already has the keyword “Mot 121”\\.</p>`), query);
    assert.match(res.text, new RegExp(`<a href="#rename-${id}">1 problem: see the keyword “Mot 120”\\.</a>`), query);
  }
  // A refused merge the same way, in French.
  const fr = await admin.post(`/admin/keywords/${id}/merge?lang=fr`).type('form').set('Accept', 'text/html').send({ _csrf: token, target: 'tags/nulle-part' }).expect(400);
  await page('/admin/keywords?lang=en');
  const tags = sectionOf(fr.text, 'tags');
  assert.equal(currentPage(tags), '3');
  assert.match(tags, new RegExp(`<input id="merge-${id}" name="target" value="tags/nulle-part"[^>]* aria-invalid="true" aria-describedby="merge-${id}-error">`));
  assert.match(tags, new RegExp(`<p class="field-error" id="merge-${id}-error">Aucun mot-clé n’a l’adresse «\u00a0tags/nulle-part\u00a0»`));
  assert.equal(JSON.stringify(await t.store.keywords.list()), before);
});

test('the page in French: the filter, its count and the page links', async () => {
  const html = (await page('/admin/keywords?lang=fr&q=ete').expect(200)).text;
  await page('/admin/keywords?lang=en');
  assert.match(html, /<label for="kw-filter">Mots-clés dont le titre ou l’adresse contient<\/label>/);
  assert.match(html, /<button type="submit">Filtrer<\/button>/);
  assert.match(html, /1 mot-clé correspond à «\u00a0ete\u00a0»\. <a href="\/admin\/keywords">Afficher tous les mots-clés<\/a>/);
  assert.match(sectionOf(html, 'tags'), /<p>Aucun mot-clé de ce groupe ne correspond\.<\/p>/);
  const paged = (await page('/admin/keywords?lang=fr&q=mot').expect(200)).text;
  await page('/admin/keywords?lang=en');
  assert.match(paged, /130 mots-clés correspondent à «\u00a0mot\u00a0»\./);
  assert.match(sectionOf(paged, 'tags'), /<nav class="pagination" aria-label="Pages du groupe «\u00a0Tags\u00a0»">\s*<p>Page 1 sur 3<\/p>/);
  assert.match(sectionOf(paged, 'tags'), /rel="next">Suivante<\/a>/);
});

test('what was typed in the filter is shown escaped', async () => {
  const html = (await page(`/admin/keywords?q=${encodeURIComponent('<b>"x"')}`).expect(200)).text;
  assert.match(html, /value="&lt;b&gt;&quot;x&quot;"/);
  assert.match(html, /0 keywords match “&lt;b&gt;&quot;x&quot;”\./);
  assert.doesNotMatch(html, /<b>"x"/);
});

test('editors page and filter the groups too, and the other theme renders the page', async () => {
  const editor = await signIn(t, 'eddie');
  const html = (await page('/admin/keywords?group=tags&page=2', editor).expect(200)).text;
  assert.deepEqual(rowsOf(sectionOf(html, 'tags')), mots(51, 100));
  assert.doesNotMatch(html, /\/rename/);
  await t.store.settings.set('skeleton', { ...skeletonDefaults, theme: 'nuit' });
  try {
    const nuit = (await page('/admin/keywords?group=tags&page=3').expect(200)).text;
    assert.deepEqual(rowsOf(sectionOf(nuit, 'tags')), mots(101, 130));
    assert.match(sectionOf(nuit, 'tags'), /aria-label="Pages of the group “Tags”"/);
  } finally {
    await t.store.settings.set('skeleton', skeletonDefaults);
  }
});

test('with 2,000 keywords the page shows 50 of them and stays under 200 KB', async () => {
  // The benchmark's taxonomy: 2,000 tags, carried by 1,000 media (5 each).
  const dataDir = await tempDir();
  await writeDataset(dataDir, 1000);
  const big = await makeApp({ dataDir });
  try {
    await addUser(big, 'alice', 'admin');
    const agent = await signIn(big, 'alice');
    const res = await agent.get('/admin/keywords').set('Accept', 'text/html').expect(200);
    const tags = sectionOf(res.text, 'tags');
    assert.equal(rowsOf(tags).length, 50);
    assert.match(tags, /<p>Page 1 of 40<\/p>/);
    assert.ok(Buffer.byteLength(res.text) < 200 * 1024, `${Buffer.byteLength(res.text)} bytes`);
    // Usage counts come from the search index, for the rows shown.
    const first = (await big.app.kiosque.keywords.list())[0]!;
    const count = big.app.kiosque.keywords.usage(first.id);
    assert.ok(count > 0);
    assert.match(tags, new RegExp(`<tr data-keyword="${first.ref}">\\s*<td>.*</td>\\s*<td>${count}</td>`));
  } finally {
    await big.close();
  }
});
