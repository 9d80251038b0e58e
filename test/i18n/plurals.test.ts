import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createI18n, languages, loadDictionaries } from '../../core/i18n/index.ts';
import { ROOT_DIR } from '../../core/app.ts';

const dictionaries = loadDictionaries(path.join(ROOT_DIR, 'core', 'i18n'));

test('a key with plural forms takes the one for the count, in each language’s rules', () => {
  const i18n = createI18n({ en: { 'x.views.one': '{count} view', 'x.views.other': '{count} views' }, fr: { 'x.views.one': '{count} vue', 'x.views.other': '{count} vues' } });
  assert.equal(i18n.t('en', 'x.views', { count: 1 }), '1 view');
  assert.equal(i18n.t('en', 'x.views', { count: 0 }), '0 views');
  assert.equal(i18n.t('en', 'x.views', { count: 2 }), '2 views');
  // French counts 0 and 1 as singular.
  assert.equal(i18n.t('fr', 'x.views', { count: 0 }), '0 vue');
  assert.equal(i18n.t('fr', 'x.views', { count: 1 }), '1 vue');
  assert.equal(i18n.t('fr', 'x.views', { count: 2 }), '2 vues');
  // A count read from a query string, and no count at all.
  assert.equal(i18n.t('fr', 'x.views', { count: '1' }), '1 vue');
  assert.equal(i18n.t('en', 'x.views'), '{count} views');
  assert.ok(i18n.has('en', 'x.views'));
  assert.equal(i18n.t('en', 'x.unknown', { count: 1 }), 'x.unknown');
});

test('a language’s own plural forms win over the English fallback’s plain text, and plugins’ strings may be plural too', () => {
  const i18n = createI18n({ en: { 'x.moved': 'Moved: {count} media.' }, fr: { 'x.moved.one': 'Déplacé : {count} média.', 'x.moved.other': 'Déplacés : {count} médias.' } });
  assert.equal(i18n.t('fr', 'x.moved', { count: 1 }), 'Déplacé : 1 média.');
  assert.equal(i18n.t('en', 'x.moved', { count: 1 }), 'Moved: 1 media.');
  i18n.add('plugin.demo', { en: { items: { one: '{count} item', other: '{count} items' } } });
  assert.equal(i18n.t('en', 'plugin.demo.items', { count: 1 }), '1 item');
  assert.equal(i18n.t('fr', 'plugin.demo.items', { count: 5 }), '5 items', 'English forms when the plugin has no French');
});

test('the shipped dictionaries: every plural key has its "other" form, and French and English hold the same keys', () => {
  const plural = (key: string) => /\.(zero|one|two|few|many|other)$/.test(key);
  for (const lang of languages) {
    const keys = Object.keys(dictionaries[lang]);
    for (const key of keys.filter(plural)) assert.ok(keys.includes(key.replace(/\.\w+$/, '.other')), `${lang}: ${key} without its other form`);
  }
  const base = (lang: (typeof languages)[number]) => new Set(Object.keys(dictionaries[lang]).map((k) => (plural(k) ? k.replace(/\.\w+$/, '') : k)));
  const [en, fr] = [base('en'), base('fr')];
  assert.deepEqual([...en].filter((k) => !fr.has(k)), [], 'keys missing in French');
  assert.deepEqual([...fr].filter((k) => !en.has(k)), [], 'keys missing in English');
});

test('counted texts read right in French: one media, several media', () => {
  const i18n = createI18n(dictionaries);
  assert.equal(i18n.t('fr', 'admin.media.done_uploaded', { count: 1 }), '1 fichier ajouté.');
  assert.equal(i18n.t('fr', 'admin.media.done_uploaded', { count: 3 }), '3 fichiers ajoutés.');
  assert.equal(i18n.t('en', 'cards.views', { count: 1 }), '1 view');
  assert.equal(i18n.t('fr', 'cards.views', { count: 0 }), '0 vue');
  for (const lang of languages) {
    for (const [key, text] of Object.entries(dictionaries[lang])) assert.doesNotMatch(text, /\(s\)/, `${lang} ${key}: a plural form instead of "(s)"`);
  }
});
