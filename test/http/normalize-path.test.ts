import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeAnyPath, normalizePath } from '../../core/http/normalize-path.ts';
import { seededRandom } from '../../bench/lib/random.ts';

test('the shortcut for plain paths gives what the full normalisation gives, on random paths', () => {
  const rand = seededRandom(3);
  const pieces = ['/', '/', '/', 'a', 'b', 'media', '12', '.', '..', '...', '-', '_', '~', 'A', 'É', '%2e', '%2F', '%41', '\\', ';x', '%', ' ', ''];
  let shortcuts = 0;
  for (let round = 0; round < 20000; round++) {
    let path = '';
    for (let i = Math.floor(rand() * 8); i > 0; i--) path += pieces[Math.floor(rand() * pieces.length)];
    const full = normalizeAnyPath(path);
    if (full === path) shortcuts++;
    assert.equal(normalizePath(path), full, JSON.stringify(path));
  }
  assert.ok(shortcuts > 500, `plain paths were generated (${shortcuts})`);
});

test('plain paths come back as they are; the others are normalised', () => {
  assert.equal(normalizePath('/media/12/un-titre'), '/media/12/un-titre');
  assert.equal(normalizePath('/.well-known/x'), '/.well-known/x');
  assert.equal(normalizePath('//a///b/'), '/a/b');
  assert.equal(normalizePath('/Admin'), '/admin');
  assert.equal(normalizePath('/%61dmin'), '/admin');
  assert.equal(normalizePath(''), '/');
});

test('a dot segment, escaped or not, makes a path unreadable: the router does not resolve it, browsers never send one', () => {
  for (const p of ['/plugins/x/../../login', '/media/1/%2e%2e/%2e%2e/login', '/a/./b', '/assets/%2E/style.css', '/login/..', '/..;x/media']) {
    assert.equal(normalizePath(p), null, p);
  }
  // Dots inside a name are names.
  assert.equal(normalizePath('/.well-known/x.y/...'), '/.well-known/x.y/...');
});

test('a backslash or an escaped slash makes a path unreadable: the router does not split on them', () => {
  for (const p of ['/media/1/..%2F..%2Flogin', '/media/1/..%2f..%2fassets%2fx', '/media/1/..\\..\\login', '/media/1/..%5C..%5Clogin', '/a%2Fb', '/a\\b']) {
    assert.equal(normalizePath(p), null, p);
  }
  // Escapes of anything else are still read.
  assert.equal(normalizePath('/%4Dedia/%31'), '/media/1');
  assert.equal(normalizePath('/%4Dedia/1;x'), '/media/1');
});
