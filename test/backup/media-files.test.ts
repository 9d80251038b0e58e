import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Pack, x as extract } from 'tar';
import { mediaFilesArchiver } from '../../core/backup/media-files.ts';
import { tempDir } from '../helpers/app.ts';
import { mediaRecord } from '../helpers/media-records.ts';
import type { Media } from '../../core/store/index.ts';

/** Runs `fill` on an archiver writing to a real .tar.gz, then extracts it; answers the folder. */
async function archived(filesDir: string, fill: (a: ReturnType<typeof mediaFilesArchiver>) => Promise<void>): Promise<string> {
  const dir = await tempDir('kiosque-media-files-');
  const pack = new Pack({ gzip: true, portable: true });
  const chunks: Buffer[] = [];
  pack.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve) => pack.on('end', () => resolve()));
  await fill(mediaFilesArchiver(pack, filesDir, new AbortController().signal));
  pack.end();
  await ended;
  const file = `${dir}.tar.gz`;
  await writeFile(file, Buffer.concat(chunks));
  await extract({ file, cwd: dir });
  return dir;
}

const record = (file: string, variants: Record<string, string> = {}) =>
  ({ ...mediaRecord({ original: { file, mime: 'image/png', size: 1, name: 'a.png', sha256: '0' } }), id: '1', variants: Object.fromEntries(Object.entries(variants).map(([k, f]) => [k, { file: f, mime: 'image/webp', size: 1 }])) }) as Media;

test('files written while the walk ran are added when the copied records name them; files being written, missing files and paths out of files/ are not', async () => {
  const root = await tempDir('kiosque-files-');
  const files = path.join(root, 'files');
  await mkdir(path.join(files, 'aa', 'one'), { recursive: true });
  await writeFile(path.join(files, 'aa', 'one', 'original.png'), 'one');
  await writeFile(path.join(files, 'aa', 'one', '.thumb.webp-1234.part'), 'half');
  await writeFile(path.join(files, 'aa', 'one', 'original.png.clean'), 'half');
  await writeFile(path.join(root, 'secret.txt'), 'outside');

  const out = await archived(files, async (a) => {
    await a.addAll();
    // Uploaded after the walk passed, before the database was copied.
    await mkdir(path.join(files, 'bb', 'two'), { recursive: true });
    await writeFile(path.join(files, 'bb', 'two', 'original.png'), 'two');
    await writeFile(path.join(files, 'bb', 'two', 'thumb.webp'), 'thumb');
    // A video's subtitles, added meanwhile too: kept apart from its upload's folder.
    await mkdir(path.join(files, 'tracks', '1'), { recursive: true });
    await writeFile(path.join(files, 'tracks', '1', 'subtitles-fr.vtt'), 'WEBVTT\n');
    const video = { ...record('bb/two/original.png', { thumb: 'bb/two/thumb.webp', gone: 'bb/two/gone.webp' }), tracks: [{ kind: 'subtitles' as const, lang: 'fr', file: { file: 'tracks/1/subtitles-fr.vtt', mime: 'text/vtt', size: 7 } }] };
    await a.addMissing([record('aa/one/original.png'), video, record('../secret.txt')]);
    assert.deepEqual(a.totals, { files: 4, bytes: 18 });
  });
  assert.equal(await readFile(path.join(out, 'files', 'aa', 'one', 'original.png'), 'utf8'), 'one');
  assert.equal(await readFile(path.join(out, 'files', 'bb', 'two', 'original.png'), 'utf8'), 'two');
  assert.equal(await readFile(path.join(out, 'files', 'bb', 'two', 'thumb.webp'), 'utf8'), 'thumb');
  assert.equal(await readFile(path.join(out, 'files', 'tracks', '1', 'subtitles-fr.vtt'), 'utf8'), 'WEBVTT\n');
  await assert.rejects(readFile(path.join(out, 'files', 'aa', 'one', '.thumb.webp-1234.part')), { code: 'ENOENT' });
  await assert.rejects(readFile(path.join(out, 'files', 'aa', 'one', 'original.png.clean')), { code: 'ENOENT' });
  await assert.rejects(readFile(path.join(out, 'secret.txt')), { code: 'ENOENT' });
});

test('a file replaced while it is read goes in whole: the version its handle opened', async () => {
  const root = await tempDir('kiosque-files-');
  const files = path.join(root, 'files');
  await mkdir(path.join(files, 'cc'), { recursive: true });
  const big = randomBytes(8 * 1024 * 1024);
  await writeFile(path.join(files, 'cc', 'medium.webp'), big);
  const out = await archived(files, async (a) => {
    const adding = a.addAll();
    // Remade meanwhile, as the server does it: a finished file renamed over the old one.
    await writeFile(path.join(files, 'cc', 'medium.webp.next'), 'b'.repeat(10));
    await rename(path.join(files, 'cc', 'medium.webp.next'), path.join(files, 'cc', 'medium.webp'));
    await adding;
  });
  const copy = await readFile(path.join(out, 'files', 'cc', 'medium.webp'));
  assert.ok(copy.equals(big) || copy.toString() === 'b'.repeat(10), `a whole version, not a mix (${copy.length} bytes)`);
});
