import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import pino from 'pino';
import { appWithUploads, tempDir } from '../helpers/app.ts';
import { ffmpeg, mp4 } from '../helpers/media.ts';
import { extractPoster, runTool } from '../../core/media/av.ts';
import sharp from 'sharp';
import { memoryCap, underCap } from '../../core/media/memory-cap.ts';
import { makeWebVersion } from '../../core/media/web-version.ts';
import { findTools } from '../../core/media/tools.ts';

// ffmpeg and ffprobe run under prlimit's address-space cap (media.ffmpegMemoryMB,
// media.ffprobeMemoryMB): a file that needs more fails with that reason instead of taking the
// machine's memory. Real ffmpeg, on a 4K clip: the heaviest kind of job Kiosque runs.

const html = { Accept: 'text/html' };
/**
 * Enough for Debian's ffmpeg to start (it needs about 280 MB of address space just to load its
 * libraries) and for a 4K frame's poster (380 MB, taken on one thread), far from enough for its web
 * version (700 MB and more).
 */
const SMALL_CAP_MB = 450;
const MB = 1024 * 1024;
let dir: string;

before(async () => {
  dir = await tempDir('kiosque-memory-cap-');
  // 3840×2160, H.264 in MP4: larger than the web limit (1920), so it gets an encoded web version.
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=3840x2160:rate=5:duration=1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path.join(dir, 'uhd.mp4')]);
  await mp4(path.join(dir, 'clip.mp4'));
});
after(() => rm(dir, { recursive: true, force: true }));

/** The real tool behind a script that notes, for each job (not the version checks), the address-space limit it runs under. */
async function recording(tool: 'ffmpeg' | 'ffprobe'): Promise<{ path: string; limits: () => Promise<string[]> }> {
  const log = path.join(dir, `${tool}-limits-${Math.random().toString(36).slice(2)}.log`);
  const file = path.join(dir, `${tool}-recording-${path.basename(log, '.log')}`);
  await writeFile(file, `#!/bin/sh\n[ "$1" = "-v" ] && awk '/^Max address space/ { print $4 }' /proc/self/limits >> '${log}'\nexec /usr/bin/${tool} "$@"\n`);
  await chmod(file, 0o755);
  return { path: file, limits: async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean) };
}

async function appWith(media: Record<string, unknown> = {}) {
  const app = await appWithUploads(dir, { overrides: { media: { processingConcurrency: 1, ...media } } });
  const folderOf = async (id: string) => readdir(path.join(app.t.dataDir, 'files', path.dirname((await app.t.store.media.get(id))!.original.file)));
  return { ...app, folderOf };
}

test('under the default caps, ffmpeg and ffprobe run under prlimit, and a 4K video gets its poster and web version', async () => {
  const [ffmpegRec, ffprobeRec] = await Promise.all([recording('ffmpeg'), recording('ffprobe')]);
  const { t, upload, folderOf } = await appWith({ ffmpegPath: ffmpegRec.path, ffprobePath: ffprobeRec.path });
  try {
    const { ffmpegMemoryMB, ffprobeMemoryMB } = t.config.media;
    assert.ok(ffmpegMemoryMB > SMALL_CAP_MB && ffprobeMemoryMB > 0, 'the defaults cap both tools');
    const up = await upload('uhd.mp4');
    await t.app.kiosque.media.idle();
    const m = (await t.store.media.get(up.id))!;
    assert.equal(m.processing.state, 'done', m.processing.error);
    assert.deepEqual([m.variants.web?.width, m.variants.web?.height], [1920, 1080]);
    assert.ok(m.variants.poster);
    assert.deepEqual((await folderOf(up.id)).filter((f) => !/^(original|poster|medium|thumb|web)\./.test(f)), [], 'nothing else left in the folder');
    // Poster and web version; probing the original and the web version made.
    assert.deepEqual(await ffmpegRec.limits(), [String(ffmpegMemoryMB * MB), String(ffmpegMemoryMB * MB)]);
    assert.deepEqual(await ffprobeRec.limits(), [String(ffprobeMemoryMB * MB), String(ffprobeMemoryMB * MB)]);
  } finally {
    await t.close();
  }
});

test('0 runs the tool without a cap', async () => {
  const ffmpegRec = await recording('ffmpeg');
  const { t, upload } = await appWith({ ffmpegPath: ffmpegRec.path, ffmpegMemoryMB: 0 });
  try {
    const up = await upload('clip.mp4');
    await t.app.kiosque.media.idle();
    assert.equal((await t.store.media.get(up.id))!.processing.state, 'done');
    assert.deepEqual(await ffmpegRec.limits(), ['unlimited'], 'the poster, taken without a cap');
    assert.equal(memoryCap('/usr/bin/prlimit', 0), undefined);
    assert.equal(memoryCap(null, 2048), undefined, 'nor without prlimit');
  } finally {
    await t.close();
  }
});

test('a job that needs more memory than the cap set in the config fails with that reason, leaves no partial output, and offers Retry', async () => {
  const { t, agent, upload, folderOf } = await appWith({ ffmpegMemoryMB: SMALL_CAP_MB });
  try {
    const up = await upload('uhd.mp4');
    await t.app.kiosque.media.idle();
    const m = (await t.store.media.get(up.id))!;
    // The poster fits (one thread); the web version does not.
    assert.deepEqual([m.processing.state, m.processing.step], ['failed', 'web']);
    assert.equal(m.processing.error, `the file needs more memory than ffmpeg may take (${SMALL_CAP_MB} MB, set by media.ffmpegMemoryMB)`);
    assert.deepEqual(m.processing.reason, { code: 'memory_cap', vars: { tool: 'ffmpeg', mb: SMALL_CAP_MB, setting: 'media.ffmpegMemoryMB' } });
    assert.match(m.processing.output ?? '', /cannot allocate memory|get_buffer\(\) failed|error allocating|malloc of size \d+ failed|is out of memory/i, 'what ffmpeg said, for diagnosis');
    assert.deepEqual((await folderOf(up.id)).filter((f) => !/^(original|poster|medium|thumb)\./.test(f)), [], 'no frame or partial web version left behind');
    assert.equal(m.variants.web, undefined);
    assert.ok(m.variants.poster);
    assert.ok(t.logs.some((l) => l.msg === 'media processing failed' && l.mediaId === up.id && l.level === 40), 'logged as a warning');

    const admin = await agent.get('/admin/media').set(html).expect(200);
    const row = new RegExp(`<tr data-media="${up.id}">[\\s\\S]*?</tr>`).exec(admin.text)![0];
    assert.match(row, new RegExp(`<td class="state-failed">failed \\(web version\\): the file needs more memory than ffmpeg may take \\(${SMALL_CAP_MB} MB, set by media\\.ffmpegMemoryMB\\) <code class="tool-output">[^<]+</code></td>`));
    assert.match(row, new RegExp(`action="/admin/media/${up.id}/retry"`));
    const fr = await agent.get('/admin/media?lang=fr').set(html).set('Accept-Language', 'fr').expect(200);
    assert.match(fr.text, new RegExp(`<td class="state-failed">échec \\(version web\\)\u00a0: le fichier demande plus de mémoire que ffmpeg ne peut en prendre \\(${SMALL_CAP_MB}\u00a0Mo, fixée par media\\.ffmpegMemoryMB\\) <code`), 'in French, with its typography');
    // The server carries on.
    await request(t.app).get('/').set(html).expect(200);
  } finally {
    await t.close();
  }
});

test('an ffprobe cap it cannot even start within fails the job with that reason', async () => {
  const { t, upload, folderOf } = await appWith({ ffprobeMemoryMB: 64 });
  try {
    const up = await upload('clip.mp4');
    await t.app.kiosque.media.idle();
    const m = (await t.store.media.get(up.id))!;
    assert.equal(m.processing.state, 'failed');
    assert.equal(m.processing.error, 'ffprobe cannot start within its memory cap (64 MB, set by media.ffprobeMemoryMB): raise the cap');
    assert.deepEqual(m.processing.reason, { code: 'memory_cap_start', vars: { tool: 'ffprobe', mb: 64, setting: 'media.ffprobeMemoryMB' } });
    assert.deepEqual(await folderOf(up.id), ['original.mp4']);
  } finally {
    await t.close();
  }
});

test('an ffmpeg killed without a word (as the kernel kills a process out of memory) fails the job with a reason saying so, capped or not', async () => {
  const killed = path.join(dir, 'ffmpeg-killed');
  await writeFile(killed, '#!/bin/sh\n[ "$1" = "-v" ] && kill -KILL $$\nexec /usr/bin/ffmpeg "$@"\n');
  await chmod(killed, 0o755);
  for (const [mb, reason, code] of [
    [0, 'ffmpeg-killed was killed (SIGKILL), perhaps by the system for lack of memory', { code: 'killed', vars: { tool: 'ffmpeg-killed', signal: 'SIGKILL' } }],
    [1024, 'ffmpeg-killed stopped without saying why, most likely for lack of memory: the file needs more than it may take (1024 MB, set by media.ffmpegMemoryMB)', { code: 'memory_silent', vars: { tool: 'ffmpeg-killed', mb: 1024, setting: 'media.ffmpegMemoryMB' } }],
  ] as const) {
    const { t, upload, folderOf } = await appWith({ ffmpegPath: killed, ffmpegMemoryMB: mb });
    try {
      const up = await upload('clip.mp4');
      await t.app.kiosque.media.idle();
      const m = (await t.store.media.get(up.id))!;
      assert.deepEqual([m.processing.state, m.processing.error, m.processing.reason], ['failed', reason, code]);
      assert.deepEqual(await folderOf(up.id), ['original.mp4']);
    } finally {
      await t.close();
    }
  }
});

test('a web version that runs out of memory leaves no partial file', async () => {
  const tools = await findTools({ media: { ffmpegPath: '', ffprobePath: '' } });
  assert.ok(tools.prlimit.path, 'prlimit is installed (util-linux)');
  const cap = memoryCap(tools.prlimit.path, SMALL_CAP_MB, 'media.ffmpegMemoryMB')!;
  assert.deepEqual(underCap('/usr/bin/ffmpeg', ['-version'], cap), [tools.prlimit.path, [`--as=${SMALL_CAP_MB * MB}`, '--', '/usr/bin/ffmpeg', '-version']]);
  // ffmpeg starts within the cap: what fails below is the encoding itself.
  await runTool('/usr/bin/ffmpeg', ['-version'], { timeoutMs: 10_000, memoryCap: cap });
  const out = path.join(dir, 'web-out');
  await rm(out, { recursive: true, force: true });
  await mkdir(out);
  await assert.rejects(
    makeWebVersion({ ffmpeg: '/usr/bin/ffmpeg', ffprobe: '/usr/bin/ffprobe' }, path.join(dir, 'uhd.mp4'), out, {
      hasVideo: true,
      method: 'encode',
      duration: 1,
      limits: { maxWidth: 1920, maxBitrate: 8_000_000 },
      threads: 1,
      logger: pino({ level: 'silent' }),
      memoryCaps: { ffmpeg: cap },
    }),
    { message: `the file needs more memory than ffmpeg may take (${SMALL_CAP_MB} MB, set by media.ffmpegMemoryMB)` },
  );
  assert.deepEqual(await readdir(out), []);
});

test('a poster is taken on one thread per stage: a 4K frame within 512 MB (727 MB with ffmpeg’s own threads on two cores, 1200 MB with 16), whole', async () => {
  const tools = await findTools({ media: { ffmpegPath: '', ffprobePath: '' } });
  const out = path.join(dir, 'uhd-poster.jpg');
  await extractPoster('/usr/bin/ffmpeg', path.join(dir, 'uhd.mp4'), out, 0.1, { memoryCap: memoryCap(tools.prlimit.path, 512, 'media.ffmpegMemoryMB') });
  const meta = await sharp(out).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 3840, 2160]);
  // testsrc2's colour bars and moving shapes, not a flat or black frame.
  const { channels } = await sharp(out).stats();
  assert.ok(channels.every((c) => c.stdev > 30), `a picture: ${channels.map((c) => c.stdev.toFixed(0)).join(', ')}`);
});
