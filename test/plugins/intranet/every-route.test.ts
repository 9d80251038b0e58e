import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import request from 'supertest';
import { makeApp, addUser, signIn, tokenOf, tempDir, type TestApp } from '../../helpers/app.ts';
import { jpegWithGps, binary } from '../../helpers/media.ts';
import { isAlwaysOpen } from '../../../plugins/intranet/rules.ts';
import { normalizePath } from '../../../core/http/normalize-path.ts';

/**
 * Property-style: every route the app has registered (core and plugins, read from the routers)
 * is requested by an unidentified visitor with every method it answers; with the intranet on,
 * none returns private content.
 */

const SECRET = 'Quetzalcoatl-private';
let t: TestApp;
let mediaId: string;

interface Layer {
  name?: string;
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

function collect(stack: Layer[], prefix: string, out: Array<{ path: string; methods: string[] }>) {
  for (const layer of stack) {
    const raw = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
    if (layer.route && typeof layer.route.path === 'string') {
      out.push({ path: prefix + layer.route.path, methods: Object.keys(layer.route.methods) });
    } else if (layer.handle?.stack) {
      collect(layer.handle.stack, prefix + raw, out);
    } else if (raw) {
      out.push({ path: prefix + raw, methods: ['get', 'post'] });
    }
  }
}

function sample(routePath: string): string {
  return routePath
    .replace(/:pluginId/g, 'hello')
    .replace(/:variant/g, 'thumb')
    .replace(/:group/g, 'tags')
    .replace(/:keyword/g, 'secret')
    .replace(/:slug/g, 'secret-sector')
    .replace(/:username/g, 'ada')
    .replace(/:action/g, 'enable')
    .replace(/:id/g, mediaId)
    .replace(/:[A-Za-z]+/g, '1')
    .replace(/\*.*$/, 'x');
}

before(async () => {
  t = await makeApp();
  await addUser(t, 'ada', 'admin');
  const admin = await signIn(t, 'ada');
  const dir = await tempDir('kiosque-routes-');
  await jpegWithGps(path.join(dir, 'img.jpg'), 400, 300, 1);
  await t.store.sectors.create({ slug: 'secret-sector', title: `${SECRET} sector`, description: SECRET, order: 1, visible: true, display: 'grid', defaultSort: 'date' });
  const token = await tokenOf(admin, '/admin');
  const res = await admin.post('/api/v1/media').set('X-CSRF-Token', token).field('title', SECRET).field('status', 'published').field('sector', 'secret-sector').attach('file', path.join(dir, 'img.jpg'));
  assert.equal(res.status, 201, res.text);
  mediaId = String(res.body.id);
  await t.app.kiosque.media.idle();
  await t.app.kiosque.plugins.enable('hello');
  await t.app.kiosque.plugins.enable('intranet');
});
after(() => t.close());

test('no registered route gives an unidentified visitor private content', async () => {
  const routes: Array<{ path: string; methods: string[] }> = [];
  collect((t.app as unknown as { router: { stack: Layer[] } }).router.stack, '', routes);
  for (const id of ['hello', 'intranet']) {
    const router = t.app.kiosque.plugins.router(id) as unknown as { stack: Layer[] } | undefined;
    if (router) collect(router.stack, `/plugins/${id}`, routes);
  }
  assert.ok(routes.length >= 20, `found ${routes.length} routes`);
  assert.ok(routes.some((r) => r.path.startsWith('/plugins/hello')), 'plugin routes are included');
  let checked = 0;
  for (const route of routes) {
    const url = sample(route.path);
    const open = isAlwaysOpen(normalizePath(url.split('?')[0]!) ?? '');
    for (const method of new Set([...route.methods.filter((m) => m !== '_all'), 'head'])) {
      for (const accept of ['text/html', 'application/json']) {
        const res = await request(t.app)[method as 'get'](url).set('Accept', accept).buffer(true).parse(binary);
        checked++;
        const body = Buffer.isBuffer(res.body) ? res.body.toString('latin1') : ''; // HEAD: no body at all
        assert.ok(!body.includes(SECRET), `${method.toUpperCase()} ${url} (${accept}) leaks content`);
        if (open) continue;
        if (res.status === 302) {
          assert.ok(method === 'get' && accept === 'text/html', `${method} ${url}: redirect only for HTML GET`);
          assert.match(String(res.headers.location), /^\/login(\?|$)/, `${method} ${url}`);
        } else {
          assert.equal(res.status, 401, `${method.toUpperCase()} ${url} (${accept}) → ${res.status}`);
          assert.equal(body.length, 0, `${method.toUpperCase()} ${url}: 401 with no content`);
        }
      }
    }
  }
  assert.ok(checked > 40);
});
