import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { oembedAnswer, oembedXml } from '../../core/oembed/answer.ts';
import { sampleMedia } from '../helpers/media.ts';
import type { Media } from '../../core/store/index.ts';

const media = (extra: Partial<Media>): Media => ({ id: '4', ...sampleMedia('Clip', { status: 'published', ...extra }) });
const options = { origin: 'https://k.test', providerName: 'K', max: {} };

test('audio and video are video answers, documents rich ones, each framed at its embed page’s size', () => {
  // 16:9 when the video's size is not known, with the caption's line below it (embed-size.ts decides).
  assert.deepEqual([oembedAnswer(media({ type: 'video' }), options).width, oembedAnswer(media({ type: 'video' }), options).height], [640, 408]);
  const sized = oembedAnswer(media({ type: 'video', original: { ...sampleMedia('x').original, width: 1920, height: 1080 } }), { ...options, max: { width: 480 } });
  assert.deepEqual([sized.type, sized.width, sized.height], ['video', 480, 318]);
  const audio = oembedAnswer(media({ type: 'audio' }), options);
  assert.deepEqual([audio.type, audio.width, audio.height], ['video', 640, 120]);
  const doc = oembedAnswer(media({ type: 'document' }), options);
  assert.deepEqual([doc.type, doc.width, doc.height], ['rich', 640, 120]);
  assert.equal(doc.html, '<iframe src="https://k.test/embed/4" width="640" height="120" title="Clip" frameborder="0" style="border:0" loading="lazy" allowfullscreen></iframe>');
});

test('an image without derivatives of known size is a link, never a photo without dimensions', () => {
  const a = oembedAnswer(media({ type: 'image', variants: { large: { file: 'l.jpg', mime: 'image/jpeg', size: 1 } } }), options);
  assert.equal(a.type, 'link');
  assert.equal(a.url, undefined);
  assert.equal(a.width, undefined);
});

// Numeric character references (&#39;) are XML; this parser decodes them only with htmlEntities.
test('the XML form escapes what XML reserves and drops what it cannot carry', () => {
  const a = oembedAnswer(media({ type: 'document', title: 'A <b>&</b> "q" \u0001end' }), { ...options, authorName: "O'Brien" });
  const xml = oembedXml(a);
  assert.equal(XMLValidator.validate(xml), true);
  const parsed = (new XMLParser({ parseTagValue: false, htmlEntities: true }).parse(xml) as { oembed: Record<string, string> }).oembed;
  assert.equal(parsed.title, 'A <b>&</b> "q" end');
  assert.equal(parsed.author_name, "O'Brien");
  assert.equal(parsed.html, a.html!.replace('\u0001', ''));
  assert.equal(parsed.version, '1.0');
});

test('an animated GIF is answered with its original, which plays, when it fits; else with its still derivatives', () => {
  const still = { file: 'l.jpg', mime: 'image/jpeg', size: 1, width: 400, height: 300 };
  const gif = media({ type: 'image', meta: { frames: 12 }, original: { ...sampleMedia('x').original, mime: 'image/gif', width: 400, height: 300 }, variants: { large: still, medium: still } });
  const a = oembedAnswer(gif, options);
  assert.deepEqual([a.type, a.url, a.width, a.height], ['photo', 'https://k.test/files/4/original', 400, 300]);
  const small = oembedAnswer(gif, { ...options, max: { width: 200 } });
  assert.equal(small.type, 'link', 'none of its files fits 200 px');
  const notAnimated = oembedAnswer({ ...gif, meta: { frames: 1 } }, options);
  assert.equal(notAnimated.url, 'https://k.test/files/4/large');
});
