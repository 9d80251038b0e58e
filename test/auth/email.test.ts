import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import request from 'supertest';
import { runCli } from '../../core/cli/main.ts';
import { openLowdbStore } from '../../core/store/index.ts';
import { makeApp, addUser, signIn, tokenOf, csrfFrom, tempDir, PASSWORD, type TestApp } from '../helpers/app.ts';
import { mediaRecord } from '../helpers/media-records.ts';

const html = { Accept: 'text/html' };
const NEW_PASSWORD = 'a long enough password';
let t: TestApp;
let admin: Awaited<ReturnType<typeof signIn>>;
let adminToken: string;

before(async () => {
  t = await makeApp({ overrides: { auth: { maxRegistrationsPerAddress: 1000 } } });
  await addUser(t, 'alice', 'admin');
  await t.app.kiosque.users.create({ username: 'bob', password: PASSWORD, role: 'member', email: 'Bob@Example.org' });
  admin = await signIn(t, 'alice');
  adminToken = await tokenOf(admin, '/admin/users');
});
after(() => t.close());

const fieldError = (page: string, id: string) => new RegExp(`<p class="field-error" id="${id}-error"(?: role="alert")?>([^<]*)</p>`).exec(page)?.[1];
const stored = async (username: string) => (await t.store.users.getByUsername(username))?.email;

test('the service stores an address trimmed and lower-cased, and finds it whatever its case', async () => {
  assert.equal(await stored('bob'), 'bob@example.org');
  assert.equal((await t.store.users.getByEmail('BOB@example.ORG'))?.username, 'bob');
});

test('/account: a member sets, changes and clears their address; the page shows it to them', async () => {
  await addUser(t, 'carla', 'member');
  const carla = await signIn(t, 'carla');
  const token = await tokenOf(carla, '/account');
  const page = await carla.get('/account').set(html).expect(200);
  assert.match(page.text, /<label for="account-email">Email address<\/label>/);
  const res = await carla.post('/account/email').type('form').set(html).send({ _csrf: token, email: '  Carla.M@Example.ORG ' });
  assert.equal(res.status, 303);
  assert.equal(res.headers.location, '/account?done=email');
  assert.equal(await stored('carla'), 'carla.m@example.org');
  const after = await carla.get('/account?done=email').set(html).expect(200);
  assert.match(after.text, /Your email address was saved\./);
  assert.match(after.text, /id="account-email" name="email" type="email" value="carla\.m@example\.org"/);
  await carla.post('/account/email').type('form').set(html).send({ _csrf: token, email: '' }).expect(303);
  assert.equal(await stored('carla'), undefined);
});

test('/account refuses a malformed, overlong or taken address beside the field (en and fr), keeps what was typed, changes nothing', async () => {
  await t.app.kiosque.users.create({ username: 'dina', password: PASSWORD, role: 'member', email: 'dina@example.org' });
  const dina = await signIn(t, 'dina');
  const token = await tokenOf(dina, '/account');
  const cases: Array<[string, string, RegExp, RegExp]> = [
    ['not an <address>', 'en', /^Enter an email address such as name@example\.org\.$/, /value="not an &lt;address&gt;"/],
    ['not an address', 'fr', /^Saisissez une adresse électronique comme nom@exemple\.fr\.$/, /value="not an address"/],
    [`${'a'.repeat(250)}@example.org`, 'en', /^An email address has at most 254 characters\.$/, /value="a{250}@example\.org"/],
    [`${'a'.repeat(250)}@example.org`, 'fr', /^Une adresse électronique compte au plus 254 caractères\.$/, /value="a{250}@example\.org"/],
    ['BOB@example.org', 'en', /^Another account already uses this email address\.$/, /value="BOB@example\.org"/],
    ['bob@EXAMPLE.org', 'fr', /^Un autre compte utilise déjà cette adresse électronique\.$/, /value="bob@EXAMPLE\.org"/],
  ];
  for (const [email, lang, message, kept] of cases) {
    const res = await dina.post(`/account/email?lang=${lang}`).type('form').set(html).send({ _csrf: token, email });
    assert.equal(res.status, 400, email);
    assert.match(fieldError(res.text, 'account-email') ?? '', message, `${email} (${lang})`);
    assert.match(res.text, /id="account-email" name="email" type="email" [^>]*aria-invalid="true"/);
    assert.match(res.text, kept);
    assert.equal(await stored('dina'), 'dina@example.org');
  }
  // Without the form's token, nothing changes either.
  await dina.post('/account/email').type('form').set(html).send({ email: 'x@example.org' }).expect(403);
  assert.equal(await stored('dina'), 'dina@example.org');
});

test('/admin/users: an admin gives an address at creation and changes it on the row; a bad one is refused beside its field with the form kept', async () => {
  const created = await admin.post('/admin/users').type('form').set(html).send({ _csrf: adminToken, username: 'emil', displayName: 'Emil', email: 'Emil@Example.org', role: 'member', password: PASSWORD });
  assert.equal(created.status, 303);
  assert.equal(await stored('emil'), 'emil@example.org');

  const count = await t.store.users.count();
  const taken = await admin.post('/admin/users?lang=fr').type('form').set(html).send({ _csrf: adminToken, username: 'emile', displayName: 'Émile', email: 'EMIL@example.org', role: 'editor', password: PASSWORD });
  assert.equal(taken.status, 400);
  assert.equal(fieldError(taken.text, 'new-email'), 'Un autre compte utilise déjà cette adresse électronique.');
  assert.match(taken.text, /id="new-username" name="username" value="emile"/);
  assert.match(taken.text, /id="new-display-name" name="displayName" value="Émile"/);
  assert.match(taken.text, /id="new-email" name="email" type="email" value="EMIL@example\.org"/);
  assert.equal(await t.store.users.count(), count);

  const id = (await t.store.users.getByUsername('emil'))!.id;
  const bad = await admin.post(`/admin/users/${id}/email?lang=en`).type('form').set(html).send({ _csrf: adminToken, email: 'emil@@example' });
  assert.equal(bad.status, 400);
  assert.equal(fieldError(bad.text, `email-${id}`), 'Enter an email address such as name@example.org.');
  assert.match(bad.text, new RegExp(`id="email-${id}" name="email" type="email" value="emil@@example"`));
  assert.equal(await stored('emil'), 'emil@example.org');
  const changed = await admin.post(`/admin/users/${id}/email`).type('form').set(html).send({ _csrf: adminToken, email: 'emil@example.net' });
  assert.equal(changed.status, 303);
  assert.equal(changed.headers.location, '/admin/users?done=email');
  assert.equal(await stored('emil'), 'emil@example.net');
  const list = await admin.get('/admin/users?done=email').set(html);
  assert.match(list.text, /The email address was saved\./);
  assert.match(list.text, /<label for="new-email">Email address<\/label>/);
});

test('/register: the address is optional; given, it is stored lower-cased; a bad or taken one is refused beside the field, the form kept', async () => {
  await t.store.settings.set('accounts', { registration: 'open' });
  const visitor = async () => {
    const agent = request.agent(t.app);
    const page = await agent.get('/register').set(html).expect(200);
    return { agent, token: csrfFrom(page.text), page };
  };
  const { page } = await visitor();
  assert.match(page.text, /<label for="register-email">Email address \(optional\)<\/label>/);
  const without = await visitor();
  await without.agent.post('/register').type('form').set(html).send({ _csrf: without.token, username: 'fanny', password: NEW_PASSWORD, password_confirm: NEW_PASSWORD, website: '' }).expect(303);
  assert.equal(await stored('fanny'), undefined);
  assert.ok((await t.store.users.getByUsername('fanny'))!, 'created without an address');
  const withOne = await visitor();
  await withOne.agent.post('/register').type('form').set(html).send({ _csrf: withOne.token, username: 'gus', email: 'Gus@Example.org', password: NEW_PASSWORD, password_confirm: NEW_PASSWORD, website: '' }).expect(303);
  assert.equal(await stored('gus'), 'gus@example.org');
  for (const [email, lang, message] of [
    ['GUS@example.org', 'fr', 'Un autre compte utilise déjà cette adresse électronique.'],
    ['gus at example', 'en', 'Enter an email address such as name@example.org.'],
  ]) {
    const v = await visitor();
    const count = await t.store.users.count();
    const res = await v.agent.post('/register').type('form').set({ ...html, 'Accept-Language': lang! }).send({ _csrf: v.token, username: 'gustave', displayName: 'Gustave', email, password: NEW_PASSWORD, password_confirm: NEW_PASSWORD, website: '' });
    assert.equal(res.status, 400);
    assert.equal(fieldError(res.text, 'register-email'), message);
    assert.match(res.text, /id="register-username" name="username" [^>]*value="gustave"/);
    assert.match(res.text, new RegExp(`id="register-email" name="email" [^>]*value="${email!.replace(/\./g, '\\.')}"`));
    assert.equal(await t.store.users.count(), count);
  }
});

test('an address is never shown to other people, in public output or in the log', async () => {
  // An editor with a published media: an author page, a media page and API output that name him.
  const kurt = await t.app.kiosque.users.create({ username: 'kurt', password: PASSWORD, role: 'editor', email: 'kurt@example.org' });
  const m = await t.store.media.create(mediaRecord({ slug: 'kurt-photo', title: 'Kurt photo', authorId: kurt.id }));
  await t.app.kiosque.search.reindex();
  await t.store.settings.set('mediaDisplay', { showAuthor: true });
  const pages = ['/', '/search?q=kurt', `/media/${m.id}/kurt-photo`, '/authors/kurt', '/api/v1/media', `/api/v1/media/${m.id}`, '/account'];
  const author = await request(t.app).get('/authors/kurt').set(html);
  assert.equal(author.status, 200, 'the author page exists');
  for (const p of pages.slice(0, -1)) assert.ok(!(await request(t.app).get(p).set(html)).text.includes('kurt@example.org'), p);
  // Another member's pages do not carry it either; only kurt's own account page does.
  await addUser(t, 'hugo', 'member');
  const hugo = await signIn(t, 'hugo');
  for (const p of pages) assert.ok(!(await hugo.get(p).set(html)).text.includes('kurt@example.org'), p);
  const own = await signIn(t, 'kurt');
  assert.match((await own.get('/account').set(html)).text, /value="kurt@example\.org"/);
  assert.ok(!JSON.stringify(t.logs).includes('@example.'), 'no address in the log');
});

test('kiosque user:add --email stores the address; a bad one creates nothing', async () => {
  const dir = await tempDir('kiosque-cli-email-');
  const run = async (args: string[]) => {
    let stdout = '';
    let stderr = '';
    const sink = (append: (s: string) => void) => new Writable({ write(chunk, _e, cb) { append(String(chunk)); cb(); } });
    const code = await runCli(args, { env: { KIOSQUE_DATA_DIR: dir, LANG: 'C' }, stdin: Readable.from([Buffer.from(`${NEW_PASSWORD}\n`)]), stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)) });
    return { code, stdout, stderr };
  };
  const ok = await run(['user:add', 'ines', '--role', 'member', '--email', 'Ines@Example.org']);
  assert.equal(ok.code, 0, ok.stderr);
  const bad = await run(['user:add', 'jules', '--role', 'member', '--email', 'jules@']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /Enter an email address such as name@example\.org\. Nothing was created\./);
  const taken = await run(['user:add', 'julie', '--role', 'member', '--email', 'INES@example.org']);
  assert.match(taken.stderr, /Another account already uses this email address\. Nothing was created\./);
  const store = await openLowdbStore({ dataDir: dir });
  try {
    assert.equal((await store.users.getByUsername('ines'))?.email, 'ines@example.org');
    assert.equal(await store.users.count(), 1);
  } finally {
    await store.close();
  }
});
