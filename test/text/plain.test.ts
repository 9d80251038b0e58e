import { test } from 'node:test';
import assert from 'node:assert/strict';
import { excerpt, plainText } from '../../core/text/plain.ts';

test('plainText keeps the words of Markdown and drops its markup', () => {
  const source = '# Le *bal*\n\nUn **grand** [bal](https://example.org/bal) masqué,\nsur deux lignes.\n\n- un\n- deux\n\n![Affiche du bal](/files/1/large) `code` &amp; fin';
  assert.equal(plainText(source), 'Le bal Un grand bal masqué, sur deux lignes. un deux Affiche du bal code & fin');
});

test('plainText gives typed HTML back as text (the caller escapes it) and drops control characters', () => {
  assert.equal(plainText('<script>alert("x")</script>\u0007 <b>gras</b>'), '<script>alert("x")</script> <b>gras</b>');
  assert.equal(plainText(''), '');
  assert.equal(plainText('```\nconst a = 1;\n```'), 'const a = 1;');
});

test('excerpt leaves a short text alone and cuts a long one at a word, with an ellipsis, within the limit', () => {
  assert.equal(excerpt('Un texte court.', 160), 'Un texte court.');
  const long = `${'mot '.repeat(60)}fin`;
  const cut = excerpt(long, 160);
  assert.ok(Array.from(cut).length <= 160, cut);
  assert.ok(Array.from(cut).length >= 150, `cut near the limit: ${cut.length}`);
  assert.match(cut, /^(?:mot )+mot…$/);
  // The character at the limit is a space: the whole word before it stays.
  assert.equal(excerpt('abcd efgh ijkl', 10), 'abcd efgh…');
  // Punctuation left at the cut goes before the ellipsis.
  assert.equal(excerpt('abcd, efgh, ijkl', 11), 'abcd, efgh…');
});

test('excerpt never splits a character and cuts a text without spaces where it reaches the limit', () => {
  const emoji = '😀'.repeat(200);
  const cut = excerpt(emoji, 160);
  assert.equal(Array.from(cut).length, 160);
  assert.equal(cut, `${'😀'.repeat(159)}…`);
  const url = `https://example.org/${'a'.repeat(300)}`;
  assert.equal(Array.from(excerpt(`Voir ${url}`, 160)).length, 160);
});
