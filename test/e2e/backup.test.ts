import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { x as extract } from 'tar';
import { browserSite, signInThroughForm } from '../helpers/browser.ts';
import { addUser, tempDir } from '../helpers/app.ts';
import { openLowdbStore } from '../../core/store/index.ts';
import { mediaRecord } from '../helpers/media-records.ts';

const site = browserSite(async (t) => {
  await addUser(t, 'alice', 'admin');
  await t.store.media.create(mediaRecord({ title: 'Une affiche' }));
});

test('an admin finds Backup in the menu, picks the media files too and downloads an archive that opens', async () => {
  const { base, browser } = site;
  const context = await browser.newContext({ locale: 'en-GB', acceptDownloads: true });
  const page = await context.newPage();
  try {
    await page.goto(`${base}/admin`);
    await signInThroughForm(page, 'alice');
    await page.waitForURL(`${base}/admin`);
    await page.getByRole('navigation', { name: 'Administration menu' }).getByRole('link', { name: 'Backup' }).click();
    await page.waitForURL(`${base}/admin/backup`);
    assert.match(await page.locator('main').textContent() ?? '', /argon2id/);
    await page.getByLabel(/The database and the media files/).check();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the backup' }).click()]);
    assert.match(download.suggestedFilename(), /^kiosque-backup-kiosque-\d{4}-\d{2}-\d{2}-\d{4}\.tar\.gz$/);
    const dir = await tempDir('kiosque-e2e-backup-');
    const file = path.join(dir, download.suggestedFilename());
    await download.saveAs(file);
    const restored = path.join(dir, 'data');
    await mkdir(restored);
    await extract({ file, cwd: restored });
    assert.deepEqual((await readdir(restored)).sort(), ['db', 'files']);
    const store = await openLowdbStore({ dataDir: restored });
    try {
      assert.deepEqual((await store.media.list()).map((m) => m.title), ['Une affiche']);
    } finally {
      await store.close();
    }
    // The page stays as it was: the download did not navigate away.
    assert.equal(new URL(page.url()).pathname, '/admin/backup');
  } finally {
    await context.close();
  }
});
