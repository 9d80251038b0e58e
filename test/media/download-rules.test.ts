import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { makeApp, addUser, signIn, tokenOf, tempDir, type TestApp } from '../helpers/app.ts';
import { binary, jpegWithGps, mp3 } from '../helpers/media.ts';
import { skeletonDefaults } from '../../core/settings/skeleton.ts';

// The skeleton's download rules (allowDownloads, downloadsSignedInOnly) enforced on /files: a download is
// any file answer sent as an attachment (`?download`, or an original browsers do not show inline);
// displaying and playing (inline originals, derivatives, Range for the players) keep working.
let t: TestApp;
let photo: string;
let pdf: string;
let text: string;
let audio: string;
let editor: ReturnType<typeof request.agent>;
let member: ReturnType<typeof request.agent>;

before(async () => {
  t = await makeApp();
  const dir = await tempDir('kiosque-dl-');
  await addUser(t, 'eddie', 'editor');
  await addUser(t, 'mia', 'member');
  editor = await signIn(t, 'eddie');
  member = await signIn(t, 'mia');
  const token = await tokenOf(editor);
  await jpegWithGps(path.join(dir, 'p.jpg'), 1000, 600, 1);
  await writeFile(path.join(dir, 'd.pdf'), '%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
  await mp3(path.join(dir, 'a.mp3'));
  await writeFile(path.join(dir, 'notes.txt'), 'Des notes.\n');
  const up = async (file: string) => {
    const res = await editor.post('/api/v1/media').set('X-CSRF-Token', token).field('status', 'published').attach('file', path.join(dir, file));
    assert.equal(res.status, 201, res.text);
    return res.body.id as string;
  };
  photo = await up('p.jpg');
  pdf = await up('d.pdf');
  audio = await up('a.mp3');
  text = await up('notes.txt');
  await t.app.kiosque.media.idle();
});
after(() => t.close());

const rules = (r: Partial<typeof skeletonDefaults>) => t.store.settings.set('skeleton', { ...skeletonDefaults, ...r });
const get = (path: string, agent: { get: typeof member.get } = request(t.app)) => agent.get(path).buffer(true).parse(binary);

async function refused(path: string, status: number, agent?: { get: typeof member.get }) {
  const res = await get(path, agent);
  assert.equal(res.status, status, path);
  assert.equal((res.body as Buffer).length, 0, `${path}: no content`);
  assert.equal(res.headers['content-disposition'], undefined);
  assert.match(String(res.headers['cache-control']), /no-store/);
}

async function displays(agent?: { get: typeof member.get }) {
  const img = await get(`/files/${photo}/original`, agent);
  assert.equal(img.status, 200);
  assert.equal(img.headers['content-type'], 'image/jpeg');
  assert.equal(img.headers['content-disposition'], undefined);
  assert.equal((await get(`/files/${photo}/medium`, agent)).status, 200);
  const play = await get(`/files/${audio}/original`, agent).set('Range', 'bytes=0-99');
  assert.equal(play.status, 206, 'the audio player still streams');
  assert.equal((play.body as Buffer).length, 100);
}

test('by default anybody downloads', async () => {
  await rules({});
  const res = await get(`/files/${photo}/original?download`);
  assert.equal(res.status, 200);
  assert.match(String(res.headers['content-disposition']), /^attachment/);
  assert.equal((await get(`/files/${pdf}/original`)).status, 200);
  const txt = await get(`/files/${text}/original`);
  assert.equal(txt.status, 200);
  assert.match(String(txt.headers['content-disposition']), /^attachment/, 'a document is downloaded, whatever its type');
});

test('the site feed encloses documents only while anonymous downloads are open', async () => {
  const enclosures = async () => [...(await request(t.app).get('/feed').expect(200)).text.matchAll(/<enclosure [^>]*url="[^"]*\/files\/(\d+)\//g)].map((m) => m[1]);
  await rules({});
  const open = await enclosures();
  assert.ok(open.includes(text), `enclosed: ${open.join(",")}, text: ${text}`);
  for (const closed of [{ allowDownloads: false }, { downloadsSignedInOnly: true }]) {
    await rules(closed);
    const ids = await enclosures();
    assert.ok(!ids.includes(text) && !ids.includes(pdf), `no document enclosed with ${JSON.stringify(closed)}`);
    assert.ok(ids.includes(audio), 'audio stays enclosed');
  }
  await rules({});
});

test('downloads off: 403 without content for visitors and members, display and playback unchanged', async () => {
  await rules({ allowDownloads: false });
  for (const agent of [undefined, member]) {
    await refused(`/files/${photo}/original?download`, 403, agent);
    await refused(`/files/${photo}/medium?download`, 403, agent);
    await refused(`/files/${audio}/original?download`, 403, agent);
    await refused(`/files/${pdf}/original`, 403, agent);
    // A plain-text document is a document like a PDF, although a browser could show it.
    await refused(`/files/${text}/original`, 403, agent);
    await displays(agent);
  }
  assert.equal((await request(t.app).head(`/files/${photo}/original?download`)).status, 403);
  // Its author (an editor) still gets the original back.
  const own = await get(`/files/${pdf}/original`, editor);
  assert.equal(own.status, 200);
  assert.ok((own.body as Buffer).length > 0);
  // The pages offer no link that would be refused: neither the download link nor the player's fallback.
  const page = await request(t.app).get(`/media/${audio}`).redirects(1).set('Accept', 'text/html').expect(200);
  assert.match(page.text, new RegExp(`<audio controls preload="metadata">\\s*<source src="/files/${audio}/original">`));
  assert.doesNotMatch(page.text, /\?download/);
});

test('signed-in only: 401 without content for anonymous visitors; members download, privately cached', async () => {
  await rules({ downloadsSignedInOnly: true });
  await refused(`/files/${photo}/original?download`, 401);
  await refused(`/files/${pdf}/original`, 401);
  await refused(`/files/${text}/original`, 401);
  await displays();
  const res = await get(`/files/${photo}/original?download`, member);
  assert.equal(res.status, 200);
  assert.match(String(res.headers['content-disposition']), /^attachment/);
  assert.match(String(res.headers['cache-control']), /private/);
  assert.equal((await get(`/files/${pdf}/original`, member)).status, 200);
  const page = await member.get(`/media/${photo}`).redirects(1).set('Accept', 'text/html').expect(200);
  assert.match(page.text, new RegExp(`href="/files/${photo}/original\\?download"`));
  await rules({});
});
