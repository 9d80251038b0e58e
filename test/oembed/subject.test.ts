import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mediaPageOf, oembedMediaId, urlParameter } from '../../core/oembed/subject.ts';

test('the url parameter is read from the query as sent: missing, empty, repeated or one value', () => {
  assert.equal(urlParameter('/oembed'), undefined);
  assert.equal(urlParameter('/oembed?url='), undefined);
  assert.equal(urlParameter('/oembed?format=json'), undefined);
  assert.equal(urlParameter('/oembed?url=a&url=b'), null);
  assert.equal(urlParameter('/oembed?url=a&url='), null);
  assert.equal(urlParameter(`/oembed?format=xml&url=${encodeURIComponent('http://s.test/media/1?a=1&b=2')}`), 'http://s.test/media/1?a=1&b=2');
});

test('a media page address names its media and its origin, on the gate-normalised path', () => {
  assert.deepEqual(mediaPageOf('http://s.test/media/12'), { origin: 'http://s.test', id: '12' });
  assert.deepEqual(mediaPageOf('https://S.TEST:443/Media/12/Some-Slug/?x=1#y'), { origin: 'https://s.test', id: '12' });
  assert.deepEqual(mediaPageOf('http://s.test:8080/embed/7'), { origin: 'http://s.test:8080', id: '7' });
  assert.deepEqual(mediaPageOf('http://s.test/sectors/x/../../media/3'), { origin: 'http://s.test', id: '3' });
  for (const url of ['/media/1', 's.test/media/1', 'ftp://s.test/media/1', 'javascript:alert(1)', 'http://s.test/', 'http://s.test/files/1/thumb', 'http://s.test/media/1/a/b', 'http://s.test/embed/1/x', 'http://s.test/media/x', 'http://s.test/media/1%00', 'http://s.test/media/3/..%2F4', `http://s.test/media/${'9'.repeat(16)}`]) {
    assert.equal(mediaPageOf(url), null, url);
  }
});

test('access rules get the media of the one url parameter, whatever its origin', () => {
  assert.equal(oembedMediaId(`/oembed?url=${encodeURIComponent('http://elsewhere.test/media/5/x')}`), '5');
  assert.equal(oembedMediaId('/oembed?url=/media/5'), null);
  assert.equal(oembedMediaId(`/oembed?url=${encodeURIComponent('http://s.test/media/5')}&url=${encodeURIComponent('http://s.test/media/6')}`), null);
});
