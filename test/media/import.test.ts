import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { makeApp, addUser, tempDir, type TestApp } from '../helpers/app.ts';
import { filesUnder, jpegWithGps, png } from '../helpers/media.ts';
import { importFolder, type ImportProgress } from '../../core/media/import.ts';
import { regenerateAll } from '../../core/media/regenerate.ts';

let t: TestApp;
let folder: string;
let user: { id: string; role: 'admin' };

before(async () => {
  t = await makeApp();
  const u = await addUser(t, 'alice', 'admin');
  user = { id: u.id, role: 'admin' };
  folder = await tempDir('kiosque-import-');
  await mkdir(path.join(folder, 'sub', 'deeper'), { recursive: true });
  await jpegWithGps(path.join(folder, 'a.jpg'), 900, 600, 1);
  await png(path.join(folder, 'sub', 'b.png'), 400, 400, false);
  await copyFile(path.join(folder, 'a.jpg'), path.join(folder, 'sub', 'deeper', 'copy-of-a.jpg'));
  await writeFile(path.join(folder, 'sub', 'notes.txt'), 'Notes\n');
  const full = await sharp(path.join(folder, 'a.jpg')).toBuffer();
  await writeFile(path.join(folder, 'broken.jpg'), full.subarray(0, 400));
  await writeFile(path.join(folder, 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  await writeFile(path.join(folder, '.hidden.jpg'), 'not imported');
});
after(() => t.close());

test('import: a folder tree with a duplicate and broken files; progress; summary; running again resumes (skips all done)', async () => {
  const progress: ImportProgress[] = [];
  const s = await importFolder({ media: t.app.kiosque.media, config: t.config, folder, user, fields: { status: 'published' }, onProgress: (p) => progress.push(p) });
  assert.equal(s.total, 6);
  assert.equal(s.imported.length, 3);
  assert.deepEqual(s.skipped.map((x) => x.file), [path.join('sub', 'deeper', 'copy-of-a.jpg')]);
  assert.deepEqual(s.failed.map((x) => [x.file, x.code]).sort(), [['broken.jpg', 'corrupt'], ['logo.svg', 'svg_refused']]);
  const last = progress.at(-1)!;
  assert.deepEqual([last.done, last.total, last.imported, last.skipped, last.failed], [6, 6, 3, 1, 2]);
  assert.ok(progress.some((p) => p.current === path.join('sub', 'b.png')));
  const media = await t.store.media.list();
  assert.equal(media.length, 3);
  assert.ok(media.every((m) => m.status === 'published' && m.authorId === user.id));
  assert.deepEqual(await filesUnder(path.join(t.dataDir, 'tmp')), []);
  const again = await importFolder({ media: t.app.kiosque.media, config: t.config, folder, user });
  assert.equal(again.imported.length, 0);
  assert.equal(again.skipped.length, 4);
  assert.equal(await t.store.media.count(), 3);
});

test('regenerate rebuilds derivatives after the box sizes change', async () => {
  await t.store.settings.set('media', { boxes: { thumb: 100, medium: 300, large: 500 } });
  const done: number[] = [];
  const s = await regenerateAll({ media: t.app.kiosque.media, onProgress: (p) => done.push(p.done) });
  assert.equal(s.total, 2);
  assert.equal(s.regenerated, 2);
  assert.deepEqual(s.failed, []);
  assert.equal(done.at(-1), 2);
  for (const m of await t.store.media.list()) {
    if (m.type !== 'image') continue;
    const thumb = await sharp(path.join(t.dataDir, 'files', m.variants.thumb!.file)).metadata();
    assert.equal(Math.max(thumb.width!, thumb.height!), 100);
    assert.equal(Math.max(m.variants.large!.width!, m.variants.large!.height!), Math.min(500, Math.max(m.original.width!, m.original.height!)), "never upscaled");
  }
});
