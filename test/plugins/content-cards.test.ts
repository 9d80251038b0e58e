import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import request from 'supertest';
import { makeApp, addUser, signIn, tokenOf, tempDir, type TestApp } from '../helpers/app.ts';
import { closeToAllButAdmins, manifest, writePlugin, API_URL } from '../helpers/plugins.ts';
import { png } from '../helpers/media.ts';

/** ctx.content.cards: the theme's card data for the media a visitor may see, and the card partial in a plugin's page. */

const shelf = `import { definePlugin } from '${API_URL}';
export default definePlugin({
  register(ctx) {
    const ids = (req) => String(req.query.ids ?? '').split(',');
    ctx.router.get('/cards', async (req, res) => res.json(await ctx.content.cards(req, ids(req), { drafts: req.query.drafts === '1' })));
    ctx.router.get('/', async (req, res) => ctx.views.render(req, res, 'shelf', { cards: await ctx.content.cards(req, ids(req)) }, { title: 'Shelf' }));
  },
});
`;

type Agent = ReturnType<typeof request.agent>;
let t: TestApp;
let admin: Agent;
let editor: Agent;
const ids: Record<string, string> = {};

before(async () => {
  const pluginsDir = await tempDir('kiosque-plugins-');
  await writePlugin(pluginsDir, 'shelf', {
    manifest: manifest('shelf'),
    code: shelf,
    files: { 'views/pages/shelf.hbs': '<section class="shelf"><div class="media-grid">{{#each page.cards}}{{> media-card}}{{/each}}</div></section>' },
  });
  t = await makeApp({ overrides: { pluginsDir } });
  await addUser(t, 'ada', 'admin');
  await addUser(t, 'ed', 'editor');
  admin = await signIn(t, 'ada');
  editor = await signIn(t, 'ed');
  const token = await tokenOf(admin);
  const dir = await tempDir('kiosque-cards-');
  for (const [name, status, w, h] of [['wide', 'published', 400, 200], ['tall', 'published', 200, 400], ['draft', 'draft', 300, 300], ['hidden', 'published', 300, 300]] as const) {
    await png(path.join(dir, `${name}.png`), w, h, false);
    const res = await admin.post('/api/v1/media').set('X-CSRF-Token', token).field('title', `The ${name} one`).field('status', status).attach('file', path.join(dir, `${name}.png`));
    assert.equal(res.status, 201, res.text);
    ids[name] = (res.body as { id: string }).id;
  }
  await t.app.kiosque.media.idle();
  closeToAllButAdmins(t, `/media/${ids.hidden}`);
  assert.deepEqual(await t.app.kiosque.plugins.enable('shelf'), { ok: true });
});
after(() => t.close());

const cardsOf = async (agent: Agent | ReturnType<typeof request>, list: string[], drafts = false) =>
  (await agent.get(`/plugins/shelf/cards?ids=${list.join(',')}${drafts ? '&drafts=1' : ''}`).expect(200)).body as Array<Record<string, unknown>>;

test('cards come in the order given, with core’s card data and the thumbnail’s size; unknown ids are left out', async () => {
  const cards = await cardsOf(request(t.app), [ids.tall!, '999', 'abc', ids.wide!]);
  assert.deepEqual(cards.map((c) => c.title), ['The tall one', 'The wide one']);
  const stored = (await t.store.media.get(ids.tall!))!;
  assert.deepEqual(cards[0], {
    id: ids.tall,
    href: `/media/${ids.tall}`,
    title: 'The tall one',
    type: 'image',
    when: stored.publishedAt,
    thumb: `/files/${ids.tall}/thumb`,
    thumbWidth: stored.variants.thumb!.width,
    thumbHeight: stored.variants.thumb!.height,
    status: 'published',
    views: 0,
  });
  assert.ok(stored.variants.thumb!.height! > stored.variants.thumb!.width!, 'a real, tall thumbnail');
});

test('a draft is never a card for a visitor, nor for the staff unless they ask for drafts; then it is marked as one', async () => {
  const all = [ids.draft!, ids.wide!];
  assert.deepEqual((await cardsOf(request(t.app), all)).map((c) => c.id), [ids.wide]);
  assert.deepEqual((await cardsOf(request(t.app), all, true)).map((c) => c.id), [ids.wide], 'a visitor asking for drafts gets none');
  assert.deepEqual((await cardsOf(editor, all)).map((c) => c.id), [ids.wide]);
  const withDrafts = await cardsOf(editor, all, true);
  assert.deepEqual(withDrafts.map((c) => [c.id, c.status]), [[ids.draft, 'draft'], [ids.wide, 'published']]);
});

test('a media an access rule closes to the visitor is no card of theirs', async () => {
  const list = [ids.hidden!, ids.wide!];
  assert.deepEqual((await cardsOf(request(t.app), list)).map((c) => c.id), [ids.wide]);
  assert.deepEqual((await cardsOf(editor, list, true)).map((c) => c.id), [ids.wide]);
  assert.deepEqual((await cardsOf(admin, list)).map((c) => c.id), [ids.hidden, ids.wide]);
});

test('a plugin’s page shows cards with the theme’s media-card partial: linked title, sized thumbnail, nothing of a hidden media', async () => {
  const res = await request(t.app).get(`/plugins/shelf/?ids=${ids.wide},${ids.hidden},${ids.draft}`).set('Accept', 'text/html').expect(200);
  const shelfHtml = /<section class="shelf">[\s\S]*?<\/section>/.exec(res.text)?.[0] ?? '';
  const thumb = (await t.store.media.get(ids.wide!))!.variants.thumb!;
  assert.match(shelfHtml, new RegExp(`<article class="media-card media-card-image">\\s*<a href="/media/${ids.wide}">\\s*<img src="/files/${ids.wide}/thumb" alt="" width="${thumb.width}" height="${thumb.height}" loading="lazy">\\s*<span class="media-card-title">The wide one</span>`));
  assert.equal((shelfHtml.match(/<article/g) ?? []).length, 1);
  assert.doesNotMatch(res.text, new RegExp(`The hidden one|The draft one|/files/(?:${ids.hidden}|${ids.draft})/`));
});
