import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, type TestApp } from '../helpers/app.ts';
import { skeletonDefaults } from '../../core/settings/skeleton.ts';

let t: TestApp;
before(async () => {
  t = await makeApp();
});
after(() => t.close());

const html = { Accept: 'text/html' };

test('the nuit theme overrides the homepage and layout and falls back to default for the rest', async () => {
  const before = await request(t.app).get('/').set(html).expect(200);
  assert.doesNotMatch(before.text, /theme-nuit/);

  await t.store.settings.set('skeleton', { ...skeletonDefaults, theme: 'nuit' });
  const home = await request(t.app).get('/').set(html).expect(200);
  assert.match(home.text, /<html lang="en" class="theme-nuit">/);
  assert.match(home.text, /class="home gallery-home"/);

  // nuit has no login template: the default one renders inside nuit's layout.
  const login = await request(t.app).get('/login').set(html).expect(200);
  assert.match(login.text, /class="theme-nuit"/);
  assert.match(login.text, /<label for="login-username">/);

  const own = await request(t.app).get('/assets/nuit.css').expect(200);
  assert.match(own.headers['content-type'] as string, /text\/css/);
  const inherited = await request(t.app).get('/assets/style.css').expect(200);
  assert.match(inherited.text, /--accent/);
});

test('an unknown theme name falls back to the default theme instead of breaking the site', async () => {
  await t.store.settings.set('skeleton', { ...skeletonDefaults, theme: 'does-not-exist' });
  const home = await request(t.app).get('/').set(html).expect(200);
  assert.doesNotMatch(home.text, /theme-nuit/);
  assert.match(home.text, /<section class="home">/);
  await request(t.app).get('/assets/nuit.css').expect(404);
});
