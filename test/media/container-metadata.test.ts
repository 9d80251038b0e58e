import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { tempDir } from '../helpers/app.ts';
import { animatedWebpWithGps, exifHasGps, gif, gifWithXmp, jpegWithGps, png, pngWithRawExifProfile } from '../helpers/media.ts';
import { gifWithoutMetadata, jpegWithoutMetadata, pngHasMetadataChunks, webpWithoutMetadata } from '../../core/media/container-metadata.ts';

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

/** A JPEG segment: marker, length, payload. */
function segment(marker: number, payload: Buffer): Buffer {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

test('a JPEG loses EXIF, XMP, IPTC, comments and what follows its end, its compressed pixels and ICC profile untouched; the orientation alone is written back', async () => {
  const dir = await tempDir();
  const file = path.join(dir, 'photo.jpg');
  await jpegWithGps(file, 120, 90, 6);
  const camera = await sharp(await readFile(file)).withIccProfile('p3').keepExif().jpeg({ progressive: true }).toBuffer();
  // As cameras and editors add them: XMP with a place, a comment, Photoshop's IPTC, and a motion photo's video after the end.
  const xmp = segment(0xe1, Buffer.from('http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><exif:GPSLatitude>48,51.4N</exif:GPSLatitude></x:xmpmeta>', 'latin1'));
  const comment = segment(0xfe, Buffer.from('taken at 12 rue des Lilas', 'latin1'));
  const iptc = segment(0xed, Buffer.from('Photoshop 3.0\x008BIM\u0004\u0004 Paris', 'latin1'));
  const input = Buffer.concat([camera.subarray(0, 2), xmp, comment, iptc, camera.subarray(2), Buffer.from('ftypmp42 a video with its own GPS', 'latin1')]);
  const before = await sharp(input).metadata();
  assert.ok(exifHasGps(before.exif) && before.xmp && before.iptc && before.orientation === 6 && before.icc, 'the fixture carries it all');

  const clean = jpegWithoutMetadata(input, 6);
  const after = await sharp(clean).metadata();
  assert.ok(!exifHasGps(after.exif), 'no GPS');
  assert.equal(after.xmp, undefined);
  assert.equal(after.iptc, undefined);
  assert.equal(after.orientation, 6, 'still shown upright');
  assert.ok(after.icc && after.icc.equals(before.icc!), 'the colour profile stays');
  assert.equal(after.isProgressive, true);
  for (const gone of ['Lilas', 'Paris', 'ftypmp42', 'KiosqueCam', 'xmpmeta']) assert.ok(!clean.includes(gone), `no ${gone}`);
  assert.deepEqual(clean.subarray(-2), Buffer.from([0xff, 0xd9]), 'ends where the image ends');
  // Not re-encoded: the entropy-coded data is the input's, byte for byte, so the pixels are too.
  const scans = (b: Buffer) => b.subarray(b.indexOf(Buffer.from([0xff, 0xda])));
  assert.ok(scans(clean).equals(scans(input).subarray(0, scans(clean).length)));
  const [a, b] = await Promise.all([input, clean].map((buf) => sharp(buf).raw().toBuffer()));
  assert.ok(a!.equals(b!));

  // Upright already: no EXIF at all. Broken structure: an error, never a half-copied file.
  assert.equal((await sharp(jpegWithoutMetadata(input, 1)).metadata()).exif, undefined);
  assert.throws(() => jpegWithoutMetadata(input.subarray(0, 300)), /truncated JPEG/);
  assert.throws(() => jpegWithoutMetadata(Buffer.from('not a jpeg')), /not a JPEG/);
});
