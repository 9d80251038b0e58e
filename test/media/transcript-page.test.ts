import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { appWithUploads, tempDir, tokenOf } from '../helpers/app.ts';
import { ffmpeg, mp3, png } from '../helpers/media.ts';

// An interview: two voices, markup and a would-be script in the text, a line said twice (roll-up).
const SRT = [
  '1', '00:00:00,500 --> 00:00:02,000', '<v Anne>Bonjour et <i>bienvenue</i>.', '',
  '2', '00:00:02,000 --> 00:00:03,500', '<v Anne>On parle de la mer.', '',
  '3', '00:00:03,500 --> 00:00:05,000', '<v Paul><script>alert("x")</script> & "les vagues"', '',
  '4', '00:00:05,000 --> 00:00:06,000', '<v Paul><script>alert("x")</script> & "les vagues"', '',
].join('\r\n');

let site: Awaited<ReturnType<typeof appWithUploads>>;
let dir: string;
before(async () => {
  dir = await tempDir('kiosque-transcript-');
  await mp3(path.join(dir, 'interview.mp3'));
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=160x90:rate=10', '-t', '1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', path.join(dir, 'clip.mp4')]);
  await writeFile(path.join(dir, 'fr.srt'), SRT);
  await png(path.join(dir, 'pic.png'), 16, 16);
  site = await appWithUploads(dir);
});
after(() => site.t.close());

const addTrack = async (id: string, fields: Record<string, string>, lang = 'en') => {
  const csrf = await tokenOf(site.agent, `/admin/media/${id}`);
  let req = site.agent.post(`/admin/media/${id}/tracks?lang=${lang}`).set('Accept', 'text/html').field('_csrf', csrf);
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  return req.attach('track', path.join(dir, 'fr.srt'));
};
const pageOf = (id: string, lang = 'en') => request(site.t.app).get(`/media/${id}`).redirects(1).set('Accept', 'text/html').set('Accept-Language', lang);

test('a sound\'s edit page offers a transcript, said as one, in the admin\'s language; the sound\'s page writes it out for every visitor', async () => {
  const sound = await site.upload('interview.mp3');
  await site.t.app.kiosque.media.idle();
  const edit = await site.agent.get(`/admin/media/${sound.id}?lang=fr`).set('Accept', 'text/html').expect(200);
  assert.match(edit.text, /<h2 id="tracks">Transcription<\/h2>/);
  assert.match(edit.text, /<option value="captions">Transcription pour sourds et malentendants\u00a0: les paroles et les sons<\/option>/);
  assert.match(edit.text, /<button type="submit">Ajouter la transcription<\/button>/);

  const added = await addTrack(sound.id, { lang: 'fr', kind: 'subtitles' });
  assert.equal(added.status, 303, added.text);
  const done = await site.agent.get(added.headers.location!).set('Accept', 'text/html').expect(200);
  assert.match(done.text, /The transcript was added\./);
  assert.match(done.text, /<span lang="fr">Français<\/span> · Transcript: the words/);

  const page = await pageOf(sound.id).expect(200);
  assert.doesNotMatch(page.text, /<track /, 'browsers show no track of an <audio>: the page writes it out instead');
  assert.match(page.text, /<h2 id="transcript-title">Transcript<\/h2>/);
  assert.match(page.text, /<summary lang="fr">Français<\/summary>/);
  const lines = [...page.text.matchAll(/<li><a class="cue-time" href="([^"]+)" data-start="([^"]+)" aria-label="([^"]+)">([^<]+)<\/a> (?:<strong class="cue-speaker">([^<]+)<\/strong> )?<span class="cue-text">([^<]*)<\/span><\/li>/g)];
  assert.deepEqual(
    lines.map((l) => [l[1], l[2], l[3], l[4], l[5] ?? '', l[6]]),
    [
      [`/files/${sound.id}/original#t=0.5`, '0.5', 'Play from 0:00', '0:00', 'Anne', 'Bonjour et bienvenue.'],
      [`/files/${sound.id}/original#t=2`, '2', 'Play from 0:02', '0:02', '', 'On parle de la mer.'],
      [`/files/${sound.id}/original#t=3.5`, '3.5', 'Play from 0:03', '0:03', 'Paul', 'alert(&quot;x&quot;) &amp; &quot;les vagues&quot;'],
    ],
    'each line once, the speaker where the voice changes, the text escaped',
  );
  assert.doesNotMatch(page.text, /<script>alert/);
  assert.match(page.text, /<script src="\/assets\/transcript\.js" defer><\/script>/);
  const fr = await pageOf(sound.id, 'fr').expect(200);
  assert.match(fr.text, /aria-label="Lire à partir de 0:02"/);
  await request(site.t.app).get(`/files/${sound.id}/subtitles-fr`).expect(200).expect('content-type', /^text\/vtt/);
});

test('a video\'s page writes out its subtitles as a transcript too, beside the player\'s own tracks; a changed track changes it, a removed one takes it away', async () => {
  const video = await site.upload('clip.mp4');
  await site.t.app.kiosque.media.idle();
  assert.equal((await addTrack(video.id, { lang: 'fr', kind: 'captions' })).status, 303);
  const page = await pageOf(video.id).expect(200);
  assert.match(page.text, /<track kind="captions" src="\/files\/\d+\/captions-fr" srclang="fr" label="Français \(captions\)">/);
  assert.match(page.text, /<summary lang="fr">Français \(captions\)<\/summary>/);
  assert.match(page.text, /<span class="cue-text">On parle de la mer\.<\/span>/);

  await site.t.app.kiosque.media.setTrack(video.id, 'captions', 'fr', Buffer.from('WEBVTT\n\n00:01.000 --> 00:02.000\nUne autre version\n'));
  const changed = await pageOf(video.id).expect(200);
  assert.match(changed.text, /<span class="cue-text">Une autre version<\/span>/);
  assert.doesNotMatch(changed.text, /On parle de la mer/, 'the page shows the track as it is now, not as it was read before');

  await site.t.app.kiosque.media.removeTrack(video.id, 'captions', 'fr');
  const gone = await pageOf(video.id).expect(200);
  assert.doesNotMatch(gone.text, /class="transcripts"|transcript\.js/);
});

test('replacing a sound with another recording keeps its transcript; with a picture, the transcript goes with its file', async () => {
  const sound = await site.upload('interview.mp3');
  await site.t.app.kiosque.media.idle();
  assert.equal((await addTrack(sound.id, { lang: 'fr', kind: 'subtitles' })).status, 303);
  const csrf = await tokenOf(site.agent, `/admin/media/${sound.id}`);
  assert.equal((await site.agent.post(`/admin/media/${sound.id}/replace`).field('_csrf', csrf).attach('file', path.join(dir, 'interview.mp3'))).status, 303);
  assert.match((await pageOf(sound.id).expect(200)).text, /On parle de la mer/);
  assert.equal((await site.agent.post(`/admin/media/${sound.id}/replace`).field('_csrf', csrf).attach('file', path.join(dir, 'pic.png'))).status, 303);
  assert.deepEqual((await site.t.store.media.get(sound.id))!.tracks, []);
  assert.ok(!existsSync(path.join(site.t.dataDir, 'files', 'tracks', sound.id)));
  assert.doesNotMatch((await pageOf(sound.id).expect(200)).text, /On parle de la mer/);
});

test('a track file gone from the disk leaves the page standing, without its transcript', async () => {
  const sound = await site.upload('interview.mp3');
  await site.t.app.kiosque.media.idle();
  const m = await site.t.app.kiosque.media.setTrack(sound.id, 'subtitles', 'en', Buffer.from('WEBVTT\n\n00:01.000 --> 00:02.000\nHello\n'));
  await writeFile(path.join(site.t.dataDir, 'files', m!.tracks![0]!.file.file), '');
  const page = await pageOf(sound.id).expect(200);
  assert.doesNotMatch(page.text, /class="transcripts"/);
  assert.match(page.text, /<audio controls/);
});
