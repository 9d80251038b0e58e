import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import request from 'supertest';
import sharp from 'sharp';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { makeApp, addUser, signIn, tokenOf, tempDir, PASSWORD, type TestApp } from '../helpers/app.ts';
import { binary, ffmpeg, jpegWithGps, mp3, mp4, pdf, png } from '../helpers/media.ts';
import { manifest, writePlugin, API_URL } from '../helpers/plugins.ts';
import { skeletonDefaults } from '../../core/settings/skeleton.ts';
import { mediaDisplayDefaults } from '../../core/settings/media-display.ts';
import type { Media } from '../../core/store/index.ts';

/** The oEmbed provider (oembed.com), through the real app: every media type, the spec's errors, discovery. */

const HOST = 'kiosque.example';
const ORIGIN = `http://${HOST}`;
const TITLE = 'Le "bal" <masqué> & co';
let t: TestApp;
let dir: string;
const media: Record<'photo' | 'video' | 'audio' | 'covered' | 'text' | 'brochure' | 'draft', Media> = {} as never;

const pageUrl = (m: Media) => `${ORIGIN}/media/${m.id}/${m.slug}`;
const oembed = (query: Record<string, string>, headers: Record<string, string> = {}) => request(t.app).get('/oembed').query(query).set({ Host: HOST, ...headers });

async function answer(query: Record<string, string>) {
  const res = await oembed(query);
  assert.equal(res.status, 200, `${JSON.stringify(query)}: ${res.status} ${res.text}`);
  assert.match(String(res.headers['content-type']), /^application\/json; charset=utf-8/);
  return res.body as Record<string, unknown>;
}

/** The error body the API answers with: a code and a message. */
function assertError(res: request.Response, status: number, code: string) {
  assert.equal(res.status, status, res.text);
  assert.equal((res.body as { error: { code: string } }).error.code, code);
  assert.ok((res.body as { error: { message: string } }).error.message.length > 10);
  assert.equal(res.headers['cache-control'], 'no-store');
}

/** An iframe's attributes, from the html field. */
function iframe(html: unknown) {
  const m = /^<iframe src="([^"]+)" width="(\d+)" height="(\d+)" title="([^"]*)" frameborder="0" style="border:0" loading="lazy" allowfullscreen><\/iframe>$/.exec(String(html));
  assert.ok(m, `an iframe: ${String(html)}`);
  return { src: m[1]!, width: Number(m[2]), height: Number(m[3]), title: m[4]! };
}

before(async () => {
  t = await makeApp();
  await t.app.kiosque.users.create({ username: 'ada', password: PASSWORD, role: 'admin', displayName: 'Ada Lovelace' });
  const admin = await signIn(t, 'ada');
  const token = await tokenOf(admin);
  dir = await tempDir('kiosque-oembed-');
  await jpegWithGps(path.join(dir, 'photo.jpg'), 1000, 600, 1);
  await mp4(path.join(dir, 'clip.mp4'));
  await mp3(path.join(dir, 'tone.mp3'));
  await png(path.join(dir, 'cover.png'), 300, 300, false);
  await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=330:duration=1', '-i', path.join(dir, 'cover.png'), '-map', '0', '-map', '1', '-c:a', 'libmp3lame', '-c:v', 'mjpeg', '-disposition:v', 'attached_pic', path.join(dir, 'covered.mp3')]);
  await writeFile(path.join(dir, 'notes.txt'), 'Des notes en français.\n');
  // 200×100 points: its preview's medium derivative is 800×400.
  await pdf(path.join(dir, 'brochure.pdf'));
  const up = async (file: string, fields: Record<string, string>) => {
    let req = admin.post('/api/v1/media').set('X-CSRF-Token', token);
    for (const [k, v] of Object.entries({ status: 'published', ...fields })) req = req.field(k, v);
    const res = await req.attach('file', path.join(dir, file));
    assert.equal(res.status, 201, res.text);
    return String(res.body.id);
  };
  const ids = {
    photo: await up('photo.jpg', { title: TITLE }),
    video: await up('clip.mp4', { title: 'Mire' }),
    audio: await up('tone.mp3', { title: 'La note' }),
    covered: await up('covered.mp3', { title: 'Avec pochette' }),
    text: await up('notes.txt', { title: 'Notes' }),
    brochure: await up('brochure.pdf', { title: 'Programme <2026>' }),
    draft: await up('photo.jpg', { title: 'Secret draft title', status: 'draft' }),
  };
  await t.app.kiosque.media.idle();
  for (const [key, id] of Object.entries(ids)) media[key as keyof typeof media] = (await t.store.media.get(id))!;
  assert.equal(media.video.processing.state, 'done');
});
after(() => t.close());

test('an image is a photo: its largest derivative, the thumbnail, the author and the site, all absolute', async () => {
  const res = await oembed({ url: pageUrl(media.photo) });
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, {
    type: 'photo',
    version: '1.0',
    title: TITLE,
    author_name: 'Ada Lovelace',
    provider_name: 'Kiosque',
    provider_url: `${ORIGIN}/`,
    cache_age: 3600,
    url: `${ORIGIN}/files/${media.photo.id}/large`,
    width: 1000,
    height: 600,
    thumbnail_url: `${ORIGIN}/files/${media.photo.id}/thumb`,
    thumbnail_width: 320,
    thumbnail_height: 192,
  });
  // Public: other sites' scripts may read it, shared caches may keep it.
  assert.equal(res.headers['access-control-allow-origin'], '*');
  assert.equal(res.headers['cache-control'], 'public, max-age=3600');
  // The image is there at the size announced.
  const image = await request(t.app).get(`/files/${media.photo.id}/large`).buffer(true).parse(binary).expect(200);
  const meta = await sharp(image.body as Buffer).metadata();
  assert.deepEqual([meta.width, meta.height], [1000, 600]);
});

test('maxwidth and maxheight pick the largest derivative that fits; when none does, the answer is a link', async () => {
  const pick = async (query: Record<string, string>) => {
    const a = await answer({ url: pageUrl(media.photo), ...query });
    return [a.type, a.url, a.width, a.height, a.thumbnail_url === undefined ? 'no thumbnail' : 'thumbnail'];
  };
  const at = (variant: string) => `${ORIGIN}/files/${media.photo.id}/${variant}`;
  assert.deepEqual(await pick({ maxwidth: '1000' }), ['photo', at('large'), 1000, 600, 'thumbnail']);
  assert.deepEqual(await pick({ maxwidth: '999' }), ['photo', at('medium'), 800, 480, 'thumbnail']);
  assert.deepEqual(await pick({ maxheight: '480' }), ['photo', at('medium'), 800, 480, 'thumbnail']);
  assert.deepEqual(await pick({ maxwidth: '900', maxheight: '300' }), ['photo', at('thumb'), 320, 192, 'thumbnail']);
  assert.deepEqual(await pick({ maxwidth: '319' }), ['link', undefined, undefined, undefined, 'no thumbnail']);
  const link = await answer({ url: pageUrl(media.photo), maxwidth: '100' });
  assert.equal(link.title, TITLE);
  assert.equal(link.provider_name, 'Kiosque');
  // Empty limits are no limits; anything else than a positive whole number is refused.
  assert.equal((await answer({ url: pageUrl(media.photo), maxwidth: '', maxheight: '' })).width, 1000);
  for (const bad of ['0', '-5', '12.5', 'abc', '1e3']) {
    const res = await oembed({ url: pageUrl(media.photo), maxwidth: bad });
    assertError(res, 400, 'bad_size');
    assert.equal(res.body.error.field, 'maxwidth');
  }
});

test('a video is the iframe of its embed page: the video at its size and its caption’s line, fitted to the limits keeping the video’s ratio', async () => {
  const a = await answer({ url: pageUrl(media.video) });
  assert.equal(a.type, 'video');
  assert.equal(a.author_name, 'Ada Lovelace');
  const frame = iframe(a.html);
  assert.deepEqual(frame, { src: `${ORIGIN}/embed/${media.video.id}`, width: 160, height: 168, title: 'Mire' });
  assert.deepEqual([a.width, a.height], [160, 168]);
  // The poster's thumbnail (never enlarged past the frame).
  assert.deepEqual([a.thumbnail_url, a.thumbnail_width, a.thumbnail_height], [`${ORIGIN}/files/${media.video.id}/thumb`, 160, 120]);
  const narrow = await answer({ url: pageUrl(media.video), maxwidth: '80' });
  assert.deepEqual([narrow.width, narrow.height, iframe(narrow.html).width, iframe(narrow.html).height], [80, 108, 80, 108]);
  assert.equal(narrow.thumbnail_url, undefined, 'a thumbnail wider than maxwidth is left out');
  const low = await answer({ url: pageUrl(media.video), maxwidth: '1000', maxheight: '100' });
  assert.deepEqual([low.width, low.height], [69, 100]);
  // Lower than the caption's line: the whole page is scaled down rather than the limit passed.
  const tiny = await answer({ url: pageUrl(media.video), maxwidth: '1000', maxheight: '30' });
  assert.deepEqual([tiny.width, tiny.height], [29, 30]);
  // The iframe's page is the media alone, and other sites may frame it.
  const embed = await request(t.app).get(new URL(frame.src).pathname).set({ Host: HOST, Accept: 'text/html' }).expect(200);
  assert.match(embed.text, /<video controls/);
  assert.match(String(embed.headers['content-security-policy']), /frame-ancestors \*/);
});

test('audio is a video answer with a player strip, narrowed but never lowered by maxwidth; its cover, else its waveform, gives it a thumbnail', async () => {
  const a = await answer({ url: pageUrl(media.audio) });
  assert.equal(a.type, 'video');
  assert.deepEqual([a.width, a.height], [640, 120]);
  assert.equal(iframe(a.html).src, `${ORIGIN}/embed/${media.audio.id}`);
  assert.equal(a.thumbnail_url, `${ORIGIN}/files/${media.audio.id}/thumb`, 'no cover: its waveform');
  assert.ok(Math.abs(Number(a.thumbnail_width) / Number(a.thumbnail_height) - 1.5) < 0.02, 'the waveform is drawn at a card’s proportions');
  const half = await answer({ url: pageUrl(media.audio), maxwidth: '320' });
  assert.deepEqual([half.width, half.height], [320, 120]);
  const covered = await answer({ url: pageUrl(media.covered) });
  assert.equal(covered.thumbnail_url, `${ORIGIN}/files/${media.covered.id}/thumb`);
  assert.deepEqual([covered.thumbnail_width, covered.thumbnail_height], [300, 300]);
});

test('a document is a rich answer: the iframe of its embed page', async () => {
  const a = await answer({ url: pageUrl(media.text), maxheight: '60' });
  assert.equal(a.type, 'rich');
  assert.deepEqual(iframe(a.html), { src: `${ORIGIN}/embed/${media.text.id}`, width: 640, height: 60, title: 'Notes' });
  assert.deepEqual([a.width, a.height], [640, 60]);
  assert.equal(a.thumbnail_url, undefined);
});

test('a PDF with a preview is a rich answer sized to its preview (within 640 × 640 unless told) and the link below it; its embed page shows the preview', async () => {
  assert.equal(media.brochure.processing.state, 'done');
  assert.ok(media.brochure.variants.medium, 'the PDF has its preview');
  const a = await answer({ url: pageUrl(media.brochure) });
  assert.equal(a.type, 'rich');
  assert.deepEqual(iframe(a.html), { src: `${ORIGIN}/embed/${media.brochure.id}`, width: 640, height: 368, title: 'Programme &lt;2026&gt;' });
  assert.equal(a.thumbnail_url, `${ORIGIN}/files/${media.brochure.id}/thumb`);
  // Fitted to a consumer's limits keeping the preview's ratio, the link's line below it; a wider limit, up to the preview's own size.
  const small = await answer({ url: pageUrl(media.brochure), maxwidth: '400' });
  assert.deepEqual([small.width, small.height], [400, 248]);
  const wide = await answer({ url: pageUrl(media.brochure), maxwidth: '1000' });
  assert.deepEqual([wide.width, wide.height], [800, 448]);
  const page = await request(t.app).get(`/embed/${media.brochure.id}`).set({ Host: HOST, Accept: 'text/html' }).expect(200);
  assert.match(page.text, new RegExp(`<a href="/media/${media.brochure.id}/[^"]+" target="_blank" rel="noopener"><img src="/files/${media.brochure.id}/medium" alt="Programme &lt;2026&gt;"></a>`));
  await request(t.app).get(`/files/${media.brochure.id}/medium`).set('Host', HOST).expect(200).expect('Content-Type', /^image\//);
  // A document without a preview keeps its one-line strip, and no image.
  const text = await request(t.app).get(`/embed/${media.text.id}`).set({ Host: HOST, Accept: 'text/html' }).expect(200);
  assert.doesNotMatch(text.text, /<img/);
});

test('the author is named only while the media display settings show authors', async (tc) => {
  tc.after(() => t.store.settings.set('media', { ...mediaDisplayDefaults }));
  await t.store.settings.set('media', { ...mediaDisplayDefaults, showAuthor: false });
  const a = await answer({ url: pageUrl(media.photo) });
  assert.equal('author_name' in a, false);
  assert.equal(a.title, TITLE);
});

test('every address of a media page is understood: with or without its slug, another slug, its embed page, other spellings', async () => {
  const expected = await answer({ url: pageUrl(media.photo) });
  const id = media.photo.id;
  for (const url of [`${ORIGIN}/media/${id}`, `${ORIGIN}/media/${id}/old-slug`, `${ORIGIN}/embed/${id}`, `${ORIGIN}/media/${id}/`, `${ORIGIN}/MEDIA/${id}`, `HTTP://KIOSQUE.EXAMPLE:80/media/${id}?lang=fr#top`]) {
    assert.deepEqual(await answer({ url }), expected, url);
  }
});

test('another site’s address, anything but a media page, unknown media and drafts get 404, revealing nothing', async () => {
  const id = media.photo.id;
  const notFound = [
    `http://other.example/media/${id}`,
    `https://${HOST}/media/${id}`,
    `http://${HOST}:8080/media/${id}`,
    `/media/${id}`,
    `${HOST}/media/${id}`,
    `javascript:alert(1)//${HOST}/media/${id}`,
    `${ORIGIN}/`,
    `${ORIGIN}/sectors/${id}`,
    `${ORIGIN}/files/${id}/large`,
    `${ORIGIN}/media/abc`,
    `${ORIGIN}/media/${id}/slug/extra`,
    `${ORIGIN}/embed/${id}/x`,
    `${ORIGIN}/media/999999`,
    'not a url',
  ];
  for (const url of notFound) assertError(await oembed({ url }), 404, 'not_found');
  // A draft is not told apart from a media that does not exist, whoever asks.
  const anonymous = await oembed({ url: pageUrl(media.draft) });
  const unknown = await oembed({ url: `${ORIGIN}/media/999999` });
  assertError(anonymous, 404, 'not_found');
  assert.deepEqual(anonymous.body, unknown.body);
  assert.doesNotMatch(anonymous.text, /Secret draft title/);
  const admin = await signIn(t, 'ada');
  const staff = await admin.get('/oembed').query({ url: pageUrl(media.draft) }).set('Host', HOST);
  assertError(staff, 404, 'not_found');
  assert.doesNotMatch(staff.text, /Secret draft title/);
});

test('format=xml answers the same fields as XML, escaped; an unknown format is 501', async () => {
  const json = await answer({ url: pageUrl(media.video), maxwidth: '80' });
  const res = await oembed({ url: pageUrl(media.video), maxwidth: '80', format: 'xml' }).expect(200);
  assert.match(String(res.headers['content-type']), /^text\/xml; charset=utf-8/);
  assert.equal(res.headers['access-control-allow-origin'], '*');
  assert.match(res.text, /^<\?xml version="1\.0" encoding="utf-8" standalone="yes"\?>\n<oembed>/);
  assert.equal(XMLValidator.validate(res.text), true);
  const parsed = new XMLParser({ parseTagValue: false, htmlEntities: true }).parse(res.text) as { oembed: Record<string, string> };
  assert.deepEqual(parsed.oembed, Object.fromEntries(Object.entries(json).map(([k, v]) => [k, String(v)])));
  // The photo's title, with every character XML reserves, comes back as it was.
  const photo = await oembed({ url: pageUrl(media.photo), format: 'xml' }).expect(200);
  assert.match(photo.text, /<title>Le &quot;bal&quot; &lt;masqué&gt; &amp; co<\/title>/);
  assert.equal((new XMLParser({ parseTagValue: false, htmlEntities: true }).parse(photo.text) as { oembed: { title: string } }).oembed.title, TITLE);
  for (const format of ['yaml', 'JSON', 'html']) assertError(await oembed({ url: pageUrl(media.photo), format }), 501, 'format_unsupported');
  assert.equal((await oembed({ url: pageUrl(media.photo), format: 'json' })).status, 200);
});

test('a missing or repeated url is a 400 in the visitor’s language; a Host that is no host name, the site’s 400', async () => {
  const missing = await oembed({});
  assertError(missing, 400, 'url_missing');
  assert.match(missing.body.error.message, /url parameter/);
  assert.equal(missing.body.error.field, 'url');
  const french = await oembed({ url: '' }, { 'Accept-Language': 'fr' });
  assertError(french, 400, 'url_missing');
  assert.match(french.body.error.message, /Indiquez dans le paramètre url/);
  const twice = await request(t.app).get(`/oembed?url=${encodeURIComponent(pageUrl(media.photo))}&url=${encodeURIComponent(pageUrl(media.video))}`).set('Host', HOST);
  assertError(twice, 400, 'url_repeated');
  const badHost = await oembed({ url: pageUrl(media.photo) }, { Host: 'evil.example/"><x' });
  assert.equal(badHost.status, 400);
  assert.match(badHost.text, /baseUrl/);
  assert.equal(badHost.headers['access-control-allow-origin'], undefined);
});

test('an unchanged answer is a 304 to a client that has it', async () => {
  const first = await oembed({ url: pageUrl(media.photo) }).expect(200);
  assert.ok(first.headers.etag);
  const again = await oembed({ url: pageUrl(media.photo) }, { 'If-None-Match': String(first.headers.etag) });
  assert.equal(again.status, 304);
  assert.equal(again.text, '');
});

/** The `<link rel="alternate">` of a page's head with this type, its href decoded from the HTML. */
function discovery(html: string, type: string): { href: string; title: string } | undefined {
  const decode = (s: string) => s.replace(/&#x3D;/g, '=').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#x27;/g, "'").replace(/&amp;/g, '&');
  const m = new RegExp(`<link rel="alternate" type="${type.replace(/\+/g, '\\+')}" href="([^"]+)" title="([^"]*)">`).exec(html);
  return m ? { href: decode(m[1]!), title: decode(m[2]!) } : undefined;
}

test('every published media page announces its oEmbed answers, absolute, in both themes, and they answer', async (tc) => {
  tc.after(() => t.store.settings.set('skeleton', { ...skeletonDefaults }));
  for (const theme of ['default', 'nuit']) {
    await t.store.settings.set('skeleton', { ...skeletonDefaults, theme });
    const page = await request(t.app).get(`/media/${media.photo.id}/${media.photo.slug}`).set({ Host: HOST, Accept: 'text/html' }).expect(200);
    if (theme === 'nuit') assert.match(page.text, /class="theme-nuit"/);
    const json = discovery(page.text, 'application/json+oembed');
    const xml = discovery(page.text, 'text/xml+oembed');
    assert.ok(json && xml, `${theme}: both links`);
    assert.equal(json.title, TITLE);
    assert.equal(json.href, `${ORIGIN}/oembed?url=${encodeURIComponent(pageUrl(media.photo))}&format=json`);
    assert.equal(xml.href, `${ORIGIN}/oembed?url=${encodeURIComponent(pageUrl(media.photo))}&format=xml`);
    const target = new URL(json.href);
    const res = await request(t.app).get(target.pathname + target.search).set('Host', target.host).expect(200);
    assert.equal(res.body.type, 'photo');
    assert.equal(res.body.url, `${ORIGIN}/files/${media.photo.id}/large`);
    const xmlTarget = new URL(xml.href);
    const xmlRes = await request(t.app).get(xmlTarget.pathname + xmlTarget.search).set('Host', xmlTarget.host).expect(200);
    assert.match(xmlRes.text, /<type>photo<\/type>/);
  }
  // A draft's page, shown to its editor, announces nothing.
  const admin = await signIn(t, 'ada');
  const draft = await admin.get(`/media/${media.draft.id}/${media.draft.slug}`).set({ Host: HOST, Accept: 'text/html' }).expect(200);
  assert.equal(discovery(draft.text, 'application/json+oembed'), undefined);
  assert.doesNotMatch(draft.text, /\+oembed/);
});

test('with a configured public address, answers and discovery use it, and only its pages are answered', async (tc) => {
  const other = await makeApp({ overrides: { baseUrl: 'https://media.example.org' } });
  tc.after(() => other.close());
  await addUser(other, 'root', 'admin');
  const admin = await signIn(other, 'root');
  const up = await admin.post('/api/v1/media').set('X-CSRF-Token', await tokenOf(admin)).field('status', 'published').attach('file', path.join(dir, 'photo.jpg')).expect(201);
  await other.app.kiosque.media.idle();
  const m = (await other.store.media.get(String(up.body.id)))!;
  const page = await request(other.app).get(`/media/${m.id}/${m.slug}`).set({ Host: 'evil.example', Accept: 'text/html' }).expect(200);
  const link = discovery(page.text, 'application/json+oembed')!;
  assert.equal(link.href, `https://media.example.org/oembed?url=${encodeURIComponent(`https://media.example.org/media/${m.id}/${m.slug}`)}&format=json`);
  const target = new URL(link.href);
  const res = await request(other.app).get(target.pathname + target.search).set('Host', 'evil.example').expect(200);
  assert.equal(res.body.provider_url, 'https://media.example.org/');
  assert.equal(res.body.url, `https://media.example.org/files/${m.id}/large`);
  assert.doesNotMatch(res.text, /evil/);
  // The request's own host is not this site's address.
  assert.equal((await request(other.app).get('/oembed').query({ url: `http://evil.example/media/${m.id}` }).set('Host', 'evil.example')).status, 404);
});

test('a media whose embed page an access rule closes gets a 401 answer, private, whatever the rule says of /oembed', async (tc) => {
  const pluginsDir = await tempDir('kiosque-oembed-plugins-');
  // A rule that knows nothing of oEmbed: it closes embed pages to visitors who are not signed in.
  await writePlugin(pluginsDir, 'no-embeds', {
    manifest: manifest('no-embeds'),
    code: `import { definePlugin } from '${API_URL}';
export default definePlugin({ register(ctx) {
  ctx.hooks.filter('access', (decision, request) => request.user || !request.path.startsWith('/embed/') ? decision : { allow: false, reason: 'no embeds' });
} });
`,
  });
  const other = await makeApp({ overrides: { pluginsDir } });
  tc.after(() => other.close());
  await addUser(other, 'root', 'admin');
  const admin = await signIn(other, 'root');
  const up = await admin.post('/api/v1/media').set('X-CSRF-Token', await tokenOf(admin)).field('status', 'published').field('title', 'Closed embed').attach('file', path.join(dir, 'photo.jpg')).expect(201);
  await other.app.kiosque.media.idle();
  assert.equal((await other.app.kiosque.plugins.enable('no-embeds')).ok, true);
  const url = `${ORIGIN}/media/${up.body.id}`;
  const res = await request(other.app).get('/oembed').query({ url }).set('Host', HOST);
  assert.equal(res.status, 401);
  assert.equal(res.body.error.code, 'private');
  assert.doesNotMatch(res.text, /Closed embed/);
  assert.equal(res.headers['cache-control'], 'private, no-store');
  assert.equal(res.headers['access-control-allow-origin'], undefined);
  const signedIn = await admin.get('/oembed').query({ url }).set('Host', HOST).expect(200);
  assert.equal(signedIn.body.title, 'Closed embed');
});
