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

test('segments that pass for kept ones keep only what they must hold: JFIF loses its thumbnail, JFXX goes, Adobe keeps its 12 bytes, text after an ICC profile sends the JPEG to re-encoding', async () => {
  const base = await sharp({ create: { width: 32, height: 24, channels: 3, background: '#c85028' } }).jpeg().toBuffer();
  const withSegments = (...segs: Buffer[]) => Buffer.concat([base.subarray(0, 2), ...segs, base.subarray(base.indexOf(Buffer.from([0xff, 0xdb])))]);
  const thumbnail = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).withExif({ IFD0: { Make: 'ThumbCam' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1' } }).jpeg().toBuffer();
  const jfifWithThumbnail = segment(0xe0, Buffer.concat([Buffer.from('JFIF\0\x01\x02\x01\0\x48\0\x48\x01\x01', 'latin1'), Buffer.from('RGB at rue des Lilas')]));
  const jfxx = segment(0xe0, Buffer.concat([Buffer.from('JFXX\0\x10', 'latin1'), thumbnail]));
  const adobe = segment(0xee, Buffer.from('Adobe\0\x64\0\0\0\0\x01 and Paris after it', 'latin1'));
  const clean = jpegWithoutMetadata(withSegments(jfifWithThumbnail, jfxx, adobe));
  for (const gone of ['Lilas', 'ThumbCam', 'JFXX', 'Paris']) assert.ok(!clean.includes(gone), `no ${gone}`);
  const jfif = clean.subarray(2, 2 + 18);
  assert.deepEqual([...jfif.subarray(0, 4)], [0xff, 0xe0, 0, 16], 'JFIF stays, its 14 bytes only');
  assert.deepEqual([...jfif.subarray(11, 16)], [0x01, 0, 0x48, 0, 0x48], 'its density kept');
  assert.deepEqual([...jfif.subarray(16, 18)], [0, 0], 'no thumbnail');
  assert.ok(clean.includes(Buffer.from('\xff\xee\0\x0eAdobe\0\x64\0\0\0\0\x01', 'latin1')), 'Adobe stays, its 12 bytes');
  const [a, b] = await Promise.all([base, clean].map((buf) => sharp(buf).raw().toBuffer()));
  assert.ok(a!.equals(b!));

  // XMP dressed as an ICC chunk, or text after the profile's declared end: not a profile to copy.
  const fake = segment(0xe2, Buffer.concat([Buffer.from('ICC_PROFILE\0\x01\x01', 'latin1'), Buffer.from('<x:xmpmeta>GPSLatitude</x:xmpmeta>')]));
  assert.throws(() => jpegWithoutMetadata(withSegments(fake)), /ICC/);
  const icc = (await sharp(await sharp(base).withIccProfile('p3').jpeg().toBuffer()).metadata()).icc!;
  const tail = segment(0xe2, Buffer.concat([Buffer.from('ICC_PROFILE\0\x01\x01', 'latin1'), icc, Buffer.from('GPSLatitude 48.85')]));
  assert.throws(() => jpegWithoutMetadata(withSegments(tail)), /ICC/);
  // A marker no decoder needs, whatever it holds: refused rather than copied.
  assert.throws(() => jpegWithoutMetadata(withSegments(segment(0xf0, Buffer.from('GPSLatitude 48.85')))), /unexpected JPEG marker/);
});

test('an ICC profile split over several APP2 segments comes out whole and in its order, even from chunks stored out of order', async () => {
  const base = await sharp({ create: { width: 32, height: 24, channels: 3, background: '#c85028' } }).jpeg().toBuffer();
  const icc = (await sharp(await sharp(base).withIccProfile('p3').jpeg().toBuffer()).metadata()).icc!;
  const chunk = (seq: number, data: Buffer) => segment(0xe2, Buffer.concat([Buffer.from('ICC_PROFILE\0', 'latin1'), Buffer.from([seq, 3]), data]));
  const third = Math.ceil(icc.length / 3);
  const [c1, c2, c3] = [0, 1, 2].map((i) => icc.subarray(i * third, (i + 1) * third));
  const input = Buffer.concat([base.subarray(0, 2), chunk(2, c2!), segment(0xfe, Buffer.from('between')), chunk(3, c3!), chunk(1, c1!), base.subarray(2)]);
  assert.ok((await sharp(input).metadata()).icc!.equals(icc), 'the fixture reads as that profile');
  const clean = jpegWithoutMetadata(input);
  const seqs = [...clean.toString('latin1').matchAll(/ICC_PROFILE\0([\s\S])/g)].map((m) => m[1]!.charCodeAt(0));
  assert.deepEqual(seqs, [1, 2, 3]);
  assert.ok((await sharp(clean).metadata()).icc!.equals(icc));
  assert.ok(!clean.includes('between'));
  // A chunk missing, or one twice: the profile cannot be trusted.
  assert.throws(() => jpegWithoutMetadata(Buffer.concat([base.subarray(0, 2), chunk(1, c1!), chunk(3, c3!), base.subarray(2)])), /ICC/);
  assert.throws(() => jpegWithoutMetadata(Buffer.concat([base.subarray(0, 2), chunk(1, c1!), chunk(1, c1!), chunk(2, c2!), chunk(3, c3!), base.subarray(2)])), /ICC/);
});
