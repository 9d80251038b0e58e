import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import request from 'supertest';
import sharp from 'sharp';
import { appWithUploads, tempDir } from '../helpers/app.ts';
import { binary, ffmpeg, mp3, mp4, png } from '../helpers/media.ts';
import { findTools } from '../../core/media/tools.ts';
import { extractPoster, probeAv, runTool, TOOL_NICENESS, TOOL_OUTPUT_MAX } from '../../core/media/av.ts';
import { ProcessingError } from '../../core/media/failure.ts';
import { memoryCap } from '../../core/media/memory-cap.ts';

let dir: string;
before(async () => {
  dir = await tempDir('kiosque-av-');
  await mp3(path.join(dir, 'tone.mp3'));
  await mp4(path.join(dir, 'clip.mp4'));
  await png(path.join(dir, 'cover.png'), 300, 300, false);
  await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=330:duration=1', '-i', path.join(dir, 'cover.png'), '-map', '0', '-map', '1', '-c:a', 'libmp3lame', '-c:v', 'mjpeg', '-disposition:v', 'attached_pic', path.join(dir, 'covered.mp3')]);
  await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=500:duration=1', '-c:a', 'flac', path.join(dir, 'tone.flac')]);
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=96x64:rate=5:duration=1', '-c:v', 'libvpx', '-b:v', '100k', path.join(dir, 'clip.webm')]);
  // Sound alone in video containers: a recording exported as MP4, what browsers' MediaRecorder saves as WebM.
  await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', '-f', 'mp4', path.join(dir, 'voice.mp4')]);
  await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'libopus', path.join(dir, 'voice.webm')]);
});

const appWith = (media: Record<string, unknown>) => appWithUploads(dir, { overrides: { media: { maxUploadMB: 50, processingConcurrency: 1, ffmpegPath: '', ffprobePath: '', ...media } } });

test('findTools finds ffmpeg and ffprobe on PATH and says what failed for a bad configured path', async () => {
  const found = await findTools({ media: { ffmpegPath: '', ffprobePath: '' } });
  assert.equal(found.ok, true);
  assert.match(found.ffmpeg.version ?? '', /ffmpeg version/);
  assert.deepEqual(found.ffmpeg.features, { encoders: { libx264: true, aac: true }, filters: { zscale: true, tonemap: true } }, 'what web versions use, as this build has it');
  assert.equal(found.ffprobe.features, undefined);
  const bad = await findTools({ media: { ffmpegPath: '/nonexistent/ffmpeg', ffprobePath: '' } }, '/nowhere');
  assert.equal(bad.ok, false);
  assert.deepEqual(bad.ffmpeg.tried, ['/nonexistent/ffmpeg']);
  assert.match(bad.ffmpeg.error ?? '', /\/nonexistent\/ffmpeg: .*ENOENT/);
  assert.match(bad.ffprobe.error ?? '', /not found on the PATH/);
  assert.match(bad.help ?? '', /apt-get install ffmpeg/);
});

test('audio and video are probed in the background queue: duration, codecs, poster and thumbnails', async () => {
  const { t, agent, upload } = await appWith({});
  try {
    const audio = await upload('tone.mp3');
    assert.equal(audio.type, 'audio');
    assert.equal(audio.processing.state, 'waiting');
    const video = await upload('clip.mp4');
    const covered = await upload('covered.mp3');
    const flac = await upload('tone.flac');
    const webm = await upload('clip.webm');
    await t.app.kiosque.media.idle();
    const a = (await t.store.media.get(audio.id))!;
    assert.equal(a.processing.state, 'done', a.processing.error);
    assert.ok(Math.abs((a.meta.duration as number) - 1) < 0.2);
    assert.equal(a.meta.audioCodec, 'mp3');
    assert.equal(a.title, 'La note', 'title from the embedded tag');
    assert.deepEqual(Object.keys(a.variants).sort(), ['medium', 'medium.webp', 'poster', 'poster.webp', 'thumb', 'thumb.webp'], 'no cover: its waveform instead');
    assert.equal(a.meta.waveform, true);
    const v = (await t.store.media.get(video.id))!;
    assert.equal(v.processing.state, 'done', v.processing.error);
    assert.deepEqual([v.meta.width, v.meta.height, v.meta.videoCodec, v.meta.audioCodec], [160, 120, 'h264', 'aac']);
    assert.ok((v.meta.bitrate as number) > 0);
    const poster = await request(t.app).get(`/files/${video.id}/poster`).buffer(true).parse(binary);
    assert.equal(poster.status, 200);
    assert.equal(poster.headers['content-type'], 'image/jpeg');
    const pm = await sharp(poster.body as Buffer).metadata();
    assert.deepEqual([pm.width, pm.height], [160, 120]);
    assert.ok(v.variants.thumb);
    const c = (await t.store.media.get(covered.id))!;
    assert.equal(c.variants.thumb?.width, 300, 'the embedded cover becomes the thumbnail');
    assert.equal(c.meta.waveform, undefined, 'a cover, not a waveform');
    assert.equal((await t.store.media.get(flac.id))!.meta.audioCodec, 'flac');
    const w = (await t.store.media.get(webm.id))!;
    assert.deepEqual([w.type, w.original.mime, w.meta.videoCodec], ['video', 'video/webm', 'vp8']);
    const page = await agent.get(`/media/${video.id}/${v.slug}`).set('Accept', 'text/html');
    // A web format already: the original is the only source.
    assert.match(page.text, new RegExp(`<video controls preload="metadata" poster="/files/${video.id}/poster"[^>]*>\\s*<source src="/files/${video.id}/original">`));
    assert.match(page.text, /0:02/);
    const audioPage = await agent.get(`/media/${audio.id}/${a.slug}`).set('Accept', 'text/html');
    assert.match(audioPage.text, new RegExp(`<audio controls preload="metadata">\\s*<source src="/files/${audio.id}/original">`));
  } finally {
    await t.close();
  }
});

test('a damaged cover does not stop an MP3\'s processing; a video whose picture does not decode fails saying the file is damaged, in the editor\'s language', async () => {
  // The cover's JPEG data scrambled after its first bytes: ffprobe still lists it, ffmpeg cannot decode it.
  const covered = Buffer.from(await readFile(path.join(dir, 'covered.mp3')));
  const jpeg = covered.indexOf(Buffer.from([0xff, 0xd8, 0xff]));
  const end = covered.indexOf(Buffer.from([0xff, 0xd9]), jpeg);
  for (let i = jpeg + 4; i < end - 2; i++) covered[i] = (i * 37) & 0xff;
  await writeFile(path.join(dir, 'bad-cover.mp3'), covered);
  // The index at the front, the picture cut short: ffprobe reads it, ffmpeg decodes nothing.
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=96x64:rate=5:duration=2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', path.join(dir, 'whole.mp4')]);
  const whole = await readFile(path.join(dir, 'whole.mp4'));
  await writeFile(path.join(dir, 'cut.mp4'), whole.subarray(0, whole.indexOf('mdat') + 108));
  const { t, agent, upload } = await appWith({});
  try {
    const audio = await upload('bad-cover.mp3');
    const video = await upload('cut.mp4');
    await t.app.kiosque.media.idle();
    const a = (await t.store.media.get(audio.id))!;
    assert.equal(a.processing.state, 'done', a.processing.error);
    assert.ok(Math.abs((a.meta.duration as number) - 1) < 0.2, 'probed all the same');
    assert.equal(a.meta.waveform, true, 'no cover it can decode: its waveform instead');
    assert.ok(a.variants.thumb);
    const v = (await t.store.media.get(video.id))!;
    assert.equal(v.processing.state, 'failed');
    assert.deepEqual(v.processing.reason, { code: 'unreadable', vars: { tool: 'ffmpeg' } });
    const res = await agent.get(`/api/v1/media/${v.id}`).set('Accept-Language', 'fr');
    assert.match(res.body.processing.message, /ffmpeg n’a pas pu lire le fichier/);
  } finally {
    await t.close();
  }
});

test('sound alone in a video container (MP4, WebM) becomes audio once probed: its page has an audio player, searches for audio find it', async () => {
  const { t, agent, upload } = await appWith({});
  try {
    for (const file of ['voice.mp4', 'voice.webm']) {
      const uploaded = await upload(file);
      assert.equal(uploaded.type, 'video', 'the container says video until it is probed');
      await t.app.kiosque.media.idle();
      const m = (await t.store.media.get(uploaded.id))!;
      assert.equal(m.processing.state, 'done', m.processing.error);
      assert.equal(m.type, 'audio', file);
      const page = await agent.get(`/media/${m.id}/${m.slug}`).set('Accept', 'text/html');
      assert.match(page.text, /<audio controls/, file);
      assert.doesNotMatch(page.text, /<video/, file);
      const found = await agent.get('/api/v1/media').query({ type: 'audio' });
      assert.ok((found.body.items as Array<{ id: string }>).some((i) => i.id === m.id), `${file} is found as audio`);
    }
    // A video keeps its type.
    const video = await upload('clip.webm');
    await t.app.kiosque.media.idle();
    assert.equal((await t.store.media.get(video.id))!.type, 'video');
  } finally {
    await t.close();
  }
});

test('a sound without a cover shows its waveform: its shape follows the sound, on its page, its embed and the cards, named as such in the visitor’s language', async () => {
  // Silent for two seconds, then loud: the left of the picture has no wave, the right a tall one.
  await ffmpeg(['-f', 'lavfi', '-i', 'aevalsrc=if(gte(t\\,2)\\,0.9*sin(2*PI*440*t)\\,0):d=4:s=44100', '-c:a', 'libmp3lame', path.join(dir, 'late.mp3')]);
  const { t, agent, upload } = await appWith({});
  try {
    const uploaded = await upload('late.mp3');
    await t.app.kiosque.media.idle();
    const m = (await t.store.media.get(uploaded.id))!;
    assert.equal(m.processing.state, 'done', m.processing.error);
    assert.equal(m.meta.waveform, true);
    const poster = await request(t.app).get(`/files/${m.id}/poster`).buffer(true).parse(binary);
    assert.equal(poster.status, 200);
    const { data, info } = await sharp(poster.body as Buffer).greyscale().raw().toBuffer({ resolveWithObject: true });
    assert.ok(Math.abs(info.width / info.height - 1.5) < 0.01, `a card's proportions: ${info.width}×${info.height}`);
    /** The share of a column range's pixels, between rows y0 and y1 (fractions of the height), that are dark. */
    const dark = (x0: number, x1: number, y0 = 0, y1 = 1) => {
      let n = 0;
      let all = 0;
      for (let y = Math.floor(y0 * info.height); y < Math.floor(y1 * info.height); y++) {
        for (let x = Math.floor(x0 * info.width); x < Math.floor(x1 * info.width); x++, all++) if (data[y * info.width + x]! < 128) n++;
      }
      return n / all;
    };
    assert.ok(dark(0.05, 0.45) < 0.03, `silence draws no wave: ${dark(0.05, 0.45)}`);
    assert.ok(dark(0.55, 0.95) > 0.4, `the loud half draws a tall one: ${dark(0.55, 0.95)}`);
    assert.equal(dark(0, 1, 0, 0.15) + dark(0, 1, 0.85, 1), 0, 'the wave keeps to the middle of the picture');
    assert.ok(data[0]! > 200 && data[0]! < 245, `on a grey ground, which shows as a picture on a white page: ${data[0]}`);
    const en = await agent.get(`/media/${m.id}/${m.slug}`).set('Accept', 'text/html').set('Accept-Language', 'en');
    assert.match(en.text, new RegExp(`<img src="/files/${m.id}/medium" class="waveform" alt="Sound wave of ${m.title}">`));
    const fr = await request(t.app).get(`/media/${m.id}/${m.slug}?lang=fr`).set('Accept', 'text/html');
    assert.match(fr.text, new RegExp(`alt="Forme d’onde de ${m.title}"`));
    const embed = await request(t.app).get(`/embed/${m.id}`).set('Accept', 'text/html');
    assert.match(embed.text, new RegExp(`<img src="/files/${m.id}/medium" alt="Sound wave of ${m.title}">`));
    const home = await request(t.app).get('/').set('Accept', 'text/html');
    assert.match(home.text, new RegExp(`/files/${m.id}/thumb`), 'cards show it');
  } finally {
    await t.close();
  }
});

test('a waveform ffmpeg cannot draw leaves the sound playable, without a picture: a warning, not a failure', async () => {
  // ffmpeg cannot even start within 64 MB of address space; ffprobe keeps its own, larger cap.
  const { t, upload } = await appWith({ ffmpegMemoryMB: 64 });
  try {
    const uploaded = await upload('tone.mp3');
    await t.app.kiosque.media.idle();
    const m = (await t.store.media.get(uploaded.id))!;
    assert.equal(m.processing.state, 'done', m.processing.error);
    assert.deepEqual(m.variants, {});
    assert.equal(m.meta.waveform, undefined);
    assert.ok(Math.abs((m.meta.duration as number) - 1) < 0.2, 'probed all the same');
  } finally {
    await t.close();
  }
});

test('without ffprobe, uploads still work, processing fails with the reason, the admin says how to install, retry re-queues', async () => {
  const { t, agent, token, upload } = await appWith({ ffprobePath: '/nonexistent/ffprobe' });
  try {
    const video = await upload('clip.mp4');
    await t.app.kiosque.media.idle();
    const v = (await t.store.media.get(video.id))!;
    assert.equal(v.processing.state, 'failed');
    assert.match(v.processing.error ?? '', /\/nonexistent\/ffprobe/);
    assert.match(v.processing.error ?? '', /apt-get install ffmpeg/);
    assert.deepEqual(v.processing.reason, { code: 'tool_missing', vars: { tool: 'ffprobe' } });
    assert.match(v.processing.output ?? '', /\/nonexistent\/ffprobe: .*ENOENT/, 'what running it said');
    assert.equal((await request(t.app).get(`/files/${video.id}/original`)).status, 200, 'plays from the original');
    const admin = await agent.get('/admin/media').set('Accept', 'text/html');
    assert.match(admin.text, /need ffmpeg and ffprobe, which are missing/);
    assert.match(admin.text, /apt-get install ffmpeg/);
    assert.match(admin.text, new RegExp(`action="/admin/media/${video.id}/retry"`));
    assert.match(admin.text, /<td class="state-failed">failed: ffprobe is missing or does not run; install ffmpeg \(on Debian or Ubuntu: apt-get install ffmpeg\) <code class="tool-output">\/nonexistent\/ffprobe: /);
    const retry = await agent.post(`/admin/media/${video.id}/retry`).type('form').send({ _csrf: token });
    assert.equal(retry.status, 303);
    await t.app.kiosque.media.idle();
    const again = (await t.store.media.get(video.id))!;
    assert.equal(again.processing.state, 'failed');
    assert.equal(again.processing.attempts, 2);
  } finally {
    await t.close();
  }
});

test('the missing-tools notice says, in the admin’s language, which tool is missing and why, the system’s own words escaped', async () => {
  // Not on the PATH at all: the app finds its tools on the PATH of the process when it first needs them.
  const savedPath = process.env.PATH;
  process.env.PATH = '/nonexistent';
  const { t, agent } = await appWith({ ffprobePath: '/nonexistent/<b>ffprobe' });
  try {
    const en = await agent.get('/admin/media').set('Accept', 'text/html').expect(200);
    const notice = /<div class="warning" role="status">[\s\S]*?<\/div>/.exec(en.text)![0];
    assert.match(notice, /<li>ffmpeg was not found: media\.ffmpegPath is empty and there is no ffmpeg on the PATH\.<\/li>/);
    assert.match(notice, /<li>ffprobe cannot be run from \/nonexistent\/&lt;b&gt;ffprobe, the path media\.ffprobePath gives\. What the system said: <code>\/nonexistent\/&lt;b&gt;ffprobe: .*ENOENT<\/code><\/li>/);
    assert.match(notice, /To install them on Debian or Ubuntu: <code>apt-get install ffmpeg<\/code>/);
    assert.match(notice, /If they are installed elsewhere, give their paths: <code>media\.ffmpegPath \/ media\.ffprobePath \(KIOSQUE_FFMPEG \/ KIOSQUE_FFPROBE\)<\/code>/);
    assert.doesNotMatch(notice, /<b>|<li>(ffmpeg|ffprobe): /, 'no raw markup, no bare "tool: error" lines');
    const fr = await agent.get('/admin/media?lang=fr').set('Accept', 'text/html').set('Accept-Language', 'fr').expect(200);
    assert.match(fr.text, /<li>ffmpeg est introuvable\u00a0: media\.ffmpegPath est vide et le PATH ne contient aucun ffmpeg\.<\/li>/);
    assert.match(fr.text, /<li>ffprobe ne peut pas être lancé depuis \/nonexistent\/&lt;b&gt;ffprobe, le chemin que donne media\.ffprobePath\. Réponse du système\u00a0: <code>/);
    assert.match(fr.text, /Pour les installer sous Debian ou Ubuntu\u00a0: <code>apt-get install ffmpeg<\/code>/);
    assert.match(fr.text, /S’ils sont installés ailleurs, indiquer leurs chemins\u00a0: <code>/);
  } finally {
    process.env.PATH = savedPath;
    await t.close();
  }
});

test('a title from the file’s own tags loses its control characters (they would break the RSS feeds)', async () => {
  const file = path.join(dir, 'tagged.mp3');
  await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=660:duration=1', '-metadata', 'title=Podcast\u0001 Épisode\u000b 1', '-c:a', 'libmp3lame', '-b:a', '64k', file]);
  const probed = await probeAv('ffprobe', file);
  assert.equal(probed.title, 'Podcast Épisode 1');
});

test('a video that says where it was filmed loses its location (and its other metadata) from the served original; its title still names the media', async () => {
  const file = path.join(dir, 'filmed.mp4');
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=96x64:rate=5:duration=1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-metadata', 'location=+48.8584+002.2945/', '-metadata', 'title=Tour Eiffel', file]);
  assert.equal((await probeAv('ffprobe', file)).hasLocation, true, 'the test file carries a location');
  const { t, upload } = await appWith({});
  const up = await upload('filmed.mp4');
  await t.app.kiosque.media.idle();
  const m = (await t.store.media.get(up.id))!;
  assert.equal(m.processing.state, 'done', m.processing.error);
  assert.equal(m.title, 'Tour Eiffel');
  const served = await request(t.app).get(`/files/${m.id}/original`).buffer(true).parse(binary).expect(200);
  assert.equal((served.body as Buffer).length, m.original.size, 'the record knows the new size');
  const copy = path.join(dir, 'served.mp4');
  await writeFile(copy, served.body as Buffer);
  const after = await probeAv('ffprobe', copy);
  assert.equal(after.hasLocation, false);
  assert.doesNotMatch((served.body as Buffer).toString('latin1'), /48\.8584/);
  assert.equal(after.videoCodec, 'h264', 'the video itself is untouched');
  assert.ok(m.variants.poster, 'and processing went on');
  // A file without a location is left as it was, and so is every file while the setting is off.
  const plain = await upload('clip.mp4');
  await t.app.kiosque.media.idle();
  const p = (await t.store.media.get(plain.id))!;
  assert.equal(p.original.size, (await stat(path.join(dir, 'clip.mp4'))).size);
  await t.store.settings.set('media', { stripLocation: false });
  const kept = await upload('filmed.mp4');
  await t.app.kiosque.media.idle();
  const k = (await t.store.media.get(kept.id))!;
  assert.equal(k.original.size, (await stat(file)).size, 'the setting off: the original as uploaded');
  await t.close();
});

test('until the queue has removed the place a video was filmed, its original goes to its editors only; one whose place could not be removed stays theirs', async () => {
  const filmed = path.join(dir, 'filmed-here.mp4');
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=96x64:rate=5:duration=1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-metadata', 'location=+48.8584+002.2945/', filmed]);
  assert.equal((await probeAv('ffprobe', filmed)).hasLocation, true, 'the test file carries a location');
  const { t, agent, upload } = await appWith({});
  try {
    const asked: Array<[string, number, string | undefined]> = [];
    let pageBefore = '';
    // Right after the record is made, before the queue takes it: what a visitor and the uploader get.
    const undo = t.app.kiosque.hooks.action('media.created', async (m) => {
      const id = (m as { id: string }).id;
      const visitor = await request(t.app).get(`/files/${id}/original`);
      asked.push(['visitor', visitor.status, visitor.headers['cache-control']]);
      asked.push(['uploader', (await agent.get(`/files/${id}/original`)).status, undefined]);
      const page = await request(t.app).get(`/media/${id}`).redirects(1).set('Accept', 'text/html').set('Accept-Language', 'fr');
      pageBefore = page.text;
    }, { owner: 'test' });
    const up = await upload('filmed-here.mp4');
    undo();
    assert.deepEqual(asked, [['visitor', 503, 'no-store'], ['uploader', 200, undefined]]);
    assert.match(pageBefore, /<p class="notice" role="status">Ce fichier est en cours de préparation/, 'the page says why it does not play yet');
    await t.app.kiosque.media.idle();
    const served = await request(t.app).get(`/files/${up.id}/original`).buffer(true).parse(binary);
    assert.equal(served.status, 200, 'served once cleaned');
    assert.doesNotMatch((await request(t.app).get(`/media/${up.id}`).redirects(1).set('Accept', 'text/html').set('Accept-Language', 'fr')).text, /en cours de préparation/, 'and the page (kept in the page cache before) says so no more');
    const copy = path.join(dir, 'served-after-wait.mp4');
    await writeFile(copy, served.body as Buffer);
    assert.equal((await probeAv('ffprobe', copy)).hasLocation, false);
  } finally {
    await t.close();
  }
  // ffmpeg missing: the place cannot be removed, so visitors never get that file; a file without one is served.
  const without = await appWith({ ffmpegPath: '/nonexistent/ffmpeg' });
  try {
    const located = await without.upload('filmed-here.mp4');
    const plain = await without.upload('voice.mp4');
    await without.t.app.kiosque.media.idle();
    const l = (await without.t.store.media.get(located.id))!;
    assert.deepEqual([l.processing.state, l.processing.reason?.code], ['failed', 'tool_missing_location']);
    assert.equal((await request(without.t.app).get(`/files/${located.id}/original`)).status, 503);
    assert.equal((await without.agent.get(`/files/${located.id}/original`)).status, 200, 'its editor still has it');
    assert.equal((await request(without.t.app).get(`/files/${plain.id}/original`)).status, 200);
  } finally {
    await without.t.close();
  }
});

test('asking again for a media whose processing waits in the queue (Retry clicked twice) does not process it twice', async () => {
  const { t, upload } = await appWith({});
  const a = await upload('clip.mp4');
  const b = await upload('clip.webm');
  await t.app.kiosque.media.idle();
  const runs: string[] = [];
  const undo = t.app.kiosque.hooks.action('media.updated', (m) => void runs.push((m as { id: string }).id), { owner: 'test' });
  try {
    // One job at a time: while a's runs, b's waits, and the repeated asks for b find it waiting.
    await Promise.all([t.app.kiosque.media.retry(a.id), t.app.kiosque.media.retry(b.id), t.app.kiosque.media.retry(b.id), t.app.kiosque.media.retry(b.id)]);
    await t.app.kiosque.media.idle();
    assert.equal(runs.filter((id) => id === a.id).length, 1);
    assert.equal(runs.filter((id) => id === b.id).length, 1, `b processed ${runs.filter((id) => id === b.id).length} times`);
    assert.equal((await t.store.media.get(b.id))!.processing.state, 'done');
  } finally {
    undo();
    await t.close();
  }
});

test('a phone’s portrait video (landscape frames with a rotation to apply) is measured as shown: portrait', async () => {
  const file = path.join(dir, 'portrait.mp4');
  // clip.mp4 is 160×120; players turn this copy a quarter, as a phone's portrait video.
  await ffmpeg(['-i', path.join(dir, 'clip.mp4'), '-c', 'copy', '-metadata:s:v:0', 'rotate=90', file]);
  const probed = await probeAv('ffprobe', file);
  assert.deepEqual([probed.width, probed.height], [120, 160]);
  assert.deepEqual([(await probeAv('ffprobe', path.join(dir, 'clip.mp4'))).width, (await probeAv('ffprobe', path.join(dir, 'clip.mp4'))).height], [160, 120], 'unturned: as stored');
  const { t, agent, upload } = await appWith({});
  try {
    const video = await upload('portrait.mp4');
    await t.app.kiosque.media.idle();
    const v = (await t.store.media.get(video.id))!;
    assert.equal(v.processing.state, 'done', v.processing.error);
    assert.deepEqual([v.meta.width, v.meta.height], [120, 160]);
    const poster = await request(t.app).get(`/files/${video.id}/poster`).buffer(true).parse(binary);
    const pm = await sharp(poster.body as Buffer).metadata();
    assert.deepEqual([pm.width, pm.height], [120, 160], 'the poster is upright too');
    const page = await agent.get(`/media/${video.id}/${v.slug}`).set({ Host: 'kiosque.example', Accept: 'text/html' });
    const frame = /&lt;iframe [^]*?width&#x3D;&quot;(\d+)&quot; height&#x3D;&quot;(\d+)&quot;/.exec(page.text);
    assert.ok(frame, 'the page offers an embed code');
    assert.ok(Number(frame[2]) > Number(frame[1]), `the embed code is portrait: ${frame[1]}×${frame[2]}`);
  } finally {
    await t.close();
  }
});

test('a tool that prints more than runTool reads is stopped and says so: neither a timeout nor, under a cap, lack of memory', async () => {
  const { prlimit } = await findTools({ media: { ffmpegPath: '', ffprobePath: '' } });
  const cap = memoryCap(prlimit.path, 6144, 'media.ffmpegMemoryMB');
  assert.ok(cap, 'prlimit is installed (util-linux)');
  // Raw frames on stdout (230 MB for these ten seconds), as a tool writing its output to a pipe would.
  const flood = ['-v', 'error', '-nostdin', '-f', 'lavfi', '-i', 'testsrc=size=640x480:rate=25:duration=10', '-f', 'rawvideo', '-'];
  for (const memory of [undefined, cap]) {
    const started = Date.now();
    const err = await runTool('/usr/bin/ffmpeg', flood, { timeoutMs: 60_000, memoryCap: memory }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof ProcessingError, String(err));
    assert.deepEqual(err.reason, { code: 'output_too_large', vars: { tool: 'ffmpeg', mb: TOOL_OUTPUT_MAX / 1024 / 1024 } });
    assert.equal(err.message, 'ffmpeg printed more than 8 MB, more than is read from it, and was stopped');
    assert.ok(Date.now() - started < 30_000, 'stopped at once, long before its timeout');
  }
  // A line of its log per frame, tens of megabytes of them on stderr: its last lines are kept.
  const chatty = ['-nostdin', '-f', 'lavfi', '-i', 'testsrc=size=16x16:rate=1000:duration=100', '-vf', 'showinfo', '-f', 'null', '-'];
  const err = await runTool('/usr/bin/ffmpeg', chatty, { timeoutMs: 60_000, memoryCap: cap }).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof ProcessingError, String(err));
  assert.equal(err.reason.code, 'output_too_large');
  assert.match(err.output ?? '', /Parsed_showinfo_0 .* n: *\d+/);
});

/** A process's fields after its name in /proc/<pid>/stat: [state, ppid, …]; its nice value is the 17th. */
async function procStat(file: string): Promise<string[] | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  return text?.slice(text.lastIndexOf(')') + 2).split(' ');
}

test('media tools run at a lower CPU priority than the server, with every thread they start', async () => {
  // A multi-threaded encoding kept to its input's pace (-re), so that it is still running when looked at.
  const encoding = runTool('/usr/bin/ffmpeg', ['-v', 'error', '-nostdin', '-re', '-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=25:duration=3', '-c:v', 'libx264', '-preset', 'ultrafast', '-threads', '4', '-f', 'null', '-'], { timeoutMs: 60_000 });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const niceness: number[] = [];
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const fields = await procStat(`/proc/${pid}/stat`);
    if (fields?.[1] !== String(process.pid) || !(await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).startsWith('ffmpeg')) continue;
    for (const task of await readdir(`/proc/${pid}/task`)) niceness.push(Number((await procStat(`/proc/${pid}/task/${task}/stat`))?.[16]));
  }
  await encoding;
  assert.ok(niceness.length > 1, `the encoding's threads were found: ${niceness.length}`);
  assert.deepEqual([...new Set(niceness)], [Math.min(19, os.getPriority() + TOOL_NICENESS)]);
});

test('a tool that runs past its time is stopped and says so, with its time', async () => {
  const err = await runTool('/usr/bin/ffmpeg', ['-v', 'error', '-nostdin', '-re', '-f', 'lavfi', '-i', 'testsrc=duration=600', '-f', 'null', '-'], { timeoutMs: 1000 }).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof ProcessingError, String(err));
  assert.deepEqual([err.reason, err.message], [{ code: 'timeout', vars: { tool: 'ffmpeg', seconds: 1 } }, 'ffmpeg took longer than 1 s and was stopped']);
});

test('a poster asked past the last frame fails saying there was no frame (ffmpeg itself ends well, writing nothing)', async () => {
  const out = path.join(dir, 'no-frame.jpg');
  const err = await extractPoster('/usr/bin/ffmpeg', path.join(dir, 'clip.mp4'), out, 100).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof ProcessingError, String(err));
  assert.deepEqual(err.reason, { code: 'no_frame', vars: { tool: 'ffmpeg' } });
  await assert.rejects(stat(out), { code: 'ENOENT' });
});
