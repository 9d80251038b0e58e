import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig, ConfigError } from '../../core/config/index.ts';
import { ROOT_DIR } from '../../core/app.ts';
import { tempDir } from '../helpers/app.ts';

const configDir = path.join(ROOT_DIR, 'config');

function refusal(env: NodeJS.ProcessEnv, dir = configDir): string {
  try {
    loadConfig({ configDir: dir, env });
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err.message;
  }
  assert.fail('the configuration was accepted');
}

test('the defaults load and validate', () => {
  const c = loadConfig({ configDir, env: {} });
  assert.equal(c.port, 3000);
  assert.equal(c.dataDir, './data');
  assert.equal(c.log.level, 'info');
  assert.equal(c.auth.maxAttemptsPerAccount, 5);
});

test('environment variables override the files', () => {
  const c = loadConfig({ configDir, env: { PORT: '8080', KIOSQUE_DATA_DIR: '/srv/kiosque', KIOSQUE_LOG_LEVEL: 'debug', KIOSQUE_LOG_PRETTY: 'yes', KIOSQUE_TRUST_PROXY: '1', KIOSQUE_SESSION_SECRET: 'x'.repeat(32) } });
  assert.equal(c.port, 8080);
  assert.equal(c.dataDir, '/srv/kiosque');
  assert.equal(c.log.level, 'debug');
  assert.equal(c.log.pretty, true);
  assert.equal(c.trustProxy, 1);
  assert.equal(c.session.secret, 'x'.repeat(32));
});

test('PORT=abc names the key, the value, the source and what was expected', () => {
  const msg = refusal({ PORT: 'abc' });
  assert.match(msg, /port = "abc"/);
  assert.match(msg, /environment variable PORT/);
  assert.match(msg, /expected number/);
});

test('PORT=70000 is out of range', () => {
  const msg = refusal({ PORT: '70000' });
  assert.match(msg, /port = "70000"/);
  assert.match(msg, /65535/);
});

test('KIOSQUE_LOG_LEVEL=loud lists the accepted levels', () => {
  const msg = refusal({ KIOSQUE_LOG_LEVEL: 'loud' });
  assert.match(msg, /log\.level = "loud"/);
  assert.match(msg, /KIOSQUE_LOG_LEVEL/);
  assert.match(msg, /"info"/);
  assert.match(msg, /"debug"/);
});

test('a short KIOSQUE_SESSION_SECRET is refused', () => {
  const msg = refusal({ KIOSQUE_SESSION_SECRET: 'tooshort' });
  assert.match(msg, /session\.secret = "tooshort"/);
  assert.match(msg, /at least 32 characters/);
});

test('the memory caps of ffmpeg and ffprobe are whole megabytes, 0 for none; anything else is refused saying what is expected', async (t) => {
  const defaults = loadConfig({ configDir, env: {} }).media;
  assert.ok(defaults.ffmpegMemoryMB >= 1024 && defaults.ffprobeMemoryMB >= 256, 'capped by default');
  const set = loadConfig({ configDir, env: { KIOSQUE_FFMPEG_MEMORY_MB: '3072', KIOSQUE_FFPROBE_MEMORY_MB: '0' } }).media;
  assert.deepEqual([set.ffmpegMemoryMB, set.ffprobeMemoryMB], [3072, 0]);
  const expected = 'expected a whole number of megabytes: 0 (no cap) or from 64 to 1048576';
  // Words, negative, fractional, below what any ffmpeg loads in (a slip for gigabytes), absurdly large, and empty (not "no cap").
  for (const value of ['lots', '-1', '1.5', '4', '2000000', '']) {
    const msg = refusal({ KIOSQUE_FFMPEG_MEMORY_MB: value });
    assert.ok(msg.includes(`media.ffmpegMemoryMB = ${JSON.stringify(value)} (from environment variable KIOSQUE_FFMPEG_MEMORY_MB): ${expected}`), msg);
  }
  assert.ok(refusal({ KIOSQUE_FFPROBE_MEMORY_MB: '2G' }).includes(`media.ffprobeMemoryMB = "2G" (from environment variable KIOSQUE_FFPROBE_MEMORY_MB): ${expected}`));
  const dir = await tempDir('kiosque-config-');
  t.after(() => rm(dir, { recursive: true, force: true }));
  await cp(configDir, dir, { recursive: true });
  await writeFile(path.join(dir, 'staging.json'), JSON.stringify({ media: { ffprobeMemoryMB: true } }));
  assert.ok(refusal({ NODE_ENV: 'staging' }, dir).includes(`media.ffprobeMemoryMB = true (from config files): ${expected}`));
});

test('an unknown key in <NODE_ENV>.json is refused, naming it', async (t) => {
  const dir = await tempDir('kiosque-config-');
  t.after(() => rm(dir, { recursive: true, force: true }));
  await cp(configDir, dir, { recursive: true });
  await writeFile(path.join(dir, 'staging.json'), JSON.stringify({ port: 4000, media: { ffmpgPath: '/usr/bin/ffmpeg' } }));
  const msg = refusal({ NODE_ENV: 'staging' }, dir);
  assert.match(msg, /media/);
  assert.match(msg, /no such key\(s\): ffmpgPath/);
  // The same file without the typo is applied over default.json.
  await writeFile(path.join(dir, 'staging.json'), JSON.stringify({ port: 4000 }));
  assert.equal(loadConfig({ configDir: dir, env: { NODE_ENV: 'staging' } }).port, 4000);
});

test('an invalid JSON config file is refused, naming the file', async (t) => {
  const dir = await tempDir('kiosque-config-');
  t.after(() => rm(dir, { recursive: true, force: true }));
  await cp(configDir, dir, { recursive: true });
  const file = path.join(dir, 'production.json');
  await writeFile(file, '{ "port": 80, }');
  const msg = refusal({ NODE_ENV: 'production' }, dir);
  assert.ok(msg.includes(file), msg);
  assert.match(msg, /not valid JSON/);
});

test('mail is off by default; KIOSQUE_SMTP_URL and KIOSQUE_MAIL_FROM turn it on', () => {
  assert.deepEqual(loadConfig({ configDir, env: {} }).mail, { smtpUrl: '', from: '' });
  const c = loadConfig({ configDir, env: { KIOSQUE_SMTP_URL: 'smtps://robot:pw@mail.example.org:465', KIOSQUE_MAIL_FROM: 'Kiosque <noreply@example.org>' } });
  assert.deepEqual(c.mail, { smtpUrl: 'smtps://robot:pw@mail.example.org:465', from: 'Kiosque <noreply@example.org>' });
  assert.equal(loadConfig({ configDir, env: { KIOSQUE_SMTP_URL: 'smtp://mail.example.org', KIOSQUE_MAIL_FROM: 'noreply@example.org' } }).mail.from, 'noreply@example.org');
});

test('a mail setting that cannot work is refused, and the SMTP URL’s password is never printed', () => {
  const scheme = refusal({ KIOSQUE_SMTP_URL: 'https://robot:hunter2-secret@mail.example.org', KIOSQUE_MAIL_FROM: 'noreply@example.org' });
  assert.match(scheme, /mail\.smtpUrl = \(hidden\) \(from environment variable KIOSQUE_SMTP_URL\): expected smtp:\/\/user:password@host:port or smtps:\/\//);
  assert.doesNotMatch(scheme, /hunter2/);
  const noSender = refusal({ KIOSQUE_SMTP_URL: 'smtp://mail.example.org:587' });
  assert.match(noSender, /mail\.from = "" \(from config files\): a sender address \(KIOSQUE_MAIL_FROM\) is needed when KIOSQUE_SMTP_URL is set/);
  const badSender = refusal({ KIOSQUE_SMTP_URL: 'smtp://mail.example.org:587', KIOSQUE_MAIL_FROM: 'not an address' });
  assert.match(badSender, /mail\.from = "not an address" \(from environment variable KIOSQUE_MAIL_FROM\)/);
});
