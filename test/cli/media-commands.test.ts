import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { openLowdbStore } from '../../core/store/index.ts';
import { tempDir } from '../helpers/app.ts';
import { cli } from '../helpers/cli.ts';
import { ffmpeg, pdf, png } from '../helpers/media.ts';

const GOOD = 'a long enough password';

/** A data folder with an admin and a tags group, and a folder to import: two images, a copy, a truncated JPEG, HTML named .jpg. */
async function setup(t: { after(fn: () => Promise<void>): void }) {
  const dataDir = await tempDir('kiosque-cli-media-');
  const folder = await tempDir('kiosque-cli-import-');
  t.after(async () => {
    await rm(dataDir, { recursive: true, force: true });
    await rm(folder, { recursive: true, force: true });
  });
  assert.equal((await cli(['user:add', 'alice', '--role', 'admin'], { dataDir, input: `${GOOD}\n` })).code, 0);
  const store = await openLowdbStore({ dataDir });
  await store.keywordGroups.create({ slug: 'tags', title: 'Tags', multiple: true, inNavigation: false, order: 0 });
  await store.close();
  await mkdir(path.join(folder, 'sub'), { recursive: true });
  await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#c33' } }).jpeg().toFile(path.join(folder, 'a.jpg'));
  await png(path.join(folder, 'sub', 'b.png'), 640, 640, false);
  await copyFile(path.join(folder, 'a.jpg'), path.join(folder, 'sub', 'copy.jpg'));
  const full = await sharp(path.join(folder, 'a.jpg')).toBuffer();
  await writeFile(path.join(folder, 'broken.jpg'), full.subarray(0, 300));
  await writeFile(path.join(folder, 'page.jpg'), '<html><body><script>alert(1)</script></body></html>');
  return { dataDir, folder };
}

test('import: a folder tree with a duplicate and bad files; progress, summary with reasons, exit 1; a second run skips what is in', async (t) => {
  const { dataDir, folder } = await setup(t);
  const first = await cli(['import', folder, '--status', 'published', '--keywords', 'tags/Carnaval'], { dataDir });
  assert.equal(first.code, 1, first.stderr);
  assert.match(first.stderr, /\[#+\] 5\/5 files {2}[\d.]+\/s/, 'the last progress line');
  assert.match(first.stdout, /skipped sub\/copy\.jpg: same content as media #1/);
  assert.match(first.stdout, /failed broken\.jpg: /);
  assert.match(first.stdout, /failed page\.jpg: /);
  assert.match(first.stdout, /5 files: 2 imported, 1 skipped \(already in the library\), 2 failed/);

  const store = await openLowdbStore({ dataDir });
  const media = await store.media.list();
  const alice = await store.users.getByUsername('alice');
  const carnaval = (await store.keywords.list()).find((k) => k.title === 'Carnaval');
  await store.close();
  assert.equal(media.length, 2);
  assert.ok(carnaval, 'the tag was created');
  for (const m of media) {
    assert.equal(m.status, 'published');
    assert.equal(m.authorId, alice!.id);
    assert.deepEqual(m.keywordIds, [carnaval!.id]);
    assert.ok(m.variants.thumb, 'derivatives were made');
  }

  const again = await cli(['import', folder], { dataDir, env: { LANG: 'fr_FR.UTF-8' } });
  assert.equal(again.code, 1);
  assert.match(again.stdout, /5 fichiers\u00a0: 0 importés, 3 ignorés/);
});

test('import refuses bad options before touching anything (exit 2)', async (t) => {
  const { dataDir, folder } = await setup(t);
  for (const args of [
    ['import'],
    ['import', path.join(folder, 'nowhere')],
    ['import', path.join(folder, 'a.jpg')],
    ['import', folder, '--status', 'secret'],
    ['import', folder, '--sector', 'nope'],
    ['import', folder, '--keywords', 'places/paris'],
    ['import', folder, '--as', 'nobody'],
  ]) {
    const r = await cli(args, { dataDir });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /kiosque import: .+\n/, args.join(' '));
  }
  const store = await openLowdbStore({ dataDir });
  assert.equal(await store.media.count(), 0);
  await store.close();
});

test('import names every bad option at once, and creates no tag while one is refused', async (t) => {
  const { dataDir, folder } = await setup(t);
  const r = await cli(['import', folder, '--sector', 'nope', '--keywords', 'tags/Nouveau', '--keywords', 'places/paris'], { dataDir });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /There is no sector “nope”\. There is no keyword “places\/paris”\./);
  const store = await openLowdbStore({ dataDir });
  assert.deepEqual([await store.media.count(), (await store.keywords.list()).length], [0, 0]);
  await store.close();
});

test('media:regenerate rebuilds derivatives at the sizes now configured', async (t) => {
  const { dataDir, folder } = await setup(t);
  assert.equal((await cli(['import', path.join(folder, 'sub'), '--status', 'published'], { dataDir })).code, 0);
  let store = await openLowdbStore({ dataDir });
  const [before] = await store.media.list();
  assert.equal(before!.variants.thumb!.width, 320);
  await store.settings.set('media', { boxes: { thumb: 100, medium: 300, large: 500 } });
  await store.close();

  const r = await cli(['media:regenerate'], { dataDir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /2 media: 2 rebuilt, 0 failed/);
  store = await openLowdbStore({ dataDir });
  for (const m of await store.media.list()) {
    const thumb = await sharp(path.join(dataDir, 'files', m.variants.thumb!.file)).metadata();
    assert.equal(Math.max(thumb.width!, thumb.height!), 100, `media ${m.id}`);
  }
  await store.close();
  const bad = await cli(['media:regenerate', '--type', 'font'], { dataDir });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Invalid type "font": expected image, audio, video, document/);
});

test('media:regenerate makes the previews of PDFs added while pdftoppm was missing, and says when it still is', async (t) => {
  const { dataDir } = await setup(t);
  const folder = await tempDir('kiosque-cli-pdf-');
  t.after(() => rm(folder, { recursive: true, force: true }));
  await pdf(path.join(folder, 'brochure.pdf'));
  await writeFile(path.join(folder, 'notes.txt'), 'Plain text: no preview to make.\n');
  const without = { KIOSQUE_PDFTOPPM: '/nonexistent/pdftoppm' };
  assert.equal((await cli(['import', folder, '--status', 'published'], { dataDir, env: without })).code, 0);
  let store = await openLowdbStore({ dataDir });
  const pdfId = (await store.media.list()).find((m) => m.original.mime === 'application/pdf')!.id;
  assert.deepEqual((await store.media.get(pdfId))!.variants, {}, 'no preview without pdftoppm');
  await store.close();

  const still = await cli(['media:regenerate', '--type', 'document'], { dataDir, env: without });
  assert.equal(still.code, 0, still.stderr);
  assert.match(still.stdout, /1 PDF has no preview: pdftoppm is missing \(apt-get install poppler-utils/);

  const r = await cli(['media:regenerate'], { dataDir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^1 media: 1 rebuilt, 0 failed/m, 'the PDF only: a text file has nothing to rebuild');
  assert.doesNotMatch(r.stdout, /no preview/);
  store = await openLowdbStore({ dataDir });
  const m = (await store.media.get(pdfId))!;
  assert.equal(m.processing.state, 'done');
  const thumb = await sharp(path.join(dataDir, 'files', m.variants.thumb!.file)).metadata();
  assert.deepEqual([thumb.format, thumb.width, thumb.height], ['jpeg', 320, 160]);
  assert.ok(m.variants.poster && m.variants.medium);
  await store.close();
});

test('media:regenerate draws the waveform of a sound without a cover that has none (uploaded before waveforms, or when ffmpeg could not draw it)', async (t) => {
  const { dataDir } = await setup(t);
  const folder = await tempDir('kiosque-cli-audio-');
  t.after(() => rm(folder, { recursive: true, force: true }));
  await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=2', '-c:a', 'libmp3lame', path.join(folder, 'tone.mp3')]);
  // ffmpeg cannot start within 64 MB of address space: the sound is imported without its picture.
  assert.equal((await cli(['import', folder, '--status', 'published'], { dataDir, env: { KIOSQUE_FFMPEG_MEMORY_MB: '64' } })).code, 0);
  let store = await openLowdbStore({ dataDir });
  const [before] = await store.media.list();
  assert.deepEqual([before!.type, before!.processing.state, before!.variants], ['audio', 'done', {}]);
  await store.close();

  const r = await cli(['media:regenerate', '--type', 'audio'], { dataDir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^1 media: 1 rebuilt, 0 failed/m);
  store = await openLowdbStore({ dataDir });
  const m = (await store.media.get(before!.id))!;
  assert.equal(m.meta.waveform, true);
  const thumb = await sharp(path.join(dataDir, 'files', m.variants.thumb!.file)).metadata();
  assert.deepEqual([thumb.format, thumb.width, thumb.height], ['jpeg', 320, 213]);
  await store.close();
});

test('media:regenerate words a media’s processing failure in the terminal’s language, what the tool said under it', async (t) => {
  const { dataDir } = await setup(t);
  const folder = await tempDir('kiosque-cli-cut-');
  t.after(() => rm(folder, { recursive: true, force: true }));
  // An MP4 cut before its index: ffprobe cannot read it.
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10:duration=2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path.join(folder, 'whole.mp4')]);
  await writeFile(path.join(folder, 'cut.mp4'), (await readFile(path.join(folder, 'whole.mp4'))).subarray(0, 5000));
  await rm(path.join(folder, 'whole.mp4'));
  assert.equal((await cli(['import', folder], { dataDir })).code, 0);

  const fr = await cli(['media:regenerate', '--type', 'video'], { dataDir, env: { LANG: 'fr_FR.UTF-8' } });
  assert.equal(fr.code, 1, fr.stderr);
  assert.match(fr.stdout, /^ {2}échec du média n°\u00a01\u00a0: ffprobe n’a pas pu lire le fichier\u00a0: il est abîmé, ou dans un format qu’il ne connaît pas\n {6}.*moov atom not found/m);
  const en = await cli(['media:regenerate', '--type', 'video'], { dataDir });
  assert.match(en.stdout, /^ {2}failed media #1: ffprobe could not read the file: it is damaged, or in a format it does not know\n {6}.*moov atom not found/m);
});
