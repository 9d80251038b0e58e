import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { fitInside, oembedAnswer, oembedXml } from '../../core/oembed/answer.ts';
import { sampleMedia } from '../helpers/media.ts';
import type { Media } from '../../core/store/index.ts';

const media = (extra: Partial<Media>): Media => ({ id: '4', ...sampleMedia('Clip', { status: 'published', ...extra }) });
const options = { origin: 'https://k.test', providerName: 'K', max: {} };

test('fitting keeps the ratio, never enlarges, and never steps over a limit by rounding', () => {
  assert.deepEqual(fitInside({ width: 640, height: 360 }, {}), { width: 640, height: 360 });
  assert.deepEqual(fitInside({ width: 640, height: 360 }, { width: 1000 }), { width: 640, height: 360 });
  assert.deepEqual(fitInside({ width: 640, height: 360 }, { width: 320 }), { width: 320, height: 180 });
  assert.deepEqual(fitInside({ width: 640, height: 360 }, { width: 320, height: 90 }), { width: 160, height: 90 });
  assert.deepEqual(fitInside({ width: 1000, height: 3 }, { width: 10 }), { width: 10, height: 1 });
  for (let max = 1; max < 400; max += 7) {
    const fitted = fitInside({ width: 333, height: 777 }, { width: max, height: max });
    assert.ok(fitted.width <= max && fitted.height <= max, `${max}: ${JSON.stringify(fitted)}`);
  }
});

test('a video without a known size gets the default frame; audio and documents a strip', () => {
  assert.deepEqual([oembedAnswer(media({ type: 'video' }), options).width, oembedAnswer(media({ type: 'video' }), options).height], [640, 360]);
  const sized = oembedAnswer(media({ type: 'video', original: { ...sampleMedia('x').original, width: 1920, height: 1080 } }), { ...options, max: { width: 480 } });
  assert.deepEqual([sized.type, sized.width, sized.height], ['video', 480, 270]);
  const audio = oembedAnswer(media({ type: 'audio' }), options);
  assert.deepEqual([audio.type, audio.width, audio.height], ['video', 640, 120]);
  const doc = oembedAnswer(media({ type: 'document' }), options);
  assert.deepEqual([doc.type, doc.width, doc.height], ['rich', 640, 120]);
  assert.equal(doc.html, '<iframe src="https://k.test/embed/4" width="640" height="120" title="Clip" loading="lazy" allowfullscreen></iframe>');
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
