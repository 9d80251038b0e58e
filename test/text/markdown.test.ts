import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMarkdownRenderer } from '../../core/text/markdown.ts';

test('Markdown: emphasis and links render, typed HTML comes out as text, dangerous links are refused', () => {
  const md = createMarkdownRenderer();
  assert.equal(md('Une **belle** [page](https://example.org/a)').trim(), '<p>Une <strong>belle</strong> <a href="https://example.org/a">page</a></p>');
  assert.match(md('<script>alert(1)</script>'), /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.doesNotMatch(md('[x](javascript:alert(1))'), /href="javascript:/);
  assert.doesNotMatch(md('"><img src=x onerror=alert(1)>'), /<img/);
});

test('Markdown: this site’s images show, another site’s become a link (the page’s CSP would block them)', () => {
  const md = createMarkdownRenderer();
  assert.match(md('![Affiche](/files/12/medium)'), /<img src="\/files\/12\/medium" alt="Affiche">/);
  const external = md('![Affiche](https://cdn.example.org/a.jpg) and ![](//evil.example/x.png)');
  assert.doesNotMatch(external, /<img/);
  assert.match(external, /<a href="https:\/\/cdn\.example\.org\/a\.jpg" rel="nofollow noopener">Affiche<\/a>/);
  assert.match(external, /<a href="\/\/evil\.example\/x\.png" rel="nofollow noopener">\/\/evil\.example\/x\.png<\/a>/);
});

test('Markdown: headings pushed down by the offset, line breaks kept when asked', () => {
  assert.match(createMarkdownRenderer({ headingOffset: 2 })('# Titre\n\n###### Petit'), /<h3>Titre<\/h3>\n<h6>Petit<\/h6>/);
  assert.match(createMarkdownRenderer({ breaks: true })('ligne 1\nligne 2'), /ligne 1<br>\nligne 2/);
  assert.doesNotMatch(createMarkdownRenderer()('ligne 1\nligne 2'), /<br>/);
});
