import assert from 'node:assert/strict';
import type request from 'supertest';
import { tokenOf, type TestApp } from '../../helpers/app.ts';

type Agent = ReturnType<typeof request.agent>;

/** Saves the comments plugin's settings through its admin form: members only, visitors held, 100 an hour, unless `values` say otherwise. */
export async function saveCommentSettings(admin: Agent, values: Record<string, string>): Promise<void> {
  const token = await tokenOf(admin, '/admin/plugins/comments/settings');
  const res = await admin.post('/admin/plugins/comments/settings').type('form').send({ _csrf: token, whoMayComment: 'members', moderation: 'visitors', perHour: '100', ...values });
  assert.equal(res.status, 303, res.text);
}

/** A media's comments as the plugin stored them (none: []). */
export async function storedComments(t: TestApp, mediaId: string): Promise<Array<Record<string, unknown>>> {
  return ((await t.store.plugins.get('comments'))?.storage?.[`media:${mediaId}`] ?? []) as Array<Record<string, unknown>>;
}
