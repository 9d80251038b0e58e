import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { appWithUploads, tempDir } from '../helpers/app.ts';
import { ffmpeg } from '../helpers/media.ts';
import { mediaRecord } from '../helpers/media-records.ts';
import { describeFailure, failureOf, OUTPUT_SHOWN, ProcessingError } from '../../core/media/failure.ts';
import type { Media } from '../../core/store/index.ts';

// A failed processing keeps why (a reason code and its values) besides the English `error`, and
// what the tool said; the admin pages and the API word it in the reader's language.

const html = { Accept: 'text/html' };
const fr = { Accept: 'text/html', 'Accept-Language': 'fr' };
let dir: string;

before(async () => {
  dir = await tempDir('kiosque-failure-');
  // An MP4 whose index (moov) is at the end, cut before it: it starts as an MP4, and ffprobe cannot read it.
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10:duration=2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path.join(dir, 'whole.mp4')]);
  await writeFile(path.join(dir, 'cut.mp4'), (await readFile(path.join(dir, 'whole.mp4'))).subarray(0, 5000));
  // An ffprobe whose complaint holds markup: what a tool prints is shown escaped.
  await writeFile(path.join(dir, 'ffprobe-markup'), '#!/bin/sh\n[ "$1" = "-version" ] && exec /usr/bin/ffprobe "$@"\necho \'<img src=x onerror=alert(1)> & <b>bold</b>\' >&2\nexit 1\n');
  await chmod(path.join(dir, 'ffprobe-markup'), 0o755);
});
after(() => rm(dir, { recursive: true, force: true }));

const appWith = (media: Record<string, unknown> = {}) => appWithUploads(dir, { overrides: { media: { processingConcurrency: 1, ...media } } });

const rowOf = (page: string, id: string) => new RegExp(`<tr data-media="${id}">[\\s\\S]*?</tr>`).exec(page)![0];
const stateCell = (page: string, id: string) => /<td class="state-\w+">[\s\S]*?<\/td>/.exec(rowOf(page, id))![0];

test('a video ffprobe cannot read fails with a reason: /admin/media and the edit page say it in the admin’s language, what ffprobe said after it', async () => {
  const { t, agent, upload } = await appWith();
  try {
    const up = await upload('cut.mp4');
    await t.app.kiosque.media.idle();
    const p = (await t.store.media.get(up.id))!.processing;
    assert.equal(p.state, 'failed');
    assert.deepEqual(p.reason, { code: 'unreadable', vars: { tool: 'ffprobe' } });
    assert.match(p.output ?? '', /moov atom not found/);
    assert.match(p.error ?? '', /^ffprobe could not read the file: .*Invalid data found when processing input/, 'the English message stays, for the API');
    // ffprobe names the file it read: within the data folder, never where that folder lies on the server.
    const original = (await t.store.media.get(up.id))!.original.file;
    assert.match(p.output ?? '', new RegExp(`(^|\\s)${original.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `), p.output);
    assert.ok(![p.output, p.error].some((text) => text?.includes(t.config.dataDir) || text?.includes(path.resolve(t.config.dataDir))), `${p.error} / ${p.output}`);

    const en = await agent.get('/admin/media').set(html).expect(200);
    assert.match(stateCell(en.text, up.id), /^<td class="state-failed">failed: ffprobe could not read the file: it is damaged, or in a format it does not know <code class="tool-output">[^<]*moov atom not found[^<]*<\/code><\/td>$/);
    const french = await agent.get('/admin/media').set(fr).expect(200);
    assert.match(stateCell(french.text, up.id), /^<td class="state-failed">échec\u00a0: ffprobe n’a pas pu lire le fichier\u00a0: il est abîmé, ou dans un format qu’il ne connaît pas <code class="tool-output">[^<]*moov atom not found[^<]*<\/code><\/td>$/);

    const edit = await agent.get(`/admin/media/${up.id}`).set(fr).expect(200);
    assert.match(edit.text, /· échec\u00a0: ffprobe n’a pas pu lire le fichier\u00a0: [^<]* <code class="tool-output">[^<]*moov atom not found/);
    const editEn = await agent.get(`/admin/media/${up.id}`).set(html).expect(200);
    assert.match(editEn.text, /· failed: ffprobe could not read the file: it is damaged/);
  } finally {
    await t.close();
  }
});

test('the API gives editors the reason, the tool’s output and the sentence in their language; others get none of it', async () => {
  const { t, agent, upload } = await appWith();
  try {
    const up = await upload('cut.mp4');
    await t.app.kiosque.media.idle();
    const json = (await agent.get(`/api/v1/media/${up.id}`).set('Accept-Language', 'fr').expect(200)).body as { processing: Record<string, unknown> };
    assert.equal(json.processing.state, 'failed');
    assert.deepEqual(json.processing.reason, { code: 'unreadable', vars: { tool: 'ffprobe' } });
    assert.match(String(json.processing.output), /moov atom not found/);
    assert.match(String(json.processing.error), /^ffprobe could not read the file: /);
    assert.equal(json.processing.message, 'ffprobe n’a pas pu lire le fichier\u00a0: il est abîmé, ou dans un format qu’il ne connaît pas');
    const english = (await agent.get(`/api/v1/media/${up.id}`).expect(200)).body as { processing: Record<string, unknown> };
    assert.equal(english.processing.message, 'ffprobe could not read the file: it is damaged, or in a format it does not know');

    const visitor = (await request(t.app).get(`/api/v1/media/${up.id}`).expect(200)).body as { processing: Record<string, unknown> };
    assert.deepEqual(Object.keys(visitor.processing).sort(), ['attempts', 'state', 'updatedAt']);
  } finally {
    await t.close();
  }
});

test('what the tool printed is shown escaped, never as markup', async () => {
  const { t, agent, upload } = await appWith({ ffprobePath: path.join(dir, 'ffprobe-markup') });
  try {
    const up = await upload('whole.mp4');
    await t.app.kiosque.media.idle();
    const p = (await t.store.media.get(up.id))!.processing;
    assert.deepEqual([p.reason?.code, p.output], ['unreadable', '<img src=x onerror=alert(1)> & <b>bold</b>']);
    for (const page of [(await agent.get('/admin/media').set(html).expect(200)).text, (await agent.get(`/admin/media/${up.id}`).set(html).expect(200)).text]) {
      assert.match(page, /<code class="tool-output">&lt;img src&#x3D;x onerror&#x3D;alert\(1\)&gt; &amp; &lt;b&gt;bold&lt;\/b&gt;<\/code>/);
      assert.doesNotMatch(page, /<img src=x|<b>bold/);
    }
  } finally {
    await t.close();
  }
});

test('a record from before reasons (its English error only) still shows it, as it is, in both languages; so does a reason this version does not know', async () => {
  const { t, agent } = await appWith();
  try {
    const old = await t.store.media.create(mediaRecord({ title: 'Old', type: 'video', processing: { state: 'failed', error: 'ffmpeg took longer than 600 s and was stopped', attempts: 1 } }));
    const newer = await t.store.media.create(mediaRecord({ title: 'Newer', type: 'video', processing: { state: 'failed', step: 'web', error: 'the GPU ran out', reason: { code: 'gpu_lost', vars: {} }, attempts: 1 } }));
    const en = (await agent.get('/admin/media').set(html).expect(200)).text;
    assert.equal(stateCell(en, old.id), '<td class="state-failed">failed: ffmpeg took longer than 600 s and was stopped</td>');
    assert.equal(stateCell(en, newer.id), '<td class="state-failed">failed (web version): the GPU ran out</td>');
    const french = (await agent.get('/admin/media').set(fr).expect(200)).text;
    assert.equal(stateCell(french, old.id), '<td class="state-failed">échec\u00a0: ffmpeg took longer than 600 s and was stopped</td>');
    assert.match((await agent.get(`/admin/media/${old.id}`).set(fr).expect(200)).text, /· échec\u00a0: ffmpeg took longer than 600 s and was stopped<\/p>/);
    assert.equal(((await agent.get(`/api/v1/media/${old.id}`).expect(200)).body as Media & { processing: { message: string } }).processing.message, 'ffmpeg took longer than 600 s and was stopped');
  } finally {
    await t.close();
  }
});

test('describeFailure words each stored reason with its values, names the setting of a memory cap when there is one, and shortens the output from its start', async () => {
  const { t } = await appWith();
  try {
    const { i18n } = t.app.kiosque;
    const say = (p: Media['processing'], lang: 'en' | 'fr' = 'en') => describeFailure(i18n, lang, p);
    const failed = (reason: Media['processing']['reason'], output?: string): Media['processing'] => ({ state: 'failed', error: 'x', reason, output, attempts: 1 });
    assert.deepEqual(say(failed({ code: 'timeout', vars: { tool: 'ffmpeg', seconds: 600 } }), 'fr'), { text: 'ffmpeg a pris plus de 600\u00a0s et a été arrêté' });
    assert.equal(say(failed({ code: 'memory_cap', vars: { tool: 'ffmpeg', mb: 6144, setting: 'media.ffmpegMemoryMB' } }))?.text, 'the file needs more memory than ffmpeg may take (6,144 MB, set by media.ffmpegMemoryMB)');
    assert.equal(say(failed({ code: 'memory_cap', vars: { tool: 'ffmpeg', mb: 6144, setting: 'media.ffmpegMemoryMB' } }), 'fr')?.text, 'le fichier demande plus de mémoire que ffmpeg ne peut en prendre (6\u202f144\u00a0Mo, fixée par media.ffmpegMemoryMB)');
    assert.equal(say(failed({ code: 'memory_silent', vars: { tool: 'pdftoppm', mb: 512 } }))?.text, 'pdftoppm stopped without saying why, most likely for lack of memory: the file needs more than it may take (512 MB)');
    const long = `${'a'.repeat(OUTPUT_SHOWN)}the end`;
    const shown = say(failed({ code: 'tool_failed', vars: { tool: 'ffmpeg' } }, long))!.output!;
    assert.equal(shown.length, OUTPUT_SHOWN);
    assert.match(shown, /^…a+the end$/);
    assert.equal(say({ state: 'done', attempts: 1 }), undefined);
  } finally {
    await t.close();
  }
});

test('failureOf keeps a ProcessingError’s reason and output, and reads a full disk and anything else from the error itself', async () => {
  const known = failureOf(new ProcessingError('ffmpeg took longer than 5 s and was stopped', { code: 'timeout', vars: { tool: 'ffmpeg', seconds: 5 } }, { output: 'frame=  10\n\u0007frame=  20\n' }));
  assert.deepEqual(known, { error: 'ffmpeg took longer than 5 s and was stopped', reason: { code: 'timeout', vars: { tool: 'ffmpeg', seconds: 5 } }, output: 'frame=  10\nframe=  20' });
  // A real full disk is hard to come by in a test; Node's error for one carries this code.
  const full = failureOf(Object.assign(new Error("ENOSPC: no space left on device, write '/data/files/ab/x/poster.jpg'"), { code: 'ENOSPC' }));
  assert.deepEqual(full.reason, { code: 'disk_full', vars: {} });
  const other = failureOf(new SyntaxError('Unexpected end of JSON input'));
  assert.deepEqual([other.reason.code, other.output, other.error], ['unexpected', 'Unexpected end of JSON input', 'Unexpected end of JSON input']);
});
