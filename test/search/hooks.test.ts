import { test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp } from '../helpers/app.ts';
import type { SearchCriteria, SearchResult } from '../../core/search/index.ts';
import { mediaInput } from './fixtures.ts';

test('search.query filters the parsed criteria and search.results the result page', async () => {
  const t = await makeApp();
  try {
    for (const [title, type] of [['Photo du port', 'image'], ['Son du port', 'audio']] as const) {
      t.app.kiosque.search.upsert(await t.store.media.create(mediaInput({ title, type })));
    }
    const api = () => request(t.app).get('/api/v1/media?q=port').set('Accept', 'application/json').expect(200);
    assert.equal((await api()).body.total, 2);
    const seen: unknown[] = [];
    const undoQuery = t.app.kiosque.hooks.filter('search.query', (c, ctx) => {
      seen.push(ctx);
      return { ...(c as SearchCriteria), types: ['audio'] };
    }, { owner: 'test' });
    assert.deepEqual((await api()).body.items.map((i: { title: string }) => i.title), ['Son du port']);
    assert.deepEqual(seen, [{ user: null, source: 'api' }]);
    const undoResults = t.app.kiosque.hooks.filter('search.results', (r) => ({ ...(r as SearchResult), total: 99 }), { owner: 'test' });
    assert.equal((await api()).body.total, 99);
    undoQuery();
    undoResults();
    const undoJunk = t.app.kiosque.hooks.filter('search.query', () => 'junk', { owner: 'test' });
    assert.equal((await api()).body.total, 2, 'an unusable filtered value is ignored');
    undoJunk();
    // A filter that throws keeps the previous value: search still answers.
    t.app.kiosque.hooks.filter('search.query', () => {
      throw new Error('broken plugin');
    }, { owner: 'test' });
    assert.equal((await api()).body.total, 2);
  } finally {
    await t.close();
  }
});
