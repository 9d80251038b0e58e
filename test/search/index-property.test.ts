import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import pino from 'pino';
import { openLowdbStore, type Media, type MediaType, type Store } from '../../core/store/index.ts';
import { createHooks } from '../../core/plugins/hooks.ts';
import { createSearchService, criteria, sortKeys, type SearchCriteria } from '../../core/search/index.ts';
import { tempDir } from '../helpers/app.ts';
import { mediaInput } from './fixtures.ts';
import { bruteForce } from './brute-force.ts';
import { seededRandom } from '../../bench/lib/random.ts';

// Seeded, so a failure can be replayed from the printed seed.
const rng = seededRandom;

const vocab = ['Médias', 'medias', 'MASQUES', 'masque', 'Carnaval', 'été', 'Été', 'ete', 'œuvre', 'oeuvre', 'Venise', 'vénitien', 'photo', 'photos', 'Paris', 'l’été', 'de', 'la', 'les', 'société', 'son', 'vidéo', 'Noël', 'noel'];
const types: MediaType[] = ['image', 'audio', 'video', 'document'];
const keywordIds = ['ka', 'kb', 'kc', 'kd', 'ke', 'kf'];
const keywordTitles = new Map([['ka', 'Masques'], ['kb', 'Été indien'], ['kc', 'Carnaval de Venise'], ['kd', 'Photos'], ['ke', 'Noël'], ['kf', 'Société']]);

test('property: after random create/update/delete, every random query equals brute force', async () => {
  const seed = Number(process.env.SEARCH_SEED ?? Date.now() % 1_000_000);
  const rand = rng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const some = <T>(list: readonly T[], max: number): T[] => [...new Set(Array.from({ length: Math.floor(rand() * (max + 1)) }, () => pick(list)))];
  const sentence = (n: number) => Array.from({ length: n }, () => pick(vocab)).join(rand() < 0.2 ? ', ' : ' ');
  const day = () => `${2020 + Math.floor(rand() * 5)}-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`;
  const randomFields = (): Partial<Omit<Media, 'id'>> => {
    const status = rand() < 0.75 ? 'published' : 'draft';
    const at = `${day()}T12:00:00.000Z`;
    return {
      title: sentence(1 + Math.floor(rand() * 4)),
      description: sentence(Math.floor(rand() * 10)),
      type: pick(types),
      status,
      sectorId: rand() < 0.2 ? null : pick(['s1', 's2', 's3']),
      keywordIds: some(keywordIds, 3),
      licence: pick(['cc-by', 'CC BY-SA', 'all rights reserved']),
      authorId: rand() < 0.2 ? null : pick(['u1', 'u2']),
      createdAt: at,
      publishedAt: status === 'published' ? at : null,
      views: Math.floor(rand() * 5),
    };
  };
  const randomQuery = (): SearchCriteria => {
    const words = some(vocab, 2).map((w) => (rand() < 0.3 ? w.slice(0, 1 + Math.floor(rand() * w.length)) : w));
    if (rand() < 0.2) words.push(`"${sentence(2)}"`);
    if (rand() < 0.2) words.push(`-${pick(vocab)}`);
    const sort = pick(sortKeys);
    return criteria({
      q: rand() < 0.6 ? words.join(' ') : '',
      keywordIds: rand() < 0.4 ? some(keywordIds, 2) : [],
      kwMode: rand() < 0.5 ? 'all' : 'any',
      types: rand() < 0.3 ? some(types, 2) : [],
      sectorIds: rand() < 0.2 ? some(['s1', 's2', 's3', 'nope'], 2) : [],
      from: rand() < 0.2 ? day() : undefined,
      to: rand() < 0.2 ? day() : undefined,
      licences: rand() < 0.15 ? [pick(['cc by', 'CC-BY', 'all rights reserved'])] : [],
      authorIds: rand() < 0.15 ? some(['u1', 'u2'], 2) : [],
      statuses: pick([['published'], ['draft'], [], ['draft', 'published']] as const).slice(),
      sort,
      order: rand() < 0.5 ? 'asc' : 'desc',
      page: 1 + Math.floor(rand() * 3),
      perPage: pick([6, 10, 25]),
    });
  };

  const dataDir = await tempDir();
  let store: Store | undefined;
  try {
    store = await openLowdbStore({ dataDir });
    const s = store;
    for (const [id, title] of [...keywordTitles]) {
      // Keyword ids come from the store; the test maps its own names onto the created ones.
      const created = await s.keywords.create({ groupId: 'g', slug: id, title, description: '' });
      keywordTitles.delete(id);
      keywordTitles.set(created.id, title);
      keywordIds[keywordIds.indexOf(id)] = created.id;
    }
    for (let i = 0; i < 30; i++) await s.media.create(mediaInput(randomFields()));
    const search = await createSearchService({ store: s, hooks: createHooks(pino({ level: 'silent' })), facetLimit: 10_000 });
    const titleOf = (id: string) => keywordTitles.get(id);

    const checkQueries = async (n: number) => {
      const all = await s.media.list();
      const sectorCounts = new Map<string, number>();
      for (const m of all) if (m.sectorId) sectorCounts.set(m.sectorId, (sectorCounts.get(m.sectorId) ?? 0) + 1);
      assert.deepEqual(new Map([...search.index.sectorCounts()].sort()), new Map([...sectorCounts].sort()), `seed ${seed}: sector counts`);
      for (let q = 0; q < n; q++) {
        const c = randomQuery();
        const got = await search.search(c, { user: null, source: 'test' });
        const want = bruteForce(all, c, titleOf);
        assert.deepEqual({ ids: got.ids, total: got.total, facets: got.facets }, want, `seed ${seed}, query ${JSON.stringify(c)}`);
      }
    };
    await checkQueries(100);
    for (let round = 0; round < 4; round++) {
      for (let op = 0; op < 25; op++) {
        const all = await s.media.list();
        const r = rand();
        if (r < 0.4 || all.length < 5) search.upsert(await s.media.create(mediaInput(randomFields())));
        else if (r < 0.8) search.upsert((await s.media.update(pick(all).id, randomFields()))!);
        else {
          const id = pick(all).id;
          await s.media.delete(id);
          search.remove(id);
        }
      }
      await checkQueries(100);
    }
    assert.equal(search.index.size, await s.media.count());
    // A rebuild from the store gives the same answers as the incrementally kept index.
    await search.reindex();
    await checkQueries(50);
  } finally {
    await store?.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
