import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { toWebVtt } from '../../core/media/subtitles.ts';
import { MediaError } from '../../core/media/errors.ts';
import { addUser, appWithUploads, signIn, tempDir, tokenOf } from '../helpers/app.ts';
import { binary, ffmpeg, png } from '../helpers/media.ts';

const SRT = '\uFEFF1\r\n00:00:01,000 --> 00:00:02,500\r\nBonjour à <i>tous</i>\r\n\r\n2\r\n00:00:03,000 --> 00:00:04,000 X1:10 X2:20 Y1:5 Y2:9\r\nDeux lignes\r\n--> ici\r\n';
const VTT = 'WEBVTT\n\n00:01.000 --> 00:02.000\nHello everyone\n';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof MediaError ? err.code : `not a MediaError: ${String(err)}`;
  }
  return 'no error';
};

test('SubRip becomes WebVTT: numbers dropped, commas made dots, CRLF and BOM gone, position hints and arrows in the text disarmed', () => {
  assert.equal(toWebVtt(Buffer.from(SRT)), 'WEBVTT\n\n00:00:01.000 --> 00:00:02.500\nBonjour à <i>tous</i>\n\n00:00:03.000 --> 00:00:04.000\nDeux lignes\n-> ici\n');
  // Older tools write Windows-1252: « é » is one byte 0xE9 there.
  const latin = Buffer.concat([Buffer.from('1\n00:00:01,000 --> 00:00:02,000\nCaf'), Buffer.from([0xe9]), Buffer.from('\n')]);
  assert.match(toWebVtt(latin), /\nCafé\n$/);
  assert.equal(toWebVtt(Buffer.from(VTT)), VTT, 'WebVTT is kept as it is');
});

test('what is not subtitles is refused by its content, whatever its name', async () => {
  const dir = await tempDir();
  await png(path.join(dir, 'x.png'), 8, 8);
  const picture = await readFile(path.join(dir, 'x.png'));
  assert.equal(code(() => toWebVtt(picture)), 'track_unreadable');
  assert.equal(code(() => toWebVtt(Buffer.from('Just some notes,\nno timings at all.\n'))), 'track_unreadable');
  assert.equal(code(() => toWebVtt(Buffer.from('WEBVTT\n\nNOTE nothing timed here\n'))), 'track_empty');
  assert.equal(code(() => toWebVtt(Buffer.alloc(0))), 'track_empty');
  assert.equal(code(() => toWebVtt(Buffer.from('<html><script>alert(1)</script>'))), 'track_unreadable');
});

test('UTF-16 with its byte-order mark (Notepad\'s "Unicode") is read as the text it is, little- or big-endian; without a mark, or broken, it is refused', () => {
  const utf16le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(SRT.slice(1), 'utf16le')]);
  const utf16be = Buffer.from(utf16le);
  utf16be.swap16();
  assert.equal(toWebVtt(utf16le), toWebVtt(Buffer.from(SRT)));
  assert.equal(toWebVtt(utf16be), toWebVtt(Buffer.from(SRT)));
  assert.equal(code(() => toWebVtt(Buffer.from(SRT.slice(1), 'utf16le'))), 'track_unreadable');
  // A lone high surrogate: not UTF-16.
  assert.equal(code(() => toWebVtt(Buffer.concat([utf16le, Buffer.from([0x00, 0xd8, 0x41, 0x00])]))), 'track_unreadable');
});

test('a cue line with a long run of spaces is converted in linear time (a quadratic trim held the server for minutes)', () => {
  const srt = Buffer.from(`1\n00:00:01,000 --> 00:00:02,000\nx${' '.repeat(100_000)}x\n`);
  const started = performance.now();
  assert.match(toWebVtt(srt), /^WEBVTT\n\n00:00:01\.000 --> 00:00:02\.000\nx {100000}x\n$/);
  // The old trim took about 20 seconds on this; the new one a few milliseconds.
  assert.ok(performance.now() - started < 2000, `${Math.round(performance.now() - started)} ms`);
});

let site: Awaited<ReturnType<typeof appWithUploads>>;
let dir: string;
let videoId: string;
before(async () => {
  dir = await tempDir('kiosque-subtitles-');
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=160x90:rate=10', '-t', '1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', path.join(dir, 'clip.mp4')]);
  await writeFile(path.join(dir, 'fr.srt'), SRT);
  await writeFile(path.join(dir, 'en.vtt'), VTT);
  await writeFile(path.join(dir, 'notes.txt'), 'not subtitles\n');
  await png(path.join(dir, 'pic.png'), 16, 16);
  site = await appWithUploads(dir);
  videoId = (await site.upload('clip.mp4')).id;
  await site.t.app.kiosque.media.idle();
});
after(() => site.t.close());

const addTrack = (file: string, fields: Record<string, string>, agent = site.agent, token?: string) =>
  tokenOf(agent, `/admin/media/${videoId}`).then((csrf) => {
    let req = agent.post(`/admin/media/${videoId}/tracks`).set('Accept', 'text/html').field('_csrf', token ?? csrf);
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    return req.attach('track', path.join(dir, file));
  });

test('an editor adds French subtitles (SubRip) and English captions (WebVTT) to a video: the page, the embed and the API offer them, the files are WebVTT', async () => {
  const fr = await addTrack('fr.srt', { lang: 'fr', kind: 'subtitles' });
  assert.equal(fr.status, 303, fr.text);
  assert.equal(fr.headers.location, `/admin/media/${videoId}?done=track_added#tracks`);
  assert.equal((await addTrack('en.vtt', { lang: 'en', kind: 'captions' })).status, 303);

  const edit = await site.agent.get(`/admin/media/${videoId}`).set('Accept', 'text/html').expect(200);
  assert.match(edit.text, /<span lang="fr">Français<\/span> · Subtitles: the dialogue/);
  assert.match(edit.text, /<button type="submit" class="danger">Remove English \(captions\)<\/button>/);

  const page = await request(site.t.app).get(`/media/${videoId}`).redirects(1).set('Accept', 'text/html').expect(200);
  assert.match(page.text, new RegExp(`<track kind="captions" src="/files/${videoId}/captions-en" srclang="en" label="English \\(captions\\)"><track kind="subtitles" src="/files/${videoId}/subtitles-fr" srclang="fr" label="Français">`));
  const embed = await request(site.t.app).get(`/embed/${videoId}`).set('Accept', 'text/html').expect(200);
  assert.match(embed.text, new RegExp(`<track kind="subtitles" src="/files/${videoId}/subtitles-fr" srclang="fr" label="Français">`));
  const slug = (await site.t.store.media.get(videoId))!.slug;
  const fr_page = await request(site.t.app).get(`/media/${videoId}/${slug}?lang=fr`).set('Accept', 'text/html').expect(200);
  assert.match(fr_page.text, /label="English \(sourds et malentendants\)"/);

  const file = await request(site.t.app).get(`/files/${videoId}/subtitles-fr`).buffer(true).parse(binary).expect(200);
  assert.equal(file.headers['content-type'], 'text/vtt; charset=utf-8');
  assert.equal(file.headers['x-content-type-options'], 'nosniff');
  assert.equal(file.headers['content-disposition'], undefined, 'read by the player, not downloaded');
  assert.equal((file.body as Buffer).toString('utf8'), toWebVtt(Buffer.from(SRT)));
  const api = await request(site.t.app).get(`/api/v1/media/${videoId}`).expect(200);
  assert.deepEqual(api.body.tracks.map((tr: { kind: string; lang: string; url: string; mime: string }) => [tr.kind, tr.lang, tr.url, tr.mime]), [
    ['captions', 'en', `/files/${videoId}/captions-en`, 'text/vtt'],
    ['subtitles', 'fr', `/files/${videoId}/subtitles-fr`, 'text/vtt'],
  ]);
  assert.doesNotMatch(api.text, /tracks\//, 'where they are kept stays on the server');
  await request(site.t.app).get(`/files/${videoId}/subtitles-de`).expect(404);
  await request(site.t.app).get(`/files/${videoId}/subtitles-../x`).expect(404);
});

test('sending subtitles again in that language and kind replaces them; removing them removes the file', async () => {
  await writeFile(path.join(dir, 'fr2.vtt'), 'WEBVTT\n\n00:05.000 --> 00:06.000\nNouvelle version\n');
  assert.equal((await addTrack('fr2.vtt', { lang: 'fr', kind: 'subtitles' })).status, 303);
  const m = await site.t.store.media.get(videoId);
  assert.deepEqual(m?.tracks?.map((t) => `${t.kind}-${t.lang}`), ['captions-en', 'subtitles-fr']);
  assert.match((await request(site.t.app).get(`/files/${videoId}/subtitles-fr`).expect(200)).text, /Nouvelle version/);

  const token = await tokenOf(site.agent, `/admin/media/${videoId}`);
  const gone = await site.agent.post(`/admin/media/${videoId}/tracks/delete`).type('form').send({ _csrf: token, kind: 'captions', lang: 'en' });
  assert.equal(gone.status, 303);
  assert.equal(gone.headers.location, `/admin/media/${videoId}?done=track_removed#tracks`);
  const after = await site.t.store.media.get(videoId);
  assert.deepEqual(after?.tracks?.map((t) => t.lang), ['fr']);
  assert.ok(!existsSync(path.join(site.t.dataDir, 'files', 'tracks', videoId, 'captions-en.vtt')));
  await request(site.t.app).get(`/files/${videoId}/captions-en`).expect(404);
});

test('a file that is not subtitles, an unknown language or kind, a missing file: refused beside its field in the admin\'s language, nothing changed', async () => {
  const before = (await site.t.store.media.get(videoId))!.tracks;
  const notes = await addTrack('notes.txt', { lang: 'fr', kind: 'subtitles' });
  assert.equal(notes.status, 400);
  assert.match(notes.text, /<p class="field-error" id="track-file-error" role="alert">This file is not subtitles in WebVTT \(\.vtt\) or SubRip \(\.srt\) format\.<\/p>/);
  const picture = await addTrack('pic.png', { lang: 'fr', kind: 'subtitles' });
  assert.equal(picture.status, 400);
  const lang = await addTrack('en.vtt', { lang: 'xx', kind: 'subtitles' });
  assert.equal(lang.status, 400);
  assert.match(lang.text, /id="track-lang-error" role="alert">Choose the language of the subtitles from the list\./);
  assert.match(lang.text, /<option value="subtitles" selected>/, 'the kind as chosen');
  const kind = await addTrack('en.vtt', { lang: 'de', kind: 'karaoke' });
  assert.equal(kind.status, 400);
  assert.match(kind.text, /id="track-kind-error"/);
  assert.match(kind.text, /<option value="de" lang="de" selected>Deutsch<\/option>/, 'the language as chosen');
  const csrf = await tokenOf(site.agent, `/admin/media/${videoId}`);
  const none = await site.agent.post(`/admin/media/${videoId}/tracks`).set('Accept', 'text/html').field('_csrf', csrf).field('lang', 'fr').field('kind', 'subtitles');
  assert.equal(none.status, 400);
  assert.match(none.text, /id="track-file-error" role="alert">Choose a file to send\./);
  await writeFile(path.join(dir, 'big.srt'), `1\n00:00:01,000 --> 00:00:02,000\n${'x'.repeat(1024 * 1024)}\n`);
  const big = await addTrack('big.srt', { lang: 'fr', kind: 'subtitles' });
  assert.equal(big.status, 413);
  assert.match(big.text, /A subtitle file may weigh at most 1,024 KB\./);
  assert.deepEqual((await site.t.store.media.get(videoId))!.tracks, before, 'nothing changed');
});

test('only a video or a sound takes subtitles, only who may edit it adds them, and never without the CSRF token', async () => {
  const picture = await site.upload('pic.png');
  const csrf = await tokenOf(site.agent, `/admin/media/${picture.id}`);
  const refused = await site.agent.post(`/admin/media/${picture.id}/tracks`).set('Accept', 'text/html').field('_csrf', csrf).field('lang', 'fr').field('kind', 'subtitles').attach('track', path.join(dir, 'en.vtt'));
  assert.equal(refused.status, 400);
  assert.match(refused.text, /Subtitles and transcripts go with videos and sounds only\./);
  assert.doesNotMatch((await site.agent.get(`/admin/media/${picture.id}`).set('Accept', 'text/html')).text, /id="tracks"/, 'no subtitles section for a picture');

  await addUser(site.t, 'eddie', 'editor');
  const editor = await signIn(site.t, 'eddie');
  const other = await addTrack('en.vtt', { lang: 'en', kind: 'subtitles' }, editor, await tokenOf(editor, '/admin/media'));
  assert.equal(other.status, 403, 'an editor edits only their own media');
  const forged = await addTrack('en.vtt', { lang: 'en', kind: 'subtitles' }, site.agent, 'not-the-token');
  assert.equal(forged.status, 403);
  assert.deepEqual((await site.t.store.media.get(videoId))!.tracks?.map((t) => t.lang), ['fr']);
});

test('replacing the video keeps its subtitles; replacing it with a picture, or deleting it, removes them with their files', async () => {
  const folder = path.join(site.t.dataDir, 'files', 'tracks', videoId);
  const csrf = await tokenOf(site.agent, `/admin/media/${videoId}`);
  const again = await site.agent.post(`/admin/media/${videoId}/replace`).field('_csrf', csrf).attach('file', path.join(dir, 'clip.mp4'));
  assert.equal(again.status, 303, again.text);
  await request(site.t.app).get(`/files/${videoId}/subtitles-fr`).expect(200);
  const toPicture = await site.agent.post(`/admin/media/${videoId}/replace`).field('_csrf', csrf).attach('file', path.join(dir, 'pic.png'));
  assert.equal(toPicture.status, 303, toPicture.text);
  assert.equal((await site.t.store.media.get(videoId))!.tracks?.length, 0);
  assert.ok(!existsSync(folder), 'their folder went with them');
  await request(site.t.app).get(`/files/${videoId}/subtitles-fr`).expect(404);

  const video = await site.upload('clip.mp4');
  await site.t.app.kiosque.media.setTrack(video.id, 'subtitles', 'fr', Buffer.from(SRT));
  assert.ok(existsSync(path.join(site.t.dataDir, 'files', 'tracks', video.id)));
  await site.t.app.kiosque.media.remove(video.id);
  assert.ok(!existsSync(path.join(site.t.dataDir, 'files', 'tracks', video.id)));
});
