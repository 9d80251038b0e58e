import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { makeApp, addUser, signIn, tokenOf, tempDir, type TestApp } from '../helpers/app.ts';
import { binary, ffmpeg, filesUnder, mp4, packetsMd5 } from '../helpers/media.ts';
import { cli } from '../helpers/cli.ts';
import { probeAv } from '../../core/media/av.ts';
import { hdrTransfer, toneMapFilter, webPlayability, webVersionArgs, webVersionFits, type PlayabilityInput } from '../../core/media/web-version.ts';
import { openLowdbStore, type Media } from '../../core/store/index.ts';

const MAX = 320;
const html = { Accept: 'text/html' };
let dir: string;
let shared: Awaited<ReturnType<typeof appWith>>;
let ids: Record<'mov' | 'clip' | 'big' | 'alac' | 'draft' | 'phone' | 'mkv' | 'pcm' | 'voice', string>;

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
  // A phone's video: H.264 (8-bit 4:2:0) + AAC in a MOV, turned a quarter as phones store portrait video, saying where it was filmed.
  await mp4(path.join(dir, 'phone-src.mp4'));
  await ffmpeg(['-i', path.join(dir, 'phone-src.mp4'), '-c', 'copy', '-metadata:s:v:0', 'rotate=90', '-metadata', 'location=+48.8566+002.3522/', path.join(dir, 'phone.mov')]);
  // The same streams in Matroska, and H.264 with PCM sound in a MOV (cameras, screen recorders).
  await ffmpeg(['-i', path.join(dir, 'phone-src.mp4'), '-c', 'copy', path.join(dir, 'phone.mkv')]);
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10:duration=1', '-f', 'lavfi', '-i', 'sine=frequency=220:duration=1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'pcm_s16le', '-shortest', path.join(dir, 'pcm.mov')]);
  // A voice memo: AAC alone in a MOV.
  await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=300:duration=1', '-c:a', 'aac', '-f', 'mov', path.join(dir, 'voice.mov')]);
  // One app for the tests that only read what processing made.
  shared = await appWith();
  ids = {
    mov: (await shared.upload('part2.mov')).id,
    clip: (await shared.upload('clip.mp4')).id,
    big: (await shared.upload('big.mp4')).id,
    alac: (await shared.upload('alac.m4a')).id,
    draft: (await shared.upload('part2.mov', 'draft')).id,
    phone: (await shared.upload('phone.mov')).id,
    mkv: (await shared.upload('phone.mkv')).id,
    pcm: (await shared.upload('pcm.mov')).id,
    voice: (await shared.upload('voice.mov')).id,
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
  assert.deepEqual(webPlayability(h264, limits), { playable: true, reasons: [], method: null });
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

test('how the web version is made: the streams copied when only the container is wrong, the sound alone encoded when only it is, else everything', () => {
  const method = (input: Partial<PlayabilityInput>) => webPlayability({ ...h264, ...input }, limits).method;
  // A phone's H.264 + AAC in a MOV or a Matroska file: only the container is wrong.
  assert.equal(method({ mime: 'video/quicktime' }), 'copy');
  assert.equal(method({ mime: 'video/matroska' }), 'copy');
  assert.equal(method({ mime: 'video/quicktime', audioCodec: 'mp3' }), 'copy', 'MP3 plays from an MP4 too');
  assert.equal(method({ mime: 'video/quicktime', audioCodec: undefined }), 'copy', 'a silent video');
  assert.equal(method({ mime: 'video/quicktime', pixelFormat: 'yuvj420p' }), 'copy', 'full-range 4:2:0 plays');
  // The picture plays, the sound does not (or not from an MP4): the picture copied, the sound encoded.
  assert.equal(method({ mime: 'video/quicktime', audioCodec: 'pcm_s16le' }), 'copy-video');
  assert.equal(method({ audioCodec: 'ac3' }), 'copy-video', 'an MP4 whose only fault is its sound');
  assert.equal(method({ mime: 'video/matroska', audioCodec: 'opus' }), 'copy-video', 'Opus plays from WebM, not from every browser’s MP4');
  assert.equal(method({ mime: 'video/matroska', audioCodec: 'flac' }), 'copy-video');
  // Anything wrong with the picture: everything encoded.
  assert.equal(method({ mime: 'video/quicktime', videoCodec: 'hevc' }), 'encode', 'an iPhone’s HEVC');
  assert.equal(method({ mime: 'video/quicktime', pixelFormat: 'yuv420p10le' }), 'encode', '10-bit H.264');
  assert.equal(method({ mime: 'video/quicktime', width: 3840, height: 2160 }), 'encode', 'too large to copy');
  assert.equal(method({ mime: 'video/quicktime', bitrate: 20_000_000 }), 'encode', 'too heavy to copy');
  assert.equal(method({ mime: 'video/quicktime', pixelFormat: 'yuv420p10le', audioCodec: 'pcm_s16le' }), 'encode');
  assert.equal(method({ mime: 'video/matroska', videoCodec: 'vp9', audioCodec: 'opus' }), 'encode', 'VP9 plays from WebM only: encoded for every browser');
  assert.equal(method({ videoCodec: 'mpeg4' }), 'encode');
  // Audio alone: AAC or MP3 copied into M4A, anything else encoded to AAC.
  const audio = (mime: string, audioCodec: string) => webPlayability({ mime, audioCodec, hasVideo: false }, limits).method;
  assert.equal(audio('video/quicktime', 'aac'), 'copy', 'AAC in a MOV');
  assert.equal(audio('video/matroska', 'aac'), 'copy', 'AAC in a Matroska file');
  assert.equal(audio('video/quicktime', 'pcm_s16le'), 'encode');
  assert.equal(audio('audio/mp4', 'alac'), 'encode');
  assert.equal(audio('audio/mpeg', 'mp2'), 'encode');
  assert.equal(audio('audio/mpeg', 'mp3'), null, 'plays as it is');
});

test('ffmpeg’s arguments: streams copied into an MP4 or M4A, the picture copied with the sound encoded, or everything encoded', () => {
  const args = (method: 'copy' | 'copy-video' | 'encode', kind: 'video' | 'audio' = 'video') => webVersionArgs('in.mov', 'out.mp4', { kind, method, limits, threads: 2 }).join(' ');
  assert.match(args('encode'), /-vf scale=w='min\(iw,1920\)'.* -c:v libx264 .* -c:a aac -b:a 128k -ac 2 /);
  assert.match(args('copy'), /-map 0:v:0 -map 0:a:0\? -c copy -movflags \+faststart -f mp4 out\.mp4$/);
  assert.match(args('copy-video'), /-c:v copy -c:a aac -b:a 128k -ac 2 /);
  assert.doesNotMatch(args('copy-video') + args('copy'), /libx264|-vf/);
  assert.match(args('copy', 'audio'), /-map 0:a:0 -vn -c:a copy -movflags \+faststart -f mp4 out\.mp4$/);
  assert.match(args('encode', 'audio'), /-c:a aac -b:a 192k/);
});

test('HDR: PQ and HLG are recognised from the transfer, and tone-mapped to SDR BT.709 8-bit with the source’s colours named', () => {
  assert.equal(hdrTransfer({ colorTransfer: 'smpte2084' }), 'smpte2084');
  assert.equal(hdrTransfer({ colorTransfer: 'arib-std-b67' }), 'arib-std-b67');
  for (const sdr of ['bt709', 'bt2020-10', 'unknown', undefined]) assert.equal(hdrTransfer({ colorTransfer: sdr }), undefined, String(sdr));
  assert.equal(
    toneMapFilter({ colorTransfer: 'smpte2084', colorPrimaries: 'bt2020', colorSpace: 'bt2020nc' }),
    'zscale=tin=smpte2084:pin=bt2020:min=bt2020nc:t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=tonemap=hable:desat=0,zscale=t=bt709:m=bt709:r=tv,format=yuv420p',
  );
  assert.match(toneMapFilter({ colorTransfer: 'arib-std-b67', colorPrimaries: 'smpte432', colorSpace: 'bt709' }), /^zscale=tin=arib-std-b67:pin=smpte432:min=bt709:/, 'Display P3 HLG');
  assert.match(toneMapFilter({ colorTransfer: 'smpte2084', colorPrimaries: 'unknown', colorSpace: undefined }), /^zscale=tin=smpte2084:pin=bt2020:min=bt2020nc:/, 'unnamed colours are taken for BT.2020');

  const args = (method: 'copy' | 'copy-video' | 'encode', toneMap?: string) => webVersionArgs('in.mov', 'out.mp4', { kind: 'video', method, limits, threads: 2, toneMap }).join(' ');
  const tm = toneMapFilter({ colorTransfer: 'smpte2084' });
  const encoded = args('encode', tm);
  assert.ok(encoded.includes(`-vf scale=w='min(iw,1920)':h='min(ih,1920)':force_original_aspect_ratio=decrease:force_divisible_by=2,${tm} `), encoded);
  assert.match(encoded, /-color_primaries bt709 -color_trc bt709 -colorspace bt709/);
  assert.doesNotMatch(args('encode'), /zscale|-color_trc/, 'SDR is encoded as before');
  assert.doesNotMatch(args('copy', tm) + args('copy-video', tm), /zscale|-vf/, 'a copy is not filtered');
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

/** The rotation a video stream's display matrix asks for (ffprobe's side data), 0 without one. */
function rotationOf(file: string): Promise<number> {
  return new Promise((resolve, reject) =>
    execFile('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_streams', '-print_format', 'json', file], (err, stdout) => {
      if (err) return reject(err);
      const side = (JSON.parse(stdout) as { streams: Array<{ side_data_list?: Array<{ rotation?: number }> }> }).streams[0]?.side_data_list ?? [];
      resolve(Math.abs(side.find((d) => d.rotation !== undefined)?.rotation ?? 0));
    }),
  );
}

const methodLogged = (t: TestApp, id: string) => t.logs.find((l) => l.msg === 'making a web version' && l.mediaId === id)?.method;

test('only the container wrong (a phone’s H.264 + AAC in a MOV or MKV): the streams are copied into an MP4, not re-encoded', async () => {
  const { t } = shared;
  for (const [id, source] of [[ids.phone, 'phone.mov'], [ids.mkv, 'phone.mkv']] as const) {
    const m = (await t.store.media.get(id))!;
    assert.equal(m.processing.state, 'done', m.processing.error);
    assert.equal(methodLogged(t, id), 'copy', source);
    const web = m.variants.web!;
    assert.deepEqual([web.mime, path.basename(web.file)], ['video/mp4', 'web.mp4'], source);
    const file = fileOf(t, web.file);
    const [original, made] = [await probeAv('ffprobe', path.join(dir, source)), await probeAv('ffprobe', file)];
    assert.deepEqual([made.videoCodec, made.audioCodec, made.pixelFormat, made.width, made.height], [original.videoCodec, original.audioCodec, original.pixelFormat, original.width, original.height], source);
    // The size as shown: the MOV, like a phone's, asks players to turn its 160×120 frames a quarter.
    assert.deepEqual([web.width, web.height], source === 'phone.mov' ? [120, 160] : [160, 120], source);
    // A re-encoding, however good, never gives back the same packets.
    assert.equal(await packetsMd5(file, 'v'), await packetsMd5(path.join(dir, source), 'v'), `${source}: the picture is copied`);
    assert.equal(await packetsMd5(file, 'a'), await packetsMd5(path.join(dir, source), 'a'), `${source}: the sound is copied`);
    const bytes = await readFile(file);
    assert.ok(bytes.indexOf('moov') < bytes.indexOf('mdat'), `${source}: the index comes first (+faststart)`);
    assert.equal(made.hasLocation, false, `${source}: no metadata`);
  }
  assert.equal(await rotationOf(path.join(dir, 'phone.mov')), 90, 'the test file is turned');
  assert.equal(await rotationOf(fileOf(t, (await t.store.media.get(ids.phone))!.variants.web!.file)), 90, 'a portrait video stays upright');
});

test('H.264 with PCM sound in a MOV: the picture is copied, only the sound is encoded to AAC', async () => {
  const { t } = shared;
  const m = (await t.store.media.get(ids.pcm))!;
  assert.equal(m.processing.state, 'done', m.processing.error);
  assert.equal(methodLogged(t, ids.pcm), 'copy-video');
  const file = fileOf(t, m.variants.web!.file);
  const made = await probeAv('ffprobe', file);
  assert.deepEqual([made.videoCodec, made.pixelFormat, made.width, made.height, made.audioCodec], ['h264', 'yuv420p', 160, 120, 'aac']);
  assert.equal((await probeAv('ffprobe', path.join(dir, 'pcm.mov'))).audioCodec, 'pcm_s16le');
  assert.equal(await packetsMd5(file, 'v'), await packetsMd5(path.join(dir, 'pcm.mov'), 'v'), 'the picture is copied');
  assert.ok(Math.abs(made.duration! - 1) < 0.2);
});

test('AAC alone in a MOV (a voice memo) is copied into an M4A', async () => {
  const { t } = shared;
  const m = (await t.store.media.get(ids.voice))!;
  assert.equal(m.processing.state, 'done', m.processing.error);
  assert.deepEqual([m.type, m.original.mime], ['audio', 'video/quicktime'], 'a MOV is taken for a video until probed, then for what it holds');
  assert.equal(methodLogged(t, ids.voice), 'copy');
  assert.deepEqual([m.variants.web?.mime, path.basename(m.variants.web!.file)], ['audio/mp4', 'web.m4a']);
  const file = fileOf(t, m.variants.web!.file);
  assert.deepEqual([(await probeAv('ffprobe', file)).audioCodec, (await probeAv('ffprobe', file)).hasVideo], ['aac', false]);
  assert.equal(await packetsMd5(file, 'a'), await packetsMd5(path.join(dir, 'voice.mov'), 'a'));
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

/** The real ffmpeg behind a wrapper that, while `flag` exists, does `action` instead when its arguments match `pattern` (a shell case pattern; by default, encoding H.264). */
async function ffmpegWrapper(name: string, flag: string, action: string, pattern = '*libx264*'): Promise<string> {
  const wrapper = path.join(dir, name);
  await writeFile(wrapper, `#!/bin/sh\ncase "$*" in ${pattern}) if [ -e '${flag}' ]; then ${action}; fi;; esac\nexec /usr/bin/ffmpeg "$@"\n`);
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
    assert.match(row, /<td class="state-failed">failed \(web version\): ffmpeg-no-x264 stopped on an error <code class="tool-output">Unknown encoder &#x27;libx264&#x27;<\/code><\/td>/);
    assert.match(row, new RegExp(`action="/admin/media/${mov.id}/retry"`));
    const edit = await agent.get(`/admin/media/${mov.id}`).set(html).expect(200);
    assert.match(edit.text, /· failed \(web version\): ffmpeg-no-x264 stopped on an error <code class="tool-output">Unknown encoder/);

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

test('a copy ffmpeg refuses is encoded instead, and said so in the log', async () => {
  // The streams copied into the web version's MP4 (not the location's removal, which copies too) fail.
  const { t, upload } = await appWith({ ffmpegPath: await ffmpegWrapper('ffmpeg-no-copy', path.join(dir, 'no-copy'), `echo "Could not write header for output file" >&2; exit 1`, '*"-c copy -movflags"*') });
  try {
    const mkv = await upload('phone.mkv');
    await t.app.kiosque.media.idle();
    const m = (await t.store.media.get(mkv.id))!;
    assert.equal(m.processing.state, 'done', m.processing.error);
    const file = fileOf(t, m.variants.web!.file);
    assert.equal((await probeAv('ffprobe', file)).videoCodec, 'h264');
    assert.notEqual(await packetsMd5(file, 'v'), await packetsMd5(path.join(dir, 'phone.mkv'), 'v'), 'encoded');
    const warned = t.logs.find((l) => l.msg === 'copying the streams for the web version failed; encoding them instead');
    assert.ok(warned, 'logged');
    assert.deepEqual([warned.mediaId, warned.method], [mkv.id, 'copy']);
    assert.match(String(warned.reason), /Could not write header/);
    assert.equal(t.logs.find((l) => l.msg === 'web version made' && l.mediaId === mkv.id)?.method, 'encode');
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
