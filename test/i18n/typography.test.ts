import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT_DIR } from '../../core/app.ts';

// French typography as SPIP applies it (Imprimerie nationale usage): a non-breaking space before
// ":", a narrow one before ";", "!" and "?", non-breaking spaces inside « », and ’ for the
// apostrophe. A plain space there lets the browser wrap the mark to the start of the next line.
const NBSP = '\u00a0';
const NNBSP = '\u202f';

interface Text {
  where: string;
  lang: string;
  text: string;
}

/**
 * URLs and clock times are not prose: they are blanked (keeping their length, so excerpts read the
 * original) before the checks. Placeholders need no blanking: `{name}` holds word characters only.
 */
function prose(text: string): string {
  const blank = (m: string) => 'x'.repeat(m.length);
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s«»)]*/gi, blank).replace(/\b\d{1,2}:\d{2}\b/g, blank);
}

function frenchProblems(text: string): string[] {
  const s = prose(text);
  const problems: string[] = [];
  if (s.includes("'")) problems.push('straight apostrophe (write ’)');
  if (s.includes('...')) problems.push('three dots (write …)');
  if (/«(?!\u00a0)/.test(s)) problems.push('« without U+00A0 after it');
  if (/(?<!\u00a0)»/.test(s)) problems.push('» without U+00A0 before it');
  for (const m of s.matchAll(/[:;!?]/g)) {
    const mark = m[0];
    const before = s.slice(0, m.index);
    const after = s.charAt(m.index + 1);
    // Glued to what follows, the mark belongs to a technical value (2001:db8::/32, ?token=…).
    if (after !== '' && !/[\s»).,…]/.test(after)) continue;
    // "?!": the space goes before the first mark only.
    if (/[!?]$/.test(before) && mark !== ':') continue;
    // Standing alone after a comma, a colon or an opening mark, it is a character being cited: "« // », ? ni #".
    const word = before.replace(/\s+$/, '');
    if (word === '' || /[,;:(«]$/.test(word)) continue;
    const space = mark === ':' ? NBSP : NNBSP;
    if (!before.endsWith(space) || /\s$/.test(before.slice(0, -1))) {
      problems.push(`"${mark}" without ${mark === ':' ? 'U+00A0' : 'U+202F'} before it (…${text.slice(Math.max(0, m.index - 12), m.index + 1)})`);
    }
  }
  return problems;
}

function englishProblems(text: string): string[] {
  return prose(text).includes("'") ? ['straight apostrophe (write ’)'] : [];
}

const rules: Record<string, (text: string) => string[]> = { fr: frenchProblems, en: englishProblems };

function strings(value: unknown, key: string, out: Array<[string, string]> = []): Array<[string, string]> {
  if (typeof value === 'string') out.push([key, value]);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) strings(v, key ? `${key}.${k}` : k, out);
  return out;
}

const readJson = (file: string): unknown => JSON.parse(readFileSync(path.join(ROOT_DIR, file), 'utf8'));
const folders = (dir: string) => readdirSync(path.join(ROOT_DIR, dir), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `${dir}/${d.name}`);

/** Every translated text: the dictionaries (core's, each plugin's and theme's) and the localised fields of the manifests. */
function translatedTexts(): Text[] {
  const texts: Text[] = [];
  for (const dir of ['core', ...folders('plugins'), ...folders('themes')]) {
    for (const lang of Object.keys(rules)) {
      const file = `${dir}/i18n/${lang}.json`;
      if (!existsSync(path.join(ROOT_DIR, file))) continue;
      for (const [key, text] of strings(readJson(file), '')) texts.push({ where: `${file} ${key}`, lang, text });
    }
  }
  const manifests = [...folders('plugins').map((d) => `${d}/plugin.json`), ...folders('themes').map((d) => `${d}/theme.json`)];
  for (const file of manifests.filter((f) => existsSync(path.join(ROOT_DIR, f)))) {
    for (const [key, text] of strings(readJson(file), '')) {
      const lang = key.split('.').at(-1)!;
      if (lang in rules) texts.push({ where: `${file} ${key}`, lang, text });
    }
  }
  return texts;
}

test('the checks catch each typographic fault and leave technical values alone', () => {
  assert.deepEqual(frenchProblems('Nom du site : {site}'), ['":" without U+00A0 before it (…Nom du site :)']);
  assert.equal(frenchProblems('Vraiment?').length, 1);
  assert.equal(frenchProblems('Vraiment\u00a0?').length, 1, 'U+202F, not U+00A0, before ?');
  assert.equal(frenchProblems('Oui ; non').length, 1);
  assert.equal(frenchProblems('Attention !').length, 1);
  assert.deepEqual(frenchProblems("Il n'y a rien"), ['straight apostrophe (write ’)']);
  assert.deepEqual(frenchProblems('« {title} »'), ['« without U+00A0 after it', '» without U+00A0 before it']);
  assert.deepEqual(frenchProblems('Chargement...'), ['three dots (write …)']);
  const mixed = frenchProblems('Il n’y a rien\u00a0: «\u00a0{title}\u00a0» ; vraiment\u202f? Oui\u202f!');
  assert.equal(mixed.length, 1, mixed.join('\n'));
  assert.match(mixed[0]!, /^";" without U\+202F/);
  for (const fine of [
    'Il n’y a rien à cette adresse\u00a0: {id}.',
    'Vraiment\u202f?!',
    'Voir https://example.org/a?b=c ou 12:30, ex. 2001:db8::/32.',
    'il se termine par ?token=…',
    'sans espace, «\u00a0..\u00a0», «\u00a0//\u00a0», ? ni #',
    '{group}\u00a0: {keyword}',
  ]) {
    assert.deepEqual(frenchProblems(fine), [], fine);
  }
  assert.deepEqual(englishProblems("the author's media"), ['straight apostrophe (write ’)']);
  assert.deepEqual(englishProblems('the author’s media: {name}'), []);
});

test('every French and English string follows the typography rules', () => {
  const texts = translatedTexts();
  const sources = new Set(texts.map((t) => t.where.split(' ')[0]));
  for (const file of ['core/i18n/fr.json', 'core/i18n/en.json', 'plugins/hello/i18n/fr.json', 'plugins/hello/plugin.json', 'themes/default/theme.json']) {
    assert.ok(sources.has(file), `${file} is checked`);
  }
  assert.ok(texts.filter((t) => t.lang === 'fr').length > 500, 'the French strings are all read');
  const problems = texts.flatMap((t) => rules[t.lang]!(t.text).map((p) => `${t.where}: ${p}`));
  assert.deepEqual(problems, []);
});
