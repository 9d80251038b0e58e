import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAlwaysOpen, mediaIdOf, sectorSlugOf } from '../../../plugins/intranet/rules.ts';
import { normalizePath } from '../../../core/http/normalize-path.ts';

test('always-open paths are exactly what signing in needs', () => {
  for (const open of ['/login', '/logout', '/setup', '/favicon.ico', '/robots.txt', '/site/logo', '/assets', '/assets/style.css']) assert.ok(isAlwaysOpen(open), open);
  for (const closed of ['/', '/loginx', '/login/x', '/assetsx', '/media/1', '/files/1/thumb', '/api/v1/media', '/search']) assert.ok(!isAlwaysOpen(closed), closed);
});

test('gate-normalised spellings of private paths are never open', () => {
  for (const raw of ['/login/../media/1', '/login%2F..%2Fmedia/1', '/LOGIN/..//media/1', '/assets/../media/1', '/assets/..%2f..%2fmedia/1']) {
    const path = normalizePath(raw)!;
    assert.equal(path, '/media/1', raw);
    assert.ok(!isAlwaysOpen(path), raw);
  }
  assert.ok(!isAlwaysOpen(normalizePath('/assets/..%2f..%2fdata/db/users.json')!));
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
