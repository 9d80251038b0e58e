import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import request from 'supertest';
import { createI18n, formatNumber, loadDictionaries } from '../../core/i18n/index.ts';
import { ROOT_DIR } from '../../core/app.ts';
import { mediaDisplayDefaults } from '../../core/settings/media-display.ts';
import { addUser, makeApp, signIn } from '../helpers/app.ts';
import { mediaRecord } from '../helpers/media-records.ts';

const NNBSP = '\u202f';
const i18n = createI18n(loadDictionaries(path.join(ROOT_DIR, 'core', 'i18n')));

test('numbers are written as each language writes them: « 12 345 » and « 1,5 » in French, "12,345" and "1.5" in English', () => {
  assert.equal(formatNumber('fr', 12345), `12${NNBSP}345`);
  assert.equal(formatNumber('en', 12345), '12,345');
  assert.equal(formatNumber('fr', 1.5), '1,5');
  assert.equal(formatNumber('en', 1.5), '1.5');
  assert.equal(formatNumber('fr', 999), '999');
});

test('every number a message is given is formatted in the message’s language, counts read from a query string too', () => {
  assert.equal(i18n.t('fr', 'search.results', { count: 12345 }), `Médias (12${NNBSP}345)`);
  assert.equal(i18n.t('en', 'search.results', { count: 12345 }), 'Media (12,345)');
  // A notice's ?n= arrives as a string of digits.
  assert.equal(i18n.t('en', 'search.results', { count: '12345' }), 'Media (12,345)');
  assert.equal(i18n.t('fr', 'admin.media.files', { max: 20, size: 2048 }), `Fichiers (jusqu’à 20 à la fois, 2${NNBSP}048\u00a0Mo chacun)`);
  assert.equal(i18n.t('en', 'admin.media.files', { max: 20, size: 2048 }), 'Files (up to 20 at once, 2,048 MB each)');
  // Plural forms still follow the count: French treats 0 and 1 as singular.
  assert.equal(i18n.t('fr', 'cards.views', { count: 0 }), '0 vue');
  assert.equal(i18n.t('fr', 'cards.views', { count: 1 }), '1 vue');
  assert.equal(i18n.t('fr', 'cards.views', { count: 1500 }), `1${NNBSP}500 vues`);
  assert.equal(i18n.t('en', 'cards.views', { count: 1500 }), '1,500 views');
  // What is not a number (an identifier, a year given as text) is written as it is.
  assert.equal(i18n.t('en', 'admin.media.bulk.number', { id: '12345' }), 'no. 12345');
});

test('counts shown on pages and in tables are formatted in the page’s language', async () => {
  const t = await makeApp();
  try {
    await addUser(t, 'alice', 'admin');
    const sector = await t.store.sectors.create({ slug: 'archives', title: 'Archives', description: '', order: 0, visible: true, display: 'grid', defaultSort: 'date' });
    const media = await t.store.media.create(mediaRecord({ slug: 'affiche', title: 'Affiche', sectorId: sector.id, views: 12345, original: { file: 'none', mime: 'image/png', size: 1, name: 'a.png', sha256: '0', width: 4000, height: 3000 } }));
    await t.app.kiosque.search.reindex();
    await t.store.settings.set('media', { ...mediaDisplayDefaults, showViews: true });
    const fr = await request(t.app).get(`/media/${media.id}/affiche?lang=fr`).expect(200);
    assert.match(fr.text, new RegExp(`<dd class="media-views">12${NNBSP}345</dd>`));
    assert.match(fr.text, new RegExp(`<dd>4${NNBSP}000\u00a0×\u00a03${NNBSP}000</dd>`));
    const en = await request(t.app).get(`/media/${media.id}/affiche?lang=en`).expect(200);
    assert.match(en.text, /<dd class="media-views">12,345<\/dd>/);
    const agent = await signIn(t, 'alice');
    const upload = await agent.get('/admin/media?lang=fr').expect(200);
    assert.match(upload.text, new RegExp(`2${NNBSP}048\u00a0Mo chacun`));
  } finally {
    await t.close();
  }
});
