import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import sharp from 'sharp';
import { makeApp, addUser, signIn, tokenOf, tempDir, type TestApp } from '../helpers/app.ts';
import { animatedWebpWithGps, binary, exifHasGps, filesUnder, gif, gifWithXmp, jpegWithGps, png, pngBomb, pngWithRawExifProfile, tiffWithGps, webp } from '../helpers/media.ts';

let t: TestApp;
let dir: string;
let admin: ReturnType<typeof request.agent>;
let adminToken: string;
const f = (name: string) => path.join(dir, name);

before(async () => {
  t = await makeApp({ overrides: { media: { maxUploadMB: 1, processingConcurrency: 1, ffmpegPath: '', ffprobePath: '' } } });
  dir = await tempDir('kiosque-media-files-');
  await addUser(t, 'alice', 'admin');
  await addUser(t, 'mia', 'member');
  admin = await signIn(t, 'alice');
  adminToken = await tokenOf(admin);
  await jpegWithGps(f('photo.jpg'));
  await png(f('alpha.png'));
  await webp(f('pic.webp'));
  await gif(f('anim.gif'), 5);
  await sharp({ create: { width: 64, height: 48, channels: 3, background: '#393' } }).avif().toFile(f('pic.avif'));
  await sharp({ create: { width: 64, height: 48, channels: 3, background: '#939' } }).tiff().toFile(f('pic.tif'));
  await gif(f('long.gif'), 2000, 2, 2);
  await pngBomb(f('bomb.png'));
  await animatedWebpWithGps(f('huge-anim.webp'), 4000, 4000, 70);
  await writeFile(f('page.jpg'), '<!doctype html><html><body><script>alert(1)</script></body></html>');
  await writeFile(f('image.svg'), '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
  await writeFile(f('notes.txt'), 'Des notes en français : « médias ».\n');
  await writeFile(f('notes.jpg'), 'Just some text pretending to be a photo.\n');
  await writeFile(f('empty.jpg'), '');
  await writeFile(f('big.bin'), Buffer.alloc(1024 * 1024 + 10, 1));
  await writeFile(f('archive.jpg'), Buffer.concat([Buffer.from('PK\x03\x04', 'binary'), Buffer.alloc(200, 0)]));
  await writeFile(f('doc.pdf'), '%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
  const full = await sharp(f('photo.jpg')).toBuffer();
  await writeFile(f('truncated.jpg'), full.subarray(0, Math.floor(full.length / 2)));
});
after(async () => {
  await t.close();
});

/** Temp folders are removed when the response closes, just after the client got it: wait a moment for that. */
async function snapshot() {
  for (let i = 0; i < 50 && (await filesUnder(path.join(t.dataDir, 'tmp'))).length; i++) await new Promise((r) => setTimeout(r, 20));
  return { count: await t.store.media.count(), files: await filesUnder(path.join(t.dataDir, 'files')), tmp: await filesUnder(path.join(t.dataDir, 'tmp')) };
}

function post(agent = admin, token = adminToken) {
  return agent.post('/api/v1/media').set('X-CSRF-Token', token).set('Accept', 'application/json');
}

test('an editor uploads a JPEG through the API: 201, derivatives within their boxes, no GPS anywhere, rotated by EXIF, the original not re-encoded', async () => {
  const input = await sharp(f('photo.jpg')).metadata();
  assert.ok(exifHasGps(input.exif) && input.orientation === 6, 'the fixture has GPS and orientation 6');
  const res = await post().field('title', 'Le marché').field('status', 'published').attach('file', f('photo.jpg'), 'marché.jpg');
  assert.equal(res.status, 201, res.text);
  const m = res.body;
  assert.match(m.id, /^\d+$/);
  assert.equal(m.type, 'image');
  assert.equal(m.title, 'Le marché');
  assert.equal(m.original.name, 'marché.jpg');
  assert.equal(m.original.mime, 'image/jpeg');
  // Orientation 6: 1200×900 stored sideways, displayed 900×1200.
  assert.equal(m.original.width, 900);
  assert.equal(m.original.height, 1200);
  for (const [name, box] of [['thumb', 320], ['medium', 800], ['large', 1600]] as const) {
    const served = await request(t.app).get(`/files/${m.id}/${name}`).buffer(true).parse(binary);
    assert.equal(served.status, 200);
    assert.equal(served.headers['content-type'], 'image/jpeg');
    const meta = await sharp(served.body as Buffer).metadata();
    assert.ok(Math.max(meta.width!, meta.height!) <= box, `${name} fits ${box}`);
    assert.ok(meta.height! > meta.width!, `${name} is portrait (auto-rotated)`);
    if (box >= 1200) assert.deepEqual([meta.width, meta.height], [900, 1200], 'never upscaled');
    assert.equal(meta.exif, undefined, `${name} has no EXIF`);
  }
  const original = await request(t.app).get(`/files/${m.id}/original`).buffer(true).parse(binary);
  const om = await sharp(original.body as Buffer).metadata();
  assert.ok(!exifHasGps(om.exif), 'the served original has no GPS');
  assert.ok(!(original.body as Buffer).includes('KiosqueCam'), 'nor the camera');
  assert.equal(om.orientation, 6, 'its orientation alone is kept, so it shows upright');
  // Its pixels were not re-encoded: they decode to exactly the uploaded file's.
  const [sent, kept] = await Promise.all([await readFile(f('photo.jpg')), original.body as Buffer].map((b) => sharp(b).raw().toBuffer()));
  assert.ok(sent!.equals(kept!), 'the same compressed pixels');
  const stored = await t.store.media.get(m.id);
  assert.equal(stored?.authorId, (await t.store.users.getByUsername('alice'))?.id);
});

test('with location stripping turned off, the original is served byte for byte (GPS kept), derivatives still carry no metadata', async () => {
  await t.store.settings.set('media', { stripLocation: false });
  try {
    const res = await post().field('status', 'published').attach('file', f('photo.jpg'));
    assert.equal(res.status, 201, res.text);
    const original = await request(t.app).get(`/files/${res.body.id}/original`).buffer(true).parse(binary);
    assert.deepEqual(original.body, await readFile(f('photo.jpg')));
    assert.ok(exifHasGps((await sharp(original.body as Buffer).metadata()).exif));
    const thumb = await request(t.app).get(`/files/${res.body.id}/thumb`).buffer(true).parse(binary);
    assert.equal((await sharp(thumb.body as Buffer).metadata()).exif, undefined);
  } finally {
    await t.store.settings.set('media', {});
  }
});

test('location that sharp does not see is removed from the served original too: a TIFF\'s GPS directory, a PNG\'s ImageMagick EXIF profile, a GIF\'s XMP; a GIF without any is kept as it came', async () => {
  await tiffWithGps(f('scan.tif'));
  await pngWithRawExifProfile(f('converted.png'));
  await gifWithXmp(f('xmp.gif'), 5);
  for (const [file, hasPlace] of [
    ['scan.tif', (b: Buffer) => b.includes(Buffer.from([0x25, 0x88]))],
    ['converted.png', (b: Buffer) => b.includes(Buffer.from('Raw profile type exif')) || b.includes(Buffer.from('zTXt'))],
    ['xmp.gif', (b: Buffer) => b.includes(Buffer.from('XMP DataXMP')) || b.includes(Buffer.from('GPSLatitude'))],
  ] as const) {
    const input = await readFile(f(file));
    assert.ok(hasPlace(input), `the fixture ${file} names a place`);
    const res = await post().field('status', 'published').attach('file', f(file));
    assert.equal(res.status, 201, res.text);
    const original = await request(t.app).get(`/files/${res.body.id}/original`).buffer(true).parse(binary);
    assert.equal(original.status, 200);
    const served = original.body as Buffer;
    assert.ok(!hasPlace(served), `the served ${file} names no place`);
    const [before, after] = await Promise.all([input, served].map((b) => sharp(b, { animated: true }).raw().toBuffer()));
    assert.ok(before!.equals(after!), `${file}: the same pixels, every frame`);
    assert.equal((await t.store.media.get(res.body.id))?.meta.metadataStripped, true);
  }
  // A GIF with nothing to remove is kept as it came.
  const plain = await post().field('status', 'published').attach('file', f('anim.gif'));
  const served = (await request(t.app).get(`/files/${plain.body.id}/original`).buffer(true).parse(binary)).body as Buffer;
  assert.deepEqual(served, await readFile(f('anim.gif')));
  assert.equal((await t.store.media.get(plain.body.id))?.meta.metadataStripped, undefined);
});

test('an animated WebP loses its EXIF (GPS) without its frames being decoded or re-encoded', async () => {
  await animatedWebpWithGps(f('anim-gps.webp'), 64, 48, 5);
  const input = await readFile(f('anim-gps.webp'));
  const firstFrame = input.subarray(input.indexOf('ANMF'), input.indexOf('ANMF', input.indexOf('ANMF') + 4));
  const res = await post().field('status', 'published').attach('file', f('anim-gps.webp'));
  assert.equal(res.status, 201, res.text);
  const served = (await request(t.app).get(`/files/${res.body.id}/original`).buffer(true).parse(binary)).body as Buffer;
  const meta = await sharp(served, { animated: true }).metadata();
  assert.equal(meta.exif, undefined, 'no EXIF');
  assert.equal(meta.pages, 5, 'still animated');
  assert.ok(served.includes(firstFrame), 'the frames are the uploaded ones, byte for byte');
});

test('a still WebP loses its EXIF (GPS) without being re-encoded', async () => {
  await sharp({ create: { width: 64, height: 48, channels: 3, background: '#a05020' } })
    .withExif({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1' } })
    .webp({ quality: 60 })
    .toFile(f('still-gps.webp'));
  const input = await readFile(f('still-gps.webp'));
  assert.ok(exifHasGps((await sharp(input).metadata()).exif), 'the fixture has GPS');
  const res = await post().field('status', 'published').attach('file', f('still-gps.webp'));
  assert.equal(res.status, 201, res.text);
  const served = (await request(t.app).get(`/files/${res.body.id}/original`).buffer(true).parse(binary)).body as Buffer;
  assert.equal((await sharp(served).metadata()).exif, undefined, 'no EXIF');
  const at = input.indexOf('VP8 ');
  const picture = input.subarray(at, at + 8 + input.readUInt32LE(at + 4));
  assert.ok(served.includes(picture), 'the compressed picture is the uploaded one, byte for byte');
});

test('the admin form takes several files at once (PNG with alpha, WebP, animated GIF, AVIF, TIFF, text, PDF)', async () => {
  const before = await t.store.media.count();
  const res = await admin
    .post('/admin/media')
    .field('_csrf', adminToken)
    .field('status', 'draft')
    .attach('file', f('alpha.png'))
    .attach('file', f('pic.webp'))
    .attach('file', f('anim.gif'))
    .attach('file', f('notes.txt'))
    .attach('file', f('doc.pdf'))
    .attach('file', f('pic.avif'))
    .attach('file', f('pic.tif'));
  assert.equal(res.status, 303, res.text);
  assert.equal(await t.store.media.count(), before + 7);
  const list = await admin.get('/admin/media').set('Accept', 'text/html');
  assert.match(list.text, /alpha/);
  const all = await t.store.media.list();
  const byName = (n: string) => all.find((m) => m.original.name === n)!;
  assert.equal(byName('alpha.png').variants.thumb?.mime, 'image/png', 'transparency kept in PNG derivatives');
  assert.equal(byName('anim.gif').meta.frames, 5);
  assert.equal(byName('notes.txt').original.mime, 'text/plain');
  assert.equal(byName('doc.pdf').type, 'document');
  for (const n of ['pic.avif', 'pic.tif']) assert.deepEqual([byName(n).type, byName(n).variants.thumb?.width, byName(n).variants.large?.width], ['image', 64, 64], n);
  assert.deepEqual((await snapshot()).tmp, []);
});

const bad: Array<[string, string, string, number, string]> = [
  ['HTML named .jpg', 'page.jpg', 'page.jpg', 415, 'markup_refused'],
  ['SVG', 'image.svg', 'image.svg', 415, 'svg_refused'],
  ['ZIP named .jpg', 'archive.jpg', 'photo.jpg', 415, 'type_not_allowed'],
  ['text named .jpg', 'notes.jpg', 'notes.jpg', 415, 'text_misnamed'],
  ['empty file', 'empty.jpg', 'empty.jpg', 400, 'empty'],
  ['truncated JPEG', 'truncated.jpg', 'truncated.jpg', 400, 'corrupt'],
  ['PNG claiming 14000×14000', 'bomb.png', 'bomb.png', 422, 'too_many_pixels'],
  ['GIF of 2000 frames', 'long.gif', 'long.gif', 422, 'too_many_frames'],
  ['animated WebP of 70 frames of 4000×4000 (1.1 gigapixels in a few kilobytes)', 'huge-anim.webp', 'huge-anim.webp', 422, 'too_many_pixels_total'],
  ['file over the limit', 'big.bin', 'big.jpg', 413, 'too_large'],
];

for (const [what, file, name, status, code] of bad) {
  test(`refused with ${status} ${code}, nothing kept: ${what}`, async () => {
    const before = await snapshot();
    const started = Date.now();
    const res = await post().set('Accept-Language', 'fr').attach('file', f(file), name);
    assert.equal(res.status, status, res.text);
    assert.equal(res.body.error.code, code);
    assert.equal(res.body.error.field, 'file');
    assert.ok(res.body.error.message.length > 10);
    assert.doesNotMatch(res.body.error.message, /^media\./, 'a translated message');
    if (code.startsWith('too_many_pixels')) assert.ok(Date.now() - started < 2000, 'refused fast');
    assert.deepEqual(await snapshot(), before);
  });
}

test('a body announced larger than the limit is refused from Content-Length, before reading it', async () => {
  const before = await snapshot();
  await writeFile(f('huge.bin'), Buffer.alloc(3 * 1024 * 1024, 2));
  const res = await post().attach('file', f('huge.bin'), 'huge.jpg').catch((err: { code?: string; response?: request.Response }) => err.response ?? err);
  assert.equal((res as request.Response).status, 413, String((res as { code?: string }).code));
  assert.equal((res as request.Response).body.error.code, 'too_large');
  assert.deepEqual(await snapshot(), before);
});

test('errors are in the visitor language', async () => {
  const en = await post().set('Accept-Language', 'en').attach('file', f('image.svg'));
  const fr = await post().set('Accept-Language', 'fr').attach('file', f('image.svg'));
  assert.match(en.body.error.message, /SVG images are not accepted/);
  assert.match(fr.body.error.message, /Les images SVG ne sont pas acceptées/);
});

test('too many files: one in the API, at most 20 in the admin form', async () => {
  const before = await snapshot();
  const two = await post().attach('file', f('pic.webp')).attach('file', f('alpha.png'));
  assert.equal(two.status, 400);
  assert.equal(two.body.error.code, 'too_many_files');
  assert.match(two.body.error.message, /at most 1 per upload/);
  // The message names the limit, in the visitor's language.
  for (const [lang, limit] of [['en', /Too many files were sent at once: at most 20 per upload\./], ['fr', /Trop de fichiers envoyés à la fois\u00a0: au plus 20 par envoi\./]] as const) {
    let req = admin.post('/admin/media').field('_csrf', adminToken);
    for (let i = 0; i < 21; i++) req = req.attach('file', f('notes.txt'), `n${i}.txt`);
    const many = await req.set('Accept', 'text/html').set('Accept-Language', lang);
    assert.equal(many.status, 400);
    assert.match(many.text, limit);
  }
  assert.deepEqual(await snapshot(), before);
});

test('after a partly refused upload, the form comes back with the chosen status and sector; the accepted files were added with them', async () => {
  const sector = await t.store.sectors.create({ slug: 'recifs', title: 'Récifs', description: '', order: 1, visible: true, display: 'grid', defaultSort: 'date' });
  await t.store.sectors.create({ slug: 'zz-autre', title: 'Autre', description: '', order: 2, visible: true, display: 'grid', defaultSort: 'date' });
  const uploadForm = (html: string) => /<form method="post" action="\/admin\/media" enctype="multipart\/form-data"[\s\S]*?<\/form>/.exec(html)![0];
  const selected = (form: string, id: string) => [...(new RegExp(`<select id="${id}"[\\s\\S]*?</select>`).exec(form)![0].matchAll(/<option value="([^"]*)" selected>/g))].map((m) => m[1]);
  // A fresh form selects nothing: the browser shows the first choices.
  const fresh = uploadForm((await admin.get('/admin/media').set('Accept', 'text/html')).text);
  assert.deepEqual([selected(fresh, 'media-status'), selected(fresh, 'media-sector')], [[], []]);
  const res = await admin.post('/admin/media').set('Accept', 'text/html').field('_csrf', adminToken).field('status', 'published').field('sector', 'recifs').attach('file', f('pic.webp'), 'corail.webp').attach('file', f('image.svg'));
  assert.equal(res.status, 415);
  assert.match(res.text, /image.svg: SVG images are not accepted/);
  const form = uploadForm(res.text);
  assert.deepEqual(selected(form, 'media-status'), ['published']);
  assert.deepEqual(selected(form, 'media-sector'), ['recifs']);
  const added = (await t.store.media.list()).find((m) => m.original.name === 'corail.webp')!;
  assert.deepEqual([added.status, added.sectorId], ['published', sector.id]);
  // A refusal of the whole upload (too many files) keeps them too; a sector that does not exist selects nothing.
  let many = admin.post('/admin/media').set('Accept', 'text/html').field('_csrf', adminToken).field('status', 'published').field('sector', 'recifs');
  for (let i = 0; i < 21; i++) many = many.attach('file', f('notes.txt'), `n${i}.txt`);
  const tooMany = uploadForm((await many.expect(400)).text);
  assert.deepEqual([selected(tooMany, 'media-status'), selected(tooMany, 'media-sector')], [['published'], ['recifs']]);
  const unknown = await admin.post('/admin/media').set('Accept', 'text/html').field('_csrf', adminToken).field('status', 'draft').field('sector', '"><script>x</script>').attach('file', f('pic.webp'));
  assert.equal(unknown.status, 400);
  assert.doesNotMatch(unknown.text, /<script>x/);
  assert.deepEqual([selected(uploadForm(unknown.text), 'media-status'), selected(uploadForm(unknown.text), 'media-sector')], [['draft'], []]);
  // Both fields wrong: both are named, and nothing is stored.
  const count = await t.store.media.count();
  const both = await admin.post('/admin/media').set('Accept', 'text/html').field('_csrf', adminToken).field('status', 'secret').field('sector', 'nowhere').attach('file', f('pic.webp'));
  assert.equal(both.status, 400);
  // Each beside its field, a summary at the top linking to the first.
  assert.match(both.text, /<p class="error" role="alert"><a href="#media-status">Some fields need correcting \(2\)\. Nothing was saved\.<\/a><\/p>/);
  assert.match(both.text, /<select id="media-status" name="status" aria-invalid="true" aria-describedby="media-status-error">/);
  assert.match(both.text, /<p class="field-error" id="media-status-error">The status is draft or published\.<\/p>/);
  assert.match(both.text, /<select id="media-sector" name="sector" aria-invalid="true" aria-describedby="media-sector-error">/);
  assert.match(both.text, /<p class="field-error" id="media-sector-error">There is no sector “nowhere”\.<\/p>/);
  assert.equal(await t.store.media.count(), count);
  // No file at all: said beside the file field.
  const none = await admin.post('/admin/media').set('Accept', 'text/html').field('_csrf', adminToken).field('status', 'draft');
  assert.equal(none.status, 400);
  assert.match(none.text, /<input id="media-files" name="file" type="file" multiple required aria-invalid="true" aria-describedby="media-files-error">/);
  assert.match(none.text, /<p class="field-error" id="media-files-error">Choose a file to send\.<\/p>/);
});

test('hostile file names are kept only as sanitised metadata', async () => {
  const check = (res: request.Response) => {
    assert.equal(res.status, 201, res.text);
    const stored = res.body.original.name as string;
    assert.doesNotMatch(stored, /[/\\\p{Cc}\p{Cf}]/u);
    assert.ok(stored.length <= 120);
    assert.ok(stored.endsWith('.txt'));
    return stored;
  };
  for (const name of ['../../etc/passwd.txt', '..\\..\\boot.ini.txt', 'evil\u202Etxt.exe.txt', `${'x'.repeat(300)}.txt`]) {
    const res = await post().attach('file', f('notes.txt'), name);
    check(res);
    const m = await t.store.media.get(res.body.id);
    assert.match(m!.original.file, /^[0-9a-f]{2}\/[0-9a-f]{20}\/original\.txt$/, 'named by the server');
  }
  // NUL and control characters travel percent-encoded (RFC 5987 filename*).
  const boundary = 'kiosqueBoundary';
  const body = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''a%00b%07c%1B%5B31m.txt\r\nContent-Type: text/plain\r\n\r\nhello\r\n--${boundary}--\r\n`,
  );
  const res = await post().set('Content-Type', `multipart/form-data; boundary=${boundary}`).send(body);
  assert.equal(check(res), 'abc[31m.txt');
});

test('a raw control character in a file name (as a browser sends it) gets a message saying so, and nothing is stored', async () => {
  const before = await snapshot();
  const boundary = 'kiosqueBoundary';
  const body = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="ctrl\x07name.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--${boundary}--\r\n`, 'latin1');
  for (const lang of ['en', 'fr'] as const) {
    const res = await post().set('Accept-Language', lang).set('Content-Type', `multipart/form-data; boundary=${boundary}`).send(body);
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'bad_file_name');
    assert.match(res.body.error.message, lang === 'en' ? /name/ : /nom/);
  }
  assert.deepEqual(await snapshot(), before);
});

test('multipart without a CSRF token is refused before anything is stored; visitors and members cannot upload', async () => {
  const before = await snapshot();
  const noToken = await admin.post('/api/v1/media').attach('file', f('pic.webp'));
  assert.equal(noToken.status, 403);
  const form = await admin.post('/admin/media').field('_csrf', 'forged').attach('file', f('pic.webp'));
  assert.equal(form.status, 403);
  const anon = await request(t.app).post('/api/v1/media').attach('file', f('pic.webp'));
  assert.equal(anon.status, 401);
  const member = await signIn(t, 'mia');
  const memberRes = await member.post('/api/v1/media').set('X-CSRF-Token', await tokenOf(member)).attach('file', f('pic.webp'));
  assert.equal(memberRes.status, 403);
  assert.deepEqual(await snapshot(), before);
});

test('a client that aborts mid-upload leaves no temp file and the server keeps serving', async () => {
  const before = await snapshot();
  const http = await import('node:http');
  const server = http.createServer(t.app).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as { port: number };
  const cookie = (await admin.get('/').set('Accept', 'text/html')).request.getHeader('Cookie') as string | undefined;
  await new Promise<void>((resolve) => {
    const boundary = 'XkiosqueX';
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/media', headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': 900_000, 'X-CSRF-Token': adminToken, Cookie: cookie ?? '' } });
    req.on('error', () => resolve());
    req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`);
    req.write(Buffer.alloc(300_000, 7));
    setTimeout(() => {
      req.destroy();
      resolve();
    }, 200);
  });
  server.close();
  assert.deepEqual(await snapshot(), before);
  const ok = await post().attach('file', f('pic.webp'));
  assert.equal(ok.status, 201);
});

test('a file already in the library is uploaded all the same, and the notice names the media that held it, in both languages', async () => {
  await writeFile(f('twice.txt'), `Deux fois ${Date.now()}\n`);
  const first = await admin.post('/admin/media').field('_csrf', adminToken).attach('file', f('twice.txt'), 'premier.txt');
  assert.equal(first.status, 303);
  assert.doesNotMatch(first.headers.location!, /earlier=/, 'nothing earlier the first time');
  const earlier = (await t.store.media.list()).find((m) => m.original.name === 'premier.txt')!;
  await t.store.media.update(earlier.id, { title: 'Le <premier>' });
  await writeFile(f('unique.txt'), `Une seule fois ${Date.now()}\n`);
  const again = await admin.post('/admin/media').field('_csrf', adminToken).attach('file', f('twice.txt'), 'second.txt').attach('file', f('unique.txt'));
  assert.equal(again.status, 303);
  assert.match(again.headers.location!, new RegExp(`earlier=${earlier.id}$`));
  assert.ok((await t.store.media.list()).some((m) => m.original.name === 'second.txt'), 'the copy was made');
  const en = await admin.get(again.headers.location!).set('Accept', 'text/html').set('Accept-Language', 'en').expect(200);
  assert.match(en.text, /A file of this upload was already in the library/);
  assert.match(en.text, new RegExp(`<li><a href="/admin/media/${earlier.id}">Le &lt;premier&gt;</a></li>`));
  const fr = await admin.get(`${again.headers.location!}&lang=fr`).set('Accept', 'text/html').expect(200);
  assert.match(fr.text, /Un fichier de cet envoi était déjà dans la médiathèque/);
  // The API says it too, naming the earlier media's id; a new content has no such field.
  const api = await post().attach('file', f('twice.txt'), 'troisieme.txt');
  assert.equal(api.status, 201);
  assert.ok([earlier.id].concat((await t.store.media.list()).filter((m) => m.original.name === 'second.txt').map((m) => m.id)).includes(api.body.sameContentAs));
  await writeFile(f('fresh.txt'), `Neuf ${Date.now()}\n`);
  assert.equal((await post().attach('file', f('fresh.txt'))).body.sameContentAs, undefined);
  // Ids from the address bar are looked up: nothing made up shows.
  const forged = await admin.get('/admin/media?done=uploaded&n=1&earlier=999999,abc').set('Accept', 'text/html').expect(200);
  assert.doesNotMatch(forged.text, /already in the library/);
});
