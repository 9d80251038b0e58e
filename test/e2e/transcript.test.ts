import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { browserSite } from '../helpers/browser.ts';
import { addUser, signIn, tempDir, tokenOf } from '../helpers/app.ts';
import { ffmpeg } from '../helpers/media.ts';

let mediaPath = '';
let mediaId = '';
const site = browserSite(async (t) => {
  await addUser(t, 'alice', 'admin');
  const admin = await signIn(t, 'alice');
  const sound = path.join(await tempDir('kiosque-e2e-'), 'entretien.mp3');
  await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=330:duration=8', '-c:a', 'libmp3lame', '-b:a', '64k', sound]);
  const m = (await admin.post('/api/v1/media').set('X-CSRF-Token', await tokenOf(admin)).field('status', 'published').field('title', 'Entretien').attach('file', sound).expect(201)).body;
  await t.app.kiosque.media.idle();
  await t.app.kiosque.media.setTrack(m.id, 'subtitles', 'fr', Buffer.from('1\n00:00:00,500 --> 00:00:02,500\nBonjour\n\n2\n00:00:03,000 --> 00:00:05,500\nLa mer\n\n3\n00:00:06,000 --> 00:00:07,500\nAu revoir\n'));
  mediaPath = `/media/${m.id}/${m.slug}`;
  mediaId = m.id;
});

test('a transcript\'s time plays the page\'s player from there, and the line being heard is marked as the recording moves', async () => {
  const page = await site.browser.newPage();
  try {
    await page.goto(site.base + mediaPath);
    await page.locator('audio').evaluate((a: HTMLAudioElement) => (a.readyState >= 1 ? undefined : new Promise((resolve) => a.addEventListener('loadedmetadata', resolve, { once: true }))));
    await page.locator('.transcript summary', { hasText: 'Français' }).click();
    await page.getByRole('link', { name: 'Play from 0:03' }).click();
    const current = () => page.locator('.transcript li[aria-current="time"] .cue-text').textContent({ timeout: 5000 });
    assert.equal(await current(), 'La mer');
    const at = await page.locator('audio').evaluate((a: HTMLAudioElement) => a.currentTime);
    assert.ok(at >= 3 && at < 5.5, `the player is at ${at} s`);
    assert.equal(new URL(page.url()).pathname, mediaPath, 'the page stays: the player moved, no file opened');

    await page.locator('audio').evaluate((a: HTMLAudioElement) => {
      a.pause();
      a.currentTime = 6.2;
    });
    await page.waitForFunction(() => document.querySelector('.transcript li[aria-current="time"] .cue-text')?.textContent === 'Au revoir');
    assert.equal(await page.locator('.transcript li[aria-current]').count(), 1, 'one line marked at a time');
  } finally {
    await page.close();
  }
});

test('without scripts, a transcript\'s time opens the recording at that moment', async () => {
  const context = await site.browser.newContext({ javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await page.goto(site.base + mediaPath);
    await page.locator('.transcript summary', { hasText: 'Français' }).click();
    await Promise.all([page.waitForURL(/#t=6$/), page.getByRole('link', { name: 'Play from 0:06' }).click()]);
    assert.equal(new URL(page.url()).pathname, `/files/${mediaId}/original`);
  } finally {
    await context.close();
  }
});
