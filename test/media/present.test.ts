import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSize, srcset } from '../../core/media/present.ts';
import { mediaInput } from '../search/fixtures.ts';
import type { Media } from '../../core/store/index.ts';

const file = (name: string, width: number) => ({ file: `x/${name}.jpg`, mime: 'image/jpeg', size: 1, width, height: width });

test('srcset names each width once: a small original gives medium and large the same width', () => {
  const small = { ...mediaInput({ variants: { thumb: file('thumb', 320), medium: file('medium', 640), large: file('large', 640) } }), id: '7' } as Media;
  assert.equal(srcset(small), '/files/7/thumb 320w, /files/7/medium 640w');
  const big = { ...mediaInput({ variants: { thumb: file('thumb', 320), medium: file('medium', 800), large: file('large', 1600) } }), id: '8' } as Media;
  assert.equal(srcset(big), '/files/8/thumb 320w, /files/8/medium 800w, /files/8/large 1600w');
  assert.equal(srcset({ ...mediaInput(), id: '9' } as Media), '');
});

test('a French size keeps its number and unit together with a non-breaking space; English keeps a plain one', () => {
  assert.equal(formatSize(1536 * 1024, 'fr'), '1,5\u00a0Mo');
  assert.equal(formatSize(512, 'fr'), '512\u00a0o');
  assert.equal(formatSize(1536 * 1024, 'en'), '1.5 MB');
});
