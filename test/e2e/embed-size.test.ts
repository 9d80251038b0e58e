import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import express from 'express';
import { browserSite, serve } from '../helpers/browser.ts';
import { addUser, signIn, tokenOf, tempDir } from '../helpers/app.ts';
import { ffmpeg, jpegWithGps, mp3, pdf, png } from '../helpers/media.ts';
import { skeletonDefaults } from '../../core/settings/skeleton.ts';
import { CAPTION_HEIGHT } from '../../core/media/embed-size.ts';

/**
 * The embed code a visitor copies, pasted into another site: the embed page fills its frame, whatever the media.
 * That site's stylesheet starts as most do, with `box-sizing: border-box` everywhere: a border the
 * frame drew would then come out of its size and cut the page inside.
 */

const files = {
  landscape: 'landscape.jpg',
  portrait: 'portrait.jpg',
  video: 'video.mp4',
  audio: 'audio.mp3',
  covered: 'covered.mp3',
  pdf: 'a4.pdf',
  text: 'notes.txt',
} as const;
type Key = keyof typeof files;
/** The media the frame shows above its caption, and whether it is a picture filling the space the caption leaves. */
const shown: Record<Key, { selector: string; picture: boolean }> = {
  landscape: { selector: 'figure > img', picture: true },
  portrait: { selector: 'figure > img', picture: true },
  video: { selector: 'figure > video', picture: true },
  audio: { selector: 'figure > audio', picture: false },
  covered: { selector: 'figure > audio', picture: false },
  pdf: { selector: 'figure > a > img', picture: true },
  text: { selector: 'figcaption', picture: false },
};

let elsewhere: Awaited<ReturnType<typeof serve>>;
const ids = {} as Record<Key, string>;
let pasted = '';

const site = browserSite(async (t) => {
  await addUser(t, 'alice', 'admin');
  const admin = await signIn(t, 'alice');
  const token = await tokenOf(admin);
  const dir = await tempDir('kiosque-e2e-embed-');
  await jpegWithGps(path.join(dir, files.landscape), 1200, 800, 1);
  await jpegWithGps(path.join(dir, files.portrait), 600, 900, 1);
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=1280x720:rate=10:duration=1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-preset', 'ultrafast', path.join(dir, files.video)]);
  await mp3(path.join(dir, files.audio));
  await png(path.join(dir, 'cover.png'), 300, 300, false);
  await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=330:duration=1', '-i', path.join(dir, 'cover.png'), '-map', '0', '-map', '1', '-c:a', 'libmp3lame', '-c:v', 'mjpeg', '-disposition:v', 'attached_pic', path.join(dir, files.covered)]);
  await pdf(path.join(dir, files.pdf), { width: 595, height: 842 });
  await writeFile(path.join(dir, files.text), 'Des notes.\n');
  for (const [key, file] of Object.entries(files)) {
    // Long titles: the caption must stay on its one line however narrow the frame.
    const res = await admin.post('/api/v1/media').set('X-CSRF-Token', token).field('status', 'published').field('title', `Un titre assez long pour le média ${key}`).attach('file', path.join(dir, file)).expect(201);
    ids[key as Key] = String(res.body.id);
  }
  await t.app.kiosque.media.idle();
});
before(async () => {
  const other = express();
  other.get('/', (_req, res) => res.type('html').send(`<!doctype html><title>Blog</title><style>*, *::before, *::after { box-sizing: border-box }</style><h1>My blog</h1>${pasted}`));
  elsewhere = await serve(other);
});
after(() => elsewhere?.close());

/** Copies the embed code from the media page, pastes it into the other site, and measures the framed page. */
async function framed(key: Key) {
  const page = await site.browser.newPage({ locale: 'en-GB', viewport: { width: 1280, height: 1000 } });
  await page.goto(`${site.base}/media/${ids[key]}`);
  await page.getByText('Embed this media').click();
  pasted = await page.getByLabel('Code to paste into another site').inputValue();
  const [, width, height] = /width="(\d+)" height="(\d+)"/.exec(pasted)!.map(Number);
  await page.goto(elsewhere.base);
  await page.frameLocator('iframe').locator('figcaption a').waitFor();
  const frame = (await (await page.locator('iframe').elementHandle())!.contentFrame())!;
  await frame.waitForLoadState('load');
  const border = await page.locator('iframe').evaluate((el) => getComputedStyle(el).borderWidth);
  await frame.locator(shown[key].selector).waitFor();
  // Sizes settle once the media has loaded its metadata or pixels.
  await frame.waitForFunction((selector) => {
    const el = document.querySelector(selector);
    if (el instanceof HTMLImageElement) return el.complete && el.naturalWidth > 0;
    if (el instanceof HTMLMediaElement) return el.readyState >= 1;
    return true;
  }, shown[key].selector);
  // No named functions inside: tsx would wrap them in a helper the page does not have.
  const measured = await frame.evaluate((selector) => {
    const [media, caption] = [document.querySelector(selector)!, document.querySelector('figcaption')!].map((el) => el.getBoundingClientRect().toJSON() as { left: number; top: number; right: number; bottom: number; width: number; height: number });
    const scrolling = document.scrollingElement!;
    return { scrollWidth: scrolling.scrollWidth, scrollHeight: scrolling.scrollHeight, clientWidth: scrolling.clientWidth, clientHeight: scrolling.clientHeight, media: media!, caption: caption! };
  }, shown[key].selector);
  await page.close();
  return { width: width!, height: height!, border, ...measured };
}

function assertFits(key: Key, m: Awaited<ReturnType<typeof framed>>) {
  const label = `${key}: ${JSON.stringify(m)}`;
  assert.equal(m.border, '0px', `the frame draws no border, ${label}`);
  assert.deepEqual([m.clientWidth, m.clientHeight], [m.width, m.height], label);
  assert.ok(m.scrollHeight <= m.clientHeight && m.scrollWidth <= m.clientWidth, `no scrollbars, ${label}`);
  for (const part of [m.media, m.caption]) {
    assert.ok(part.width > 0 && part.height > 0 && part.left >= 0 && part.top >= 0 && part.right <= m.width && part.bottom <= m.height, `nothing cut off, ${label}`);
  }
  if (shown[key].picture) {
    // The picture takes the whole width and all the height the caption leaves, the caption the last line.
    assert.deepEqual([Math.round(m.media.width), Math.round(m.media.height)], [m.width, m.height - CAPTION_HEIGHT], label);
    assert.equal(Math.round(m.caption.bottom), m.height, `the caption on the frame’s last line, ${label}`);
  }
}

test('the embed code’s frame fits its media: no border, no scrollbars, nothing cut off, the picture filling what the caption leaves', async () => {
  const sizes: Partial<Record<Key, [number, number]>> = {};
  for (const key of Object.keys(files) as Key[]) {
    const m = await framed(key);
    sizes[key] = [m.width, m.height];
    assertFits(key, m);
  }
  assert.deepEqual(sizes.landscape, [640, 475]);
  assert.deepEqual(sizes.portrait, [395, 640]);
  assert.deepEqual(sizes.video, [640, 408]);
  assert.deepEqual(sizes.audio, [640, 120]);
  assert.deepEqual(sizes.covered, [640, 120]);
  assert.equal(sizes.pdf![1], 640);
  assert.deepEqual(sizes.text, [640, 120]);
});

test('with the nuit theme the embed page fits its frame too', async (tc) => {
  tc.after(() => site.t.store.settings.set('skeleton', { ...skeletonDefaults }));
  await site.t.store.settings.set('skeleton', { ...skeletonDefaults, theme: 'nuit' });
  for (const key of ['portrait', 'audio'] as const) assertFits(key, await framed(key));
});
