import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { browserSite } from '../helpers/browser.ts';
import { addUser, signIn, tempDir, tokenOf } from '../helpers/app.ts';
import { ffmpeg } from '../helpers/media.ts';

let mediaPath = '';
let embedPath = '';
const site = browserSite(async (t) => {
  await addUser(t, 'alice', 'admin');
  const admin = await signIn(t, 'alice');
  const clip = path.join(await tempDir('kiosque-e2e-'), 'clip.mp4');
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=160x90:rate=10', '-t', '3', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', clip]);
  const m = (await admin.post('/api/v1/media').set('X-CSRF-Token', await tokenOf(admin)).field('status', 'published').field('title', 'Entretien').attach('file', clip).expect(201)).body;
  await t.app.kiosque.media.idle();
  await t.app.kiosque.media.setTrack(m.id, 'subtitles', 'fr', Buffer.from('1\r\n00:00:00,500 --> 00:00:01,500\r\nBonjour à <i>tous</i>\r\n\r\n2\r\n00:00:02,000 --> 00:00:02,800\r\nAu revoir\r\n'));
  mediaPath = `/media/${m.id}/${m.slug}`;
  embedPath = `/embed/${m.id}`;
});

/** The cues the page's video player loaded from its first text track, once shown. */
async function cuesOf(pagePath: string) {
  const page = await site.browser.newPage();
  try {
    await page.goto(site.base + pagePath);
    return await page.evaluate(async () => {
      const video = document.querySelector('video')!;
      const element = video.querySelector('track')!;
      const track = video.textTracks[0]!;
      track.mode = 'showing';
      if (element.readyState !== 2) await new Promise((resolve, reject) => { element.addEventListener('load', resolve); element.addEventListener('error', () => reject(new Error('the track did not load'))); });
      return { label: track.label, language: track.language, kind: track.kind, cues: [...(track.cues ?? [])].map((c) => [c.startTime, c.endTime, (c as VTTCue).text]) };
    });
  } finally {
    await page.close();
  }
}

test('a video\'s subtitles, sent as SubRip, play in Chromium on its page and where it is embedded', async () => {
  const expected = { label: 'Français', language: 'fr', kind: 'subtitles', cues: [[0.5, 1.5, 'Bonjour à <i>tous</i>'], [2, 2.8, 'Au revoir']] };
  assert.deepEqual(await cuesOf(mediaPath), expected);
  assert.deepEqual(await cuesOf(embedPath), expected);
});
