import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { x as extract } from 'tar';
import { openLowdbStore } from '../../core/store/index.ts';
import { tempDir } from '../helpers/app.ts';
import { cli } from '../helpers/cli.ts';
import { mediaRecord } from '../helpers/media-records.ts';

/** A data folder with an account, a media record and its file, the store closed (a stopped server). */
async function stoppedSite() {
  const dataDir = await tempDir('kiosque-cli-backup-');
  const store = await openLowdbStore({ dataDir });
  const media = await store.media.create(mediaRecord({ title: 'Affiche', original: { file: 'ab/cd/original.png', mime: 'image/png', size: 5, name: 'a.png', sha256: '0' } }));
  await store.users.create({ username: 'alice', displayName: 'Alice', role: 'admin', passwordHash: '$argon2id$x', disabled: false });
  await store.sessions.set({ sid: 'abc', data: {}, expires: Date.now() + 60_000 });
  await store.close();
  await mkdir(path.join(dataDir, 'files', 'ab', 'cd'), { recursive: true });
  await writeFile(path.join(dataDir, 'files', 'ab', 'cd', 'original.png'), 'bytes');
  return { dataDir, media };
}

async function restored(archive: string): Promise<string> {
  const dir = await tempDir('kiosque-cli-restored-');
  await extract({ file: archive, cwd: dir });
  return dir;
}

test('kiosque backup writes the database, and with --with-files the media files, as an archive that restores', async () => {
  const { dataDir, media } = await stoppedSite();
  const out = await tempDir('kiosque-cli-out-');
  const db = await cli(['backup', path.join(out, 'db.tar.gz')], { dataDir });
  assert.equal(db.code, 0, db.stderr);
  assert.match(db.stdout, /^Backup written to .*db\.tar\.gz \([\d.]+ (B|KB)\): the database, with 1 media record\.\n$/);
  const dbOnly = await restored(path.join(out, 'db.tar.gz'));
  assert.deepEqual(await readdir(dbOnly), ['db']);

  const all = await cli(['backup', path.join(out, 'all.tar.gz'), '--with-files'], { dataDir, env: { LANG: 'fr_FR.UTF-8' } });
  assert.equal(all.code, 0, all.stderr);
  assert.match(all.stdout, /^Sauvegarde écrite dans .*all\.tar\.gz \([\d,]+\u00a0(o|Ko)\)\u00a0: la base de données, avec 1 fiche de média, et les fichiers des médias \(1\)\.\n$/);
  const dir = await restored(path.join(out, 'all.tar.gz'));
  assert.deepEqual((await readdir(dir)).sort(), ['db', 'files']);
  const store = await openLowdbStore({ dataDir: dir });
  try {
    assert.equal((await store.media.get(media.id))!.title, 'Affiche');
    assert.equal((await store.users.getByUsername('alice'))!.passwordHash, '$argon2id$x');
    assert.equal(await store.sessions.get('abc'), undefined, 'sessions are left out');
  } finally {
    await store.close();
  }
  assert.deepEqual((await readdir(out)).sort(), ['all.tar.gz', 'db.tar.gz'], 'no partial file left');
});

test('bad input gets a clear message in the terminal’s language, and no archive', async () => {
  const { dataDir } = await stoppedSite();
  const out = await tempDir('kiosque-cli-out-');
  const cases: Array<[string[], number, RegExp, RegExp]> = [
    [['backup', 'x.tar.gz', '--with-file'], 2, /Unknown option --with-file\. An argument that starts with “-” goes after “--”\./, /Option inconnue\u00a0: --with-file\./],
    [['backup', '/nonexistent-folder/x.tar.gz'], 1, /Cannot write \/nonexistent-folder\/x\.tar\.gz: the folder \/nonexistent-folder does not exist\./, /Impossible d’écrire \/nonexistent-folder\/x\.tar\.gz\u00a0: le dossier \/nonexistent-folder n’existe pas\./],
    [['backup', out], 1, /is a folder: give the archive’s file name/, /est un dossier\u00a0: donnez le nom du fichier/],
    [['backup'], 2, /Missing argument: <file\.tar\.gz>\./, /<file\.tar\.gz>/],
  ];
  for (const [args, code, en, fr] of cases) {
    const [a, b] = await Promise.all([cli(args, { dataDir }), cli(args, { dataDir, env: { LANG: 'fr_FR.UTF-8' } })]);
    assert.equal(a.code, code, `${args.join(' ')}: ${a.stderr}`);
    assert.match(a.stderr, en);
    assert.equal(b.code, code);
    assert.match(b.stderr, fr);
  }
  const empty = await tempDir('kiosque-cli-empty-');
  const none = await cli(['backup', path.join(out, 'x.tar.gz')], { dataDir: path.join(empty, 'data') });
  assert.equal(none.code, 1);
  assert.match(none.stderr, /No data in .*: nothing to back up/);
  assert.deepEqual(await readdir(empty), [], 'no data folder made');
  assert.deepEqual(await readdir(out), []);
});

test('with the server running, the command points at the admin page', async () => {
  const { dataDir } = await stoppedSite();
  const out = await tempDir('kiosque-cli-out-');
  const running = await openLowdbStore({ dataDir });
  try {
    const [en, fr] = await Promise.all([cli(['backup', path.join(out, 'x.tar.gz')], { dataDir }), cli(['backup', path.join(out, 'x.tar.gz')], { dataDir, env: { LANG: 'fr_FR.UTF-8' } })]);
    assert.equal(en.code, 1);
    assert.match(en.stderr, new RegExp(`in use by a running server \\(pid ${process.pid}\\)\\. Take the backup from the site instead: Administration › Backup \\(/admin/backup\\)`));
    assert.equal(fr.code, 1);
    assert.match(fr.stderr, /Faites plutôt la sauvegarde depuis le site\u00a0: Administration › Sauvegarde \(\/admin\/backup\)/);
    assert.deepEqual(await readdir(out), [], 'no partial file left');
  } finally {
    await running.close();
  }
});
