import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import sharp from 'sharp';
import { makeApp, addUser, signIn, tokenOf, tempDir, type TestApp } from '../helpers/app.ts';
import { binary, encryptedPdf, pdf } from '../helpers/media.ts';
import { isPdf, renderFirstPage, PDF_MEMORY_CAP, PDF_RENDER_MAX } from '../../core/media/pdf.ts';
import { findTools } from '../../core/media/tools.ts';
import { ProcessingError } from '../../core/media/failure.ts';
import { skeletonDefaults } from '../../core/settings/skeleton.ts';

// PDF previews: page 1 rendered by poppler's pdftoppm in the processing queue, then made into the
// same derivatives as a video's poster (poster at the large box, medium, thumb, WebP twins).

const HOST = 'kiosque.example';
/** The test PDF's rectangle, as pdftoppm renders it. */
const BLUE = [51, 102, 204];
let dir: string;

before(async () => {
  dir = await tempDir('kiosque-pdf-');
  // 200×100 points: landscape, 2:1, so each derivative's box sets its width.
  await pdf(path.join(dir, 'brochure.pdf'));
  await encryptedPdf(path.join(dir, 'locked.pdf'));
  await writeFile(path.join(dir, 'broken.pdf'), '%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R\nthis is not a PDF after all\n');
  // A tall page: pdftoppm's longer side is the height.
  await pdf(path.join(dir, 'tall.pdf'), { width: 100, height: 400, rgb: [200, 30, 30] });
});
after(() => rm(dir, { recursive: true, force: true }));

async function appWith(media: Record<string, unknown> = {}) {
  const t = await makeApp({ overrides: { media: { processingConcurrency: 1, ...media } } });
  await addUser(t, 'alice', 'admin');
  const agent = await signIn(t, 'alice');
  const token = await tokenOf(agent);
  const upload = async (file: string, fields: Record<string, string> = {}) => {
    let req = agent.post('/api/v1/media').set('X-CSRF-Token', token).field('status', 'published');
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    const res = await req.attach('file', path.join(dir, file));
    assert.equal(res.status, 201, res.text);
    return res.body as { id: string; slug: string; type: string; processing: { state: string } };
  };
  return { t, agent, token, upload };
}

/** A file served by the app, with its decoded pixels. */
async function image(t: TestApp, url: string) {
  const res = await request(t.app).get(url).buffer(true).parse(binary);
  assert.equal(res.status, 200, url);
  const { data, info } = await sharp(res.body as Buffer).raw().toBuffer({ resolveWithObject: true });
  const pixel = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)];
  return { res, width: info.width, height: info.height, pixel, format: (await sharp(res.body as Buffer).metadata()).format };
}

const near = (actual: number[], wanted: number[], label: string) => assert.ok(actual.every((v, i) => Math.abs(v - wanted[i]!) <= 12), `${label}: ${actual} is not ${wanted}`);

test('under prlimit, pdftoppm gets a memory cap: a page that needs more is refused with a reason, the usual cap renders it', async () => {
  const tools = await findTools({ media: { ffmpegPath: '', ffprobePath: '', pdftoppmPath: '' } });
  assert.ok(tools.pdftoppm.path, 'pdftoppm is installed (apt-get install poppler-utils)');
  assert.ok(tools.prlimit.path, 'prlimit is installed (util-linux)');
  const out = path.join(dir, 'capped');
  await rm(out, { recursive: true, force: true });
  await mkdir(out);
  const file = path.join(dir, 'brochure.pdf');
  // 20 MB of address space is less than pdftoppm needs for a 2048-pixel page (it then says
  // "Out of memory" and may still exit 0 with a broken image, which must not pass for a preview).
  await assert.rejects(
    renderFirstPage(tools.pdftoppm.path, file, path.join(out, 'small'), { scaleTo: PDF_RENDER_MAX, memoryCap: { prlimit: tools.prlimit.path, bytes: 20 * 1024 * 1024 } }),
    (err: unknown) => err instanceof ProcessingError && /the PDF's first page needs more memory than a preview may take \(20 MB\)/.test(err.message) && err.reason.code === 'pdf_memory' && err.reason.vars.mb === 20,
  );
  assert.deepEqual(await readdir(out), [], 'no broken image left behind');
  const page = await renderFirstPage(tools.pdftoppm.path, file, path.join(out, 'page'), { scaleTo: PDF_RENDER_MAX, memoryCap: { prlimit: tools.prlimit.path, bytes: PDF_MEMORY_CAP } });
  assert.equal((await sharp(page).metadata()).width, PDF_RENDER_MAX);
});

test('renderFirstPage renders page 1 with pdftoppm, its longer side at the asked size, and says why it cannot', async () => {
  const tools = await findTools({ media: { ffmpegPath: '', ffprobePath: '', pdftoppmPath: '' } });
  assert.ok(tools.pdftoppm.path, 'pdftoppm is installed (apt-get install poppler-utils)');
  assert.match(tools.pdftoppm.version ?? '', /^pdftoppm version /);
  // A folder whose name a shell would run: pdftoppm is given its arguments, never a command line.
  const out = path.join(dir, 'out $(touch pwned); `touch pwned2`');
  await rm(out, { recursive: true, force: true });
  await mkdir(out);
  const tall = await renderFirstPage(tools.pdftoppm.path, path.join(dir, 'tall.pdf'), path.join(out, 'page'), { scaleTo: 400 });
  assert.equal(tall, path.join(out, 'page.png'));
  const meta = await sharp(tall).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['png', 100, 400]);
  assert.ok(!existsSync(path.join(dir, 'pwned')) && !existsSync(path.join(process.cwd(), 'pwned')) && !existsSync(path.join(process.cwd(), 'pwned2')));

  const huge = await renderFirstPage(tools.pdftoppm.path, path.join(dir, 'brochure.pdf'), path.join(out, 'huge'), { scaleTo: 100_000 });
  assert.equal((await sharp(huge).metadata()).width, PDF_RENDER_MAX, 'the size asked is capped');

  await assert.rejects(renderFirstPage(tools.pdftoppm.path, path.join(dir, 'locked.pdf'), path.join(out, 'locked'), { scaleTo: 100 }), (err: unknown) => err instanceof ProcessingError && /the PDF is encrypted/.test(err.message) && err.reason.code === 'pdf_encrypted' && /Incorrect password/i.test(err.output ?? ''));
  await assert.rejects(renderFirstPage(tools.pdftoppm.path, path.join(dir, 'broken.pdf'), path.join(out, 'broken'), { scaleTo: 100 }), (err: unknown) => err instanceof ProcessingError && /pdftoppm could not render the PDF's first page: .+/.test(err.message) && err.reason.code === 'pdf_unreadable' && Boolean(err.output));
  assert.deepEqual((await readdir(out)).sort(), ['huge.png', 'page.png'], 'nothing left by the failures');
  assert.equal(isPdf({ type: 'document', original: { mime: 'application/pdf' } }), true);
  assert.equal(isPdf({ type: 'document', original: { mime: 'text/plain' } }), false);
});

test('an uploaded PDF gets a preview in the queue: poster, medium and thumb of its first page, picked up by the page, cards, feeds and oEmbed', async () => {
  const { t, upload } = await appWith();
  try {
    const up = await upload('brochure.pdf', { title: 'Brochure <2025>' });
    assert.deepEqual([up.type, up.processing.state], ['document', 'waiting']);
    await t.app.kiosque.media.idle();
    const m = (await t.store.media.get(up.id))!;
    assert.equal(m.processing.state, 'done', m.processing.error);
    assert.deepEqual(Object.keys(m.variants).sort(), ['medium', 'medium.webp', 'poster', 'poster.webp', 'thumb', 'thumb.webp']);
    // The same layout as a video's poster: next to the original, in the media's own folder.
    for (const v of Object.values(m.variants)) assert.equal(path.dirname(v.file), path.dirname(m.original.file));
    assert.deepEqual((await readdir(path.join(t.dataDir, 'files', path.dirname(m.original.file)))).sort(), ['medium.jpg', 'medium.webp', 'original.pdf', 'poster.jpg', 'poster.webp', 'thumb.jpg', 'thumb.webp'], 'no rendered page left behind');

    // The thumbnail box (320 by default), the medium box (800), the largest (1600): a 2:1 page.
    const thumb = await image(t, `/files/${up.id}/thumb`);
    assert.equal(thumb.res.headers['content-type'], 'image/jpeg');
    assert.equal(thumb.res.headers['content-disposition'], undefined, 'shown, not downloaded');
    assert.deepEqual([thumb.format, thumb.width, thumb.height], ['jpeg', 320, 160]);
    near(thumb.pixel(160, 80), BLUE, 'the rectangle in the middle');
    near(thumb.pixel(3, 3), [255, 255, 255], 'the page around it');
    const medium = await image(t, `/files/${up.id}/medium`);
    assert.deepEqual([medium.width, medium.height], [800, 400]);
    const poster = await image(t, `/files/${up.id}/poster`);
    assert.deepEqual([poster.width, poster.height], [1600, 800]);
    near(poster.pixel(800, 400), BLUE, 'poster');
    const webp = await request(t.app).get(`/files/${up.id}/thumb`).set('Accept', 'image/webp').buffer(true).parse(binary);
    assert.equal(webp.headers['content-type'], 'image/webp');

    const page = await request(t.app).get(`/media/${up.id}/${m.slug}`).set('Accept', 'text/html').expect(200);
    const img = /<figure class="media-player document-preview">\s*<a href="([^"]+)" download="([^"]+)"><img src="([^"]+)" srcset="([^"]+)"[^>]* alt="([^"]*)" width="(\d+)" height="(\d+)"><\/a>/.exec(page.text);
    assert.ok(img, page.text);
    assert.deepEqual(img.slice(1), [`/files/${up.id}/original?download`, 'brochure.pdf', `/files/${up.id}/poster`, `/files/${up.id}/thumb 320w, /files/${up.id}/medium 800w, /files/${up.id}/poster 1600w`, 'Brochure &lt;2025&gt;', '1600', '800']);
    assert.match(page.text, /<figcaption>First page of the PDF<\/figcaption>/);
    assert.doesNotMatch(page.text, /class="media-player document"/, 'no placeholder');

    const search = await request(t.app).get('/search?type=document').set('Accept', 'text/html').expect(200);
    assert.match(search.text, new RegExp(`<a href="/media/${up.id}">\\s*<img src="/files/${up.id}/thumb" alt="" width="\\d+" height="\\d+" loading="lazy">`));
    const feed = await request(t.app).get('/feed').set('Host', HOST).expect(200);
    assert.ok(feed.text.includes(`http://${HOST}/files/${up.id}/thumb`), 'the feed item shows the thumbnail');
    const oembed = await request(t.app).get('/oembed').query({ url: `http://${HOST}/media/${up.id}/${m.slug}` }).set('Host', HOST).expect(200);
    assert.deepEqual([oembed.body.type, oembed.body.thumbnail_url, oembed.body.thumbnail_width, oembed.body.thumbnail_height], ['rich', `http://${HOST}/files/${up.id}/thumb`, 320, 160]);
    const api = await request(t.app).get(`/api/v1/media/${up.id}`).expect(200);
    assert.deepEqual(api.body.variants.poster, { url: `/files/${up.id}/poster`, mime: 'image/jpeg', size: m.variants.poster!.size, width: 1600, height: 800 });
  } finally {
    await t.close();
  }
});

test('an anonymous visitor’s cached media page shows the preview once the queue has made it', async () => {
  // A pdftoppm that waits for the test's signal, so the page is seen (and cached) before the preview exists.
  const gate = path.join(dir, 'gate');
  const slow = path.join(dir, 'slow-pdftoppm');
  await writeFile(slow, `#!/bin/sh\n[ "$1" = "-v" ] || while [ ! -e '${gate}' ]; do sleep 0.05; done\nexec /usr/bin/pdftoppm "$@"\n`);
  await chmod(slow, 0o755);
  const { t, upload } = await appWith({ pdftoppmPath: slow });
  try {
    const up = await upload('brochure.pdf');
    const pagePath = `/media/${up.id}/${up.slug}`;
    const before = await request(t.app).get(pagePath).set('Accept', 'text/html').expect(200);
    assert.match(before.text, /<p class="media-player document">Document \(application\/pdf\)<\/p>/);
    assert.notEqual((await t.store.media.get(up.id))!.processing.state, 'done');
    await writeFile(gate, '');
    await t.app.kiosque.media.idle();
    const afterwards = await request(t.app).get(pagePath).set('Accept', 'text/html').expect(200);
    assert.match(afterwards.text, new RegExp(`<img src="/files/${up.id}/poster"`));
  } finally {
    await writeFile(gate, '');
    await t.close();
  }
});

test('an encrypted or broken PDF has no preview: failed with the reason (logged, shown in /admin/media with Retry), placeholder, still downloadable', async () => {
  const { t, agent, token, upload } = await appWith();
  try {
    const locked = await upload('locked.pdf', { title: 'Locked' });
    const broken = await upload('broken.pdf', { title: 'Broken' });
    await t.app.kiosque.media.idle();
    const l = (await t.store.media.get(locked.id))!;
    assert.equal(l.processing.state, 'failed');
    assert.match(l.processing.error ?? '', /encrypted: it needs a password/);
    assert.deepEqual(l.variants, {});
    const b = (await t.store.media.get(broken.id))!;
    assert.equal(b.processing.state, 'failed');
    assert.match(b.processing.error ?? '', /pdftoppm could not render the PDF's first page/);
    assert.ok(t.logs.some((line) => line.msg === 'PDF preview failed' && line.mediaId === locked.id && line.level === 40), 'logged as a warning');

    assert.equal((await request(t.app).get(`/files/${locked.id}/thumb`)).status, 404);
    const original = await request(t.app).get(`/files/${locked.id}/original`).buffer(true).parse(binary);
    assert.equal(original.status, 200, 'the media itself is usable');
    assert.match(String(original.headers['content-disposition']), /^attachment/);
    const page = await request(t.app).get(`/media/${locked.id}/${l.slug}`).set('Accept', 'text/html').expect(200);
    assert.match(page.text, /<p class="media-player document">Document \(application\/pdf\)<\/p>/);
    const search = await request(t.app).get('/search?type=document').set('Accept', 'text/html').expect(200);
    assert.match(search.text, new RegExp(`<a href="/media/${locked.id}">\\s*<span class="no-thumb">`));

    const admin = await agent.get('/admin/media').set('Accept', 'text/html').expect(200);
    assert.match(admin.text, /encrypted: it needs a password to be opened, so it has no preview <code class="tool-output">[^<]*Incorrect password/);
    assert.deepEqual([l.processing.reason, b.processing.reason], [{ code: 'pdf_encrypted', vars: {} }, { code: 'pdf_unreadable', vars: {} }]);
    const french = await agent.get('/admin/media').set({ Accept: 'text/html', 'Accept-Language': 'fr' }).expect(200);
    assert.match(french.text, /échec\u00a0: le PDF est chiffré\u00a0: il faut un mot de passe pour l’ouvrir, il n’a donc pas d’aperçu <code/);
    assert.match(french.text, /échec\u00a0: pdftoppm n’a pas pu rendre la première page du PDF <code/);
    assert.match(admin.text, new RegExp(`action="/admin/media/${locked.id}/retry"`));
    assert.match(admin.text, new RegExp(`action="/admin/media/${broken.id}/retry"`));
    assert.doesNotMatch(admin.text, /class="warning pdf-tools"/, 'pdftoppm is there');
    assert.equal((await agent.post(`/admin/media/${locked.id}/retry`).type('form').send({ _csrf: token })).status, 303);
    await t.app.kiosque.media.idle();
    const again = (await t.store.media.get(locked.id))!;
    assert.deepEqual([again.processing.state, again.processing.attempts], ['failed', 2]);
  } finally {
    await t.close();
  }
});

test('without pdftoppm a PDF works as before (placeholder, not a failure) and /admin/media says what to install', async () => {
  const { t, agent, upload } = await appWith({ pdftoppmPath: '/nonexistent/pdftoppm' });
  try {
    const up = await upload('brochure.pdf');
    await t.app.kiosque.media.idle();
    const m = (await t.store.media.get(up.id))!;
    assert.deepEqual([m.processing.state, m.processing.error, m.variants], ['done', undefined, {}]);
    const page = await request(t.app).get(`/media/${up.id}/${m.slug}`).set('Accept', 'text/html').expect(200);
    assert.match(page.text, /<p class="media-player document">Document \(application\/pdf\)<\/p>/);
    assert.equal((await request(t.app).get(`/files/${up.id}/original`)).status, 200);
    const admin = await agent.get('/admin/media').set('Accept', 'text/html').expect(200);
    assert.match(admin.text, /class="warning pdf-tools"/);
    assert.match(admin.text, /<li>pdftoppm cannot be run from \/nonexistent\/pdftoppm, the path media\.pdftoppmPath gives\. What the system said: <code>\/nonexistent\/pdftoppm: .*ENOENT<\/code><\/li>/);
    assert.match(admin.text, /apt-get install poppler-utils/);
    assert.doesNotMatch(admin.text, /need ffmpeg and ffprobe/, 'ffmpeg is there: its own notice stays away');
    const fr = await agent.get('/admin/media?lang=fr').set('Accept', 'text/html').set('Accept-Language', 'fr').expect(200);
    assert.match(fr.text, /leur aperçu \(une image de la première page/);
    assert.match(fr.text, /<li>pdftoppm ne peut pas être lancé depuis \/nonexistent\/pdftoppm, le chemin que donne media\.pdftoppmPath\. Réponse du système\u00a0: <code>/);
    assert.match(fr.text, /Pour l’installer sous Debian ou Ubuntu\u00a0: <code>apt-get install poppler-utils<\/code>/);
  } finally {
    await t.close();
  }
});

test('the preview does not open the download rules: the original stays refused while the preview images are served', async () => {
  const { t, upload } = await appWith();
  await addUser(t, 'mia', 'member');
  const member = await signIn(t, 'mia');
  try {
    const up = await upload('brochure.pdf', { title: 'Rules' });
    await t.app.kiosque.media.idle();
    const pagePath = `/media/${up.id}/${up.slug}`;
    const rules = (r: Partial<typeof skeletonDefaults>) => t.store.settings.set('skeleton', { ...skeletonDefaults, ...r });

    await rules({ allowDownloads: false });
    assert.equal((await request(t.app).get(`/files/${up.id}/original`)).status, 403);
    assert.equal((await member.get(`/files/${up.id}/original`)).status, 403);
    assert.equal((await request(t.app).get(`/files/${up.id}/poster?download`)).status, 403, 'the preview as an attachment is a download too');
    for (const v of ['thumb', 'medium', 'poster']) {
      const res = await request(t.app).get(`/files/${up.id}/${v}`);
      assert.equal(res.status, 200, v);
      assert.equal(res.headers['content-type'], 'image/jpeg');
    }
    const closed = await request(t.app).get(pagePath).set('Accept', 'text/html').expect(200);
    assert.match(closed.text, new RegExp(`<figure class="media-player document-preview">\\s*<img src="/files/${up.id}/poster"`), 'the image without a link');
    assert.doesNotMatch(closed.text, /original\?download/);

    await rules({ downloadsSignedInOnly: true });
    assert.equal((await request(t.app).get(`/files/${up.id}/original`)).status, 401);
    const anonymous = await request(t.app).get(pagePath).set('Accept', 'text/html').expect(200);
    assert.match(anonymous.text, /<img src="\/files\/\d+\/poster"/);
    assert.doesNotMatch(anonymous.text, /original\?download/);
    const signedIn = await member.get(pagePath).set('Accept', 'text/html').expect(200);
    assert.match(signedIn.text, new RegExp(`<a href="/files/${up.id}/original\\?download" download="brochure.pdf"><img src="/files/${up.id}/poster"`));
    assert.equal((await member.get(`/files/${up.id}/original`)).status, 200);
  } finally {
    await t.close();
  }
});

test('behind the intranet the preview files are as private as the media', async () => {
  const { t, agent, upload } = await appWith();
  try {
    const up = await upload('brochure.pdf');
    await t.app.kiosque.media.idle();
    await t.app.kiosque.plugins.enable('intranet');
    for (const v of ['thumb', 'medium', 'poster']) {
      const res = await request(t.app).get(`/files/${up.id}/${v}`).buffer(true).parse(binary);
      assert.equal(res.status, 401, v);
      assert.equal((res.body as Buffer).length, 0, `${v}: no content`);
    }
    const signedIn = await agent.get(`/files/${up.id}/thumb`).buffer(true).parse(binary);
    assert.equal(signedIn.status, 200);
    assert.equal(signedIn.headers['cache-control'], 'private, no-store');
  } finally {
    await t.close();
  }
});
