import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { findTools } from '../../core/media/tools.ts';
import { tempDir } from '../helpers/app.ts';

const media = (ffmpegPath = '', ffprobePath = '') => ({ media: { maxUploadMB: 1, processingConcurrency: 0, ffmpegPath, ffprobePath } });

test('without config, ffmpeg and ffprobe come from the PATH and their version is read', async () => {
  const tools = await findTools(media(), '/nonexistent:/usr/bin');
  assert.deepEqual({ path: tools.ffmpeg.path, source: tools.ffmpeg.source, error: tools.ffmpeg.error }, { path: '/usr/bin/ffmpeg', source: 'PATH', error: undefined });
  assert.match(tools.ffmpeg.version!, /^ffmpeg version /);
  assert.equal(tools.ffprobe.path, '/usr/bin/ffprobe');
  assert.match(tools.ffprobe.version!, /^ffprobe version /);
});

test('pdftoppm is found the same way, its version read from what it prints (-v, on stderr); it is not needed for ok', async () => {
  const tools = await findTools({ media: { ffmpegPath: '', ffprobePath: '', pdftoppmPath: '' } }, '/nonexistent:/usr/bin');
  assert.deepEqual({ path: tools.pdftoppm.path, source: tools.pdftoppm.source }, { path: '/usr/bin/pdftoppm', source: 'PATH' });
  assert.match(tools.pdftoppm.version!, /^pdftoppm version \d+/);
  assert.equal(tools.pdfHelp, undefined);
  const missing = await findTools({ media: { ffmpegPath: '/usr/bin/ffmpeg', ffprobePath: '/usr/bin/ffprobe', pdftoppmPath: '/nonexistent/pdftoppm' } }, '/usr/bin');
  assert.equal(missing.pdftoppm.path, null);
  assert.equal(missing.pdftoppm.source, 'config');
  assert.match(missing.pdftoppm.error!, /\/nonexistent\/pdftoppm: .*ENOENT/);
  assert.equal(missing.ok, true, 'audio and video are not concerned');
  assert.equal(missing.help, undefined);
  assert.match(missing.pdfHelp!, /apt-get install poppler-utils/);
});

test('a configured path wins over the PATH; one that fails to run reports the error', async (t) => {
  const dir = await tempDir('kiosque-tools-');
  t.after(() => rm(dir, { recursive: true, force: true }));
  const failing = path.join(dir, 'ffmpeg-broken');
  await writeFile(failing, '#!/bin/sh\necho "missing libavcodec" >&2\nexit 127\n');
  await chmod(failing, 0o755);
  const tools = await findTools(media(failing, '/usr/bin/ffprobe'), '');
  assert.equal(tools.ffmpeg.path, null, 'a binary that does not run is not used');
  assert.deepEqual(tools.ffmpeg.tried, [failing]);
  assert.equal(tools.ffmpeg.source, 'config');
  assert.equal(tools.ffmpeg.version, undefined);
  assert.match(tools.ffmpeg.error!, /missing libavcodec/);
  assert.equal(tools.ffprobe.source, 'config');
  assert.match(tools.ffprobe.version!, /^ffprobe version /);
});

test('not configured and not on the PATH: no path, no source, an error', async () => {
  const tools = await findTools(media(), '/nonexistent');
  for (const tool of [tools.ffmpeg, tools.ffprobe]) {
    assert.equal(tool.path, null);
    assert.equal(tool.source, null);
    assert.match(tool.error!, /not found on the PATH/);
  }
});

test('a binary that floods its output when asked its version is stopped, and the error says so', async (t) => {
  const dir = await tempDir('kiosque-tools-');
  t.after(() => rm(dir, { recursive: true, force: true }));
  const flooding = path.join(dir, 'ffmpeg-flood');
  await writeFile(flooding, '#!/bin/sh\nexec yes "ffmpeg version 0 (again and again)"\n');
  await chmod(flooding, 0o755);
  const tools = await findTools(media(flooding, '/usr/bin/ffprobe'), '');
  assert.equal(tools.ffmpeg.path, null);
  assert.equal(tools.ffmpeg.error, `${flooding}: ffmpeg-flood printed more than 4 MB, more than is read from it, and was stopped`);
});
