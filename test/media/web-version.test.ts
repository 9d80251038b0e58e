import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { makeApp, addUser, signIn, tokenOf, tempDir, type TestApp } from '../helpers/app.ts';
import { binary, ffmpeg, filesUnder, mp4 } from '../helpers/media.ts';
import { cli } from '../helpers/cli.ts';
import { probeAv } from '../../core/media/av.ts';
import { webPlayability, webVersionFits, type PlayabilityInput } from '../../core/media/web-version.ts';
import { openLowdbStore, type Media } from '../../core/store/index.ts';

const MAX = 320;
const html = { Accept: 'text/html' };
let dir: string;
let shared: Awaited<ReturnType<typeof appWith>>;
let ids: Record<'mov' | 'clip' | 'big' | 'alac' | 'draft', string>;

before(async () => {
  dir = await tempDir('kiosque-web-');
  // MPEG-4 Part 2 with PCM sound in a QuickTime MOV: no browser plays it, and it is larger than MAX.
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=480x360:rate=10:duration=1', '-f', 'lavfi', '-i', 'sine=frequency=220:duration=1', '-c:v', 'mpeg4', '-c:a', 'pcm_s16le', '-shortest', path.join(dir, 'part2.mov')]);
  // H.264 + AAC in MP4, 160×120: plays everywhere as it is.
  await mp4(path.join(dir, 'clip.mp4'));
  // H.264 in MP4, but wider than MAX.
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=10:duration=1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path.join(dir, 'big.mp4')]);
  // Apple Lossless in M4A: browsers other than Safari do not decode it.
  await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=300:duration=1', '-c:a', 'alac', path.join(dir, 'alac.m4a')]);
  // One app for the tests that only read what processing made.
  shared = await appWith();
  ids = {
    mov: (await shared.upload('part2.mov')).id,
    clip: (await shared.upload('clip.mp4')).id,
    big: (await shared.upload('big.mp4')).id,
    alac: (await shared.upload('alac.m4a')).id,
    draft: (await shared.upload('part2.mov', 'draft')).id,
  };
  await shared.t.app.kiosque.media.idle();
});
after(async () => {
  await shared?.t.close();
  await rm(dir, { recursive: true, force: true });
});

async function appWith(media: Record<string, unknown> = {}, dataDir?: string) {
  const t = await makeApp({ dataDir, overrides: { media: { processingConcurrency: 2, webVideoMaxWidth: MAX, ...media } } });
  if (!(await t.store.users.getByUsername('eddie'))) {
    await addUser(t, 'alice', 'admin'); // until an admin exists, /admin waits for the first-run setup
    await addUser(t, 'eddie', 'editor');
  }
  const agent = await signIn(t, 'eddie');
  const token = await tokenOf(agent);
  const upload = async (file: string, status = 'published') => {
    const res = await agent.post('/api/v1/media').set('X-CSRF-Token', token).field('status', status).attach('file', path.join(dir, file));
    assert.equal(res.status, 201, res.text);
    return res.body as Media;
  };
  return { t, agent, token, upload };
}

const fileOf = (t: TestApp, rel: string) => path.join(t.dataDir, 'files', rel);

// ---- The rule ----

const limits = { maxWidth: 1920, maxBitrate: 8_000_000 };
const h264: PlayabilityInput = { mime: 'video/mp4', hasVideo: true, videoCodec: 'h264', pixelFormat: 'yuv420p', audioCodec: 'aac', width: 1920, height: 1080, bitrate: 5_000_000 };
const reasons = (input: Partial<PlayabilityInput>) => webPlayability({ ...h264, ...input }, limits).reasons;

test('the playability rule: web containers and codecs within the limits play as they are', () => {
  assert.deepEqual(webPlayability(h264, limits), { playable: true, reasons: [] });
  assert.deepEqual(reasons({ mime: 'video/webm', videoCodec: 'vp9', pixelFormat: 'yuv420p10le', audioCodec: 'opus' }), [], 'VP9 profile 2 plays');
  assert.deepEqual(reasons({ mime: 'video/webm', videoCodec: 'av1', audioCodec: undefined }), [], 'no sound is no reason');
  assert.deepEqual(reasons({ mime: 'video/ogg', videoCodec: 'theora', audioCodec: 'vorbis' }), []);
  assert.deepEqual(reasons({ width: 1080, height: 1920 }), [], 'a portrait 1080p frame fits');
  assert.deepEqual(reasons({ bitrate: undefined }), [], 'an unknown bitrate is no reason');
  const audio = (mime: string, audioCodec: string) => webPlayability({ mime, audioCodec, hasVideo: false }, limits).reasons;
  assert.deepEqual(audio('audio/mpeg', 'mp3'), []);
  assert.deepEqual(audio('audio/mp4', 'aac'), []);
  assert.deepEqual(audio('audio/ogg', 'opus'), []);
  assert.deepEqual(audio('audio/flac', 'flac'), []);
  assert.deepEqual(audio('audio/wav', 'pcm_s16le'), []);
  // A cover picture is not a video: its size does not count.
  assert.deepEqual(webPlayability({ mime: 'audio/mpeg', audioCodec: 'mp3', hasVideo: false, width: 3000, height: 3000 }, limits).reasons, []);
});

test('the playability rule: what browsers do not play, or play badly, gets a web version', () => {
  assert.deepEqual(reasons({ mime: 'video/quicktime' }), ['container'], 'even H.264 in a MOV');
  assert.deepEqual(reasons({ mime: 'video/quicktime', videoCodec: 'hevc' }), ['container', 'video-codec']);
  assert.deepEqual(reasons({ mime: 'video/quicktime', videoCodec: 'prores', pixelFormat: 'yuv422p10le', audioCodec: 'pcm_s16le' }), ['container', 'video-codec', 'audio-codec']);
  assert.deepEqual(reasons({ videoCodec: 'mpeg4' }), ['video-codec']);
  assert.deepEqual(reasons({ pixelFormat: 'yuv422p10le' }), ['pixel-format'], '10-bit 4:2:2 H.264');
  assert.deepEqual(reasons({ width: 3840, height: 2160, bitrate: 60_000_000 }), ['size', 'bitrate'], '4K at 60 Mb/s');
  assert.deepEqual(reasons({ width: 2160, height: 3840 }), ['size'], 'a portrait 4K frame');
  assert.deepEqual(reasons({ bitrate: 8_000_001 }), ['bitrate']);
  assert.deepEqual(webPlayability(h264, { maxWidth: 1280, maxBitrate: 8_000_000 }).reasons, ['size'], 'the limit is configurable');
  assert.deepEqual(reasons({ audioCodec: 'ac3' }), ['audio-codec']);
  assert.deepEqual(reasons({ audioCodec: 'pcm_s16le' }), ['audio-codec'], 'PCM plays from WAV only');
  const audio = (mime: string, audioCodec: string) => webPlayability({ mime, audioCodec, hasVideo: false }, limits).reasons;
  assert.deepEqual(audio('audio/mp4', 'alac'), ['audio-codec']);
  assert.deepEqual(audio('audio/wav', 'adpcm_ms'), ['audio-codec']);
  assert.deepEqual(audio('audio/mpeg', 'mp2'), ['audio-codec']);
});

test('a web version made before is kept while its frame and bitrate fit the limits; audio always fits', () => {
  const web = { file: 'x/web.mp4', mime: 'video/mp4', size: 5_000_000, width: 1920, height: 1080 };
  assert.equal(webVersionFits(web, limits, 10), true, '4 Mb/s, 1080p');
  assert.equal(webVersionFits(web, { ...limits, maxWidth: 1280 }, 10), false, 'the width was lowered');
  assert.equal(webVersionFits(web, { ...limits, maxBitrate: 3_000_000 }, 10), false, 'the bitrate was lowered');
  assert.equal(webVersionFits({ ...web, height: 1920, width: 1080 }, limits, 10), true, 'portrait');
  assert.equal(webVersionFits({ file: 'x/web.m4a', mime: 'audio/mp4', size: 5_000_000 }, { maxWidth: 160, maxBitrate: 100_000 }, 10), true);
});

// ---- Real files through the app ----

test('what browsers cannot play gets a web version after the poster: H.264/AAC MP4 within the limits, or AAC for audio; the rest none', async () => {
  const { t, agent } = shared;
  const m = (await t.store.media.get(ids.mov))!;
  assert.equal(m.processing.state, 'done', m.processing.error);
  assert.equal(m.processing.step, undefined);
  assert.ok(m.variants.poster, 'the poster is made as before');
  const web = m.variants.web!;
  assert.equal(web.mime, 'video/mp4');
  assert.equal(path.dirname(web.file), path.dirname(m.original.file), 'in the media’s folder');
  const probed = await probeAv('ffprobe', fileOf(t, web.file));
  assert.deepEqual([probed.videoCodec, probed.audioCodec, probed.pixelFormat], ['h264', 'aac', 'yuv420p']);
  assert.ok(probed.width! <= MAX, `width ${probed.width}`);
  assert.deepEqual([web.width, web.height], [320, 240], 'scaled down keeping the ratio, recorded on the variant');
  assert.equal(web.size, (await stat(fileOf(t, web.file))).size);
  assert.ok(Math.abs(probed.duration! - 1) < 0.2);

  const c = (await t.store.media.get(ids.clip))!;
  assert.equal(c.processing.state, 'done', c.processing.error);
  assert.equal(c.variants.web, undefined, 'an H.264 MP4 within the limits plays as it is');
  assert.equal((await request(t.app).get(`/files/${ids.clip}/web`)).status, 404);

  const b = (await t.store.media.get(ids.big))!;
  assert.equal(b.processing.state, 'done', b.processing.error);
  assert.deepEqual([b.variants.web?.width, b.variants.web?.height], [320, 180], 'an oversized H.264 is scaled down');
  const bp = await probeAv('ffprobe', fileOf(t, b.variants.web!.file));
  assert.deepEqual([bp.videoCodec, bp.width, bp.height, bp.audioCodec], ['h264', 320, 180, undefined], 'no sound stays without sound');

  const a = (await t.store.media.get(ids.alac))!;
  assert.equal(a.processing.state, 'done', a.processing.error);
  assert.equal(a.variants.web?.mime, 'audio/mp4');
  assert.match(a.variants.web!.file, /web\.m4a$/);
  const ap = await probeAv('ffprobe', fileOf(t, a.variants.web!.file));
  assert.deepEqual([ap.audioCodec, ap.hasVideo], ['aac', false]);

  // The API lists it with the other variants.
  const json = await agent.get(`/api/v1/media/${ids.mov}`).expect(200);
  assert.deepEqual(json.body.variants.web, { url: `/files/${ids.mov}/web`, mime: 'video/mp4', size: web.size, width: 320, height: 240 });
  // No temporary file is left behind.
  assert.deepEqual((await filesUnder(path.join(t.dataDir, 'files'))).filter((f) => f.endsWith('.part') || f.endsWith('frame.jpg')), []);
});

test('the players list the web version first, then the original, on the media page and the embed page', async () => {
  const { t } = shared;
  const slug = async (id: string) => (await t.store.media.get(id))!.slug;

  const page = await request(t.app).get(`/media/${ids.mov}/${await slug(ids.mov)}`).set(html).expect(200);
  const video = /<video [^>]*>([\s\S]*?)<\/video>/.exec(page.text);
  assert.ok(video, 'a video player');
  assert.doesNotMatch(video[0], /<video [^>]*\ssrc=/, 'no src attribute: it would hide the <source> list');
  assert.match(video[1]!, new RegExp(`^\\s*<source src="/files/${ids.mov}/web" type="video/mp4">\\s*<source src="/files/${ids.mov}/original">`));

  const audioPage = await request(t.app).get(`/media/${ids.alac}/${await slug(ids.alac)}`).set(html).expect(200);
  assert.match(audioPage.text, new RegExp(`<audio controls preload="metadata">\\s*<source src="/files/${ids.alac}/web" type="audio/mp4">\\s*<source src="/files/${ids.alac}/original">`));

  const clipPage = await request(t.app).get(`/media/${ids.clip}/${await slug(ids.clip)}`).set(html).expect(200);
  assert.doesNotMatch(clipPage.text, /\/web"/, 'no web version, no such source');
  assert.match(clipPage.text, new RegExp(`<source src="/files/${ids.clip}/original">`));

  const embed = await request(t.app).get(`/embed/${ids.mov}`).set(html).expect(200);
  assert.match(embed.text, new RegExp(`<video controls preload="metadata" poster="/files/${ids.mov}/poster">\\s*<source src="/files/${ids.mov}/web" type="video/mp4">\\s*<source src="/files/${ids.mov}/original">`));
  const audioEmbed = await request(t.app).get(`/embed/${ids.alac}`).set(html).expect(200);
  assert.match(audioEmbed.text, new RegExp(`<audio controls preload="metadata">\\s*<source src="/files/${ids.alac}/web" type="audio/mp4">\\s*<source src="/files/${ids.alac}/original">`));
  // Feed readers get what the players play first: podcast clients cannot play the MOV either.
  const feed = await request(t.app).get('/feed').expect(200);
  const enclosed = (id: string) => new RegExp(`<enclosure [^>]*url="[^"]*/files/${id}/(\\w+)"`).exec(feed.text)?.[1];
  assert.equal(enclosed(ids.mov!), 'web');
  assert.equal(enclosed(ids.alac!), 'web');
  assert.equal(enclosed(ids.clip!), 'original', 'an original that plays is enclosed as it is');
});

test('/files/:id/web is served like the other files: Range, ETag/304, the draft rule, the intranet', async () => {
  const { t, agent } = shared;
  try {
    const web = (await t.store.media.get(ids.mov))!.variants.web!;

    const whole = await request(t.app).get(`/files/${ids.mov}/web`).buffer(true).parse(binary).expect(200);
    assert.equal(whole.headers['content-type'], 'video/mp4');
    assert.equal(whole.headers['accept-ranges'], 'bytes');
    assert.equal(whole.headers['x-content-type-options'], 'nosniff');
    assert.equal((whole.body as Buffer).length, web.size);
    assert.doesNotMatch(String(whole.headers['content-disposition'] ?? ''), /attachment/, 'played inline');
    const etag = String(whole.headers.etag);
    assert.ok(etag);
    await request(t.app).get(`/files/${ids.mov}/web`).set('If-None-Match', etag).expect(304);

    const part = await request(t.app).get(`/files/${ids.mov}/web`).set('Range', 'bytes=100-199').buffer(true).parse(binary).expect(206);
    assert.equal(part.headers['content-range'], `bytes 100-199/${web.size}`);
    assert.deepEqual(part.body, (whole.body as Buffer).subarray(100, 200));

    // A draft's web version is its author's only, as its original is.
    assert.equal((await request(t.app).get(`/files/${ids.draft}/web`)).status, 404);
    assert.equal((await agent.get(`/files/${ids.draft}/web`)).status, 200);

    assert.deepEqual(await t.app.kiosque.plugins.enable('intranet'), { ok: true });
    const closed = await request(t.app).get(`/files/${ids.mov}/web`).set('Range', 'bytes=0-99');
    assert.equal(closed.status, 401);
    assert.equal(closed.text, '');
    assert.equal((await agent.get(`/files/${ids.mov}/web`).set('Range', 'bytes=0-99')).status, 206, 'signed in, it plays');
  } finally {
    await t.app.kiosque.plugins.disable('intranet');
  }
});

test('replacing the file drops the old web version and makes a new one when needed; deleting removes it', async () => {
  const { t, agent, token, upload } = shared;
  const mov = await upload('part2.mov');
  await t.app.kiosque.media.idle();
  const first = (await t.store.media.get(mov.id))!;
  const oldWeb = fileOf(t, first.variants.web!.file);
  assert.ok(existsSync(oldWeb));

  const replace = (file: string) => agent.post(`/admin/media/${mov.id}/replace`).field('_csrf', token).attach('file', path.join(dir, file)).expect(303);
  await replace('clip.mp4');
  await t.app.kiosque.media.idle();
  const playable = (await t.store.media.get(mov.id))!;
  assert.equal(playable.processing.state, 'done', playable.processing.error);
  assert.equal(playable.variants.web, undefined, 'an original browsers play needs none');
  assert.ok(playable.variants.poster);
  assert.equal(existsSync(oldWeb), false, 'the old web version went with the old file');
  assert.equal((await request(t.app).get(`/files/${mov.id}/web`)).status, 404);

  await replace('big.mp4');
  await t.app.kiosque.media.idle();
  const scaled = (await t.store.media.get(mov.id))!;
  assert.deepEqual([scaled.variants.web?.width, scaled.variants.web?.height], [320, 180]);
  assert.ok(existsSync(fileOf(t, scaled.variants.web!.file)));
  assert.equal((await request(t.app).get(`/files/${mov.id}/web`)).status, 200);

  await agent.post(`/admin/media/${mov.id}/delete`).type('form').send({ _csrf: token }).expect(303);
  assert.equal(existsSync(fileOf(t, scaled.variants.web!.file)), false);
  assert.equal(existsSync(path.dirname(fileOf(t, scaled.variants.web!.file))), false, 'the whole folder');
  assert.equal((await request(t.app).get(`/files/${mov.id}/web`)).status, 404);
});

/** The real ffmpeg behind a wrapper that, while `flag` exists, does `onX264` instead of encoding H.264. */
async function ffmpegWrapper(name: string, flag: string, onX264: string): Promise<string> {
  const wrapper = path.join(dir, name);
  await writeFile(wrapper, `#!/bin/sh\ncase "$*" in *libx264*) if [ -e '${flag}' ]; then ${onX264}; fi;; esac\nexec /usr/bin/ffmpeg "$@"\n`);
  await chmod(wrapper, 0o755);
  await writeFile(flag, '');
  return wrapper;
}

async function untilEncoding(t: TestApp, id: string) {
  for (let i = 0; i < 1000 && (await t.store.media.get(id))?.processing.step !== 'web'; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal((await t.store.media.get(id))?.processing.step, 'web', 'the web version is being made');
}

test('replacing or deleting a media stops the ffmpeg making its web version', { timeout: 30_000 }, async () => {
  // An encoding that would never end by itself: only the stop ends it (else the test times out).
  const { t, agent, token, upload } = await appWith({ processingConcurrency: 1, ffmpegPath: await ffmpegWrapper('ffmpeg-hangs', path.join(dir, 'hang'), 'exec sleep 90') });
  try {
    const mov = await upload('part2.mov');
    await untilEncoding(t, mov.id);
    const encodingFolder = path.dirname(fileOf(t, (await t.store.media.get(mov.id))!.original.file));
    await agent.post(`/admin/media/${mov.id}/replace`).field('_csrf', token).attach('file', path.join(dir, 'clip.mp4')).expect(303);
    await t.app.kiosque.media.idle();
    const m = (await t.store.media.get(mov.id))!;
    assert.equal(m.processing.state, 'done', m.processing.error);
    assert.equal(m.variants.web, undefined);
    assert.equal(m.original.mime, 'video/mp4');
    assert.equal(existsSync(encodingFolder), false);

    const other = await upload('part2.mov');
    await untilEncoding(t, other.id);
    await agent.post(`/admin/media/${other.id}/delete`).type('form').send({ _csrf: token }).expect(303);
    await t.app.kiosque.media.idle();
    assert.equal(await t.store.media.get(other.id), undefined);
    assert.deepEqual((await filesUnder(path.join(t.dataDir, 'files'))).filter((f) => /(?:^|\/)(?:web\.|\.web)/.test(f)), [], 'nothing left of either encoding');
    assert.equal(t.logs.filter((l) => l.msg === 'media processing failed').length, 0, 'a stop is not a failure');
  } finally {
    await t.close();
  }
});

test('a failed web version shows in /admin/media with its step and the reason; the poster stays; retry makes it and the cached page follows', async () => {
  // An ffmpeg built without libx264 (it happens): the real ffmpeg behind a wrapper that refuses that encoder while a flag file exists.
  const flag = path.join(dir, 'no-x264');
  const { t, agent, token, upload } = await appWith({ ffmpegPath: await ffmpegWrapper('ffmpeg-no-x264', flag, `echo "Unknown encoder 'libx264'" >&2; exit 1`) });
  try {
    const mov = await upload('part2.mov');
    await t.app.kiosque.media.idle();
    const failed = (await t.store.media.get(mov.id))!;
    assert.equal(failed.processing.state, 'failed');
    assert.equal(failed.processing.step, 'web');
    assert.match(failed.processing.error ?? '', /Unknown encoder 'libx264'/);
    assert.ok(failed.variants.poster, 'the poster made before is kept');
    assert.equal(failed.variants.web, undefined);
    assert.ok(Math.abs((failed.meta.duration as number) - 1) < 0.2, 'and what probing found');

    const admin = await agent.get('/admin/media').set(html).expect(200);
    const row = new RegExp(`<tr data-media="${mov.id}">[\\s\\S]*?</tr>`).exec(admin.text)![0];
    assert.match(row, /<td class="state-failed">failed \(web version\): Unknown encoder &#x27;libx264&#x27;<\/td>/);
    assert.match(row, new RegExp(`action="/admin/media/${mov.id}/retry"`));
    const edit = await agent.get(`/admin/media/${mov.id}`).set(html).expect(200);
    assert.match(edit.text, /· failed \(web version\): Unknown encoder/);

    // Meanwhile the page plays the original, and an anonymous visitor's copy of it is cached.
    const pagePath = `/media/${mov.id}/${failed.slug}`;
    const before = await request(t.app).get(pagePath).set(html).expect(200);
    assert.doesNotMatch(before.text, /\/web"/);
    assert.match(before.text, new RegExp(`<source src="/files/${mov.id}/original">`));

    await rm(flag);
    await agent.post(`/admin/media/${mov.id}/retry`).type('form').send({ _csrf: token }).expect(303);
    await t.app.kiosque.media.idle();
    const done = (await t.store.media.get(mov.id))!;
    assert.equal(done.processing.state, 'done', done.processing.error);
    assert.equal(done.processing.step, undefined);
    assert.equal(done.processing.attempts, 2);
    assert.equal(done.variants.web?.mime, 'video/mp4');
    const after = await request(t.app).get(pagePath).set(html).expect(200);
    assert.match(after.text, new RegExp(`<source src="/files/${mov.id}/web" type="video/mp4">`), 'the page cache was emptied');
    const edited = await agent.get(`/admin/media/${mov.id}`).set(html).expect(200);
    assert.match(edited.text, /Web version \(what browsers play\): 320×240, [\d.,]+ KB\./);
  } finally {
    await t.close();
  }
});

test('media:regenerate makes the missing web versions of existing audio and video, and keeps those that still fit', async (tc) => {
  const dataDir = await tempDir('kiosque-web-cli-');
  tc.after(() => rm(dataDir, { recursive: true, force: true }));
  // Made under the default limits: big.mp4 (640 px) needs no web version there.
  const { t, upload } = await appWith({ webVideoMaxWidth: 1920 }, dataDir);
  const mov = await upload('part2.mov');
  const big = await upload('big.mp4');
  const alac = await upload('alac.m4a');
  await t.app.kiosque.media.idle();
  assert.equal((await t.store.media.get(big.id))!.variants.web, undefined);
  assert.equal((await t.store.media.get(mov.id))!.variants.web?.width, 480, 'not scaled under 1920 px');
  const alacWeb = (await t.store.media.get(alac.id))!.variants.web!;
  const alacMtime = (await stat(fileOf(t, alacWeb.file))).mtimeMs;
  // A media from before web versions existed.
  const { web: _dropped, ...withoutWeb } = (await t.store.media.get(mov.id))!.variants;
  await t.store.media.update(mov.id, { variants: withoutWeb });
  await t.close({ keepData: true });

  const r = await cli(['media:regenerate', '--type', 'video', '--type', 'audio'], { dataDir, env: { KIOSQUE_WEB_VIDEO_MAX_WIDTH: String(MAX) } });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /3 media: 3 rebuilt, 0 failed/);
  const store = await openLowdbStore({ dataDir });
  try {
    const get = async (id: string) => (await store.media.get(id))!;
    assert.deepEqual([(await get(mov.id)).variants.web?.width, (await get(mov.id)).variants.web?.height], [320, 240]);
    assert.deepEqual([(await get(big.id)).variants.web?.width, (await get(big.id)).variants.web?.height], [320, 180], 'needed now that the limit is lower');
    const kept = (await get(alac.id)).variants.web!;
    assert.deepEqual(kept, alacWeb, 'still fits: kept');
    assert.equal((await stat(path.join(dataDir, 'files', kept.file))).mtimeMs, alacMtime, 'not encoded again');
    for (const id of [mov.id, big.id]) assert.ok(existsSync(path.join(dataDir, 'files', (await get(id)).variants.web!.file)));
  } finally {
    await store.close();
  }
});
