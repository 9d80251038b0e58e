import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import request from 'supertest';
import sharp, { type Sharp } from 'sharp';
import { shootingOf, shootingView } from '../../core/media/shooting.ts';
import { appWithUploads, tempDir, tokenOf } from '../helpers/app.ts';
import { binary, png } from '../helpers/media.ts';
import { settingsFormValues } from '../helpers/settings-form.ts';

type Exif = NonNullable<Parameters<Sharp['withExif']>[0]>;

/** A real JPEG whose EXIF sharp writes: the camera's, and where it was (which must never come out). */
const photo = (exif: Exif) =>
  sharp({ create: { width: 120, height: 80, channels: 3, background: '#336699' } })
    .jpeg()
    .withExif(exif)
    .toBuffer();
const CANON: Exif = {
  IFD0: { Make: 'Canon', Model: 'Canon EOS R5', Artist: 'Jeanne Martin', Copyright: 'Jeanne Martin' },
  IFD2: { ExposureTime: '1/250', FNumber: '28/10', ISOSpeedRatings: '200', FocalLength: '35/1', DateTimeOriginal: '2026:07:14 18:05:09', LensModel: 'RF24-70mm F2.8 L IS USM', BodySerialNumber: '012345678' },
  IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '2/1 21/1 0/1' },
};
const exifOf = async (jpeg: Buffer) => (await sharp(jpeg).metadata()).exif;

test('a photo\'s EXIF gives its camera, lens, exposure and time taken, and nothing of where or whose', async () => {
  const shooting = shootingOf(await exifOf(await photo(CANON)));
  assert.deepEqual(shooting, { camera: 'Canon EOS R5', lens: 'RF24-70mm F2.8 L IS USM', focalLength: 35, fNumber: 2.8, exposureTime: 0.004, iso: 200, takenAt: '2026-07-14T18:05:09' });
  assert.doesNotMatch(JSON.stringify(shooting), /Jeanne|012345678|48|GPS/);
});

test('the camera is named once whatever the maker writes, texts are cleaned, impossible numbers and a broken block left out', async () => {
  const camera = async (Make: string, Model: string) => shootingOf(await exifOf(await photo({ IFD0: { Make, Model } })))?.camera;
  assert.equal(await camera('NIKON CORPORATION', 'NIKON D750'), 'NIKON D750');
  assert.equal(await camera('Apple', 'iPhone 13'), 'Apple iPhone 13');
  assert.equal(await camera('FUJIFILM', 'X-T4'), 'FUJIFILM X-T4');
  const odd = shootingOf(await exifOf(await photo({ IFD0: { Make: '  ', Model: `Zorki\t 4${'\u0007'}` }, IFD2: { FNumber: '0/1', ExposureTime: '-1/10', ISOSpeedRatings: '0' } })));
  assert.deepEqual(odd, { camera: 'Zorki 4' });
  assert.equal(shootingOf(Buffer.from('Exif\0\0not a TIFF header at all')), undefined, 'a broken block is no error, and no details');
  assert.equal(shootingOf(undefined), undefined);
  assert.equal(shootingOf(await exifOf(await photo({ IFD0: { Copyright: 'x' } }))), undefined, 'nothing of the shooting: no details');
});

test('the details read in the page\'s language: exposure as photographers write it, the camera\'s own time', () => {
  const s = { camera: 'Canon EOS R5', exposureTime: 1 / 8000, fNumber: 2.8, iso: 12800, focalLength: 35.5, takenAt: '2026-07-14T18:05:09' };
  assert.deepEqual(shootingView(s, 'en'), { camera: 'Canon EOS R5', lens: undefined, exposure: '1/8000\u00a0s · f/2.8 · ISO\u00a012800 · 35.5\u00a0mm', takenAt: '14 July 2026 at 18:05' });
  assert.deepEqual(shootingView(s, 'fr'), { camera: 'Canon EOS R5', lens: undefined, exposure: '1/8000\u00a0s · f/2,8 · ISO\u00a012800 · 35,5\u00a0mm', takenAt: '14 juillet 2026 à 18:05' });
  assert.equal(shootingView({ exposureTime: 2.5 }, 'fr')?.exposure, '2,5\u00a0s', 'a long exposure in seconds');
  assert.equal(shootingView(undefined, 'en'), undefined);
});

let site: Awaited<ReturnType<typeof appWithUploads>>;
let dir: string;
before(async () => {
  dir = await tempDir('kiosque-shooting-');
  await sharp(await photo(CANON)).keepExif().toFile(path.join(dir, 'canon.jpg'));
  await png(path.join(dir, 'plain.png'), 40, 30);
  site = await appWithUploads(dir);
});
after(() => site.t.close());

const details = (html: string) => Object.fromEntries([...html.matchAll(/<dt>([^<]+)<\/dt><dd>([^<]*)<\/dd>/g)].map((m) => [m[1], m[2]]));

test('a photo\'s page lists how it was taken, in the visitor\'s language; the file served keeps none of it; the display page can hide it, from the API too', async () => {
  const m = await site.upload('canon.jpg');
  const page = await request(site.t.app).get(`/media/${m.id}/${m.slug}`).set('Accept', 'text/html').set('Accept-Language', 'en').expect(200);
  const en = details(page.text);
  assert.equal(en.Camera, 'Canon EOS R5');
  assert.equal(en.Lens, 'RF24-70mm F2.8 L IS USM');
  assert.equal(en.Exposure, '1/250\u00a0s · f/2.8 · ISO\u00a0200 · 35\u00a0mm');
  assert.equal(en.Taken, '14 July 2026 at 18:05');
  const fr = details((await request(site.t.app).get(`/media/${m.id}/${m.slug}`).set('Accept', 'text/html').set('Accept-Language', 'fr').expect(200)).text);
  assert.equal(fr['Prise de vue'], '14 juillet 2026 à 18:05');
  assert.equal(fr.Exposition, '1/250\u00a0s · f/2,8 · ISO\u00a0200 · 35\u00a0mm');

  const served = await request(site.t.app).get(`/files/${m.id}/original`).buffer(true).parse(binary).expect(200);
  assert.equal(shootingOf((await sharp(served.body as Buffer).metadata()).exif), undefined, 'the original served has lost its EXIF (its orientation aside)');
  assert.equal((await request(site.t.app).get(`/api/v1/media/${m.id}`).expect(200)).body.meta.shooting.camera, 'Canon EOS R5');

  const form = { ...settingsFormValues((await site.agent.get('/admin/config/media').set('Accept', 'text/html').expect(200)).text) };
  assert.equal(form.showShooting, 'on', 'shown by default');
  delete form.showShooting;
  const saved = await site.agent.post('/admin/config/media').type('form').set('Accept', 'text/html').send({ ...form, _csrf: await tokenOf(site.agent, '/admin/config/media') });
  assert.equal(saved.status, 303, saved.text);
  const hidden = await request(site.t.app).get(`/media/${m.id}/${m.slug}`).set('Accept', 'text/html').expect(200);
  assert.doesNotMatch(hidden.text, /Canon|<dt>Camera|<dt>Taken/);
  const api = await request(site.t.app).get(`/api/v1/media/${m.id}`).expect(200);
  assert.equal(api.body.meta.shooting, undefined, 'visitors get from the API what the page shows');
  assert.equal(api.body.meta.width, 120);
  assert.equal((await site.agent.get(`/api/v1/media/${m.id}`).expect(200)).body.meta.shooting.camera, 'Canon EOS R5', 'whoever may edit it keeps it');
});

test('a picture without EXIF has no such details', async () => {
  const m = await site.upload('plain.png');
  const page = await request(site.t.app).get(`/media/${m.id}/${m.slug}`).set('Accept', 'text/html').expect(200);
  assert.doesNotMatch(page.text, /<dt>(Camera|Lens|Exposure|Taken)<\/dt>/);
  assert.equal((await site.t.store.media.get(m.id))!.meta.shooting, undefined);
});
