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

// The regular-expression tokenizer that the single-scan one replaced: the oracle for the test below.
function referenceTokenize(text: string): string[] {
  const wordChar = (c: string) => {
    const folded = fold(c);
    return folded === '' || /^[\p{L}\p{N}]+$/u.test(folded) ? folded : ' ';
  };
  const lower = text.toLowerCase();
  const words = lower.replace(/[\u0080-\u{10ffff}]/gu, wordChar).split(/[^a-z0-9\u0080-\uffff]+/);
  if (words[0] === '') words.shift();
  if (words.length && words[words.length - 1] === '') words.pop();
  return words;
}

test('tokenising agrees with the plain regular-expression definition on random text', () => {
  const alphabet = [
    ...'aZ09 -_\'".,;:!?()/\\@#\t\n',
    ...'éÉèàçÇôÔïüÿñÑ', 'e\u0301', '\u0301', '\u0327',
    ...'œŒæÆßŀıİøØđłŁ', 'ﬁ', 'Σς',
    '’', '«', '»', '—', '\u00a0', '\u200b', '€', '½', '²', '٣',
    '🎭', '😀', '𝐀𝐛', '𠀀', '\ud83d', '\ude00',
    '東京', 'Ελληνικά', 'Привет', 'Ａ！',
  ];
  let seed = 7;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let round = 0; round < 5000; round++) {
    let text = '';
    const length = Math.floor(next() * 24);
    for (let i = 0; i < length; i++) text += alphabet[Math.floor(next() * alphabet.length)];
    assert.deepEqual(tokenize(text), referenceTokenize(text), JSON.stringify(text));
  }
});
