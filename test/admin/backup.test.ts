import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import request from 'supertest';
import { x as extract } from 'tar';
import { CURRENT_SCHEMA_VERSION, openLowdbStore, type Media } from '../../core/store/index.ts';
import { addUser, appWithUploads, csrfFrom, makeApp, PASSWORD, signIn, tempDir, tokenOf, type TestApp } from '../helpers/app.ts';
import { binary, png } from '../helpers/media.ts';
import { serve } from '../helpers/browser.ts';
import { mediaRecord } from '../helpers/media-records.ts';

type Agent = ReturnType<typeof request.agent>;

/** Posts the backup form as the page gives it; answers the response with the archive's bytes. */
async function download(agent: Agent, content: string, lang?: 'fr' | 'en') {
  const page = await agent.get(`/admin/backup${lang ? `?lang=${lang}` : ''}`).set('Accept', 'text/html').expect(200);
  return agent.post('/admin/backup').type('form').send({ _csrf: csrfFrom(page.text), content }).buffer(true).parse(binary);
}

/** Extracts an archive into a new, empty data folder. */
async function restore(archive: Buffer): Promise<string> {
  const dir = await tempDir('kiosque-restored-');
  const file = path.join(dir, '..', `${path.basename(dir)}.tar.gz`);
  await writeFile(file, archive);
  await extract({ file, cwd: dir });
  return dir;
}

async function signedInAdmin(t: TestApp) {
  await addUser(t, 'alice', 'admin');
  return signIn(t, 'alice');
}

test('an admin sees what a backup holds, its size and the warning, in English and French, with a CSRF form', async () => {
  const t = await makeApp();
  try {
    const alice = await signedInAdmin(t);
    await t.store.media.create(mediaRecord({ title: 'Une affiche', original: { file: 'ab/x/original.png', mime: 'image/png', size: 3 * 1024 * 1024, name: 'a.png', sha256: '0' } }));
    const en = await alice.get('/admin/backup?lang=en').set('Accept', 'text/html').expect(200);
    assert.match(en.text, /<h1[^>]*>Backup<\/h1>/);
    assert.match(en.text, /password hash \(argon2id\)/);
    assert.match(en.text, /the records? of 1 media/);
    assert.match(en.text, /The database and the media files \(about 3 MB;/);
    assert.match(en.text, /<input type="hidden" name="_csrf" value="[^"]+">/);
    assert.match(en.text, /<input type="radio" id="backup-database" name="content" value="database" checked>/);
    assert.match(en.text, /<label for="backup-everything">/);
    assert.match(en.text, /href="\/admin\/backup"[^>]*>Backup</, 'in the admin menu');
    const fr = await alice.get('/admin/backup?lang=fr').set('Accept', 'text/html').expect(200);
    assert.match(fr.text, /empreinte du mot de passe de chaque compte \(argon2id\)/);
    assert.match(fr.text, /environ 3\u00a0Mo/);
    assert.match(fr.text, /Télécharger la sauvegarde/);
  } finally {
    await t.close();
  }
});

test('the database backup downloads as a real archive that opens as a store with the same data, without sessions or the session secret', async () => {
  const t = await makeApp();
  try {
    const alice = await signedInAdmin(t);
    await t.store.settings.set('skeleton', { siteName: 'Médias d’été' });
    const sector = await t.store.sectors.create({ slug: 'affiches', title: 'Affiches', description: '', order: 1, visible: true, display: 'grid', defaultSort: 'date' });
    const media = await t.store.media.create(mediaRecord({ title: 'Une affiche', sectorId: sector.id }));
    const res = await download(alice, 'database');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/gzip');
    assert.match(res.headers['content-disposition'] ?? '', /^attachment; filename="kiosque-backup-medias-d-ete-\d{4}-\d{2}-\d{2}-\d{4}\.tar\.gz"$/);
    assert.equal(res.headers['cache-control'], 'no-store');
    const body = res.body as Buffer;
    assert.deepEqual([...body.subarray(0, 2)], [0x1f, 0x8b], 'gzip');

    const dir = await restore(body);
    assert.deepEqual((await readdir(dir)).sort(), ['db']);
    const meta = JSON.parse(await readFile(path.join(dir, 'db', 'meta.json'), 'utf8')) as { schemaVersion: number };
    assert.equal(meta.schemaVersion, CURRENT_SCHEMA_VERSION);
    assert.ok(!(await readdir(path.join(dir, 'db'))).includes('sessions.json'), 'no sessions');
    const restored = await openLowdbStore({ dataDir: dir });
    try {
      assert.deepEqual(await restored.users.list(), await t.store.users.list());
      assert.deepEqual(await restored.media.get(media.id), await t.store.media.get(media.id));
      assert.deepEqual(await restored.sectors.list(), await t.store.sectors.list());
      assert.equal(await restored.settings.get('_sessionSecret'), undefined, 'the generated session secret stays out');
      assert.ok(await t.store.settings.get('_sessionSecret'), 'the site has one');
      assert.deepEqual(await restored.settings.get('skeleton'), { siteName: 'Médias d’été' });
    } finally {
      await restored.close();
    }
    assert.ok(t.logs.some((l) => l.msg === 'backup downloaded' && l.user === 'alice' && l.withFiles === false));
  } finally {
    await t.close();
  }
});

test('editors, members and anonymous visitors cannot see or take a backup; a post without CSRF token is refused', async () => {
  const t = await makeApp();
  try {
    await addUser(t, 'alice', 'admin');
    await addUser(t, 'eddie', 'editor');
    await addUser(t, 'mona', 'member');
    for (const name of ['eddie', 'mona']) {
      const agent = await signIn(t, name);
      const token = await tokenOf(agent);
      await agent.get('/admin/backup').set('Accept', 'text/html').expect(403);
      const post = await agent.post('/admin/backup').type('form').send({ _csrf: token, content: 'database' });
      assert.equal(post.status, 403, name);
      assert.notEqual(post.headers['content-type'], 'application/gzip');
      const menu = await agent.get('/admin').set('Accept', 'text/html');
      assert.doesNotMatch(menu.text, /href="\/admin\/backup"/, name);
    }
    const anonymous = request.agent(t.app);
    const page = await anonymous.get('/admin/backup').set('Accept', 'text/html').expect(302);
    assert.equal(page.headers.location, '/login?return=%2Fadmin%2Fbackup');
    const login = await anonymous.get('/login').set('Accept', 'text/html');
    const post = await anonymous.post('/admin/backup').type('form').send({ _csrf: csrfFrom(login.text), content: 'database' });
    assert.equal(post.status, 401);
    assert.equal(post.text, '');

    const alice = await signIn(t, 'alice');
    const noToken = await alice.post('/admin/backup').type('form').send({ content: 'database' });
    assert.equal(noToken.status, 403);
    assert.notEqual(noToken.headers['content-type'], 'application/gzip');
    const wrongToken = await alice.post('/admin/backup').type('form').send({ _csrf: 'not-the-token', content: 'database' });
    assert.equal(wrongToken.status, 403);
    // The same post with the token: the admin gets the archive.
    const allowed = await alice.post('/admin/backup').type('form').send({ _csrf: await tokenOf(alice, '/admin/backup'), content: 'database' }).buffer(true).parse(binary);
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers['content-type'], 'application/gzip');
  } finally {
    await t.close();
  }
});

test('an unknown choice is refused on the page, in the visitor’s language, escaped', async () => {
  const t = await makeApp();
  try {
    const alice = await signedInAdmin(t);
    for (const [lang, message] of [['en', 'Choose what to download'], ['fr', 'Choisissez quoi télécharger']] as const) {
      const page = await alice.get(`/admin/backup?lang=${lang}`).set('Accept', 'text/html');
      const res = await alice.post('/admin/backup').type('form').send({ _csrf: csrfFrom(page.text), content: '<script>x</script>' });
      assert.equal(res.status, 400);
      assert.match(res.headers['content-type'] ?? '', /text\/html/);
      assert.match(res.text, new RegExp(`role="alert" id="backup-error">${message}`));
      assert.doesNotMatch(res.text, /<script>x<\/script>/);
      assert.match(res.text, /aria-invalid="true"/);
    }
  } finally {
    await t.close();
  }
});

test('with the media files, the archive restores into a folder the app serves the same media page and files from', async () => {
  const dir = await tempDir('kiosque-backup-src-');
  await png(path.join(dir, 'affiche.png'), 320, 200);
  const { t, agent, upload } = await appWithUploads(dir);
  let restoredApp: TestApp | undefined;
  try {
    const media = await upload('affiche.png');
    const res = await download(agent, 'everything');
    assert.equal(res.status, 200);
    const restored = await restore(res.body as Buffer);
    assert.deepEqual((await readdir(restored)).sort(), ['db', 'files']);
    const stored = (await t.store.media.get(media.id))!;
    for (const f of [stored.original, ...Object.values(stored.variants)]) {
      assert.deepEqual(await readFile(path.join(restored, 'files', f.file)), await readFile(path.join(t.dataDir, 'files', f.file)), f.file);
    }

    restoredApp = await makeApp({ dataDir: restored });
    const original = await request(t.app).get(`/media/${media.id}`).set('Accept', 'text/html').redirects(1).expect(200);
    const copy = await request(restoredApp.app).get(`/media/${media.id}`).set('Accept', 'text/html').redirects(1).expect(200);
    assert.match(copy.text, /affiche/);
    const main = (html: string) => /<main[\s\S]*<\/main>/.exec(html)![0].replace(/127\.0\.0\.1:\d+/g, 'host');
    assert.equal(main(copy.text), main(original.text));
    const file = await request(restoredApp.app).get(`/files/${media.id}/original`).buffer(true).parse(binary).expect(200);
    assert.deepEqual(file.body, await readFile(path.join(t.dataDir, 'files', stored.original.file)));
    // Restored, everyone signs in again: the old session is unknown there.
    const cookie = (await agent.get('/admin')).request.getHeader('cookie') as string | undefined;
    if (cookie) await request(restoredApp.app).get('/admin').set('Cookie', cookie).set('Accept', 'text/html').expect(302);
  } finally {
    await restoredApp?.close();
    await t.close();
  }
});

test('50 edits fired while a backup is taken all persist, and the archive holds each record entirely old or entirely new', async () => {
  const t = await makeApp();
  try {
    const alice = await signedInAdmin(t);
    const token = await tokenOf(alice);
    const ids: string[] = [];
    for (let i = 0; i < 150; i++) ids.push((await t.store.media.create(mediaRecord({ title: `old ${i}`, description: `old ${i}` }))).id);
    const edited = ids.filter((_, i) => i % 3 === 0);
    assert.equal(edited.length, 50);
    // Files to read first, so that the edits arrive while the archive is being made.
    for (let i = 0; i < 12; i++) {
      await mkdir(path.join(t.dataDir, 'files', 'zz', `f${i}`), { recursive: true });
      await writeFile(path.join(t.dataDir, 'files', 'zz', `f${i}`, 'original.bin'), randomBytes(1024 * 1024));
    }
    // Saved before the backup starts: must be in it.
    await alice.patch(`/api/v1/media/${ids[1]}`).set('X-CSRF-Token', token).send({ title: 'before', description: 'before' }).expect(200);

    // Each kind in turn (one backup at a time), with half the edits in flight: the database-only copy
    // is taken at once, the other once the files are read.
    const archives: Buffer[] = [];
    for (const [k, kind] of ['database', 'everything'].entries()) {
      const backup = download(alice, kind);
      const edits = edited.slice(k * 25, k * 25 + 25).map((id) => alice.patch(`/api/v1/media/${id}`).set('X-CSRF-Token', token).send({ title: `new ${id}`, description: `new ${id}` }));
      const answers = await Promise.all([backup, ...edits]);
      for (const a of answers) assert.equal(a.status, 200, a.text);
      archives.push(answers[0]!.body as Buffer);
    }

    for (const archive of archives) {
      const copy = await openLowdbStore({ dataDir: await restore(archive) });
      try {
        assert.equal(copy.info.schemaVersion, CURRENT_SCHEMA_VERSION);
        assert.equal((await copy.media.get(ids[1]!))!.title, 'before', 'saved before the backup');
        for (const [i, id] of ids.entries()) {
          if (id === ids[1]) continue;
          const m = (await copy.media.get(id)) as Media;
          const pair = [m.title, m.description];
          if (edited.includes(id) && pair[0] === `new ${id}`) assert.deepEqual(pair, [`new ${id}`, `new ${id}`]);
          else assert.deepEqual(pair, [`old ${i}`, `old ${i}`], `media ${id}`);
        }
        assert.equal(await copy.media.count(), 150);
      } finally {
        await copy.close();
      }
    }

    // Every edit is kept by the site, and on disk once it restarts.
    await t.close({ keepData: true });
    const reopened = await openLowdbStore({ dataDir: t.dataDir });
    try {
      for (const id of edited) assert.equal((await reopened.media.get(id))!.title, `new ${id}`);
    } finally {
      await reopened.close();
    }
  } finally {
    await t.close().catch(() => {});
  }
});

test('a download cut off midway stops the work, leaves the site serving, and the next backup is whole', async () => {
  const t = await makeApp();
  const server = await serve(t.app);
  try {
    await addUser(t, 'alice', 'admin');
    for (let i = 0; i < 12; i++) {
      await mkdir(path.join(t.dataDir, 'files', 'zz', `f${i}`), { recursive: true });
      await writeFile(path.join(t.dataDir, 'files', 'zz', `f${i}`, 'original.bin'), randomBytes(1024 * 1024));
    }
    // A browser's session, by hand: the raw connection is what gets cut.
    let cookie = '';
    const keep = (res: Response) => {
      const set = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
      if (set.length) cookie = set.join('; ');
      return res;
    };
    const get = async (p: string) => keep(await fetch(server.base + p, { headers: { cookie, accept: 'text/html' }, redirect: 'manual' }));
    const post = async (p: string, form: Record<string, string>) =>
      keep(await fetch(server.base + p, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form), redirect: 'manual' }));
    const login = await get('/login');
    assert.equal((await post('/login', { username: 'alice', password: PASSWORD, _csrf: csrfFrom(await login.text()) })).status, 303);
    const token = csrfFrom(await (await get('/admin/backup')).text());

    const cut = new AbortController();
    const res = await fetch(`${server.base}/admin/backup`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: token, content: 'everything' }), signal: cut.signal });
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    await reader.read();
    // Another backup meanwhile (a second click, another admin): refused until this one ends.
    const second = await post('/admin/backup', { _csrf: token, content: 'database' });
    assert.equal(second.status, 409);
    assert.match(await second.text(), /A backup is being made already: wait until its download ends, then try again\./);
    cut.abort();
    await reader.cancel().catch(() => {});
    for (let i = 0; i < 100 && !t.logs.some((l) => l.msg === 'backup failed'); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(t.logs.some((l) => l.msg === 'backup failed'), 'the cut is logged');

    assert.equal((await get('/admin/backup')).status, 200, 'the site still serves');
    const whole = await post('/admin/backup', { _csrf: token, content: 'everything' });
    assert.equal(whole.status, 200);
    const restored = await restore(Buffer.from(await whole.arrayBuffer()));
    assert.equal((await readdir(path.join(restored, 'files', 'zz'))).length, 12);
  } finally {
    await server.close();
    await t.close();
  }
});
