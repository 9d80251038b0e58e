import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import request from 'supertest';
import { browserSite, signInAt } from '../helpers/browser.ts';
import { addUser, signIn, tokenOf, tempDir } from '../helpers/app.ts';
import { png } from '../helpers/media.ts';

/** The editor's browser is in India (UTC+5:30 all year), whatever the server's zone: the offset must travel with the time. */
const BROWSER_ZONE = 'Asia/Kolkata';
/** How far ahead of the site's clock the editor sets the time. */
const LEAD_MS = 6000;

// The site's clock runs at the real pace, moved so that the next whole minute (what a
// datetime-local field offers) is a few seconds away when the editor types it.
let shift = 0;
let media: { id: string; slug: string };
const site = browserSite(
  async (t) => {
    // An admin exists: the site is past its first-run setup.
    await addUser(t, 'alice', 'admin');
    await addUser(t, 'eddie', 'editor');
    const file = path.join(await tempDir('kiosque-e2e-schedule-'), 'affiche.png');
    await png(file, 120, 80, false);
    const agent = await signIn(t, 'eddie');
    const res = await agent.post('/api/v1/media').set('X-CSRF-Token', await tokenOf(agent)).field('title', 'Affiche du vernissage').attach('file', file);
    assert.equal(res.status, 201, res.text);
    media = res.body as { id: string; slug: string };
  },
  { now: () => Date.now() + shift },
);

/** An instant as a datetime-local value in a time zone, computed here, apart from the browser. */
function wallClock(ms: number, timeZone: string): string {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(ms).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

test('an editor sets “Publish on” in the datetime field, in their own time zone, and the draft goes public at that time', async () => {
  const { t, browser, base } = site;
  const context = await browser.newContext({ locale: 'en-GB', timezoneId: BROWSER_ZONE });
  const page = await context.newPage();
  await signInAt(page, base, `/admin/media/${media.id}`, 'eddie');
  const visitorPage = () => request(t.app).get(`/media/${media.id}/${media.slug}`).set('Accept', 'text/html');
  assert.equal((await visitorPage()).status, 404);

  const at = Math.ceil((Date.now() + 60_000) / 60_000) * 60_000;
  const typed = wallClock(at, BROWSER_ZONE);
  assert.notEqual(typed, wallClock(at, Intl.DateTimeFormat().resolvedOptions().timeZone), 'the browser and the server read the clock differently');
  shift = at - LEAD_MS - Date.now();
  await page.getByLabel('Publish on').fill(typed);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.waitForURL(`${base}/admin/media/${media.id}?done=saved`);

  assert.equal((await t.store.media.get(media.id))?.publishAt, new Date(at).toISOString());
  assert.match((await page.locator('p.scheduled').textContent()) ?? '', /^Scheduled: this draft will be published on /);
  // Shown again in the editor's zone, as typed.
  assert.equal(await page.getByLabel('Publish on').inputValue(), typed);
  assert.equal((await visitorPage()).status, 404, 'a draft until its time');

  const deadline = Date.now() + LEAD_MS + 10_000;
  let status = 404;
  while (status !== 200 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    status = (await visitorPage()).status;
  }
  assert.equal(status, 200, 'public once its time came');
  const stored = await t.store.media.get(media.id);
  assert.deepEqual([stored?.status, stored?.publishedAt, stored?.publishAt], ['published', new Date(at).toISOString(), undefined]);
  await context.close();
});
