import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { rm } from 'node:fs/promises';
import { browserSite } from '../helpers/browser.ts';
import { addUser, signIn, tokenOf, tempDir } from '../helpers/app.ts';
import { ffmpeg } from '../helpers/media.ts';

let dir: string;
let mediaId: string;
let copiedId: string;

const site = browserSite(async (t) => {
  dir = await tempDir('kiosque-e2e-web-');
  const mov = path.join(dir, 'phone.mov');
  // MPEG-4 Part 2 and PCM in a MOV: Chromium plays neither the container nor the codecs.
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10:duration=1', '-f', 'lavfi', '-i', 'sine=frequency=220:duration=1', '-c:v', 'mpeg4', '-c:a', 'pcm_s16le', '-shortest', mov]);
  // A phone's H.264 + AAC in a MOV: its web version is the same streams copied into an MP4.
  const phone = path.join(dir, 'phone.mov');
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10:duration=2', '-f', 'lavfi', '-i', 'sine=frequency=220:duration=2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', phone]);
  await addUser(t, 'alice', 'admin');
  const admin = await signIn(t, 'alice');
  const token = await tokenOf(admin);
  const res = await admin.post('/api/v1/media').set('X-CSRF-Token', token).field('status', 'published').attach('file', mov).expect(201);
  mediaId = String(res.body.id);
  copiedId = String((await admin.post('/api/v1/media').set('X-CSRF-Token', token).field('status', 'published').attach('file', phone).expect(201)).body.id);
  await t.app.kiosque.media.idle();
});
after(() => rm(dir, { recursive: true, force: true }));

test('Chromium plays the web version of a MOV it cannot play, on the media page and on the embed page', async () => {
  const page = await site.browser.newPage();
  for (const address of [`/media/${mediaId}`, `/embed/${mediaId}`]) {
    await page.goto(site.base + address);
    // Metadata loaded: Chromium chose a source it decodes.
    await page.waitForFunction(() => (document.querySelector('video') as HTMLVideoElement).readyState >= 1, null, { timeout: 10_000 });
    const played = await page.locator('video').evaluate((video: HTMLVideoElement) => ({ src: video.currentSrc, width: video.videoWidth }));
    assert.equal(played.src, `${site.base}/files/${mediaId}/web`, address);
    assert.equal(played.width, 320, address);
  }
});

test('Chromium plays to the end the web version made by copying a MOV’s streams', async () => {
  assert.equal(site.t.logs.find((l) => l.msg === 'making a web version' && l.mediaId === copiedId)?.method, 'copy');
  const page = await site.browser.newPage();
  await page.goto(`${site.base}/media/${copiedId}`);
  const played = await page.locator('video').evaluate(
    (video: HTMLVideoElement) =>
      new Promise<{ src: string; width: number; ended: boolean }>((resolve, reject) => {
        video.muted = true;
        video.addEventListener('ended', () => resolve({ src: video.currentSrc, width: video.videoWidth, ended: video.ended }));
        video.addEventListener('error', () => reject(new Error(`media error ${video.error?.code}`)));
        video.play().catch(reject);
      }),
  );
  assert.deepEqual(played, { src: `${site.base}/files/${copiedId}/web`, width: 320, ended: true });
});
