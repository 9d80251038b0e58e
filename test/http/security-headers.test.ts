import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import express from 'express';
import helmet from 'helmet';
import request from 'supertest';
import { createSecurityHeaders, helmetHeaders, helmetOptions } from '../../core/http/security-headers.ts';
import { FILE_CSP } from '../../core/media/serve.ts';
import { makeApp, addUser, signIn, tokenOf, tempDir, type TestApp } from '../helpers/app.ts';
import { binary, jpegWithGps } from '../helpers/media.ts';

/** The same small app behind either real helmet or the precomputed headers. */
async function pair(hsts: boolean) {
  const dir = await tempDir('kiosque-sec-');
  await mkdir(path.join(dir, 'static'));
  await writeFile(path.join(dir, 'static', 'a.css'), 'body{}');
  const build = (security: express.RequestHandler) => {
    const app = express();
    app.set('env', 'test'); // the thrown error is expected: no stack on stderr
    app.use(security);
    app.get('/html', (_req, res) => void res.send('<p>hi</p>'));
    app.get('/json', (_req, res) => void res.json({ ok: true }));
    app.get('/redirect', (_req, res) => res.redirect(302, '/html'));
    app.get('/empty', (_req, res) => void res.status(401).end());
    app.get('/boom', () => {
      throw new Error('boom');
    });
    app.use('/static', express.static(path.join(dir, 'static')));
    return app;
  };
  const options = helmetOptions({ hsts });
  return { real: build(helmet(options)), precomputed: build(createSecurityHeaders(options)) };
}

const volatile = new Set(['date', 'etag', 'last-modified', 'content-length']);
const stable = (headers: Record<string, unknown>) => Object.fromEntries(Object.entries(headers).filter(([k]) => !volatile.has(k)));

for (const hsts of [false, true]) {
  test(`precomputed security headers are exactly helmet's on every kind of response (hsts ${hsts})`, async () => {
    const { real, precomputed } = await pair(hsts);
    for (const p of ['/html', '/json', '/redirect', '/empty', '/boom', '/static/a.css', '/missing']) {
      const a = await request(real).get(p);
      const b = await request(precomputed).get(p);
      assert.equal(b.status, a.status, p);
      assert.deepEqual(stable(b.headers), stable(a.headers), p);
    }
    assert.equal(helmetHeaders(helmetOptions({ hsts })).set.some(([name]) => name === 'Strict-Transport-Security'), hsts);
  });
}

let t: TestApp;
let mediaId: string;
before(async () => {
  t = await makeApp();
  await addUser(t, 'eddie', 'editor');
  const editor = await signIn(t, 'eddie');
  const dir = await tempDir('kiosque-sec-media-');
  await jpegWithGps(path.join(dir, 'p.jpg'), 400, 300, 1);
  const res = await editor.post('/api/v1/media').set('X-CSRF-Token', await tokenOf(editor)).field('status', 'published').attach('file', path.join(dir, 'p.jpg'));
  assert.equal(res.status, 201, res.text);
  mediaId = res.body.id as string;
  await t.app.kiosque.media.idle();
});
after(() => t.close());

test("the app sends helmet's headers on pages, cached pages, JSON, redirects, 404s, assets and files", async () => {
  const { set } = helmetHeaders(helmetOptions({ hsts: false }));
  const html = (p: string) => request(t.app).get(p).set('Accept', 'text/html').set('Host', 'kiosque.test');
  const responses: Array<[string, request.Response]> = [
    ['page', await html('/')],
    ['cached page', await html('/')],
    ['json', await request(t.app).get('/api/v1/media')],
    ['redirect', await html('/admin')],
    ['401', await request(t.app).get('/admin')],
    ['404', await html('/no/such/page')],
    ['asset', await request(t.app).get('/assets/style.css')],
    ['file', await request(t.app).get(`/files/${mediaId}/thumb`).buffer(true).parse(binary)],
  ];
  assert.equal(responses[1]![1].headers['x-page-cache'], 'hit');
  for (const [what, res] of responses) {
    for (const [name, value] of set) {
      // A file has its own CSP; a published one may be shown by other sites (feed readers).
      const expected = what === 'file' && name === 'Content-Security-Policy' ? FILE_CSP : what === 'file' && name === 'Cross-Origin-Resource-Policy' ? 'cross-origin' : value;
      assert.equal(res.headers[name.toLowerCase()], expected, `${what} (${res.status}): ${name}`);
    }
  }
});
