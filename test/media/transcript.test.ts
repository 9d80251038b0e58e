import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clockTime, createTranscriptReader, transcriptCues, transcriptView } from '../../core/media/transcript.ts';
import { toWebVtt } from '../../core/media/subtitles.ts';
import type { TextTrack } from '../../core/store/index.ts';

test('a WebVTT file read as a transcript: header, notes, styles and regions left out, identifiers skipped, markup dropped, entities decoded, lines joined', () => {
  const vtt = [
    'WEBVTT - an interview',
    'Kind: captions',
    '',
    'STYLE',
    '::cue { color: yellow }',
    '',
    'REGION',
    'id:left width:40%',
    '',
    'NOTE this block is for the editors',
    'and spans two lines',
    '',
    'intro',
    '00:00.500 --> 00:02.000 align:start',
    '<v.loud Marie Curie>Bonjour à <i>tous</i> &amp; bienvenue</v>',
    '',
    '00:02.000 --> 00:04.000',
    '<c.yellow>deux</c>',
    'lignes &lt;jointes&gt; &#233;t&#xE9;',
    '',
    '01:02:03.250 --> 01:02:05.000',
    '<00:00:01.000>Au <b>revoir</b>',
    '',
  ].join('\n');
  assert.deepEqual(transcriptCues(vtt), [
    { start: 0.5, time: '0:00', speaker: 'Marie Curie', text: 'Bonjour à tous & bienvenue' },
    { start: 2, time: '0:02', text: 'deux lignes <jointes> été' },
    { start: 3723.25, time: '1:02:03', text: 'Au revoir' },
  ]);
});

test('a SubRip file, once made WebVTT as it is stored, gives the same transcript; a repeated or empty cue is left out', () => {
  const srt = '1\r\n00:00:01,000 --> 00:00:02,000\r\nLa mer\r\n\r\n2\r\n00:00:02,000 --> 00:00:03,000\r\nLa mer\r\n\r\n3\r\n00:00:03,000 --> 00:00:04,000\r\n<i></i>\r\n\r\n4\r\n00:00:05,000 --> 00:00:06,000\r\nLe vent\r\n';
  assert.deepEqual(transcriptCues(toWebVtt(Buffer.from(srt))), [
    { start: 1, time: '0:01', text: 'La mer' },
    { start: 5, time: '0:05', text: 'Le vent' },
  ]);
});

test('what a transcript keeps is text: a cue\'s markup that looks like HTML is dropped, escaped text stays text, unknown entities and out-of-range codes stay as written', () => {
  const cues = transcriptCues('WEBVTT\n\n00:01.000 --> 00:02.000\n<script>alert(1)</script>&lt;b&gt;bold&lt;/b&gt; &bogus; &#0; &#x110000;\n');
  assert.deepEqual(cues.map((c) => c.text), ['alert(1)<b>bold</b> &bogus; &#0; &#x110000;']);
});

test('times read as the players\' clocks write them', () => {
  assert.deepEqual([0, 5.9, 65, 600, 3599, 3600, 3723.9, 36000].map(clockTime), ['0:00', '0:05', '1:05', '10:00', '59:59', '1:00:00', '1:02:03', '10:00:00']);
});

test('the view names a speaker where the voice changes only, and gives start times as the player takes them', () => {
  const view = transcriptView({ lang: 'fr', label: 'Français' }, [
    { start: 0.5, time: '0:00', speaker: 'Anne', text: 'un' },
    { start: 1, time: '0:01', speaker: 'Anne', text: 'deux' },
    { start: 2.25, time: '0:02', speaker: 'Paul', text: 'trois' },
    { start: 3, time: '0:03', text: 'quatre' },
    { start: 4, time: '0:04', speaker: 'Paul', text: 'cinq' },
  ]);
  assert.deepEqual(view.cues.map((c) => [c.start, c.speaker ?? '', c.text]), [
    ['0.5', 'Anne', 'un'],
    ['1', '', 'deux'],
    ['2.25', 'Paul', 'trois'],
    ['3', '', 'quatre'],
    ['4', 'Paul', 'cinq'],
  ]);
});

test('the reader reads a track once for each version of the media, and a file it cannot read gives no transcript', async () => {
  const reads: string[] = [];
  const files: Record<string, string> = { 'tracks/1/subtitles-fr.vtt': 'WEBVTT\n\n00:01.000 --> 00:02.000\nBonjour\n' };
  const read = createTranscriptReader(async (t) => {
    reads.push(t.file.file);
    const text = files[t.file.file];
    if (text === undefined) throw new Error('ENOENT');
    return text;
  });
  const track = (file: string): TextTrack => ({ kind: 'subtitles', lang: 'fr', file: { file, mime: 'text/vtt', size: 40 } });
  const m = { id: '1', updatedAt: '2026-11-30T10:00:00.000Z' };
  assert.deepEqual((await read(m, track('tracks/1/subtitles-fr.vtt')))?.map((c) => c.text), ['Bonjour']);
  await read(m, track('tracks/1/subtitles-fr.vtt'));
  assert.equal(reads.length, 1, 'read once');
  files['tracks/1/subtitles-fr.vtt'] = 'WEBVTT\n\n00:01.000 --> 00:02.000\nBonsoir\n';
  assert.deepEqual((await read({ ...m, updatedAt: '2026-11-30T10:05:00.000Z' }, track('tracks/1/subtitles-fr.vtt')))?.map((c) => c.text), ['Bonsoir'], 'a new version is read again');
  assert.equal(await read(m, track('tracks/1/missing.vtt')), undefined);
});
