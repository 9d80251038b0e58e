import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { runCli } from '../../core/cli/main.ts';
import { tempDir } from '../helpers/app.ts';
import { deadSmtpUrl, startSmtp, SMTP_PASSWORD } from '../helpers/smtp.ts';

/** `kiosque doctor` in this process (the SMTP server runs here too), in the terminal's language. */
async function doctor(env: NodeJS.ProcessEnv, LANG = 'C'): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const code = await runCli(['doctor'], {
    env: { KIOSQUE_DATA_DIR: await tempDir('kiosque-doctor-'), LANG, ...env },
    stdin: Readable.from([]),
    stdout: new Writable({ write(chunk, _e, cb) { stdout += String(chunk); cb(); } }),
    stderr: new Writable({ write(_chunk, _e, cb) { cb(); } }),
  });
  return { code, stdout };
}

test('doctor: mail off by default, said with what to set', async () => {
  const off = await doctor({});
  assert.match(off.stdout, /^\[ ok \] mail off \(mail\.smtpUrl \/ KIOSQUE_SMTP_URL is empty\): no “Forgot your password\?” link\n +to let members reset a forgotten password by email, set KIOSQUE_SMTP_URL/m);
  const fr = await doctor({}, 'fr_FR.UTF-8');
  assert.match(fr.stdout, /^\[ ok \] courriel désactivé \(mail\.smtpUrl \/ KIOSQUE_SMTP_URL est vide\)\u00a0: pas de lien «\u00a0Mot de passe oublié\u202f\?\u00a0»$/m);
});

test('doctor: a configured SMTP server that answers and takes the login is ok; the password is never printed', async (t) => {
  const smtp = await startSmtp();
  t.after(() => smtp.close());
  const port = new URL(smtp.url).port;
  const ok = await doctor({ KIOSQUE_SMTP_URL: smtp.url, KIOSQUE_MAIL_FROM: 'Kiosque <noreply@example.org>' });
  assert.match(ok.stdout, new RegExp(`^\\[ ok \\] mail: the SMTP server 127\\.0\\.0\\.1:${port} answers and accepts the login; messages are sent from Kiosque <noreply@example\\.org>$`, 'm'));
  assert.ok(!ok.stdout.includes(SMTP_PASSWORD));
  // The same server with a wrong password: refused, said as a failure.
  const wrong = await doctor({ KIOSQUE_SMTP_URL: smtp.url.replace(SMTP_PASSWORD, 'wrong-password'), KIOSQUE_MAIL_FROM: 'noreply@example.org' });
  assert.equal(wrong.code, 1);
  assert.match(wrong.stdout, new RegExp(`^\\[FAIL\\] mail: the SMTP server 127\\.0\\.0\\.1:${port} does not answer or refuses the login\\n +error: .*Invalid`, 'm'));
  assert.ok(!wrong.stdout.includes('wrong-password'));
});

test('doctor: an SMTP server that does not answer is a failure naming the server, not the password', async () => {
  const url = await deadSmtpUrl();
  const down = await doctor({ KIOSQUE_SMTP_URL: url, KIOSQUE_MAIL_FROM: 'noreply@example.org' });
  assert.equal(down.code, 1);
  assert.match(down.stdout, /^\[FAIL\] mail: the SMTP server 127\.0\.0\.1:\d+ does not answer or refuses the login\n +error: .*ECONNREFUSED/m);
  assert.match(down.stdout, /check KIOSQUE_SMTP_URL/);
  assert.ok(!down.stdout.includes(SMTP_PASSWORD));
});
