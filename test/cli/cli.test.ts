import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { Readable, Writable } from 'node:stream';
import path from 'node:path';
import { ROOT_DIR } from '../../core/app.ts';
import { runCli } from '../../core/cli/main.ts';
import { openLowdbStore } from '../../core/store/index.ts';
import { makeApp, signIn, tempDir } from '../helpers/app.ts';
import { cli, BIN, type Run } from '../helpers/cli.ts';
import { mediaRecord } from '../helpers/media-records.ts';

const GOOD = 'a long enough password';

async function dataDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await tempDir('kiosque-cli-');
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

// The error matrix runs the same entry point in-process (runCli is what main.ts calls), so that it
// stays fast; the child-process tests above and below cover the launcher, stdin and exit codes.
async function inProcess(args: string[], dir = '/nonexistent/kiosque-data', input = '', LANG = 'C'): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) => new Writable({ write(chunk, _e, cb) { append(String(chunk)); cb(); } });
  const code = await runCli(args, {
    env: { KIOSQUE_DATA_DIR: dir, LANG },
    stdin: Readable.from([Buffer.from(input)]),
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
  });
  return { code, stdout, stderr };
}

test('--help lists the commands; each command has its own help; usage errors exit 2', async () => {
  const top = await cli(['--help']);
  assert.equal(top.code, 0);
  for (const name of ['user:add', 'user:passwd', 'doctor']) assert.match(top.stdout, new RegExp(`^  ${name} `, 'm'));
  assert.match(top.stdout, /Exit codes: 0 ok, 1 failure, 2 usage error/);
  const [add, passwd, doctor] = await Promise.all([inProcess(['user:add', '--help']), inProcess(['user:passwd', '-h']), inProcess(['doctor', '--help'])]);
  assert.equal(add.code, 0);
  assert.match(add.stdout, /Usage: kiosque user:add <username> --role admin\|editor\|member \[--password-stdin\]/);
  assert.equal(passwd.code, 0);
  assert.match(passwd.stdout, /Usage: kiosque user:passwd <username>/);
  assert.equal(doctor.code, 0);
  assert.match(doctor.stdout, /ffmpeg and ffprobe/);

  const [none, unknown, badOption] = await Promise.all([cli([]), cli(['user:del', 'x']), inProcess(['doctor', '--verbose'])]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /Usage: kiosque <command>/);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /Unknown command "user:del"\. Commands: user:add, user:passwd, doctor/);
  assert.equal(badOption.code, 2);
  assert.match(badOption.stderr, /Unknown option --verbose\. An argument that starts with “-” goes after “--”\./);
});

test('every command answers --help and -h with its own usage, exit 0, whatever else is on the line', async () => {
  for (const name of ['user:add', 'user:passwd', 'doctor', 'reindex', 'import', 'media:regenerate']) {
    for (const args of [[name, '--help'], [name, 'some-argument', '-h'], [name, '--unknown-option', '--help']]) {
      const r = await inProcess(args);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^Usage: kiosque ${name}`), args.join(' '));
      assert.match(r.stdout, /-h, --help/);
    }
  }
  // After `--`, "--help" is an argument, not a request for help.
  assert.equal((await inProcess(['reindex', '--', '--help'])).code, 2);
});

test('npm run kiosque runs the same CLI', async () => {
  const r = await cli(['run', '-s', 'kiosque', '--', 'user:add', '--help'], { command: ['npm'] });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Usage: kiosque user:add/);
});

test('user:add creates an account that can sign in; user:passwd changes its password', async (t) => {
  const dir = await dataDir(t);
  const added = await cli(['user:add', 'alice', '--role', 'admin'], { dataDir: dir, input: `${GOOD}\n` });
  assert.equal(added.code, 0, added.stderr);
  assert.match(added.stdout, /Created admin "alice"/);
  const changed = await cli(['user:passwd', 'ALICE', '--password-stdin'], { dataDir: dir, input: 'the second password\n' });
  assert.equal(changed.code, 0, changed.stderr);
  assert.match(changed.stdout, /Password of "alice" changed/);

  const app = await makeApp({ dataDir: dir });
  try {
    assert.equal((await app.store.users.getByUsername('alice'))?.role, 'admin');
    await assert.rejects(signIn(app, 'alice', GOOD), /failed: 401/);
    await signIn(app, 'alice', 'the second password');
    assert.equal(app.app.kiosque.setup.token, null, 'no setup page once the CLI made an admin');
  } finally {
    await app.close({ keepData: true });
  }
});

test('user:add and user:passwd refuse bad input with a clear message and the right exit code, changing nothing', async (t) => {
  const dir = await dataDir(t);
  assert.equal((await inProcess(['user:add', 'bob', '--role', 'editor'], dir, `${GOOD}\n`)).code, 0);
  const bobBefore = (await readFile(path.join(dir, 'db', 'users.json'))).toString();
  const cases: Array<[string[], string, number, RegExp]> = [
    [['user:add', '--role', 'admin'], GOOD, 2, /Missing argument: <username>/],
    [['user:add', 'carl'], GOOD, 2, /Missing option: --role admin\|editor\|member/],
    [['user:add', 'carl', '--role', 'boss'], GOOD, 2, /Invalid role "boss": expected one of admin, editor, member/],
    [['user:add', 'carl', 'extra', '--role', 'member'], GOOD, 2, /Unexpected argument: extra/],
    [['user:add', 'carl', '--role', 'member', '--password', GOOD, '--password-stdin'], GOOD, 2, /either --password or --password-stdin/],
    [['user:add', 'carl', '--role', 'member'], 'short', 1, /The password needs at least 10 characters\. Nothing was created/],
    [['user:add', 'carl', '--role', 'member'], '', 1, /No password on standard input/],
    [['user:add', 'BOB', '--role', 'member'], GOOD, 1, /This username is already taken/],
    [['user:add', 'c a r l', '--role', 'member'], GOOD, 1, /A username has 2 to 40/],
    [['user:passwd'], GOOD, 2, /Missing argument: <username>/],
    [['user:passwd', 'nobody'], GOOD, 1, /No account named "nobody"/],
    [['user:passwd', 'bob'], 'short', 1, /at least 10 characters\. Nothing was changed/],
  ];
  for (const [args, input, code, message] of cases) {
    const r = await inProcess(args, dir, `${input}\n`);
    assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    if (code === 2) assert.match(r.stderr, new RegExp(`See "kiosque ${args[0]} --help"`));
  }
  assert.equal((await readFile(path.join(dir, 'db', 'users.json'))).toString(), bobBefore);
});

test('with LANG (or LC_ALL) in French, usage, help, progress words, results and errors are in French, from the same dictionaries', async (t) => {
  const FR = 'fr_FR.UTF-8';
  const top = await cli(['--help'], { env: { LANG: FR } });
  assert.equal(top.code, 0);
  assert.match(top.stdout, /^Utilisation\u00a0: kiosque <commande> \[options\]/);
  assert.match(top.stdout, /^ {2}user:add +créer un compte$/m);
  assert.match(top.stdout, /Codes de sortie\u00a0: 0 succès, 1 échec, 2 erreur d’utilisation\./);
  const help = await cli(['user:add', '--help'], { env: { LC_ALL: 'fr_FR.UTF-8', LANG: 'C' } });
  assert.match(help.stdout, /^Utilisation\u00a0: kiosque user:add <identifiant> --role admin\|editor\|member/);
  assert.match(help.stdout, /-h, --help +afficher cette aide/);
  // The shell example is the same in every language.
  assert.match(help.stdout, /printf '%s\\n' "\$PASSWORD" \| npm run kiosque -- user:add alice --role admin\n$/);
  for (const name of ['user:passwd', 'doctor', 'reindex', 'import', 'media:regenerate']) {
    const r = await inProcess([name, '--help'], undefined, '', FR);
    assert.match(r.stdout, new RegExp(`^Utilisation\u00a0: kiosque ${name}`), name);
    assert.doesNotMatch(r.stdout, /show this help|Usage:/, name);
  }
  const unknown = await inProcess(['user:del'], undefined, '', FR);
  assert.match(unknown.stderr, /Commande inconnue\u00a0: «\u00a0user:del\u00a0»\. Commandes\u00a0: user:add, user:passwd, doctor/);
  const missing = await inProcess(['user:add', '--role', 'admin'], undefined, GOOD, FR);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /Argument manquant\u00a0: <username>\.\nVoir «\u00a0kiosque user:add --help\u00a0»\./);

  const dir = await dataDir(t);
  const added = await inProcess(['user:add', 'alice', '--role', 'admin'], dir, `${GOOD}\n`, FR);
  assert.equal(added.code, 0, added.stderr);
  assert.match(added.stdout, /Compte admin «\u00a0alice\u00a0» créé dans /);
  const short = await inProcess(['user:passwd', 'alice'], dir, 'short\n', FR);
  assert.match(short.stderr, /Le mot de passe doit compter au moins 10 caractères\. Rien n’a été modifié\./);
  const nobody = await inProcess(['user:passwd', 'nobody'], dir, `${GOOD}\n`, FR);
  assert.match(nobody.stderr, /Aucun compte nommé «\u00a0nobody\u00a0»\./);
  // Every command's unknown option, in the terminal's language (it was Node's English but for backup).
  for (const command of [['doctor', '--verbose'], ['user:add', 'zoe', '--rol', 'admin'], ['media:regenerate', '--typ', 'image'], ['import', '.', '--sectr', 'x']]) {
    const refused = await inProcess(command, dir, '', FR);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, new RegExp(`^kiosque ${command[0]}: Option inconnue\u00a0: ${command.find((a) => a.startsWith('--'))}\\.`, 'm'));
  }
  const doctor = await inProcess(['doctor'], dir, '', FR);
  assert.match(doctor.stdout, /\n(Tout va bien\.|Utilisable, avec \d+ avertissements?\.|\d+ problèmes? à régler\.)\n$/);
  // Its checks too, numbers written the French way.
  assert.match(doctor.stdout, /^\[ ok \] configuration valide$/m);
  assert.ok(doctor.stdout.includes(`[ ok ] le dossier des données ${dir} existe et est accessible en écriture`), doctor.stdout);
  assert.match(doctor.stdout, /fichiers de données lisibles \(version du schéma 1\u202f; 1 compte, 0 média\)/);
  assert.match(doctor.stdout, /^\[ ok \] espace disque libre là où sont les données\u00a0: \d+(,\d)? [KMGT]?o$/m);
  assert.match(doctor.stdout, /^\[warn\] ffmpeg introuvable \(la config media\.ffmpegPath est vide et il n’est pas dans le PATH\)\n +le son et la vidéo en ont besoin\u00a0: installez-le avec `apt-get install ffmpeg`/m);
  assert.match(doctor.stdout, /^\[ ok \] thèmes dans .*themes\u00a0: default/m);
  assert.doesNotMatch(doctor.stdout, /data folder|free disk space|from the PATH/);
});

test('--password works with a warning; a config error exits 1 naming the key', async (t) => {
  const dir = await dataDir(t);
  const r = await cli(['user:add', 'dora', '--role', 'member', '--password', GOOD], { dataDir: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /Warning: a password given with --password stays in the shell history/);
  const bad = await cli(['user:add', 'eve', '--role', 'member'], { dataDir: dir, input: `${GOOD}\n`, env: { PORT: 'abc' } });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /port = "abc" \(from environment variable PORT\)/);
});

test('a data folder held by a running server: user:add says to stop it first, doctor names its pid', async (t) => {
  const dir = await dataDir(t);
  const store = await openLowdbStore({ dataDir: dir });
  t.after(() => store.close());
  const [add, doctor] = await Promise.all([cli(['user:add', 'fred', '--role', 'member'], { dataDir: dir, input: `${GOOD}\n` }), cli(['doctor'], { dataDir: dir })]);
  assert.equal(add.code, 1);
  assert.match(add.stderr, new RegExp(`in use by another Kiosque process \\(pid ${process.pid}\\)`));
  assert.match(add.stderr, /Stop the server first/);
  assert.equal(await store.users.count(), 0);
  assert.equal(doctor.code, 0, doctor.stdout);
  assert.match(doctor.stdout, new RegExp(`locked by a running server \\(pid ${process.pid}\\)`));
});

test('doctor reports Node, the data folder, disk, ffmpeg/ffprobe/pdftoppm paths, their memory caps and themes', async (t) => {
  const dir = await dataDir(t);
  const ok = await cli(['doctor'], { dataDir: dir });
  assert.equal(ok.code, 0, ok.stdout);
  assert.match(ok.stdout, /\[ ok \] Node\.js v\d+\.\d+\.\d+ \(package\.json asks >=/);
  assert.ok(ok.stdout.includes(`data folder ${dir} exists and is writable`), ok.stdout);
  assert.match(ok.stdout, /data folder is free/);
  assert.match(ok.stdout, /data files readable \(schema version 1; 0 accounts, 0 media\)/);
  assert.match(ok.stdout, /free disk space where the data lives: [\d.]+ [KMGT]?B/);
  assert.match(ok.stdout, /\[ ok \] ffmpeg: \/usr\/bin\/ffmpeg \(from the PATH\) — ffmpeg version/);
  assert.match(ok.stdout, /\[ ok \] ffmpeg encoders for web versions: libx264 \(H\.264 video\), aac \(sound\)/);
  assert.match(ok.stdout, /\[ ok \] ffmpeg filters zscale and tonemap: HDR video \(HLG, PQ\) is tone-mapped to SDR in web versions and posters/);
  assert.match(ok.stdout, /\[ ok \] ffprobe: \/usr\/bin\/ffprobe \(from the PATH\) — ffprobe version/);
  assert.match(ok.stdout, /\[ ok \] pdftoppm: \/usr\/bin\/pdftoppm \(from the PATH\) — pdftoppm version/);
  assert.match(ok.stdout, /\[ ok \] prlimit: \/usr\/bin\/prlimit — memory caps: ffmpeg at most \d+ MB, ffprobe at most \d+ MB, pdftoppm at most 512 MB/);
  assert.doesNotMatch(ok.stdout, /cannot start within/, 'the default caps let ffmpeg and ffprobe start');
  assert.match(ok.stdout, /themes in .*themes: default/);

  // Each on its own data folder: doctor opens the data files, and two at once on one folder race for its lock.
  const [broken, missing, uncapped, tooLow] = await Promise.all([
    cli(['doctor'], { dataDir: dir, env: { KIOSQUE_FFMPEG: '/nonexistent/ffmpeg' } }),
    cli(['doctor'], { dataDir: path.join(dir, 'later'), env: { PATH: '/nonexistent' } }),
    cli(['doctor'], { dataDir: await dataDir(t), env: { KIOSQUE_FFMPEG: '/usr/bin/ffmpeg', KIOSQUE_FFPROBE: '/usr/bin/ffprobe', KIOSQUE_PDFTOPPM: '/usr/bin/pdftoppm', KIOSQUE_FFPROBE_MEMORY_MB: '0', PATH: '/nonexistent' } }),
    cli(['doctor'], { dataDir: await dataDir(t), env: { KIOSQUE_FFMPEG_MEMORY_MB: '100', KIOSQUE_FFPROBE_MEMORY_MB: '0' } }),
  ]);
  assert.match(uncapped.stdout, /\[warn\] prlimit not found on the PATH: ffmpeg and pdftoppm run without a memory cap/, 'ffprobe has none to apply');
  assert.match(uncapped.stdout, /apt-get install util-linux/);
  assert.match(tooLow.stdout, /\[ ok \] prlimit: \/usr\/bin\/prlimit — memory caps: ffmpeg at most 100 MB, ffprobe none \(media\.ffprobeMemoryMB is 0\), pdftoppm at most 512 MB/);
  assert.match(tooLow.stdout, /\[FAIL\] ffmpeg cannot start within 100 MB \(media\.ffmpegMemoryMB\): every audio and video job would fail/);
  assert.match(tooLow.stdout, /raise media\.ffmpegMemoryMB \(KIOSQUE_FFMPEG_MEMORY_MB\), or set it to 0 for no cap/);
  assert.equal(tooLow.code, 1);
  assert.doesNotMatch(missing.stdout, /prlimit/, 'nothing to say about prlimit without ffmpeg, ffprobe or pdftoppm');
  assert.equal(broken.code, 1);
  assert.match(broken.stdout, /\[FAIL\] ffmpeg at \/nonexistent\/ffmpeg \(from config media\.ffmpegPath\) does not run/);
  assert.match(broken.stdout, /tried: \/nonexistent\/ffmpeg -version/);
  assert.match(broken.stdout, /error: .*ENOENT/);
  assert.equal(missing.code, 0, missing.stdout);
  assert.match(missing.stdout, /\[warn\] ffprobe not found/);
  assert.match(missing.stdout, /apt-get install ffmpeg/);
  assert.match(missing.stdout, /\[warn\] pdftoppm not found/);
  assert.match(missing.stdout, /optional: PDF previews need it .*apt-get install poppler-utils/);
  assert.match(missing.stdout, /or set media\.pdftoppmPath \/ KIOSQUE_PDFTOPPM to its path/);
  assert.match(missing.stdout, /does not exist yet/);
});

test('doctor says what an ffmpeg without libx264 or zscale and tonemap cannot do for web versions, as warnings', async (t) => {
  const dir = await dataDir(t);
  // The real ffmpeg, minus what a minimal build lacks.
  const make = async (name: string, missing: string) => {
    const file = path.join(dir, name);
    await writeFile(file, `#!/bin/sh\ncase "$*" in *-encoders*|*-filters*) /usr/bin/ffmpeg "$@" | grep -vE ' (${missing}) '; exit 0;; esac\nexec /usr/bin/ffmpeg "$@"\n`, { mode: 0o755 });
    return file;
  };
  // Each on its own data folder: doctor opens the data files, and two at once on one folder race for its lock.
  const [minimal, noAac] = await Promise.all([
    cli(['doctor'], { dataDir: dir, env: { KIOSQUE_FFMPEG: await make('ffmpeg-minimal', 'libx264|zscale|tonemap') } }),
    cli(['doctor'], { dataDir: await dataDir(t), env: { KIOSQUE_FFMPEG: await make('ffmpeg-no-aac', 'aac') } }),
  ]);
  assert.equal(minimal.code, 0, 'warnings only: uploads and posters still work');
  assert.match(minimal.stdout, /\[ ok \] ffmpeg: .*ffmpeg-minimal \(from config media\.ffmpegPath\)/);
  assert.match(minimal.stdout, /\[warn\] ffmpeg lacks the libx264 encoder that web versions are made with\n +video browsers cannot play gets no web version, unless only its container needs changing \(its streams are then copied\)\n +install a complete build: `apt-get install ffmpeg`/);
  assert.match(minimal.stdout, /\[warn\] ffmpeg lacks the zscale and tonemap filters: HDR video \(a phone’s HLG or PQ\) is converted without tone mapping and looks washed out\n +web versions and posters are still made; for tone mapping, install an ffmpeg built with libzimg/);
  assert.match(minimal.stdout, /Usable, with 2 warnings\./);
  assert.match(noAac.stdout, /\[warn\] ffmpeg lacks the aac encoder that web versions are made with\n +audio browsers cannot play gets no web version, nor does video whose sound must be encoded/);
  assert.match(noAac.stdout, /\[ ok \] ffmpeg filters zscale and tonemap/);
  assert.doesNotMatch(noAac.stdout, /libx264 encoder/);
});

test('doctor lists media folders that belong to no media, with their size, and leaves them alone', async (t) => {
  const dir = await dataDir(t);
  const store = await openLowdbStore({ dataDir: dir });
  const kept = path.join('cd', '0123456789abcdef0123');
  const video = await store.media.create(mediaRecord({ original: { file: path.join(kept, 'original.png'), mime: 'image/png', size: 4, name: 'a.png', sha256: 'x' } }));
  await store.media.update(video.id, { tracks: [{ kind: 'subtitles', lang: 'fr', file: { file: `tracks/${video.id}/subtitles-fr.vtt`, mime: 'text/vtt', size: 7 } }] });
  await store.close();
  const orphan = path.join(dir, 'files', 'ab', 'fedcba9876543210fedc');
  await mkdir(orphan, { recursive: true });
  await writeFile(path.join(orphan, 'original.jpg'), Buffer.alloc(2048));
  // Subtitles kept apart from their upload's folder: a media's are its own, a deleted one's are left over.
  const keptTracks = path.join(dir, 'files', 'tracks', video.id);
  const orphanTracks = path.join(dir, 'files', 'tracks', '999');
  for (const folder of [keptTracks, orphanTracks]) {
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, 'subtitles-fr.vtt'), Buffer.alloc(1024));
  }
  await mkdir(path.join(dir, 'files', kept), { recursive: true });
  await writeFile(path.join(dir, 'files', kept, 'original.png'), 'data');
  const r = await cli(['doctor'], { dataDir: dir });
  assert.equal(r.code, 0, 'a warning, not a failure');
  assert.match(r.stdout, /\[warn\] 2 media folders belong to no media \(3 KB\)/);
  assert.ok(r.stdout.includes(orphan), r.stdout);
  assert.ok(r.stdout.includes(orphanTracks), r.stdout);
  assert.ok(!r.stdout.includes(keptTracks), 'a video\'s subtitles are not listed');
  assert.ok(!r.stdout.includes(kept), 'the folder of a media is not listed');
  assert.ok(existsSync(orphan), 'doctor only reports');
  const clean = await cli(['doctor'], { dataDir: await dataDir(t) });
  assert.match(clean.stdout, /\[ ok \] every media folder belongs to a media/);
});

test('doctor reports a corrupt data file by name', async (t) => {
  const dir = await dataDir(t);
  const store = await openLowdbStore({ dataDir: dir });
  await store.settings.set('x', 1);
  await store.close();
  const file = path.join(dir, 'db', 'settings.json');
  await writeFile(file, '{"items": ');
  const r = await cli(['doctor'], { dataDir: dir });
  assert.equal(r.code, 1);
  assert.ok(r.stdout.includes(`Data file ${file} is unreadable`), r.stdout);
});

/** Runs the CLI on a pseudo-terminal (util-linux `script`), answering each prompt in turn. */
function onTerminal(args: string[], dir: string, answers: string[]): Promise<Run> {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: ROOT_DIR, env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C', KIOSQUE_DATA_DIR: dir, TERM: 'dumb' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let answered = 0;
    child.stdout.on('data', (c: Buffer) => {
      stdout += String(c);
      const prompts = stdout.match(/Password( \(again\))?: /g)?.length ?? 0;
      while (answered < prompts && answered < answers.length) child.stdin.write(`${answers[answered++]}\r`);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr: '' }));
  });
}

test('on a terminal, the password is asked twice without echo', async (t) => {
  const dir = await dataDir(t);
  const typed = 'typed on a terminal';
  const ok = await onTerminal(['user:add', 'tty', '--role', 'member'], dir, [typed, typed]);
  assert.equal(ok.code, 0, ok.stdout);
  assert.match(ok.stdout, /Password: [\s\S]*Password \(again\): [\s\S]*Created member "tty"/);
  assert.ok(!ok.stdout.includes(typed), 'the password is not echoed');
  const differ = await onTerminal(['user:passwd', 'tty'], dir, ['first password one', 'second password two']);
  assert.equal(differ.code, 1);
  assert.match(differ.stdout, /The two passwords differ; nothing was changed/);
  const app = await makeApp({ dataDir: dir });
  try {
    await signIn(app, 'tty', typed);
  } finally {
    await app.close({ keepData: true });
  }
});
