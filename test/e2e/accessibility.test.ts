import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { browserSite } from '../helpers/browser.ts';
import { addUser, PASSWORD, signIn, tempDir, tokenOf } from '../helpers/app.ts';
import { png } from '../helpers/media.ts';
import { mediaRecord } from '../helpers/media-records.ts';
import { skeletonDefaults } from '../../core/settings/skeleton.ts';
import { createPasswordResets } from '../../core/auth/password-reset.ts';

/**
 * axe-core on the main pages, public and admin, in every theme and in French too: no violation that
 * axe rates moderate, serious or critical (contrast, names of fields and links, landmarks and their
 * names, duplicate ids, images without alt…).
 */

// Injected as a script: the pages' own policy (script-src 'self') is bypassed for it alone.
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const paths: Record<string, string> = {};

const site = browserSite(async (t) => {
  await addUser(t, 'alice', 'admin');
  // Bob has an address: a reset link is made for him (mail is on, though nothing is sent here).
  const bob = await t.app.kiosque.users.create({ username: 'bob', password: PASSWORD, role: 'member', email: 'bob@example.org' });
  paths.reset = `/password/reset?token=${await createPasswordResets({ store: t.store, users: t.app.kiosque.users }).issue(bob.id)}`;
  // Sign-up open with approval: the form is public, and a request waits on the users page.
  await t.store.settings.set('accounts', { registration: 'approval' });
  await t.app.kiosque.users.register({ username: 'carla', displayName: 'Carla', password: PASSWORD, confirm: PASSWORD }, { pending: true });
  const sector = await t.store.sectors.create({ slug: 'archives', title: 'Archives', description: 'Old letters and recordings.', order: 0, visible: true, display: 'grid', defaultSort: 'date' });
  const tags = (await t.store.keywordGroups.list()).find((g) => g.slug === 'tags')!;
  const kw = await t.store.keywords.create({ groupId: tags.id, slug: 'lettres', title: 'Lettres', description: '' });
  // A real image, with its derivatives, so the pages show <img> elements.
  const file = path.join(await tempDir('kiosque-e2e-a11y-'), 'image.png');
  await png(file, 320, 200, false);
  const agent = await signIn(t, 'alice');
  const res = await agent.post('/api/v1/media').set('X-CSRF-Token', await tokenOf(agent)).field('title', 'Lettre de Paris').field('sector', 'archives').field('keywords', 'tags/lettres').field('status', 'published').attach('file', file);
  assert.equal(res.status, 201, res.text);
  const image = (res.body as { id: string }).id;
  paths.image = `/media/${image}`;
  paths.edit = `/admin/media/${image}`;
  const records = {
    audio: mediaRecord({ type: 'audio', slug: 'chanson', title: 'Chanson', sectorId: sector.id, keywordIds: [kw.id], original: { file: 'none', mime: 'audio/mpeg', size: 123456, name: 'a.mp3', sha256: '1' }, meta: { duration: 125 } }),
    video: mediaRecord({ type: 'video', slug: 'film', title: 'Film', sectorId: sector.id, original: { file: 'none', mime: 'video/mp4', size: 12345678, name: 'v.mp4', sha256: '2' }, meta: { duration: 3725, width: 640, height: 360 } }),
    document: mediaRecord({ type: 'document', slug: 'rapport', title: 'Rapport', sectorId: sector.id, original: { file: 'none', mime: 'application/pdf', size: 1536, name: 'r.pdf', sha256: '3' } }),
  };
  for (const [type, record] of Object.entries(records)) {
    const m = await t.store.media.create(record);
    paths[type] = `/media/${m.id}/${m.slug}`;
    // The video has subtitles: its player lists them, and its edit page holds the subtitles section.
    // The sound has a transcript: its page writes it out, and its edit page holds the transcript section.
    if (type === 'video' || type === 'audio') {
      await t.app.kiosque.media.setTrack(m.id, 'subtitles', 'fr', Buffer.from('WEBVTT\n\n00:01.000 --> 00:02.000\n<v Anne>Bonjour\n\n00:02.000 --> 00:03.000\nÀ vous\n'));
      paths[`${type}Edit`] = `/admin/media/${m.id}`;
    }
  }
  await t.app.kiosque.search.reindex();
  await t.app.kiosque.media.idle();
}, { overrides: { mail: { smtpUrl: 'smtp://127.0.0.1:9', from: 'noreply@example.org' } } });

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** The violations axe finds on the page as it is now, but the minor ones, one line each. */
async function violations(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.addScriptTag({ content: AXE });
  const found = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations)')) as Violation[];
  return found
    .filter((v) => v.impact === 'moderate' || v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${new URL(page.url()).pathname}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function check(page: Page, url: string): Promise<string[]> {
  const res = await page.goto(site.base + url);
  assert.ok(res && res.status() < 500, `${url} answers`);
  // What folds away (a transcript, the embed code) is checked unfolded, as a reader opens it.
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
  return violations(page);
}

/** Signs in through the login form whatever the page's language (its fields found by name). */
async function signInAs(page: Page, path: string, username: string): Promise<void> {
  await page.goto(`${site.base}/login?return=${encodeURIComponent(path)}`);
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(PASSWORD);
  await page.locator('form[action^="/login"] button[type=submit]').click();
  await page.waitForURL(site.base + path);
}

const publicPages = () => ['/', '/sectors/archives', '/keywords/tags/lettres', paths.image!, paths.audio!, paths.video!, paths.document!, '/search?q=lettre', '/search?from=2020-13-45', '/login', '/register', '/password/forgot', '/password/forgot?sent', paths.reset!, '/password/reset?token=used'];
const adminPages = () => ['/admin', '/admin/media', paths.edit!, paths.videoEdit!, paths.audioEdit!, '/admin/keywords', '/admin/config/skeleton', '/admin/config/accounts', '/admin/users', '/admin/plugins', '/admin/backup'];

for (const [theme, language] of [['default', 'en'], ['nuit', 'en'], ['default', 'fr']] as const) {
  test(`${theme} theme, in ${language}: the main public and admin pages have no moderate, serious or critical axe violation`, async () => {
    await site.t.store.settings.set('skeleton', { ...skeletonDefaults, theme, language, visitorsMayChooseLanguage: false });
    const context = await site.browser.newContext({ locale: language, bypassCSP: true });
    const page = await context.newPage();
    try {
      const problems: string[] = [];
      for (const url of publicPages()) problems.push(...(await check(page, url)));
      await signInAs(page, '/account', 'bob');
      problems.push(...(await violations(page)));
      await page.context().clearCookies();
      await signInAs(page, '/admin', 'alice');
      for (const url of adminPages()) problems.push(...(await check(page, url)));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
}

test('the comments plugin: its section (to read, to sign in from, to write in), its form page and its moderation page have no moderate, serious or critical axe violation', async () => {
  await site.t.store.settings.set('skeleton', { ...skeletonDefaults, visitorsMayChooseLanguage: false });
  await site.t.app.kiosque.plugins.saveSettings('comments', { whoMayComment: 'members', moderation: 'visitors', perHour: 100 });
  assert.deepEqual(await site.t.app.kiosque.plugins.enable('comments'), { ok: true });
  const context = await site.browser.newContext({ locale: 'en', bypassCSP: true });
  const page = await context.newPage();
  try {
    const id = paths.image!.split('/')[2]!;
    const problems: string[] = [];
    problems.push(...(await check(page, paths.image!)));
    assert.equal(await page.locator('#comments').count(), 1, 'the section is there');
    const mediaPath = new URL(page.url()).pathname;
    await site.t.app.kiosque.plugins.saveSettings('comments', { whoMayComment: 'everyone', moderation: 'visitors', perHour: 100 });
    problems.push(...(await check(page, `/plugins/comments/media/${id}`)));
    // Refused input: the form page with its errors.
    await page.locator('#comment-text').fill(' ');
    await page.locator('#comment-name').fill('Zoe');
    // Spaces pass the browser's `required`, not the server's check.
    const answer = page.waitForResponse((res) => res.request().method() === 'POST');
    await page.locator('#comment-form button[type=submit]').click();
    assert.equal((await answer).status(), 422);
    await page.waitForLoadState();
    assert.equal(await page.locator('#comment-text-error').count(), 1);
    problems.push(...(await violations(page)));
    await signInAs(page, mediaPath, 'bob');
    await page.locator('#comment-text').fill('A letter worth reading.');
    await page.locator('#comment-form button[type=submit]').click();
    await page.waitForURL(/#comment-/);
    problems.push(...(await violations(page)));
    await page.context().clearCookies();
    await signInAs(page, '/plugins/comments/moderation', 'alice');
    problems.push(...(await violations(page)));
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await site.t.app.kiosque.plugins.disable('comments');
  }
});

test('the collections plugin: its list, a collection (with media, audio alone and its playlist, empty), and its management pages have no moderate, serious or critical axe violation, in both themes', async () => {
  assert.deepEqual(await site.t.app.kiosque.plugins.enable('collections'), { ok: true });
  const admin = await signIn(site.t, 'alice');
  const form = async (url: string, fields: Record<string, string>) => {
    const res = await admin.post(url).type('form').send({ _csrf: await tokenOf(admin, '/plugins/collections/manage'), ...fields });
    assert.equal(res.status, 303, res.text);
    return res.headers.location!;
  };
  const edit = (await form('/plugins/collections/manage/new', { title: 'Lettres et chansons', description: 'Une sélection.\nDeux lignes.' })).split('?')[0]!;
  await form(`${edit}/items`, { action: 'add', media: paths.image!.split('/')[2]! });
  await form(`${edit}/items`, { action: 'add', media: paths.audio! });
  const empty = (await form('/plugins/collections/manage/new', { title: 'Vide' })).split('?')[0]!;
  // Audio alone: the page offers its playlist.
  const songs = (await form('/plugins/collections/manage/new', { title: 'Chansons' })).split('?')[0]!;
  await form(`${songs}/items`, { action: 'add', media: paths.audio! });
  const context = await site.browser.newContext({ locale: 'en', bypassCSP: true });
  const page = await context.newPage();
  try {
    const problems: string[] = [];
    for (const theme of ['default', 'nuit']) {
      await site.t.store.settings.set('skeleton', { ...skeletonDefaults, theme, visitorsMayChooseLanguage: false });
      for (const url of ['/plugins/collections/', '/plugins/collections/lettres-et-chansons', '/plugins/collections/chansons', '/plugins/collections/vide', paths.image!]) problems.push(...(await check(page, url)));
    }
    await site.t.store.settings.set('skeleton', { ...skeletonDefaults, visitorsMayChooseLanguage: false });
    await signInAs(page, '/plugins/collections/manage', 'alice');
    problems.push(...(await violations(page)));
    for (const url of ['/plugins/collections/manage/new', edit, `${empty}`, `${edit}/delete`]) problems.push(...(await check(page, url)));
    // Refused input: the edit page with its errors.
    await page.goto(site.base + edit);
    await page.locator('#collection-media').fill('nothing here');
    await page.locator('#collection-add button[type=submit]').click();
    await page.waitForLoadState();
    assert.equal(await page.locator('#collection-media-error').count(), 1);
    problems.push(...(await violations(page)));
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await site.t.app.kiosque.plugins.disable('collections');
  }
});
