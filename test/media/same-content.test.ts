import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { makeApp, addUser, signIn, tokenOf, tempDir, type TestApp } from '../helpers/app.ts';
import { png } from '../helpers/media.ts';
import { mediaRecord } from '../helpers/media-records.ts';
import { importFolder } from '../../core/media/import.ts';
import { regenerateAll } from '../../core/media/regenerate.ts';
import { sha256 } from '../../core/media/service.ts';

// The duplicate check after an upload ("this file was already uploaded as media N"), through the
// real app: the admin upload form and the API, with the library changed by every other path.

let t: TestApp;
let dir: string;
type Agent = ReturnType<typeof request.agent>;
let alice: Agent;
let token: string;
const f = (name: string) => path.join(dir, name);

before(async () => {
  t = await makeApp({ overrides: { media: { processingConcurrency: 1, ffmpegPath: '', ffprobePath: '', pdftoppmPath: '' } } });
  dir = await tempDir('kiosque-same-content-');
  await addUser(t, 'alice', 'admin');
  alice = await signIn(t, 'alice');
  token = await tokenOf(alice);
});
after(() => t.close());

/** A text file whose content no other test file has. */
async function content(name: string): Promise<string> {
  await writeFile(f(name), `${name}: ${Date.now()} ${Math.random()}\n`);
  return f(name);
}

/** An API upload: the new media's id and the media it names as holding the same content, if any. */
async function viaApi(file: string, name = path.basename(file)): Promise<{ id: string; sameContentAs?: string }> {
  const res = await alice.post('/api/v1/media').set('X-CSRF-Token', token).set('Accept', 'application/json').attach('file', file, name);
  assert.equal(res.status, 201, res.text);
  return res.body as { id: string; sameContentAs?: string };
}

/** An upload through the admin form: the ids the notice names as already holding a file's content. */
async function viaForm(...files: string[]): Promise<string[]> {
  let req = alice.post('/admin/media').field('_csrf', token);
  for (const file of files) req = req.attach('file', file);
  const res = await req;
  assert.equal(res.status, 303, res.text);
  const earlier = /[?&]earlier=([\d,]+)/.exec(res.headers.location!);
  return earlier ? earlier[1]!.split(',') : [];
}

test('the second upload of a file names the first, through the admin form and the API; a file met once names nobody', async () => {
  const file = await content('twice.txt');
  assert.deepEqual(await viaForm(file), [], 'the media is not its own duplicate');
  const first = (await t.store.media.latest(0, 1))[0]!;
  assert.equal(first.original.name, 'twice.txt');
  const other = await content('other.txt');
  assert.deepEqual(await viaForm(file, other), [first.id]);
  const third = await viaApi(file);
  assert.equal(third.sameContentAs, first.id, 'with several copies, the oldest is named');
  assert.equal((await viaApi(await content('fresh.txt'))).sameContentAs, undefined);
});

test('edits keep the answer; a deleted media is never named; a replaced file is named by its new content only', async () => {
  const file = await content('kept.txt');
  const first = await viaApi(file);
  const second = await viaApi(file);
  assert.equal(second.sameContentAs, first.id);

  // An edit through the API, then one through the admin's edit form.
  const patched = await alice.patch(`/api/v1/media/${first.id}`).set('X-CSRF-Token', token).send({ title: 'Renamed', status: 'published' });
  assert.equal(patched.status, 200, patched.text);
  const { licence } = (await t.store.media.get(first.id))!;
  const saved = await alice.post(`/admin/media/${first.id}`).type('form').send({ _csrf: token, title: 'Renamed again', description: 'Edited', sector: '', keywords: '', licence, status: 'draft' });
  assert.equal(saved.headers.location, `/admin/media/${first.id}?done=saved`);
  assert.equal((await t.store.media.get(first.id))!.title, 'Renamed again');
  const third = await viaApi(file);
  assert.equal(third.sameContentAs, first.id, 'after edits');

  assert.equal((await alice.delete(`/api/v1/media/${first.id}`).set('X-CSRF-Token', token)).status, 204);
  assert.equal((await viaApi(file)).sameContentAs, second.id, 'the deleted first copy is not named: the next oldest is');

  // The admin's replace form gives the second copy another file.
  const replacement = await content('replacement.txt');
  const replaced = await alice.post(`/admin/media/${second.id}/replace`).field('_csrf', token).attach('file', replacement);
  assert.equal(replaced.headers.location, `/admin/media/${second.id}?done=replaced`);
  assert.equal((await viaApi(file)).sameContentAs, third.id, 'its former content no longer names it');
  assert.equal((await viaApi(replacement)).sameContentAs, second.id, 'its new content does');
});

test('deleting every copy, here with the bulk delete, leaves the content unknown', async () => {
  const file = await content('gone.txt');
  const ids = [(await viaApi(file)).id, (await viaApi(file)).id];
  const res = await alice.post('/admin/media/bulk').type('form').send({ _csrf: token, action: 'delete', confirm: 'yes', ids });
  assert.equal(res.status, 303, res.text);
  assert.equal(await t.store.media.get(ids[0]!), undefined);
  assert.equal(await t.store.media.get(ids[1]!), undefined);
  const again = await viaApi(file);
  assert.equal(again.sameContentAs, undefined);
  assert.deepEqual(await viaForm(file), [again.id]);
});

test('media written by other paths are known: the folder import, a record written straight to the store, a regeneration', async () => {
  const folder = path.join(dir, 'import');
  await mkdir(folder);
  await writeFile(path.join(folder, 'imported.txt'), `imported ${Date.now()}\n`);
  const user = (await t.store.users.getByUsername('alice'))!;
  const summary = await importFolder({ media: t.app.kiosque.media, config: t.config, folder, user });
  assert.equal(summary.imported.length, 1);
  assert.equal((await viaApi(path.join(folder, 'imported.txt'))).sameContentAs, summary.imported[0]);

  // What a script or a plugin holding the store may do: the index follows the store, not the upload route.
  const direct = await content('direct.txt');
  const record = await t.store.media.create(mediaRecord({ original: { file: 'elsewhere/original.txt', mime: 'text/plain', size: 1, name: 'direct.txt', sha256: await sha256(direct) } }));
  const copy = await viaApi(direct);
  assert.equal(copy.sameContentAs, record.id);
  await t.store.media.delete(record.id);
  assert.equal((await viaApi(direct)).sameContentAs, copy.id);

  await png(f('picture.png'), 120, 80, false);
  const picture = await viaApi(f('picture.png'));
  await regenerateAll({ media: t.app.kiosque.media, types: ['image'] });
  assert.equal((await viaApi(f('picture.png'))).sameContentAs, picture.id, 'after regenerating the derivatives');
});
