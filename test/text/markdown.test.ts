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

test('read away from the site (feeds), its links and images become absolute; other sites’ images stay links', () => {
  const render = createMarkdownRenderer();
  const absolute = (p: string) => `https://kiosque.example${p}`;
  const html = render('[port](/sectors/port) [ailleurs](https://example.org/) ![plan](/files/1/large) ![x](https://example.org/x.png) [proto](//example.org/y)', { absolute });
  assert.match(html, /<a href="https:\/\/kiosque\.example\/sectors\/port">port<\/a>/);
  assert.match(html, /<a href="https:\/\/example\.org\/">ailleurs<\/a>/);
  assert.match(html, /<img src="https:\/\/kiosque\.example\/files\/1\/large" alt="plan">/);
  assert.match(html, /<a href="https:\/\/example\.org\/x\.png" rel="nofollow noopener">x<\/a>/);
  assert.match(html, /<a href="\/\/example\.org\/y">proto<\/a>/, 'a scheme-relative link is another site');
  // Without it, the page's own rendering keeps site paths as they are.
  assert.match(render('[port](/sectors/port)'), /<a href="\/sectors\/port">/);
});
