import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressAllowed, compileAddresses, isAlwaysOpen, matchesPattern, mediaIdOf, normalisePattern, sectorSlugOf } from '../../../plugins/intranet/rules.ts';
import { normalizePath } from '../../../core/http/normalize-path.ts';

test('an exact pattern matches only that path', () => {
  const p = normalisePattern('/About')!;
  assert.ok(matchesPattern('/about', p));
  assert.ok(!matchesPattern('/about/team', p));
  assert.ok(!matchesPattern('/aboutx', p));
});

test('a prefix pattern matches segment-wise, never as a substring', () => {
  const p = normalisePattern('/docs/*')!;
  assert.ok(matchesPattern('/docs', p));
  assert.ok(matchesPattern('/docs/a/b', p));
  assert.ok(!matchesPattern('/docsecret', p));
  assert.ok(!matchesPattern('/media/docs', p));
});

test('patterns that could escape their prefix are refused', () => {
  for (const bad of ['docs', '//evil', '/a/../media/*', '/a/./b', '/x%2f..', '/a*b', '/a b', '/a\\b', '/a;b']) {
    assert.equal(normalisePattern(bad), null, bad);
  }
});

test('gate-normalised spellings of a private path never match a public pattern', () => {
  const pub = normalisePattern('/login/*')!;
  for (const raw of ['/login/../media/1', '/login%2F..%2Fmedia/1', '/LOGIN/..//media/1']) {
    const path = normalizePath(raw)!;
    assert.equal(path, '/media/1');
    assert.ok(!matchesPattern(path, pub), raw);
    assert.ok(!isAlwaysOpen(path), raw);
  }
});

test('always-open paths are exactly the sign-in needs', () => {
  for (const open of ['/login', '/logout', '/setup', '/favicon.ico', '/robots.txt', '/assets', '/assets/style.css']) assert.ok(isAlwaysOpen(open), open);
  for (const closed of ['/', '/loginx', '/assetsx', '/media/1', '/files/1/thumb', '/api/v1/media', '/search']) assert.ok(!isAlwaysOpen(closed), closed);
  assert.ok(!isAlwaysOpen(normalizePath('/assets/..%2f..%2fdata/db/users.json')!));
});

test('addresses: IPv4, IPv6, CIDR ranges and IPv4-mapped IPv6', () => {
  const list = compileAddresses(['192.168.10.0/24', '2001:db8::/32', '10.1.2.3', ' ']);
  assert.ok(addressAllowed(list, '192.168.10.77'));
  assert.ok(addressAllowed(list, '::ffff:192.168.10.77'));
  assert.ok(addressAllowed(list, '10.1.2.3'));
  assert.ok(addressAllowed(list, '2001:db8:1::5'));
  assert.ok(!addressAllowed(list, '192.168.11.1'));
  assert.ok(!addressAllowed(list, '10.1.2.4'));
  assert.ok(!addressAllowed(list, '2001:db9::1'));
  assert.ok(!addressAllowed(list, 'not-an-ip'));
  assert.ok(!addressAllowed(list, ''));
});

test('invalid address lines are refused with the line', () => {
  assert.throws(() => compileAddresses(['10.0.0.0/33']), /10\.0\.0\.0\/33/);
  assert.throws(() => compileAddresses(['example.org']), /example\.org/);
  assert.throws(() => compileAddresses(['10.0.0.0/8/1']), /10\.0\.0\.0\/8\/1/);
});

test('content paths name their media or sector', () => {
  assert.equal(mediaIdOf('/media/12'), '12');
  assert.equal(mediaIdOf('/media/12/a-slug'), '12');
  assert.equal(mediaIdOf('/files/12/thumb'), '12');
  assert.equal(mediaIdOf('/media/12/a/b'), null);
  assert.equal(mediaIdOf('/media/x'), null);
  assert.equal(sectorSlugOf('/sectors/archives'), 'archives');
  assert.equal(sectorSlugOf('/sectors/archives/x'), null);
});
