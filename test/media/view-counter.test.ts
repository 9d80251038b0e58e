import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { pino } from 'pino';
import { createViewCounter, VIEW_DEDUPE_MS } from '../../core/media/view-counter.ts';
import { openLowdbStore } from '../../core/store/index.ts';
import { tempDir } from '../helpers/app.ts';
import { mediaInput } from '../search/fixtures.ts';

const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

test('a visitor counts again once the de-duplication window has passed; the window is per visitor and per media', async () => {
  const dir = await tempDir('kiosque-views-');
  const store = await openLowdbStore({ dataDir: dir });
  try {
    const a = await store.media.create(mediaInput({ title: 'A', slug: 'a' }));
    const b = await store.media.create(mediaInput({ title: 'B', slug: 'b' }));
    let clock = 1_000_000;
    const told = new Map<string, number>();
    const views = createViewCounter({ store, viewsChanged: (id, n) => told.set(id, n), logger: pino({ enabled: false }), flushMs: 0, now: () => clock });
    const me = { ip: '203.0.113.7', userAgent: firefox };
    assert.equal(views.record(a.id, me), true);
    assert.equal(views.record(a.id, me), false, 'a reload');
    assert.equal(views.record(b.id, me), true, 'another media');
    assert.equal(views.record(a.id, { ip: '203.0.113.8', userAgent: firefox }), true, 'another address');
    assert.equal(views.record(a.id, { ip: '203.0.113.7', userAgent: `${firefox} x` }), true, 'another browser');
    assert.equal(views.record(a.id, { ip: me.ip }), false, 'no User-Agent');
    assert.equal(views.record(a.id, { ip: me.ip, userAgent: 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)' }), false, 'a robot');
    clock += VIEW_DEDUPE_MS - 1;
    assert.equal(views.record(a.id, me), false, 'still within the window');
    clock += 1;
    assert.equal(views.record(a.id, me), true, 'the window has passed');
    assert.equal(views.record(a.id, me), false, 'and a new one starts');
    assert.equal(await views.flush(), 2);
    assert.equal((await store.media.get(a.id))!.views, a.views + 4);
    assert.equal((await store.media.get(b.id))!.views, b.views + 1);
    assert.equal(told.get(a.id), a.views + 4, 'the search index is told the new total');
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});
