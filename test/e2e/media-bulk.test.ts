import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import request from 'supertest';
import { browserSite, signInAt } from '../helpers/browser.ts';
import { addUser, signIn, tokenOf, tempDir } from '../helpers/app.ts';
import { png } from '../helpers/media.ts';

const ids = new Map<string, string>();
const site = browserSite(async (t) => {
  await addUser(t, 'alice', 'admin');
  const file = path.join(await tempDir('kiosque-e2e-bulk-'), 'image.png');
  await png(file, 120, 80, false);
  // Real uploads through the API: three drafts that the filter finds, one it does not.
  const agent = await signIn(t, 'alice');
  const token = await tokenOf(agent);
  for (const title of ['Zanzibar plage', 'Zanzibar port', 'Zanzibar marché', 'Lisbonne']) {
    const res = await agent.post('/api/v1/media').set('X-CSRF-Token', token).field('title', title).attach('file', file);
    assert.equal(res.status, 201, res.text);
    ids.set(title, (res.body as { id: string }).id);
  }
});

test('an admin selects two media on a filtered page, publishes them, and comes back to the same filtered page with a notice', async () => {
  const { t, browser, base } = site;
  const page = await browser.newPage({ locale: 'en-GB' });
  await signInAt(page, base, '/admin/media?q=zanzibar&status=draft', 'alice');
  assert.equal(await page.locator('tr[data-media]').count(), 3);

  await page.getByLabel('Select “Zanzibar plage”').check();
  await page.getByLabel('Select “Zanzibar port”').check();
  await page.getByLabel('Action on the selection').selectOption({ label: 'Publish' });
  await page.getByRole('button', { name: 'Apply to the selection' }).click();

  await page.waitForURL(/\/admin\/media\?q=zanzibar&status=draft&done=bulk_publish&n=2$/);
  assert.equal((await page.getByRole('status').first().textContent())?.trim(), 'Published: 2 media.');
  // The filters are as they were, and the list under them follows: only the remaining draft.
  const filters = page.getByRole('search', { name: 'Find media' });
  assert.equal(await filters.getByLabel('Words').inputValue(), 'zanzibar');
  assert.equal(await filters.getByLabel('Status').inputValue(), 'draft');
  assert.deepEqual(await page.locator('tr[data-media]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-media'))), [ids.get('Zanzibar marché')]);

  const statusOf = async (title: string) => (await t.store.media.get(ids.get(title)!))?.status;
  assert.deepEqual([await statusOf('Zanzibar plage'), await statusOf('Zanzibar port'), await statusOf('Zanzibar marché'), await statusOf('Lisbonne')], ['published', 'published', 'draft', 'draft']);
  // Visitors now find them.
  const found = await request(t.app).get('/api/v1/media?q=zanzibar').expect(200);
  assert.deepEqual((found.body.items as Array<{ title: string }>).map((m) => m.title).sort(), ['Zanzibar plage', 'Zanzibar port']);
  await page.close();
});
