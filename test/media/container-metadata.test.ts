import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { tempDir } from '../helpers/app.ts';
import { animatedWebpWithGps, gif, gifWithXmp, png, pngWithRawExifProfile } from '../helpers/media.ts';
import { gifWithoutMetadata, pngHasMetadataChunks, webpWithoutMetadata } from '../../core/media/container-metadata.ts';

test('a GIF loses its XMP and comments, keeps its loop count and every frame', async () => {
  const dir = await tempDir();
  const file = path.join(dir, 'xmp.gif');
  await gifWithXmp(file, 4);
  const withComment = await readFile(file);
  // A comment extension just before the trailer.
  const commented = Buffer.concat([withComment.subarray(0, -1), Buffer.from([0x21, 0xfe, 5]), Buffer.from('hello'), Buffer.from([0, 0x3b])]);
  const clean = gifWithoutMetadata(commented);
  assert.ok(clean);
  assert.ok(!clean.includes('XMP DataXMP') && !clean.includes('hello'));
  assert.ok(clean.includes('NETSCAPE2.0'), 'the loop count stays');
  const [a, b] = await Promise.all([commented, clean].map((buf) => sharp(buf, { animated: true }).raw().toBuffer()));
  assert.ok(a!.equals(b!));
  assert.equal((await sharp(clean, { animated: true }).metadata()).loop, 0);
});

test('a GIF with nothing to remove gives undefined; a truncated one throws', async () => {
  const dir = await tempDir();
  const file = path.join(dir, 'plain.gif');
  await gif(file, 3);
  const plain = await readFile(file);
  assert.equal(gifWithoutMetadata(plain), undefined);
  assert.throws(() => gifWithoutMetadata(plain.subarray(0, plain.length - 40)));
  assert.throws(() => gifWithoutMetadata(Buffer.from('not a gif at all')));
});

test('an animated WebP loses its EXIF chunk and the flag announcing it, frames untouched', async () => {
  const dir = await tempDir();
  const file = path.join(dir, 'a.webp');
  await animatedWebpWithGps(file, 32, 32, 3);
  const input = await readFile(file);
  const clean = webpWithoutMetadata(input);
  assert.ok(clean);
  assert.ok(!clean.includes('EXIF'));
  assert.equal(clean.readUInt32LE(4), clean.length - 8, 'the RIFF size is the new one');
  assert.equal(clean[20]! & 0x0c, 0, 'VP8X no longer announces EXIF or XMP');
  const meta = await sharp(clean, { animated: true }).metadata();
  assert.deepEqual([meta.pages, meta.exif], [3, undefined]);
  assert.equal(webpWithoutMetadata(clean), undefined);
  assert.throws(() => webpWithoutMetadata(clean.subarray(0, clean.length - 5)));
});

test('a PNG says whether it holds text or EXIF chunks, from their headers', async () => {
  const dir = await tempDir();
  await png(path.join(dir, 'plain.png'));
  await pngWithRawExifProfile(path.join(dir, 'profile.png'));
  assert.equal(await pngHasMetadataChunks(path.join(dir, 'plain.png')), false);
  assert.equal(await pngHasMetadataChunks(path.join(dir, 'profile.png')), true);
});
