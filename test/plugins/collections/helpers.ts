import assert from 'node:assert/strict';
import path from 'node:path';
import type request from 'supertest';
import { addUser, csrfFrom, signIn, tempDir, tokenOf, makeApp, type TestApp } from '../../helpers/app.ts';
import { png } from '../../helpers/media.ts';
import { closeToAllButAdmins } from '../../helpers/plugins.ts';

type Agent = ReturnType<typeof request.agent>;

export interface CollectionsSite {
  t: TestApp;
  admin: Agent;
  editor: Agent;
  member: Agent;
  /** Media ids by name: `one`, `two`, `three` (published images), `draft`, `hidden` (published, closed by an access rule to all but admins). */
  ids: Record<'one' | 'two' | 'three' | 'draft' | 'hidden', string>;
}

/**
 * An app with an admin (ada), an editor (ed) and a member (mia), five real images uploaded (so
 * thumbnails exist), an access rule of another plugin hiding `hidden` from everyone but admins,
 * and the collections plugin enabled.
 */
export async function collectionsSite(): Promise<CollectionsSite> {
  const t = await makeApp();
  await addUser(t, 'ada', 'admin');
  await addUser(t, 'ed', 'editor');
  await addUser(t, 'mia', 'member');
  const admin = await signIn(t, 'ada');
  const editor = await signIn(t, 'ed');
  const member = await signIn(t, 'mia');
  const token = await tokenOf(admin);
  const dir = await tempDir('kiosque-collections-');
  const ids: Record<string, string> = {};
  const made: Array<[string, string, string]> = [['one', 'Première', 'published'], ['two', 'Deuxième', 'published'], ['three', 'Troisième', 'published'], ['draft', 'Brouillon secret', 'draft'], ['hidden', 'Caché ailleurs', 'published']];
  for (const [i, [name, title, status]] of made.entries()) {
    await png(path.join(dir, `${name}.png`), 200 + i * 40, 150, false);
    const res = await admin.post('/api/v1/media').set('X-CSRF-Token', token).field('title', title).field('status', status).attach('file', path.join(dir, `${name}.png`));
    assert.equal(res.status, 201, res.text);
    ids[name] = (res.body as { id: string }).id;
  }
  await t.app.kiosque.media.idle();
  closeToAllButAdmins(t, `/media/${ids.hidden}`);
  const enabled = await admin.post('/admin/plugins/collections/enable').type('form').send({ _csrf: await tokenOf(admin, '/admin/plugins') });
  assert.equal(enabled.status, 303, enabled.text);
  return { t, admin, editor, member, ids: ids as CollectionsSite['ids'] };
}

export const page = (agent: Agent | ReturnType<typeof request>, url: string) => agent.get(url).set('Accept', 'text/html').set('Host', 'kiosque.test');

/** Creates a collection through the form (303 asserted); answers its id. */
export async function createCollection(agent: Agent, title: string, description = ''): Promise<string> {
  const form = await page(agent, '/plugins/collections/manage/new').expect(200);
  const res = await agent.post('/plugins/collections/manage/new').type('form').send({ _csrf: csrfFrom(form.text), title, description });
  assert.equal(res.status, 303, res.text);
  const id = /^\/plugins\/collections\/manage\/([A-Za-z0-9_-]{8})\?done=created$/.exec(res.headers.location ?? '')?.[1];
  assert.ok(id, res.headers.location);
  return id;
}

/** Posts to a collection's items form (`add` with a reference, or `up`/`down`/`remove` with a media id). */
export async function itemsPost(agent: Agent, id: string, action: string, media: string, lang = 'en') {
  const token = await tokenOf(agent, `/plugins/collections/manage/${id}`);
  return agent.post(`/plugins/collections/manage/${id}/items?lang=${lang}`).type('form').set('Accept', 'text/html').set('Host', 'kiosque.test').send({ _csrf: token, action, media });
}

/** Every collection as the plugin stored it. */
export async function stored(t: TestApp): Promise<Array<Record<string, unknown> & { id: string; title: string; slug: string; mediaIds: string[]; formerSlugs: string[]; description: string }>> {
  const storage = (await t.store.plugins.get('collections'))?.storage ?? {};
  return Object.entries(storage).filter(([key]) => key.startsWith('collection:')).map(([, value]) => value as never);
}

/** The media titles of a public page's cards, in order. */
export const cardTitles = (html: string) => [...html.matchAll(/<span class="media-card-title">([^<]*)<\/span>/g)].map((m) => m[1]!);
