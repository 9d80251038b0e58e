import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before } from 'node:test';
import type { Express } from 'express';
import { chromium, type Browser, type Page } from 'playwright-core';
import { makeApp, PASSWORD, type TestApp } from './app.ts';

/** Debian's Chromium, headless, with the background traffic this machine's closed network refuses turned off. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** Serves an app on a free loopback port (tests run in parallel: never a fixed port). */
export async function serve(app: Express): Promise<{ base: string; close(): Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What a file of browser tests works with: the app, the address it is served at, and Chromium. */
export interface BrowserSite {
  t: TestApp;
  base: string;
  browser: Browser;
}

/**
 * For a file of browser tests: before its tests, an app (`prepare` adds users and media to it)
 * served on a free port, and Chromium; after them, all closed again. Call it at the top level of
 * the file; the fields are set by the time the tests run.
 */
export function browserSite(prepare?: (t: TestApp) => Promise<unknown>, options?: Parameters<typeof makeApp>[0]): BrowserSite {
  const site = {} as BrowserSite;
  let server: Awaited<ReturnType<typeof serve>> | undefined;
  before(async () => {
    site.t = await makeApp(options);
    await prepare?.(site.t);
    server = await serve(site.t.app);
    site.base = server.base;
    site.browser = await launchChromium();
  });
  after(async () => {
    await site.browser?.close();
    await server?.close();
    await site.t?.close();
  });
  return site;
}

/** Opens `path`, which sends a visitor to the login form, signs in there and waits to be back on `path`. */
export async function signInAt(page: Page, base: string, path: string, username: string, password = PASSWORD): Promise<void> {
  await page.goto(`${base}/login?return=${encodeURIComponent(path)}`);
  await signInThroughForm(page, username, password);
  await page.waitForURL(`${base}${path}`);
}

/** Fills the login form the page shows and submits it (the test account password by default). */
export async function signInThroughForm(page: Page, username: string, password = PASSWORD): Promise<void> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
