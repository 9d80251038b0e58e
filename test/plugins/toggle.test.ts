import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, addUser, signIn, tokenOf, type TestApp } from '../helpers/app.ts';
import { helloSays } from '../helpers/plugins.ts';

let t: TestApp;
let admin: Awaited<ReturnType<typeof signIn>>;
before(async () => {
  t = await makeApp();
  await addUser(t, 'alice', 'admin');
  admin = await signIn(t, 'alice');
});
after(() => t.close());

const html = (agent: ReturnType<typeof request.agent> | ReturnType<typeof request>, path: string) => agent.get(path).set('Accept', 'text/html');

async function toggle(action: 'enable' | 'disable', id = 'hello') {
  const token = await tokenOf(admin, '/admin/plugins');
  return admin.post(`/admin/plugins/${id}/${action}`).type('form').send({ _csrf: token });
}

test('hello is found, off by default, and leaves no trace while off', async () => {
  const list = await html(admin, '/admin/plugins').expect(200);
  assert.match(list.text, /data-plugin="hello"/);
  assert.match(list.text, /data-state="disabled"/);
  assert.doesNotMatch(list.text, /href="\/admin\/plugins\/hello\/settings"/);
  await request(t.app).get('/plugins/hello/').expect(404);
  await html(admin, '/admin/plugins/hello/settings').expect(404);
  const home = await html(request(t.app), '/').expect(200);
  assert.doesNotMatch(home.text, /hello-footer/);
  const robots = await request(t.app).get('/robots.txt').expect(200);
  assert.doesNotMatch(robots.text, /hello plugin/);
});

test('enable → route, partial, filter, settings page and menu entry appear; disable → all gone, same app', async () => {
  const on = await toggle('enable');
  assert.equal(on.status, 303);
  assert.equal(on.headers.location, '/admin/plugins?done=enabled');

  const route = await request(t.app).get('/plugins/hello/').expect(200);
  assert.deepEqual(helloSays(route.text), ['Hello', 'Hello!']);
  const home = await html(request(t.app), '/').expect(200);
  assert.match(home.text, /<p class="hello-footer" data-plugin="hello">Hello from the hello plugin<\/p>/);
  assert.match((await request(t.app).get('/robots.txt')).text, /# hello plugin was here/);
  const dash = await html(admin, '/admin').expect(200);
  assert.match(dash.text, /<a href="\/admin\/plugins\/hello\/settings">Hello<\/a>/);
  assert.doesNotMatch(dash.text, /No plugin needing particular configuration/);
  const settings = await html(admin, '/admin/plugins/hello/settings').expect(200);
  assert.match(settings.text, /<label for="plugin-hello-greeting">Greeting <span class="required" aria-hidden="true">\*<\/span><\/label>/);
  const list = await html(admin, '/admin/plugins').expect(200);
  assert.match(list.text, /href="\/admin\/plugins\/hello\/settings"/);
  assert.equal((await t.store.plugins.get('hello'))?.enabled, true);

  const off = await toggle('disable');
  assert.equal(off.status, 303);
  await request(t.app).get('/plugins/hello/').expect(404);
  await html(admin, '/admin/plugins/hello/settings').expect(404);
  const token = await tokenOf(admin, '/admin/plugins');
  await admin.post('/admin/plugins/hello/settings').type('form').send({ _csrf: token, greeting: 'x' }).expect(404);
  const homeOff = await html(request(t.app), '/').expect(200);
  assert.doesNotMatch(homeOff.text, /hello-footer/);
  assert.doesNotMatch((await request(t.app).get('/robots.txt')).text, /hello plugin/);
  const dashOff = await html(admin, '/admin').expect(200);
  assert.doesNotMatch(dashOff.text, /\/admin\/plugins\/hello\/settings/);
  assert.match(dashOff.text, /No plugin needing particular configuration is currently enabled/);
  assert.equal(t.app.kiosque.i18n.has('en', 'plugin.hello.footer'), false, 'the plugin strings went with it');
});

test('saved settings reach the plugin at once and survive a disable/enable cycle', async () => {
  await toggle('enable');
  const token = await tokenOf(admin, '/admin/plugins/hello/settings');
  const res = await admin
    .post('/admin/plugins/hello/settings')
    .type('form')
    .send(`_csrf=${encodeURIComponent(token)}&greeting=Salut&repeat=2&tone=formal&days=sat&days=sun&quietPaths=%2Fabout%0D%0A%2Fadmin*&friendlyNetworks=10.0.0.0%2F8%0A2001%3Adb8%3A%3A%2F32&colour=%23AA0000&note=`);
  assert.equal(res.status, 303);
  const values = (await t.store.plugins.get('hello'))?.settings;
  assert.deepEqual(values, { greeting: 'Salut', showInFooter: false, repeat: 2, tone: 'formal', days: ['sat', 'sun'], quietPaths: ['/about', '/admin*'], friendlyNetworks: ['10.0.0.0/8', '2001:db8::/32'], colour: '#aa0000', note: '' });
  assert.deepEqual(helloSays((await request(t.app).get('/plugins/hello/')).text), ['Hello', 'Salut!', 'Salut!']);
  // showInFooter was unticked: the footer line is gone though the plugin is on.
  assert.doesNotMatch((await html(request(t.app), '/')).text, /hello-footer/);
  assert.ok(t.logs.some((l) => l.plugin === 'hello' && l.msg === 'greeting changed'), 'onChange fired');
  await toggle('disable');
  await toggle('enable');
  assert.deepEqual(helloSays((await request(t.app).get('/plugins/hello/')).text), ['Hello', 'Salut!', 'Salut!']);
  const page = await html(admin, '/admin/plugins/hello/settings');
  assert.match(page.text, /id="plugin-hello-greeting" name="greeting" value="Salut"/);
  assert.match(page.text, /<textarea id="plugin-hello-quietPaths" name="quietPaths" rows="6" spellcheck="false"[^>]*>\/about\n\/admin\*<\/textarea>/);
  await toggle('disable');
});

test('the enabled state survives a restart on the same data folder', async () => {
  const first = await makeApp();
  try {
    await addUser(first, 'root', 'admin');
    const agent = await signIn(first, 'root');
    const token = await tokenOf(agent, '/admin/plugins');
    await agent.post('/admin/plugins/hello/enable').type('form').send({ _csrf: token }).expect(303);
    await request(first.app).get('/plugins/hello/').expect(200);
  } finally {
    await first.close({ keepData: true });
  }
  const second = await makeApp({ dataDir: first.dataDir });
  try {
    await request(second.app).get('/plugins/hello/').expect(200);
    assert.match((await html(request(second.app), '/')).text, /hello-footer/);
    const agent = await signIn(second, 'root');
    const token = await tokenOf(agent, '/admin/plugins');
    await agent.post('/admin/plugins/hello/disable').type('form').send({ _csrf: token }).expect(303);
  } finally {
    await second.close({ keepData: true });
  }
  const third = await makeApp({ dataDir: first.dataDir });
  try {
    await request(third.app).get('/plugins/hello/').expect(404);
  } finally {
    await third.close();
  }
});
