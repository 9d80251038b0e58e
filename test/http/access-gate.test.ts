import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type request from 'supertest';
import { makeApp, addUser, signIn, tokenOf, type TestApp } from '../helpers/app.ts';

/**
 * The gate's own role rules on the admin area, deny by default: members reach none of it, editors
 * only the dashboard and the media and keywords admin, whatever route exists (or is added) there.
 */

let t: TestApp;
let editor: ReturnType<typeof request.agent>;
let member: ReturnType<typeof request.agent>;

interface Layer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every admin route the app has, with its methods, read from the routers. */
function adminRoutes(stack: Layer[], out: Array<{ path: string; methods: string[] }> = []) {
  for (const layer of stack) {
    if (layer.route && typeof layer.route.path === 'string' && layer.route.path.startsWith('/admin')) out.push({ path: layer.route.path, methods: Object.keys(layer.route.methods) });
    else if (layer.handle?.stack) adminRoutes(layer.handle.stack, out);
  }
  return out;
}

const editorArea = (p: string) => p === '/admin' || /^\/admin\/(media|keywords)(\/|$)/.test(p);

before(async () => {
  t = await makeApp();
  await addUser(t, 'ada', 'admin');
  await addUser(t, 'ed', 'editor');
  await addUser(t, 'mia', 'member');
  editor = await signIn(t, 'ed');
  member = await signIn(t, 'mia');
});
after(() => t.close());

test('an editor is refused every admin path but the dashboard, the media and the keywords, new ones included', async () => {
  const routes = adminRoutes((t.app as unknown as { router: { stack: Layer[] } }).router.stack);
  assert.ok(routes.length > 20, `found ${routes.length} admin routes`);
  const token = await tokenOf(editor, '/admin');
  let refused = 0;
  for (const route of routes) {
    const url = route.path.replace(/:action/g, 'delete').replace(/:[A-Za-z]+/g, '1');
    if (editorArea(url)) continue;
    for (const method of route.methods.filter((m) => m !== '_all')) {
      const res = await editor[method as 'get'](url).set('Accept', 'text/html').set('X-CSRF-Token', token);
      assert.equal(res.status, 403, `${method.toUpperCase()} ${url}`);
      refused++;
    }
  }
  assert.ok(refused > 15);
  // An admin path no route answers yet: the gate refuses it before any route could forget its check.
  for (const p of ['/admin/new-page', '/admin/config/new-page', '/ADMIN/Reports/']) assert.equal((await editor.get(p).set('Accept', 'text/html')).status, 403, p);
  for (const p of ['/admin', '/admin/media', '/admin/keywords']) assert.equal((await editor.get(p).set('Accept', 'text/html')).status, 200, p);
});

test('a member is refused the whole admin area', async () => {
  for (const p of ['/admin', '/admin/media', '/admin/keywords', '/admin/users', '/admin/new-page']) assert.equal((await member.get(p).set('Accept', 'text/html')).status, 403, p);
});
