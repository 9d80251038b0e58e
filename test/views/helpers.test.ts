import { test } from 'node:test';
import assert from 'node:assert/strict';
import Handlebars from 'handlebars';
import { createHelpers } from '../../core/views/helpers.ts';
import { createI18n, loadDictionaries } from '../../core/i18n/index.ts';
import { createSlots } from '../../core/views/slots.ts';
import { ROOT_DIR } from '../../core/app.ts';
import path from 'node:path';

const helpers = createHelpers({ i18n: createI18n(loadDictionaries(path.join(ROOT_DIR, 'core', 'i18n'))), slots: createSlots(() => {}) });
const render = (template: string, context: Record<string, unknown>) => Handlebars.compile(template)(context, { helpers });

test('date formats a date, a timestamp or a year in the page language, the same on every call', () => {
  const at = '2024-05-03T10:00:00.000Z';
  // Intl's medium date, with no-break spaces so that it never wraps.
  const medium = (locale: string) => {
    const format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
    return { format: (d: Date) => format.format(d).replace(/ /g, '\u00a0') };
  };
  const expected = { en: medium('en-GB'), fr: medium('fr-FR') };
  assert.equal(render('{{date at}}', { lang: 'fr', at }), '3\u00a0mai\u00a02024');
  assert.equal(render('{{date at}}', { lang: 'en', at }), '3\u00a0May\u00a02024');
  for (let round = 0; round < 2; round++) {
    assert.equal(render('{{date at}}', { lang: 'en', at }), expected.en.format(new Date(at)));
    assert.equal(render('{{date at}}', { lang: 'fr', at }), Handlebars.Utils.escapeExpression(expected.fr.format(new Date(at))));
    assert.equal(render('{{date at}}', { lang: 'en', at: Date.parse(at) }), expected.en.format(new Date(at)));
    // A string of digits is a date string (a year), a number a timestamp.
    assert.equal(render('{{date at}}', { lang: 'en', at: '2024' }), expected.en.format(new Date('2024')));
    assert.equal(render('{{date at}}', { lang: 'en', at: 2024 }), expected.en.format(new Date(2024)));
    assert.equal(render('{{date at}}', { lang: 'en', at: 'not a date' }), '');
    assert.equal(render('{{date at}}', { lang: 'en', at: null }), '');
  }
});

test('number writes a count as the page’s language does, and leaves what is not a number as it is', () => {
  assert.equal(render('{{number n}}', { lang: 'fr', n: 12345 }), '12\u202f345');
  assert.equal(render('{{number n}}', { lang: 'en', n: 12345 }), '12,345');
  assert.equal(render('{{number n}}', { lang: 'en', n: '2024' }), '2024');
  assert.equal(render('{{number n}}', { lang: 'en' }), '');
});
