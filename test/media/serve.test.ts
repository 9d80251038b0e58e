import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import sharp from 'sharp';
import { makeApp, addUser, signIn, tokenOf, tempDir, type TestApp } from '../helpers/app.ts';
import { binary, jpegWithGps, mp3 } from '../helpers/media.ts';

let t: TestApp;
let dir: string;
let published: string;
let draft: string;
let pdf: string;
let audio: string;
let editor: ReturnType<typeof request.agent>;


before(async () => {
  t = await makeApp();
  dir = await tempDir('kiosque-serve-');
  await addUser(t, 'eddie', 'editor');
  await addUser(t, 'mia', 'member');
  editor = await signIn(t, 'eddie');
  const token = await tokenOf(editor);
  await jpegWithGps(path.join(dir, 'p.jpg'), 1000, 600, 1);
  await writeFile(path.join(dir, 'd.pdf'), '%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
  await mp3(path.join(dir, 'a.mp3'));
  const up = async (file: string, status: string) => {
    const res = await editor.post('/api/v1/media').set('X-CSRF-Token', token).field('status', status).attach('file', path.join(dir, file));
    assert.equal(res.status, 201, res.text);
    return res.body.id as string;
  };
  published = await up('p.jpg', 'published');
  draft = await up('p.jpg', 'draft');
  pdf = await up('d.pdf', 'published');
  audio = await up('a.mp3', 'published');
  await t.app.kiosque.media.idle();
});
after(() => t.close());

test('files are served with their type, nosniff, a sandbox CSP, ETag and Last-Modified, and 304 on revalidation', async () => {
  const res = await request(t.app).get(`/files/${published}/medium`).buffer(true).parse(binary);
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'image/jpeg');
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
  assert.match(String(res.headers['content-security-policy']), /default-src 'none'.*sandbox/);
  assert.ok(res.headers.etag);
  assert.ok(res.headers['last-modified']);
  assert.equal(res.headers['content-disposition'], undefined, 'images display inline');
  assert.equal((await sharp(res.body as Buffer).metadata()).width, 800);
  const again = await request(t.app).get(`/files/${published}/medium`).set('If-None-Match', String(res.headers.etag));
  assert.equal(again.status, 304);
  const since = await request(t.app).get(`/files/${published}/medium`).set('If-Modified-Since', String(res.headers['last-modified']));
  assert.equal(since.status, 304);
});

test('WebP twins go to browsers that accept WebP, with Vary: Accept', async () => {
  const res = await request(t.app).get(`/files/${published}/thumb`).set('Accept', 'image/avif,image/webp,*/*').buffer(true).parse(binary);
  assert.equal(res.headers['content-type'], 'image/webp');
  assert.match(String(res.headers.vary), /Accept/);
  const meta = await sharp(res.body as Buffer).metadata();
  assert.equal(meta.format, 'webp');
  assert.deepEqual([meta.width, meta.height], [320, 192]);
});

test('Range requests answer 206 with the asked bytes (audio seeking)', async () => {
  const full = await request(t.app).get(`/files/${audio}/original`).buffer(true).parse(binary);
  assert.equal(full.headers['content-type'], 'audio/mpeg');
  assert.equal(full.headers['accept-ranges'], 'bytes');
  const part = await request(t.app).get(`/files/${audio}/original`).set('Range', 'bytes=100-199').buffer(true).parse(binary);
  assert.equal(part.status, 206);
  assert.equal(part.headers['content-range'], `bytes 100-199/${(full.body as Buffer).length}`);
  assert.deepEqual(part.body, (full.body as Buffer).subarray(100, 200));
  const bad = await request(t.app).get(`/files/${audio}/original`).set('Range', 'bytes=999999999-');
  assert.equal(bad.status, 416);
});

test('PDF is a download; ?download makes any file one', async () => {
  const res = await request(t.app).get(`/files/${pdf}/original`);
  assert.equal(res.headers['content-type'], 'application/pdf');
  assert.match(String(res.headers['content-disposition']), /^attachment; filename="?d\.pdf"?/);
  const img = await request(t.app).get(`/files/${published}/original?download`);
  assert.match(String(img.headers['content-disposition']), /^attachment; filename="?p\.jpg"?/);
});

test('drafts: 404 to visitors and members, served to editors', async () => {
  assert.equal((await request(t.app).get(`/files/${draft}/thumb`)).status, 404);
  assert.equal((await request(t.app).get(`/media/${draft}`).set('Accept', 'text/html')).status, 404);
  const member = await signIn(t, 'mia');
  assert.equal((await member.get(`/files/${draft}/original`)).status, 404);
  const mine = await editor.get(`/files/${draft}/original`);
  assert.equal(mine.status, 200);
  assert.match(String(mine.headers['cache-control']), /private/);
  assert.equal(mine.headers['cross-origin-resource-policy'], 'same-origin', 'a private answer stays on this site');
});

test('published files may be shown by other sites (feed readers), private ones may not', async () => {
  for (const url of [`/files/${published}/thumb`, `/files/${audio}/original`]) {
    const res = await request(t.app).get(url).buffer(true).parse(binary).expect(200);
    assert.equal(res.headers['cross-origin-resource-policy'], 'cross-origin', url);
  }
  // Pages keep helmet's default.
  assert.equal((await request(t.app).get('/').set('Accept', 'text/html')).headers['cross-origin-resource-policy'], 'same-origin');
});

test('unknown variants and ids are 404', async () => {
  assert.equal((await request(t.app).get(`/files/${published}/poster`)).status, 404);
  assert.equal((await request(t.app).get(`/files/${published}/secret`)).status, 404);
  assert.equal((await request(t.app).get('/files/99999/original')).status, 404);
  // A slash escaped in a segment: the access gate refuses the path before any route.
  assert.equal((await request(t.app).get('/files/..%2F..%2Fetc/original')).status, 400);
});
