import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fold, tokenize, searchable, parseTextQuery } from '../../core/search/index.ts';

test('folding removes case and accents both ways', () => {
  assert.equal(fold('Médias'), 'medias');
  assert.equal(fold('MÉDIAS'), 'medias');
  assert.equal(fold('medias'), 'medias');
  assert.equal(fold('Œuvre Ærienne straße'), 'oeuvre aerienne strasse');
  assert.equal(fold('Ça GARÇON naïf'), 'ca garcon naif');
});

test('tokenising splits on anything but letters and digits', () => {
  assert.deepEqual(tokenize("L'été 2024, à Saint-Étienne!"), ['l', 'ete', '2024', 'a', 'saint', 'etienne']);
  assert.deepEqual(tokenize(''), []);
  assert.equal(searchable('Les Médias'), ' les medias ');
});

test('a text query separates terms, quoted phrases and exclusions', () => {
  assert.deepEqual(parseTextQuery('Masq "Carnaval de  Venise" -Paris -"Grand Palais"'), {
    terms: ['masq'],
    phrases: ['carnaval de venise'],
    excluded: ['paris', 'grand palais'],
  });
  assert.deepEqual(parseTextQuery('"unclosed phrase'), { terms: [], phrases: ['unclosed phrase'], excluded: [] });
  assert.deepEqual(parseTextQuery(' - "" '), { terms: [], phrases: [], excluded: [] });
});
