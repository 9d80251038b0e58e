import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import sharp from 'sharp';
import { appWithUploads, tempDir, type TestApp } from '../helpers/app.ts';
import { binary, ffmpeg, firstFrameLuma } from '../helpers/media.ts';
import { extractPoster, probeAv } from '../../core/media/av.ts';
import { findTools } from '../../core/media/tools.ts';
import { memoryCap } from '../../core/media/memory-cap.ts';
import { toneMapFilter } from '../../core/media/web-version.ts';

let dir: string;

/** A flat frame at code value `grey` (0x808080: Y 504 of 1023), 10-bit and tagged HDR without its values being converted. */
const hdrClip = (file: string, transfer: 'smpte2084' | 'arib-std-b67', codec: string[]) =>
  ffmpeg(['-f', 'lavfi', '-i', 'color=c=0x808080:size=160x120:rate=10:duration=1', '-vf', 'format=yuv420p10le', ...codec, '-color_primaries', 'bt2020', '-color_trc', transfer, '-colorspace', 'bt2020nc', file]);

before(async () => {
  dir = await tempDir('kiosque-hdr-');
  // H.264 High 10 tagged BT.2020 PQ (HDR10's transfer): mid-grey code values, about 90 nits.
  await hdrClip(path.join(dir, 'pq.mp4'), 'smpte2084', ['-c:v', 'libx264', '-preset', 'ultrafast']);
  // What an iPhone films: 10-bit HEVC, HLG, in a MOV.
  await hdrClip(path.join(dir, 'hlg.mov'), 'arib-std-b67', ['-c:v', 'libx265', '-x265-params', 'log-level=error']);
  // The same grey in 4K, 10-bit HEVC PQ: the heaviest poster there is, tone-mapped at full size in 32-bit floats.
  await ffmpeg(['-f', 'lavfi', '-i', 'color=c=0x808080:size=3840x2160:rate=5:duration=1', '-vf', 'format=yuv420p10le', '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-color_primaries', 'bt2020', '-color_trc', 'smpte2084', '-colorspace', 'bt2020nc', path.join(dir, 'pq-4k.mp4')]);
  // An ffmpeg without zimg: the real one, but zscale is neither listed nor usable.
  const wrapper = path.join(dir, 'ffmpeg-no-zscale');
  await writeFile(wrapper, `#!/bin/sh\ncase "$*" in *-filters*) /usr/bin/ffmpeg "$@" | grep -v ' zscale '; exit 0;; *zscale*) echo "No such filter: 'zscale'" >&2; exit 1;; esac\nexec /usr/bin/ffmpeg "$@"\n`);
  await chmod(wrapper, 0o755);
  // One whose zscale is listed but fails (colours zimg cannot convert).
  const failing = path.join(dir, 'ffmpeg-zscale-fails');
  await writeFile(failing, `#!/bin/sh\ncase "$*" in *-filters*) ;; *zscale*) echo "code 3074: no path between colorspaces" >&2; exit 1;; esac\nexec /usr/bin/ffmpeg "$@"\n`);
  await chmod(failing, 0o755);
});
after(() => rm(dir, { recursive: true, force: true }));

const appWith = (media: Record<string, unknown> = {}, dataDir?: string) => appWithUploads(dir, { dataDir, overrides: { media: { processingConcurrency: 2, ...media } } });

const fileOf = (t: TestApp, rel: string) => path.join(t.dataDir, 'files', rel);

/** The poster's mean brightness (0–255, full range: the JPEG sharp decodes). */
async function posterBrightness(t: TestApp, id: string): Promise<number> {
  const res = await request(t.app).get(`/files/${id}/poster`).buffer(true).parse(binary).expect(200);
  return (await sharp(res.body as Buffer).stats()).channels[0]!.mean;
}

/** SDR BT.709, 8-bit 4:2:0, tagged so: what every browser shows as it should. */
async function assertSdr(file: string, label: string) {
  const p = await probeAv('ffprobe', file);
  assert.deepEqual([p.videoCodec, p.pixelFormat, p.colorPrimaries, p.colorTransfer, p.colorSpace], ['h264', 'yuv420p', 'bt709', 'bt709', 'bt709'], label);
}

// A plain conversion keeps the code values: mid-grey PQ (Y 504/1023) becomes Y 126/255, a dull grey
// where the source was a bright surface (about 90 nits, near SDR white); tone mapping lifts it.
const PLAIN_Y = 126;
const PLAIN_POSTER = 128;

test('HDR video (PQ, HLG) is tone-mapped to SDR BT.709 8-bit in its web version and its poster', async () => {
  const { t, upload } = await appWith();
  try {
    const pq = await upload('pq.mp4');
    const hlg = await upload('hlg.mov');
    await t.app.kiosque.media.idle();
    const source = await probeAv('ffprobe', path.join(dir, 'pq.mp4'));
    assert.deepEqual([source.pixelFormat, source.colorTransfer], ['yuv420p10le', 'smpte2084'], 'the test file is 10-bit PQ');
    assert.equal(await firstFrameLuma(path.join(dir, 'pq.mp4')), 504);

    const m = (await t.store.media.get(pq.id))!;
    assert.equal(m.processing.state, 'done', m.processing.error);
    const web = fileOf(t, m.variants.web!.file);
    await assertSdr(web, 'PQ');
    const y = await firstFrameLuma(web);
    assert.ok(y >= PLAIN_Y + 12 && y <= 200, `tone-mapped luma ${y}, not the plain conversion's ${PLAIN_Y}`);
    const poster = await posterBrightness(t, pq.id);
    assert.ok(poster >= PLAIN_POSTER + 12 && poster <= 220, `tone-mapped poster ${poster}, not the plain conversion's ${PLAIN_POSTER}`);
    const made = t.logs.find((l) => l.msg === 'web version made' && l.mediaId === pq.id);
    assert.deepEqual([made?.method, made?.toneMapped], ['encode', true]);

    const h = (await t.store.media.get(hlg.id))!;
    assert.equal(h.processing.state, 'done', h.processing.error);
    assert.deepEqual([h.meta.videoCodec, h.variants.web?.mime], ['hevc', 'video/mp4']);
    await assertSdr(fileOf(t, h.variants.web!.file), 'HLG');
    assert.deepEqual([h.variants.web?.width, h.variants.web?.height], [160, 120]);
    assert.equal(t.logs.filter((l) => /without tone mapping/.test(String(l.msg))).length, 0);
  } finally {
    await t.close();
  }
});

test('without zscale the HDR video still gets its web version and poster, untone-mapped and logged; once ffmpeg can, Retry makes them again', async (tc) => {
  const dataDir = await tempDir('kiosque-hdr-data-');
  tc.after(() => rm(dataDir, { recursive: true, force: true }));
  const first = await appWith({ ffmpegPath: path.join(dir, 'ffmpeg-no-zscale') }, dataDir);
  const pq = await first.upload('pq.mp4');
  try {
    await first.t.app.kiosque.media.idle();
    const m = (await first.t.store.media.get(pq.id))!;
    assert.equal(m.processing.state, 'done', m.processing.error);
    const web = fileOf(first.t, m.variants.web!.file);
    const p = await probeAv('ffprobe', web);
    assert.deepEqual([p.videoCodec, p.pixelFormat], ['h264', 'yuv420p'], 'browsers play it');
    assert.ok(Math.abs((await firstFrameLuma(web)) - PLAIN_Y) <= 3, 'the plain conversion');
    assert.ok(Math.abs((await posterBrightness(first.t, pq.id)) - PLAIN_POSTER) <= 4);
    const warned = first.t.logs.find((l) => l.msg === 'HDR video converted without tone mapping (this ffmpeg lacks the zscale or tonemap filter; see kiosque doctor): its poster and web version look washed out');
    assert.deepEqual([warned?.level, warned?.mediaId, warned?.transfer], [40, pq.id, 'smpte2084']);
  } finally {
    await first.t.close({ keepData: true });
  }

  // The same data with an ffmpeg that has zscale: a retry does not keep the washed-out version although it still fits.
  const { t, agent, token } = await appWith({}, dataDir);
  try {
    await agent.post(`/admin/media/${pq.id}/retry`).type('form').send({ _csrf: token }).expect(303);
    await t.app.kiosque.media.idle();
    const m = (await t.store.media.get(pq.id))!;
    assert.equal(m.processing.state, 'done', m.processing.error);
    const web = fileOf(t, m.variants.web!.file);
    await assertSdr(web, 'made again');
    assert.ok((await firstFrameLuma(web)) >= PLAIN_Y + 12);
    assert.ok((await posterBrightness(t, pq.id)) >= PLAIN_POSTER + 12);
  } finally {
    await t.close();
  }
});

test('tone mapping that fails leaves a plain web version and poster rather than none, and says so', async () => {
  const { t, upload } = await appWith({ ffmpegPath: path.join(dir, 'ffmpeg-zscale-fails') });
  try {
    const pq = await upload('pq.mp4');
    await t.app.kiosque.media.idle();
    const m = (await t.store.media.get(pq.id))!;
    assert.equal(m.processing.state, 'done', m.processing.error);
    const web = fileOf(t, m.variants.web!.file);
    assert.equal((await probeAv('ffprobe', web)).pixelFormat, 'yuv420p');
    assert.ok(Math.abs((await firstFrameLuma(web)) - PLAIN_Y) <= 3);
    assert.ok(m.variants.poster);
    assert.equal(t.logs.find((l) => l.msg === 'web version made' && l.mediaId === pq.id)?.toneMapped, false);
    const warnings = t.logs.filter((l) => l.mediaId === pq.id && l.level === 40).map((l) => [l.msg, l.reason]);
    assert.deepEqual(warnings, [
      ['tone mapping the HDR video failed; its poster is taken without it (washed out)', 'code 3074: no path between colorspaces'],
      ['tone mapping the HDR video failed; its web version is encoded without it (washed out)', 'code 3074: no path between colorspaces'],
    ]);
  } finally {
    await t.close();
  }
});

test('a 4K HDR poster is tone-mapped within 1024 MB (one thread per stage; it needed 1307 MB on two cores, 3.5 GB with 16 threads) and comes out right', async () => {
  const tools = await findTools({ media: { ffmpegPath: '', ffprobePath: '' } });
  const file = path.join(dir, 'pq-4k.mp4');
  const probe = await probeAv('ffprobe', file);
  assert.deepEqual([probe.width, probe.height, probe.videoCodec, probe.colorTransfer], [3840, 2160, 'hevc', 'smpte2084']);
  const out = path.join(dir, 'pq-4k-poster.jpg');
  await extractPoster('/usr/bin/ffmpeg', file, out, 0.1, { filter: toneMapFilter({ ...probe, colorTransfer: 'smpte2084' }), memoryCap: memoryCap(tools.prlimit.path, 1024, 'media.ffmpegMemoryMB') });
  const meta = await sharp(out).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 3840, 2160]);
  const brightness = (await sharp(out).stats()).channels[0]!.mean;
  assert.ok(brightness >= PLAIN_POSTER + 12 && brightness <= 220, `tone-mapped poster ${brightness}, not the plain conversion's ${PLAIN_POSTER}`);
});
