import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { Writable } from 'node:stream';
import pino from 'pino';
import { openLowdbStore, type Store } from '../../core/store/index.ts';
import { createHooks } from '../../core/plugins/hooks.ts';
import { createSearchService, criteria, startSearchPreload, type SearchService } from '../../core/search/index.ts';
import { tempDir } from '../helpers/app.ts';
import { mediaInput } from './fixtures.ts';
import { seededRandom } from '../../bench/lib/random.ts';

const vocab = ['Médias', 'medias', 'MASQUES', 'masque', 'Carnaval', 'été', 'l’été', 'œuvre', 'Venise', 'vénitien', 'photo', 'Noël', 'de', 'la', 'société', '2024', 'Saint-Étienne'];

/** A logger whose lines the test can read. */
function capturingLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, stream), lines };
}

/** A data folder with 250 media over three shards, closed again. */
async function library(): Promise<string> {
  const dataDir = await tempDir('kiosque-preload-');
  const rand = seededRandom(5);
  const sentence = (n: number) => Array.from({ length: n }, () => vocab[Math.floor(rand() * vocab.length)]).join(' ');
  const store = await openLowdbStore({ dataDir });
  for (let i = 0; i < 250; i++) await store.media.create(mediaInput({ title: sentence(1 + Math.floor(rand() * 4)), description: sentence(Math.floor(rand() * 12)) }));
  await store.close();
  return dataDir;
}

/** Every word, a prefix of each, a phrase and an exclusion, with facets: the two services must agree on all. */
async function assertSameAnswers(a: SearchService, b: SearchService) {
  const queries = vocab.flatMap((w) => [w, w.slice(0, 3), `"${w} de"`, `photo -${w}`]);
  let found = 0;
  for (const q of queries) {
    for (const sort of ['relevance', 'title'] as const) {
      const c = criteria({ q, sort, perPage: 300, facets: true });
      const [x, y] = [await a.search(c, { user: null, source: 'test' }), await b.search(c, { user: null, source: 'test' })];
      assert.deepEqual(x, y, q);
      found += x.total;
    }
  }
  assert.ok(found > 1000, 'the queries find media');
}

test('the index built with the start-up preload answers exactly as one built in the main thread', async () => {
  const dataDir = await library();
  const { logger, lines } = capturingLogger();
  const preload = startSearchPreload({ logger });
  let store: Store | undefined;
  try {
    store = await openLowdbStore({ dataDir, onMediaLoaded: (batch) => preload.feed(batch) });
    const preloaded = await createSearchService({ store, hooks: createHooks(logger), preload });
    const inThread = await createSearchService({ store, hooks: createHooks(logger) });
    assert.deepEqual(lines, [], 'the preload was used (no fallback warning)');
    assert.equal(preloaded.index.size, 250);
    await assertSameAnswers(preloaded, inThread);
  } finally {
    await store?.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('a record changed between loading and indexing is indexed as it is now, not as it was read', async () => {
  const dataDir = await library();
  const { logger } = capturingLogger();
  const preload = startSearchPreload({ logger });
  let store: Store | undefined;
  try {
    store = await openLowdbStore({ dataDir, onMediaLoaded: (batch) => preload.feed(batch) });
    await store.media.update('7', { title: 'Zanzibar', description: '' });
    const search = await createSearchService({ store, hooks: createHooks(logger), preload });
    assert.deepEqual((await search.search(criteria({ q: 'zanzibar' }), { user: null, source: 'test' })).ids, ['7']);
    await assertSameAnswers(search, await createSearchService({ store, hooks: createHooks(logger) }));
  } finally {
    await store?.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('a worker that cannot start leaves the index to the main thread, with a warning', async () => {
  const dataDir = await library();
  const { logger, lines } = capturingLogger();
  const preload = startSearchPreload({ logger, workerUrl: new URL('./no-such-worker.ts', import.meta.url) });
  let store: Store | undefined;
  try {
    store = await openLowdbStore({ dataDir, onMediaLoaded: (batch) => preload.feed(batch) });
    const search = await createSearchService({ store, hooks: createHooks(logger), preload });
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /main thread/);
    await assertSameAnswers(search, await createSearchService({ store, hooks: createHooks(logger) }));
  } finally {
    await store?.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
