import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addUser } from '../helpers/app.ts';
import { browserSite, signInThroughForm } from '../helpers/browser.ts';
import { mediaRecord } from '../helpers/media-records.ts';

let mediaPath = '';
const site = browserSite(async (t) => {
  await addUser(t, 'mia', 'member');
  const media = await t.store.media.create(mediaRecord({ slug: 'carnaval', title: 'Carnaval' }));
  mediaPath = `/media/${media.id}/${media.slug}`;
  assert.deepEqual(await t.app.kiosque.plugins.enable('comments'), { ok: true });
});

test('a member signs in from the comments section, comes back to the media, posts a comment and sees it', async () => {
  const page = await site.browser.newPage({ locale: 'en-GB' });
  const problems: string[] = [];
  // The media record has no file behind it: its image is the one 404 expected.
  page.on('response', (res) => {
    if (res.status() >= 400 && !new URL(res.url()).pathname.startsWith('/files/')) problems.push(`${res.status()} ${res.url()}`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().includes('404')) problems.push(message.text());
  });
  await page.goto(`${site.base}${mediaPath}`);
  const section = page.getByRole('region', { name: 'Comments' });
  assert.equal(await section.getByText('No comments yet.').count(), 1);
  await section.getByRole('link', { name: 'Sign in to comment' }).click();
  await page.waitForURL(/\/login\?return=/);
  await signInThroughForm(page, 'mia');
  await page.waitForURL(`${site.base}${mediaPath}`);

  await section.getByLabel('Your comment').fill('What a parade!\nThe masks <b>were</b> superb.');
  await section.getByRole('button', { name: 'Send' }).click();
  await page.waitForURL(new RegExp(`${mediaPath}#comment-`));
  const comment = section.locator('li.comment');
  assert.equal(await comment.count(), 1);
  assert.equal(await comment.locator('.comment-author').textContent(), 'mia');
  assert.equal(await comment.locator('.comment-text').innerText(), 'What a parade!\nThe masks <b>were</b> superb.');
  assert.equal(await comment.locator('b').count(), 0, 'what was typed as markup stays text');
  assert.equal(await section.getByLabel('Your comment').inputValue(), '', 'the form is empty again');
  assert.deepEqual(problems, []);
  await page.close();
});
