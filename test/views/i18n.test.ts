import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, type TestApp } from '../helpers/app.ts';
import { LANG_COOKIE } from '../../core/http/context.ts';
import { skeletonDefaults } from '../../core/settings/skeleton.ts';

let t: TestApp;
before(async () => {
  t = await makeApp();
});
after(() => t.close());

const home = (agent: ReturnType<typeof request.agent> | ReturnType<typeof request>, url = '/', lang?: string) => {
  const req = agent.get(url).set('Accept', 'text/html');
  return lang ? req.set('Accept-Language', lang) : req;
};
const isFrench = (res: request.Response) => res.headers['content-language'] === 'fr' && /<html lang="fr">/.test(res.text) && />Accueil</.test(res.text);
const isEnglish = (res: request.Response) => res.headers['content-language'] === 'en' && /<html lang="en">/.test(res.text) && />Home</.test(res.text);

test('?lang=fr switches the page to French and a cookie remembers it', async () => {
  const agent = request.agent(t.app);
  assert.ok(isEnglish(await home(agent)));
  const switched = await home(agent, '/?lang=fr');
  assert.ok(isFrench(switched));
  const cookie = ([] as string[]).concat(switched.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${LANG_COOKIE}=fr`));
  assert.ok(cookie, 'language cookie set');
  assert.match(cookie, /HttpOnly/i);
  // Later pages, without the parameter and against the browser's preference, stay French.
  assert.ok(isFrench(await home(agent, '/login', 'en')));
  assert.ok(isEnglish(await home(agent, '/?lang=en')));
  assert.ok(isEnglish(await home(agent, '/')));
  // An unknown language is ignored.
  assert.ok(isEnglish(await home(agent, '/?lang=xx')));
});

test('?lang= is understood however its name is escaped, and an escaped value elsewhere changes nothing', async () => {
  assert.ok(isFrench(await home(request(t.app), '/search?q=r%C3%A9gate&l%61ng=fr')));
  assert.ok(isFrench(await home(request(t.app), '/?%6Cang=fr')));
  assert.ok(isEnglish(await home(request(t.app), '/search?q=l%61ng%3Dfr&type=image')));
  assert.ok(isEnglish(await home(request(t.app), '/search?q=%C3%A9t%C3%A9')));
});

test('a visitor who never chose gets the best match of Accept-Language, else the site language', async () => {
  assert.ok(isFrench(await home(request(t.app), '/', 'fr-CA,fr;q=0.9,en;q=0.5')));
  assert.ok(isEnglish(await home(request(t.app), '/', 'de-DE,de;q=0.9,en;q=0.4,fr;q=0.2')));
  assert.ok(isFrench(await home(request(t.app), '/', 'de, fr;q=0.5')));
  assert.ok(isEnglish(await home(request(t.app), '/', 'de')));
  assert.ok(isEnglish(await home(request(t.app), '/')));
});

test('when visitors may not choose, every page is in the site language', async (tc) => {
  const s = await makeApp();
  tc.after(() => s.close());
  await s.store.settings.set('skeleton', { ...skeletonDefaults, language: 'fr', visitorsMayChooseLanguage: false });
  const agent = request.agent(s.app);
  const res = await home(agent, '/?lang=en', 'en');
  assert.ok(isFrench(res));
  assert.equal(([] as string[]).concat(res.headers['set-cookie'] ?? []).some((c) => c.startsWith(LANG_COOKIE)), false);
  assert.ok(isFrench(await home(request(s.app), '/', 'en-GB,en')));
  // With choice allowed, a visitor without preference gets the site's language.
  await s.store.settings.set('skeleton', { ...skeletonDefaults, language: 'fr', visitorsMayChooseLanguage: true });
  assert.ok(isFrench(await home(request(s.app), '/', 'de')));
  assert.ok(isEnglish(await home(request(s.app), '/?lang=en')));
});

test('error pages speak the visitor\'s language', async () => {
  const res = await home(request(t.app), '/nowhere?lang=fr');
  assert.equal(res.status, 404);
  assert.match(res.text, /Page introuvable/);
  assert.match(res.text, /Il n’y a rien à cette adresse/);
});

test('the language links keep the page and its query, drop any lang parameter, and stay on this site', async () => {
  const links = (html: string) => [...html.matchAll(/<a href="([^"]*)" hreflang="(\w+)"/g)].map((m) => [m[2], m[1]!.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&')]);
  const page = await home(request(t.app), '/search?q=a+b%26c&lang=fr&l%61ng=en&type=image');
  assert.deepEqual(links(page.text), [
    ['en', '/search?q=a+b%26c&type=image&lang=en'],
    ['fr', '/search?q=a+b%26c&type=image&lang=fr'],
  ]);
  // A path that a browser would read as another host keeps only its path part.
  const other = await home(request(t.app), '//evil.example/nowhere?x=1');
  assert.equal(links(other.text).length, 2);
  for (const [, href] of links(other.text)) assert.match(href!, /^\/nowhere\?x=1&lang=(en|fr)$/);
});
