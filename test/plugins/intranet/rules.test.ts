import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAlwaysOpen, mediaIdOf, requestMediaId, sectorSlugOf } from '../../../plugins/intranet/rules.ts';
import { normalizePath } from '../../../core/http/normalize-path.ts';

test('always-open paths are exactly what signing in needs', () => {
  for (const open of ['/login', '/logout', '/setup', '/favicon.ico', '/robots.txt', '/site/logo', '/assets', '/assets/style.css']) assert.ok(isAlwaysOpen(open), open);
  for (const closed of ['/', '/loginx', '/login/x', '/assetsx', '/media/1', '/files/1/thumb', '/api/v1/media', '/search']) assert.ok(!isAlwaysOpen(closed), closed);
});

test('gate-normalised spellings of private paths are never open', () => {
  for (const raw of ['//MEDIA//1', '/Media/1/', '/%6Dedia/1']) {
    const path = normalizePath(raw)!;
    assert.equal(path, '/media/1', raw);
    assert.ok(!isAlwaysOpen(path), raw);
  }
  // Dot segments and escaped slashes never reach a rule: the gate answers 400 to a path it cannot read as the router does.
  for (const raw of ['/login/../media/1', '/assets/%2e%2e/media/1', '/login%2F..%2Fmedia/1', '/assets/..%2f..%2fmedia/1', '/assets/..%2f..%2fdata/db/users.json']) assert.equal(normalizePath(raw), null, raw);
});

test('content paths name their media or sector', () => {
  assert.equal(mediaIdOf('/media/12'), '12');
  assert.equal(mediaIdOf('/media/12/a-slug'), '12');
  assert.equal(mediaIdOf('/files/12/thumb'), '12');
  assert.equal(mediaIdOf('/media/12/a/b'), null);
  assert.equal(mediaIdOf('/media/x'), null);
  assert.equal(mediaIdOf('/embed/12'), '12');
  assert.equal(mediaIdOf('/embed/12/x'), null);
  assert.equal(sectorSlugOf('/sectors/archives'), 'archives');
  assert.equal(sectorSlugOf('/sectors/archives/x'), null);
  assert.equal(sectorSlugOf('/sectors/archives/feed'), 'archives');
  assert.equal(sectorSlugOf('/sectors/archives/feed/x'), null);
});

test('an oEmbed request is about the media its url parameter names, read as core reads it', () => {
  const q = (url: string) => `/oembed?url=${encodeURIComponent(url)}`;
  assert.equal(requestMediaId('/oembed', q('http://site.test/media/12/a-slug')), '12');
  assert.equal(requestMediaId('/oembed', q('https://other.test/embed/12')), '12', 'the route, not the rule, refuses other sites');
  assert.equal(requestMediaId('/oembed', q('http://site.test/media/12/../13')), '13');
  assert.equal(requestMediaId('/oembed', q('http://site.test/files/12/thumb')), null);
  assert.equal(requestMediaId('/oembed', q('/media/12')), null, 'relative');
  assert.equal(requestMediaId('/oembed', `${q('http://site.test/media/12')}&url=${encodeURIComponent('http://site.test/media/13')}`), null, 'repeated');
  assert.equal(requestMediaId('/oembed', '/oembed?x=1'), null);
  // Anywhere else the path decides, never the query.
  assert.equal(requestMediaId('/media/12', `/media/12?url=${encodeURIComponent('http://site.test/media/13')}`), '12');
  assert.equal(requestMediaId('/search', q('http://site.test/media/13')), null);
});
