import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import request from 'supertest';
import { browserSite, signInAt, signInThroughForm } from '../helpers/browser.ts';
import { addUser, signIn, tokenOf, tempDir } from '../helpers/app.ts';
import { jpegWithGps } from '../helpers/media.ts';

let mediaId: string;
const site = browserSite(async (t) => {
  await addUser(t, 'alice', 'admin');
  await addUser(t, 'mia', 'member');
  const admin = await signIn(t, 'alice');
  const dir = await tempDir('kiosque-e2e-intranet-');
  await jpegWithGps(path.join(dir, 'harbour.jpg'), 640, 480, 1);
  const res = await admin.post('/api/v1/media').set('X-CSRF-Token', await tokenOf(admin, '/admin')).field('title', 'Harbour at dawn').field('status', 'published').attach('file', path.join(dir, 'harbour.jpg'));
  assert.equal(res.status, 201, res.text);
  mediaId = String(res.body.id);
  await t.app.kiosque.media.idle();
});

test('with the intranet enabled from the admin, a visitor opening a media page signs in and lands on it', async () => {
  const { t, base, browser } = site;
  const adminContext = await browser.newContext({ locale: 'en-GB' });
  const admin = await adminContext.newPage();
  await signInAt(admin, base, '/admin/plugins', 'alice');
  await admin.getByRole('button', { name: 'Enable Intranet' }).click();
  await admin.waitForURL(`${base}/admin/plugins?done=enabled`);
  await adminContext.close();

  // A fresh browser: no session.
  const visitorContext = await browser.newContext({ locale: 'en-GB' });
  const visitor = await visitorContext.newPage();
  const target = `${base}/media/${mediaId}`;
  await visitor.goto(target);
  assert.equal(new URL(visitor.url()).pathname, '/login');
  assert.match((await visitor.locator('.intranet-message').textContent()) ?? '', /reserved to identified people/);
  assert.equal(await visitor.getByText('Harbour at dawn').count(), 0);
  // The image itself is closed too.
  assert.equal((await visitorContext.request.get(`${base}/files/${mediaId}/thumb`)).status(), 401);

  await signInThroughForm(visitor, 'mia');
  await visitor.waitForURL(new RegExp(`/media/${mediaId}(/|$)`));
  assert.match(await visitor.locator('h1').first().textContent() ?? '', /Harbour at dawn/);
  const img = visitor.locator('main img').first();
  await img.waitFor();
  assert.ok(await img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0), 'the image loads for the signed-in member');
  await visitorContext.close();

  // Outside the browser too: an anonymous request stays closed.
  assert.equal((await request(t.app).get(`/files/${mediaId}/thumb`)).status, 401);
});
