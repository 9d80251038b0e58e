import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
before(async () => {
  t = await makeApp();
});
after(() => t.close());

const page = (path: string, lang: string) => request(t.app).get(path).set('Accept', 'text/html').set('Cookie', `kiosque_lang=${lang}`);

test('a path that cannot be read gets the themed 400 page in the visitor’s language, JSON under /api', async () => {
  for (const path of ['/%ZZ', '/media/%ZZ', '/media/1/%00', '/files/1/%E0%A4%A']) {
    const fr = await page(path, 'fr').expect(400);
    assert.match(String(fr.headers['content-type']), /^text\/html/, path);
    assert.match(fr.text, /<html lang="fr">/, path);
    assert.match(fr.text, /La requête n’a pas pu être comprise\./, path);
    assert.match(fr.text, /class="site-header"/, `${path}: inside the layout`);
    const en = await page(path, 'en').expect(400);
    assert.match(en.text, /The request could not be understood\./, path);
  }
  const api = await request(t.app).get('/api/v1/%ZZ').expect(400);
  assert.equal(api.body.error.code, 'http_400');
});

test('an unknown page gets the themed 404 page in the visitor’s language', async () => {
  const fr = await page('/nulle-part', 'fr').expect(404);
  assert.match(fr.text, /<html lang="fr">/);
  assert.match(fr.text, /class="site-header"/);
  const en = await page('/nowhere', 'en').expect(404);
  assert.match(en.text, /<html lang="en">/);
});

test('a form too large for the server says so, and how to get back what was typed', async () => {
  const big = `q=${'a'.repeat(250 * 1024)}`;
  for (const [lang, text] of [['en', /a form takes at most 200 KB of text.*Back button/], ['fr', /au plus 200\u00a0Ko de texte.*Revenez en arrière/]] as const) {
    const res = await request(t.app).post('/login').set('Accept', 'text/html').set('Cookie', `kiosque_lang=${lang}`).type('form').send(big);
    assert.equal(res.status, 413);
    assert.match(res.text, text);
  }
});

test('a refusal with a status the dictionaries do not name (415, 416) gets the bad-request page, never a raw key nor “went wrong on our side”', async () => {
  for (const [lang, title, text] of [['en', 'Bad request', 'The request could not be understood.'], ['fr', 'Requête incorrecte', 'La requête n’a pas pu être comprise.']] as const) {
    // A form in a character set the server does not read; a byte range past the end of a file.
    const charset = await request(t.app).post('/login').set('Accept', 'text/html').set('Cookie', `kiosque_lang=${lang}`).set('Content-Type', 'application/x-www-form-urlencoded; charset=klingon').send('username=a');
    const range = await page('/assets/style.css', lang).set('Range', 'bytes=999999-');
    for (const [res, status] of [[charset, 415], [range, 416]] as const) {
      assert.equal(res.status, status);
      assert.match(res.text, new RegExp(`<title>${title} · `), `${status} in ${lang}`);
      assert.match(res.text, new RegExp(`<h1>${title}</h1>`), `${status} in ${lang}`);
      assert.ok(res.text.includes(text), `${status} in ${lang}`);
      assert.doesNotMatch(res.text, /errors\.|on our side|de notre côté/, `${status} in ${lang}`);
    }
  }
  const api = await request(t.app).post('/api/v1/media').set('Content-Type', 'application/json; charset=klingon').send('{}');
  assert.equal(api.status, 415);
  assert.equal(api.body.error.code, 'http_400');
});
