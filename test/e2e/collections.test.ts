import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { addUser, signIn, tempDir, tokenOf } from '../helpers/app.ts';
import { browserSite, signInAt } from '../helpers/browser.ts';
import { mp3, png } from '../helpers/media.ts';

const media: Array<{ id: string; slug: string }> = [];
const tracks: string[] = [];
const site = browserSite(async (t) => {
  await addUser(t, 'ada', 'admin');
  await addUser(t, 'ed', 'editor');
  const agent = await signIn(t, 'ada');
  const token = await tokenOf(agent);
  const dir = await tempDir('kiosque-e2e-collections-');
  for (const [name, title] of [['quai', 'Le quai'], ['pont', 'Le pont']] as const) {
    await png(path.join(dir, `${name}.png`), 320, 200, false);
    const res = await agent.post('/api/v1/media').set('X-CSRF-Token', token).field('title', title).field('status', 'published').attach('file', path.join(dir, `${name}.png`));
    assert.equal(res.status, 201, res.text);
    media.push(res.body as { id: string; slug: string });
  }
  for (const name of ['face-a', 'face-b']) {
    await mp3(path.join(dir, `${name}.mp3`));
    const res = await agent.post('/api/v1/media').set('X-CSRF-Token', token).field('title', name).field('status', 'published').attach('file', path.join(dir, `${name}.mp3`));
    assert.equal(res.status, 201, res.text);
    tracks.push((res.body as { id: string }).id);
  }
  await t.app.kiosque.media.idle();
  assert.deepEqual(await t.app.kiosque.plugins.enable('collections'), { ok: true });
});

test('an editor makes a collection of two media, moves the second up, and a visitor sees them in that order', async () => {
  const editor = await site.browser.newContext({ locale: 'en-GB' });
  const page = await editor.newPage();
  const problems: string[] = [];
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`${res.status()} ${res.url()}`);
  });
  await signInAt(page, site.base, '/admin', 'ed');
  await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Collections' }).click();
  await page.getByRole('link', { name: 'New collection' }).click();
  await page.getByLabel('Title').fill('Paris la nuit');
  await page.getByLabel('Description (optional)').fill('Deux vues.\nÀ la tombée du jour.');
  await page.getByRole('button', { name: 'Create the collection' }).click();
  await page.waitForURL(/\/plugins\/collections\/manage\/[\w-]{8}\?done=created$/);
  assert.equal(await page.getByRole('status').textContent(), 'The collection was created: add its media below.');

  const add = page.getByLabel('Media number or page address');
  await add.fill(media[0]!.id);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.waitForURL(/#items$/);
  // The second by its page's address, as copied from the browser's address bar.
  await add.fill(`${site.base}/media/${media[1]!.id}/${media[1]!.slug}`);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.waitForLoadState();
  const items = page.locator('.collection-admin-item .collection-admin-item-title');
  assert.deepEqual(await items.allTextContents(), ['Le quai', 'Le pont']);
  assert.equal(await page.locator(`.collection-admin-item img[src="/files/${media[1]!.id}/thumb"]`).count(), 1, 'each item shows its thumbnail');

  await page.getByRole('button', { name: 'Move up: “Le pont”' }).click();
  await page.waitForLoadState();
  assert.deepEqual(await items.allTextContents(), ['Le pont', 'Le quai']);
  await editor.close();

  const visitor = await site.browser.newContext({ locale: 'en-GB' });
  const view = await visitor.newPage();
  view.on('response', (res) => {
    if (res.status() >= 400) problems.push(`${res.status()} ${res.url()}`);
  });
  await view.goto(`${site.base}/plugins/collections/`);
  await view.getByRole('link', { name: 'Paris la nuit' }).click();
  await view.waitForURL(`${site.base}/plugins/collections/paris-la-nuit`);
  assert.equal(await view.getByRole('heading', { level: 1 }).textContent(), 'Paris la nuit');
  assert.equal(await view.locator('.collection-description').innerText(), 'Deux vues.\nÀ la tombée du jour.');
  assert.deepEqual(await view.locator('.collection-items .media-card-title').allTextContents(), ['Le pont', 'Le quai']);
  // The thumbnails load (the cards link real files): waited for, as a busy machine may be slow to send them.
  assert.equal(await view.locator('.collection-items img').count(), 2);
  await view.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('.collection-items img')].every((img) => img.complete && img.naturalWidth > 0));
  await visitor.close();
  assert.deepEqual(problems, []);
});

test('“Play all” on a collection of audio media plays its players one after the other', async () => {
  const agent = await signIn(site.t, 'ed');
  const token = await tokenOf(agent, '/plugins/collections/manage');
  const made = await agent.post('/plugins/collections/manage/new').type('form').send({ _csrf: token, title: 'Deux faces' });
  assert.equal(made.status, 303);
  const edit = made.headers.location!.split('?')[0]!;
  for (const id of tracks) assert.equal((await agent.post(`${edit}/items`).type('form').send({ _csrf: token, action: 'add', media: id })).status, 303);

  const context = await site.browser.newContext({ locale: 'en-GB' });
  const page = await context.newPage();
  await page.goto(`${site.base}/plugins/collections/deux-faces`);
  const players = page.locator('.collection-playlist audio');
  assert.equal(await players.count(), 2);
  await page.getByRole('button', { name: 'Play all' }).click();
  // The first (one second long) plays, ends, and the second starts by itself.
  await page.waitForFunction(() => {
    const [first, second] = [...document.querySelectorAll<HTMLAudioElement>('.collection-playlist audio')];
    return !!first && !!second && first.ended && second.currentTime > 0;
  }, undefined, { timeout: 15_000 });
  await context.close();
});
