import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { browserSite, signInAt } from '../helpers/browser.ts';
import { addUser, tempDir } from '../helpers/app.ts';
import { jpegWithGps } from '../helpers/media.ts';

let photo: string;
const site = browserSite(async (t) => {
  await addUser(t, 'alice', 'admin');
  photo = path.join(await tempDir('kiosque-e2e-'), 'Marché aux fleurs.jpg');
  await jpegWithGps(photo, 1200, 800, 1);
});

test('an admin uploads an image from /admin/media and sees it on its media page', async () => {
  const page = await site.browser.newPage({ locale: 'en-GB' });
  await signInAt(page, site.base, '/admin/media', 'alice');
  await page.getByLabel(/^Files/).setInputFiles(photo);
  // The page also has the library's filter form, with its own Status.
  await page.getByRole('form', { name: 'Add media' }).getByLabel('Status').selectOption('published');
  await page.getByRole('button', { name: 'Upload' }).click();
  await page.waitForURL(/\/admin\/media\?done=uploaded/);
  assert.match((await page.getByRole('status').first().textContent()) ?? '', /1 file added\./);
  await page.getByRole('link', { name: 'Marché aux fleurs' }).click();
  await page.waitForURL(/\/media\/\d+\/marche-aux-fleurs$/);
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Marché aux fleurs');
  const img = page.locator('figure.media-player img');
  await img.waitFor();
  await page.waitForFunction(() => {
    const el = document.querySelector<HTMLImageElement>('figure.media-player img');
    return !!el && el.complete && el.naturalWidth > 0;
  });
  const natural = await img.evaluate((el: HTMLImageElement) => ({ w: el.naturalWidth, current: el.currentSrc }));
  assert.ok(natural.w > 0 && natural.w <= 1200);
  assert.match(natural.current, /\/files\/\d+\/(thumb|medium|large)$/);
  await page.close();
});
