import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrMatcher, matchesPathPattern } from '../../core/plugins/api.ts';

test('cidrMatcher: IPv4 and IPv6 ranges, single addresses, IPv4-mapped clients; junk never matches', () => {
  const allowed = cidrMatcher(['10.0.0.0/8', '192.0.2.7', '2001:db8::/32', 'not-an-ip']);
  assert.equal(allowed('10.1.2.3'), true);
  assert.equal(allowed('11.0.0.1'), false);
  assert.equal(allowed('192.0.2.7'), true);
  assert.equal(allowed('192.0.2.8'), false);
  assert.equal(allowed('::ffff:10.9.9.9'), true);
  assert.equal(allowed('2001:db8:1::5'), true);
  assert.equal(allowed('2001:db9::1'), false);
  assert.equal(allowed(''), false);
  assert.equal(allowed('10.0.0.1, 8.8.8.8'), false);
  assert.equal(cidrMatcher([])('127.0.0.1'), false);
});

test('matchesPathPattern: exact, or prefix with a final *, never a substring', () => {
  assert.equal(matchesPathPattern('/about', '/about'), true);
  assert.equal(matchesPathPattern('/about', '/about/team'), false);
  assert.equal(matchesPathPattern('/about', '/x/about'), false);
  assert.equal(matchesPathPattern('/docs/*', '/docs/a'), true);
  assert.equal(matchesPathPattern('/docs/*', '/docs'), false);
  assert.equal(matchesPathPattern('/docs/*', '/docsx/a'), false);
  assert.equal(matchesPathPattern('/admin*', '/admin'), true);
});
