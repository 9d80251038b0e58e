import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { tempDir } from '../helpers/app.ts';
import { inspectImage, stripLocation } from '../../core/media/images.ts';

const limits = { maxPixels: 1e8, maxFrames: 100, maxTotalPixels: 1e9 };
const segment = (marker: number, payload: Buffer) => Buffer.concat([Buffer.from([0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]), payload]);

/** Writes the JPEG, strips it as an upload would, and gives back what is left. */
async function stripped(name: string, jpeg: Buffer): Promise<{ changed: boolean; after: Buffer }> {
  const file = path.join(await tempDir(), name);
  await writeFile(file, jpeg);
  const info = await inspectImage(file, limits);
  assert.equal(info.hasMetadata, true, 'a JPEG is always looked at: sharp does not see its comments');
  const changed = await stripLocation(file, info);
  return { changed, after: await readFile(file) };
}

test('a JPEG with a place in a comment only (no EXIF, nothing sharp reports) loses it', async () => {
  const base = await sharp({ create: { width: 32, height: 24, channels: 3, background: '#c85028' } }).jpeg().toBuffer();
  assert.equal((await sharp(base).metadata()).comments, undefined);
  const input = Buffer.concat([base.subarray(0, 2), segment(0xfe, Buffer.from('taken at 12 rue des Lilas')), base.subarray(2), Buffer.from('trailing place')]);
  const { changed, after } = await stripped('comment.jpg', input);
  assert.equal(changed, true);
  assert.ok(!after.includes('Lilas') && !after.includes('trailing place'));
  // Stray bytes between segments, which the decoder skips but the structure's reader refuses: re-encoded, the place gone all the same.
  const stray = Buffer.concat([base.subarray(0, 2), segment(0xfe, Buffer.from('taken at 12 rue des Lilas')), Buffer.from([0x12, 0x34]), base.subarray(2)]);
  const reencoded = await stripped('stray.jpg', stray);
  assert.equal(reencoded.changed, true);
  assert.ok(!reencoded.after.includes('Lilas'));
  assert.equal((await sharp(reencoded.after).metadata()).width, 32);
  // Nothing to remove: the file is left as it was.
  const plain = await stripped('plain.jpg', base);
  assert.equal(plain.changed, false);
  assert.ok(plain.after.equals(base));
});

test('a JPEG re-encoded because its ICC profile carries text after its end keeps none of that text', async () => {
  const base = await sharp({ create: { width: 32, height: 24, channels: 3, background: '#c85028' } }).withIccProfile('p3').jpeg().toBuffer();
  const at = base.indexOf(Buffer.from('ICC_PROFILE\0', 'latin1')) - 4;
  const end = at + 2 + base.readUInt16BE(at + 2);
  const input = Buffer.concat([base.subarray(0, at), segment(0xe2, Buffer.concat([base.subarray(at + 4, end), Buffer.from('GPSLatitude 48.85')])), base.subarray(end)]);
  const { changed, after } = await stripped('icc.jpg', input);
  assert.equal(changed, true);
  assert.ok(!after.includes('GPSLatitude'));
  assert.equal((await sharp(after).metadata()).width, 32);
});

test('a JPEG of more than 256 MB (a small picture and a huge trailer) is re-encoded as a stream rather than read whole: its trailer and place go all the same', async () => {
  const base = await sharp({ create: { width: 32, height: 24, channels: 3, background: '#2850c8' } }).jpeg().toBuffer();
  const file = path.join(await tempDir(), 'huge.jpg');
  await writeFile(file, Buffer.concat([base.subarray(0, 2), segment(0xfe, Buffer.from('taken at 12 rue des Lilas')), base.subarray(2)]));
  // The trailer, sparse on disk: 257 MB of zeros the structure's reader would have to hold.
  const { open } = await import('node:fs/promises');
  const fh = await open(file, 'r+');
  await fh.truncate(base.length + 40 + 257 * 1024 * 1024);
  await fh.close();
  const info = await inspectImage(file, limits);
  assert.equal(await stripLocation(file, info), true);
  const after = await readFile(file);
  assert.ok(after.length < 100_000, `without the trailer (${after.length} bytes)`);
  const scan = base.subarray(base.lastIndexOf(Buffer.from([0xff, 0xda])), base.length - 2);
  assert.ok(!after.includes(scan), 're-encoded, not copied segment by segment');
  assert.ok(!after.includes('Lilas'));
  assert.deepEqual([(await sharp(after).metadata()).width, (await sharp(after).metadata()).height], [32, 24]);
});
