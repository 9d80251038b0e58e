import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { tempDir } from '../helpers/app.ts';
import { ffmpeg, zip } from '../helpers/media.ts';
import { detectType } from '../../core/media/detect.ts';
import { MediaError } from '../../core/media/errors.ts';
import { sanitiseName } from '../../core/media/filename.ts';

let dir: string;
const f = (n: string) => path.join(dir, n);
const tone = ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=0.3'];
const pattern = ['-f', 'lavfi', '-i', 'testsrc=size=32x24:rate=5:duration=0.4'];

before(async () => {
  dir = await tempDir('kiosque-detect-');
  const img = () => sharp({ create: { width: 24, height: 16, channels: 3, background: '#a33' } });
  await img().avif().toFile(f('x.avif'));
  await img().tiff().toFile(f('x.tif'));
  await img().gif().toFile(f('x.gif'));
  await Promise.all([
    ffmpeg([...tone, '-c:a', 'libvorbis', f('x.ogg')]),
    ffmpeg([...tone, '-c:a', 'libopus', f('x.opus')]),
    ffmpeg([...tone, f('x.wav')]),
    ffmpeg([...tone, '-c:a', 'aac', f('x.m4a')]),
    ffmpeg([...pattern, '-c:v', 'libtheora', f('x.ogv')]),
    ffmpeg([...pattern, '-c:v', 'mpeg4', f('x.mov')]),
    ffmpeg([...pattern, ...tone, '-c:v', 'libx264', '-c:a', 'aac', '-shortest', f('x.mkv')]),
  ]);
  await writeFile(f('x.odt'), zip([['mimetype', 'application/vnd.oasis.opendocument.text'], ['content.xml', '<office:document-content/>']]));
  await writeFile(
    f('x.docx'),
    zip([
      ['[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'],
      ['word/document.xml', '<w:document/>'],
    ]),
  );
  await writeFile(f('x.zip'), zip([['readme.txt', 'hello']]));
  await writeFile(f('x.exe'), Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0)]));
  await writeFile(f('bidi.txt'), 'plain\n');
});

const cases: Array<[string, string, string]> = [
  ['x.avif', 'image', 'image/avif'],
  ['x.tif', 'image', 'image/tiff'],
  ['x.gif', 'image', 'image/gif'],
  ['x.ogg', 'audio', 'audio/ogg'],
  ['x.opus', 'audio', 'audio/ogg'],
  ['x.wav', 'audio', 'audio/wav'],
  ['x.m4a', 'audio', 'audio/mp4'],
  ['x.ogv', 'video', 'video/ogg'],
  ['x.mov', 'video', 'video/quicktime'],
  ['x.mkv', 'video', 'video/matroska'],
  ['x.odt', 'document', 'application/vnd.oasis.opendocument.text'],
  ['x.docx', 'document', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
];

test('each accepted format is recognised from its content, whatever its name', async () => {
  for (const [file, type, mime] of cases) {
    const found = await detectType(f(file), 'renamed.bin');
    assert.deepEqual([found.type, found.mime], [type, mime], file);
  }
});

test('archives and executables are refused', async () => {
  for (const file of ['x.zip', 'x.exe']) {
    await assert.rejects(detectType(f(file), 'photo.jpg'), (err: unknown) => err instanceof MediaError && err.code === 'type_not_allowed' && err.status === 415);
  }
});

test('sanitiseName drops paths, NUL, controls, bidi overrides and keeps at most 120 characters with the extension', () => {
  assert.equal(sanitiseName('../../etc/passwd'), 'passwd');
  assert.equal(sanitiseName('C:\\Users\\x\\photo.jpg'), 'photo.jpg');
  assert.equal(sanitiseName('a\u0000b\u0007c\u202Egpj.exe'), 'abcgpj.exe');
  assert.equal(sanitiseName('\u200B..'), 'file');
  assert.equal(sanitiseName('Ã©tÃ©.jpg'), 'été.jpg', 'latin1-decoded UTF-8 is recovered');
  const long = sanitiseName(`${'é'.repeat(300)}.jpeg`);
  assert.equal([...long].length, 120);
  assert.ok(long.endsWith('.jpeg'));
});
