import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { openLowdbStore, type Media, type Store } from '../../core/store/index.ts';
import { createContentIndex } from '../../core/media/content-index.ts';
import { tempDir } from '../helpers/app.ts';
import { mediaRecord } from '../helpers/media-records.ts';

async function withStore(fn: (store: Store) => Promise<void>) {
  const dataDir = await tempDir('kiosque-content-index-');
  const store = await openLowdbStore({ dataDir });
  try {
    await fn(store);
  } finally {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const withHash = (sha256: string, title = sha256) => mediaRecord({ title, original: { file: `${title}/original.txt`, mime: 'text/plain', size: 1, name: `${title}.txt`, sha256 } });
const ids = (media: Media[]) => media.map((m) => m.id);

/** What the index must answer: every record holding the hash, in the store's list order (oldest first). */
async function scan(store: Store, sha256: string): Promise<string[]> {
  return (await store.media.list()).filter((m) => m.original.sha256 === sha256).map((m) => m.id);
}

test('holders are the media whose original has the hash, oldest first, as the store holds them now', async () => {
  await withStore(async (store) => {
    const a = await store.media.create(withHash('aaa', 'a1'));
    const b = await store.media.create(withHash('bbb'));
    const a2 = await store.media.create(withHash('aaa', 'a2'));
    const index = createContentIndex(store);
    const held = await index.holders('aaa');
    assert.deepEqual(ids(held), [a.id, a2.id]);
    assert.equal(held[0]!.title, 'a1', 'the records themselves, not only their ids');
    assert.deepEqual(ids(await index.holders('bbb')), [b.id]);
    assert.deepEqual(await index.holders('ccc'), []);
  });
});

test('writes made straight to the store after the build are seen: create, a replaced file, a bulk update, delete', async () => {
  await withStore(async (store) => {
    const a = await store.media.create(withHash('aaa'));
    const index = createContentIndex(store);
    assert.deepEqual(ids(await index.holders('aaa')), [a.id]);

    const b = await store.media.create(withHash('aaa', 'b'));
    assert.deepEqual(ids(await index.holders('aaa')), [a.id, b.id], 'a media created after the build');

    await store.media.update(a.id, { original: { ...a.original, sha256: 'new' } });
    assert.deepEqual(ids(await index.holders('aaa')), [b.id], 'a replaced file leaves its former content');
    assert.deepEqual(ids(await index.holders('new')), [a.id], 'and is found by its new one');

    await store.media.update(b.id, { title: 'Renamed' });
    assert.deepEqual(ids(await index.holders('aaa')), [b.id], 'an edit keeps the media where it was');
    assert.equal((await index.holders('aaa'))[0]!.title, 'Renamed');

    await store.media.updateMany([a.id, b.id], (m) => ({ original: { ...m.original, sha256: 'both' } }));
    assert.deepEqual(ids(await index.holders('both')), [a.id, b.id]);
    assert.deepEqual(await index.holders('aaa'), []);
    assert.deepEqual(await index.holders('new'), []);

    await store.media.delete(a.id);
    assert.deepEqual(ids(await index.holders('both')), [b.id], 'a deleted media is never named');
    await store.media.delete(b.id);
    assert.deepEqual(await index.holders('both'), []);
  });
});

test('writes made before the first lookup are in the build', async () => {
  await withStore(async (store) => {
    const index = createContentIndex(store);
    const a = await store.media.create(withHash('aaa'));
    const b = await store.media.create(withHash('aaa', 'b'));
    await store.media.delete(a.id);
    assert.deepEqual(ids(await index.holders('aaa')), [b.id]);
  });
});

test('concurrent lookups and writes: every lookup after a write has settled agrees with a scan', async () => {
  await withStore(async (store) => {
    const index = createContentIndex(store);
    const made = await Promise.all(Array.from({ length: 30 }, (_, i) => store.media.create(withHash(`h${i % 3}`, `m${i}`))));
    const lookups = Promise.all(['h0', 'h1', 'h2'].map((h) => index.holders(h)));
    await Promise.all(made.filter((_, i) => i % 2 === 0).map((m) => store.media.delete(m.id)));
    await lookups;
    for (const h of ['h0', 'h1', 'h2']) assert.deepEqual(ids(await index.holders(h)), await scan(store, h), h);
  });
});

/** A small deterministic generator (mulberry32), so that a failure can be replayed. */
function seeded(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

test('after random sequences of creates, edits, replaced files, bulk updates and deletes, the index answers what a scan does', async () => {
  const hashes = ['h0', 'h1', 'h2', 'h3', 'h4', 'h5'];
  for (const seed of [1, 2, 3, 4, 5]) {
    await withStore(async (store) => {
      const random = seeded(seed);
      const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
      const index = createContentIndex(store);
      const live: string[] = [];
      for (let step = 0; step < 120; step++) {
        const r = random();
        if (r < 0.35 || live.length === 0) live.push((await store.media.create(withHash(pick(hashes), `s${step}`))).id);
        else if (r < 0.5) await store.media.update(pick(live), { title: `edit ${step}` });
        else if (r < 0.65) {
          const id = pick(live);
          const m = (await store.media.get(id))!;
          await store.media.update(id, { original: { ...m.original, sha256: pick(hashes) } });
        } else if (r < 0.72) {
          const hash = pick(hashes);
          await store.media.updateMany([pick(live), pick(live)], (m) => ({ original: { ...m.original, sha256: hash } }));
        } else if (r < 0.9) {
          const id = live.splice(Math.floor(random() * live.length), 1)[0]!;
          await store.media.delete(id);
        } else {
          // a lookup in the middle of the sequence, as an upload would make
          const hash = pick(hashes);
          assert.deepEqual(ids(await index.holders(hash)), await scan(store, hash), `seed ${seed}, step ${step}, ${hash}`);
        }
      }
      for (const hash of hashes) assert.deepEqual(ids(await index.holders(hash)), await scan(store, hash), `seed ${seed}, end, ${hash}`);
    });
  }
});

test('a large library is indexed a slice at a time: other work runs while the index is built', async () => {
  await withStore(async (store) => {
    const made = await Promise.all(Array.from({ length: 4100 }, (_, i) => store.media.create(withHash(i === 4099 ? 'last' : `h${i}`, `m${i}`))));
    const index = createContentIndex(store);
    let turns = 0;
    const counting = setInterval(() => turns++, 0);
    try {
      assert.deepEqual(ids(await index.holders('last')), [made[4099]!.id]);
    } finally {
      clearInterval(counting);
    }
    assert.ok(turns >= 1, 'a timer fired during the build');
    assert.deepEqual(ids(await index.holders('h0')), [made[0]!.id]);
  });
});
