import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import request from 'supertest';
import { makeApp, addUser, signIn, tokenOf, tempDir, type TestApp } from '../helpers/app.ts';
import { ffmpeg, jpegWithGps, mp3, pdf } from '../helpers/media.ts';
import { CAPTION_HEIGHT, EMBED_BOX, embedFrameSize, fitInside, fits, type MaxSize } from '../../core/media/embed-size.ts';
import { sampleMedia } from '../helpers/media.ts';
import type { Media, StoredFile } from '../../core/store/index.ts';

const original = sampleMedia('x').original;
const media = (extra: Partial<Media>): Media => ({ id: '4', ...sampleMedia('Clip', { status: 'published', ...extra }) });
const sized = (width: number, height: number) => ({ ...original, width, height });
const derivative = (width: number, height: number): StoredFile => ({ file: 'medium.jpg', mime: 'image/jpeg', size: 1, width, height });
const frame = (m: Media, max?: MaxSize) => {
  const size = embedFrameSize(m, max);
  return [size.width, size.height];
};

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

test('an image’s frame is the image at its ratio within 640 × 640, its caption’s line below it, never enlarged', () => {
  assert.equal(CAPTION_HEIGHT, 48);
  assert.deepEqual(frame(media({ type: 'image', original: sized(1200, 800) })), [640, 427 + 48]);
  assert.deepEqual(frame(media({ type: 'image', original: sized(600, 900) })), [395, 592 + 48]);
  assert.deepEqual(frame(media({ type: 'image', original: sized(300, 200) })), [300, 200 + 48]);
});

test('a video’s frame is the video at its ratio (16:9 when its size is unknown), its caption below', () => {
  assert.deepEqual(frame(media({ type: 'video', original: sized(1920, 1080) })), [640, 360 + 48]);
  assert.deepEqual(frame(media({ type: 'video', original: sized(1080, 1920) })), [333, 592 + 48]);
  assert.deepEqual(frame(media({ type: 'video' })), [640, 360 + 48]);
});

test('a PDF’s frame is its preview and the caption; audio and a document without a preview get a strip', () => {
  assert.deepEqual(frame(media({ type: 'document', variants: { medium: derivative(800, 400) } })), [640, 320 + 48]);
  assert.deepEqual(frame(media({ type: 'document', variants: { medium: derivative(566, 800) } })), [419, 592 + 48]);
  assert.deepEqual(frame(media({ type: 'document' })), [640, 120]);
  assert.deepEqual(frame(media({ type: 'audio' })), [640, 120]);
  // A cover does not change the strip: it shows beside the player.
  assert.deepEqual(frame(media({ type: 'audio', variants: { medium: derivative(300, 300) } })), [640, 120]);
});

test('a limit replaces the default box’s on its side only; a strip is narrowed, not scaled (the player keeps its height)', () => {
  const video = media({ type: 'video', original: sized(1920, 1080) });
  assert.deepEqual(frame(video, { width: 1000 }), [1000, 563 + 48]);
  assert.deepEqual(frame(video, { height: 300 }), [448, 252 + 48]);
  assert.deepEqual(frame(video, { width: 1920, height: 2000 }), [1920, 1080 + 48]);
  assert.deepEqual(frame(media({ type: 'audio' }), { width: 320 }), [320, 120]);
  assert.deepEqual(frame(media({ type: 'document' }), { height: 60 }), [640, 60]);
});

test('no limit is ever stepped over, even one lower than the caption', () => {
  assert.deepEqual(frame(media({ type: 'video', original: sized(160, 120) }), { width: 1000, height: 30 }), [29, 30]);
  const all = [
    media({ type: 'image', original: sized(1200, 800) }),
    media({ type: 'image', original: sized(7, 3000) }),
    media({ type: 'video', original: sized(3840, 2160) }),
    media({ type: 'document', variants: { medium: derivative(566, 800) } }),
    media({ type: 'audio' }),
  ];
  for (const m of all) {
    for (const max of [{}, { width: 1 }, { height: 1 }, { width: 50, height: 49 }, { width: 90, height: 48 }, { width: 2000 }, { height: 2000 }, { width: 333, height: 777 }]) {
      const size = embedFrameSize(m, max);
      const box = { width: max.width ?? EMBED_BOX.width, height: max.height ?? EMBED_BOX.height };
      assert.ok(fits(size, box) && size.width >= 1 && size.height >= 1, `${m.type} in ${JSON.stringify(max)}: ${JSON.stringify(size)}`);
    }
  }
});

/* Through the app: the code the media page offers, for real files of every type, and the oEmbed answer for the same media. */

const HOST = 'kiosque.example';
const TITLE = 'Le "bal" <masqué> & co';
let t: TestApp;
let dir: string;
let editor: ReturnType<typeof request.agent>;
let token: string;
const ids: Record<'landscape' | 'portrait' | 'rotated' | 'video' | 'audio' | 'pdf' | 'text', string> = {} as never;

before(async () => {
  t = await makeApp();
  await addUser(t, 'eddie', 'editor');
  editor = await signIn(t, 'eddie');
  token = await tokenOf(editor);
  dir = await tempDir('kiosque-embed-size-');
  await jpegWithGps(path.join(dir, 'landscape.jpg'), 1200, 800, 1);
  await jpegWithGps(path.join(dir, 'portrait.jpg'), 600, 900, 1);
  // Stored 900×600, shown 600×900 (EXIF orientation 6): the frame follows what visitors see.
  await jpegWithGps(path.join(dir, 'rotated.jpg'), 900, 600, 6);
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=1280x720:rate=10:duration=1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-preset', 'ultrafast', path.join(dir, 'video.mp4')]);
  await mp3(path.join(dir, 'audio.mp3'));
  // An A4 page (595 × 842 points): a portrait preview.
  await pdf(path.join(dir, 'a4.pdf'), { width: 595, height: 842 });
  await writeFile(path.join(dir, 'notes.txt'), 'Des notes.\n');
  const files = { landscape: 'landscape.jpg', portrait: 'portrait.jpg', rotated: 'rotated.jpg', video: 'video.mp4', audio: 'audio.mp3', pdf: 'a4.pdf', text: 'notes.txt' };
  for (const [key, file] of Object.entries(files)) {
    const res = await editor.post('/api/v1/media').set('X-CSRF-Token', token).field('status', 'published').field('title', key === 'landscape' ? TITLE : key).attach('file', path.join(dir, file));
    assert.equal(res.status, 201, res.text);
    ids[key as keyof typeof ids] = String(res.body.id);
  }
  await t.app.kiosque.media.idle();
  for (const id of Object.values(ids)) assert.equal((await t.store.media.get(id))?.processing.state, 'done', id);
});
after(() => t?.close());

/** The page's embed code as a visitor copies it: the textarea's text, its escaping undone once. */
async function pageCode(id: string): Promise<{ raw: string; code: string; page: request.Response }> {
  const m = (await t.store.media.get(id))!;
  const page = await request(t.app).get(`/media/${id}/${m.slug}`).set({ Host: HOST, Accept: 'text/html' }).expect(200);
  const raw = /<textarea id="embed-code" readonly rows="3" aria-describedby="embed-help">([^<]*)<\/textarea>/.exec(page.text)?.[1];
  assert.ok(raw, `media ${id} offers an embed code`);
  const code = raw.replace(/&#x3D;/g, '=').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#x27;/g, "'").replace(/&#x60;/g, '`').replace(/&amp;/g, '&');
  return { raw, code, page };
}

function iframeSize(code: string): [number, number] {
  const m = /^<iframe src="[^"]+" width="(\d+)" height="(\d+)" title="[^"]*" frameborder="0" style="border:0" loading="lazy" allowfullscreen><\/iframe>$/.exec(code);
  assert.ok(m, `an iframe: ${code}`);
  return [Number(m[1]), Number(m[2])];
}

async function oembed(id: string) {
  const res = await request(t.app).get('/oembed').query({ url: `http://${HOST}/media/${id}` }).set('Host', HOST).expect(200);
  return res.body as { type: string; html?: string; width: number; height: number };
}

test('the media page’s embed code is sized to the media: images and video at their ratio, a PDF’s preview and caption, strips for audio and text', async () => {
  const pdfPreview = (await t.store.media.get(ids.pdf))!.variants.medium!;
  assert.equal(pdfPreview.height, 800, 'the A4 page’s preview is 800 px high');
  const expected: Record<keyof typeof ids, [number, number]> = {
    landscape: [640, 427 + CAPTION_HEIGHT],
    portrait: [395, 592 + CAPTION_HEIGHT],
    rotated: [395, 592 + CAPTION_HEIGHT],
    video: [640, 360 + CAPTION_HEIGHT],
    audio: [640, 120],
    // 566 × 800 shrunk to 592 px high.
    pdf: [Math.round((pdfPreview.width! * 592) / 800), 592 + CAPTION_HEIGHT],
    text: [640, 120],
  };
  assert.ok(expected.pdf[0] >= 418 && expected.pdf[0] <= 420, `an A4 page’s ratio: ${expected.pdf[0]}`);
  for (const [key, size] of Object.entries(expected)) {
    const { code } = await pageCode(ids[key as keyof typeof ids]);
    assert.deepEqual(iframeSize(code), size, key);
  }
});

test('the embed code is the oEmbed answer’s html for audio, video and documents; an image’s frame shows it at its photo’s ratio', async () => {
  for (const key of ['video', 'audio', 'pdf', 'text'] as const) {
    const { code } = await pageCode(ids[key]);
    const answer = await oembed(ids[key]);
    assert.equal(code, answer.html, key);
    assert.deepEqual(iframeSize(code), [answer.width, answer.height], key);
  }
  for (const key of ['landscape', 'portrait', 'rotated'] as const) {
    const [width, height] = iframeSize((await pageCode(ids[key])).code);
    const photo = await oembed(ids[key]);
    assert.equal(photo.type, 'photo');
    assert.ok(Math.abs(width / (height - CAPTION_HEIGHT) - photo.width / photo.height) < 0.01, `${key}: ${width}×${height} and the photo’s ${photo.width}×${photo.height}`);
  }
});

test('the embed code stays escaped: the title once in the iframe, twice in the page', async () => {
  const { raw, code, page } = await pageCode(ids.landscape);
  assert.equal(code, `<iframe src="http://${HOST}/embed/${ids.landscape}" width="640" height="475" title="Le &quot;bal&quot; &lt;masqué&gt; &amp; co" frameborder="0" style="border:0" loading="lazy" allowfullscreen></iframe>`);
  assert.doesNotMatch(raw, /[<>"]/);
  assert.doesNotMatch(page.text, /<iframe/, 'the code is text in the page, never markup');
});

test('a media page kept in the page cache shows the new frame once the file is replaced', async () => {
  const [first, cached] = [await pageCode(ids.portrait), await pageCode(ids.portrait)];
  assert.equal(cached.page.headers['x-page-cache'], 'hit');
  assert.deepEqual(iframeSize(first.code), [395, 640]);
  const res = await editor.patch(`/api/v1/media/${ids.portrait}`).set('X-CSRF-Token', token).attach('file', path.join(dir, 'landscape.jpg'));
  assert.equal(res.status, 200, res.text);
  await t.app.kiosque.media.idle();
  const after = await pageCode(ids.portrait);
  assert.notEqual(after.page.headers['x-page-cache'], 'hit');
  assert.deepEqual(iframeSize(after.code), [640, 475]);
});
