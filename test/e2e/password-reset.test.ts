import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { makeApp, PASSWORD, type TestApp } from '../helpers/app.ts';
import { launchChromium, serve, signInThroughForm } from '../helpers/browser.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';

let smtp: TestSmtp;
let t: TestApp;
let server: Awaited<ReturnType<typeof serve>>;
let browser: Browser;

before(async () => {
  // The SMTP server first: the app is configured with its address.
  smtp = await startSmtp();
  t = await makeApp({ overrides: { mail: { smtpUrl: smtp.url, from: 'Kiosque <noreply@example.org>' } } });
  await t.app.kiosque.users.create({ username: 'nora', displayName: 'Nora K.', password: PASSWORD, role: 'member', email: 'nora@example.org' });
  server = await serve(t.app);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
  await t?.close();
  await smtp?.close();
});

test('in a browser: from the login page to the mailed link, a new password, and signed in where the visitor was going', async () => {
  const { base } = server;
  const context = await browser.newContext({ locale: 'en-GB' });
  try {
    const page = await context.newPage();
    await page.goto(`${base}/login?return=/search`);
    await Promise.all([page.waitForURL(`${base}/password/forgot?return=%2Fsearch`), page.getByRole('link', { name: 'Forgot your password?' }).click()]);
    await page.getByLabel('Username or email address').fill('NORA@example.org');
    await Promise.all([page.waitForURL(`${base}/password/forgot?sent&return=%2Fsearch`), page.getByRole('button', { name: 'Send me a link' }).click()]);
    assert.match(await page.getByRole('status').innerText(), /a message with a link to choose a new password is on its way/);

    await t.app.kiosque.mail!.idle();
    const mail = await smtp.next();
    const link = new RegExp(`${base.replace(/[.:/]/g, '\\$&')}/password/reset\\?token=[A-Za-z0-9_-]{43}&return=%2Fsearch`).exec(mail.text ?? '')?.[0];
    assert.ok(link, `the message holds an absolute link to this site: ${mail.text}`);

    await page.goto(link);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Choose a new password');
    const password = 'a password I will remember';
    // Two different passwords first: said beside the field, nothing changes.
    await page.getByLabel('New password (at least 10 characters)').fill(password);
    await page.getByLabel('New password again').fill('not the same one at all');
    await Promise.all([page.waitForURL(`${base}/password/reset`), page.getByRole('button', { name: 'Save and sign in' }).click()]);
    assert.equal(await page.getByLabel('New password again').getAttribute('aria-invalid'), 'true');
    assert.match(await page.getByRole('alert').innerText(), /The two passwords differ/);

    await page.getByLabel('New password (at least 10 characters)').fill(password);
    await page.getByLabel('New password again').fill(password);
    await Promise.all([page.waitForURL(`${base}/search`), page.getByRole('button', { name: 'Save and sign in' }).click()]);
    assert.match(await page.locator('.account').innerText(), /Nora K\./);

    // The link served once; the new password is the one that signs in.
    await page.goto(link);
    assert.match(await page.getByRole('alert').innerText(), /This link is not valid/);
    await context.clearCookies();
    await page.goto(`${base}/login?return=/search`);
    await Promise.all([page.waitForURL(`${base}/search`), signInThroughForm(page, 'nora', password)]);
  } finally {
    await context.close();
  }
});
