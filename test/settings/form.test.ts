import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SettingField } from '../../core/plugins/api.ts';
import { defaults, describeForm, lineProblem, parseCidr, parseSettings, validateValues } from '../../core/settings/form.ts';
import { settingFieldsSchema } from '../../core/settings/fields.ts';
import { createI18n, loadDictionaries } from '../../core/i18n/index.ts';
import { ROOT_DIR } from '../../core/app.ts';
import path from 'node:path';

const i18n = createI18n(loadDictionaries(path.join(ROOT_DIR, 'core', 'i18n')));

const fields: SettingField[] = [
  { key: 'title', type: 'text', label: { en: 'Title', fr: 'Titre' }, required: true, maxLength: 5 },
  { key: 'code', type: 'text', label: 'Code', pattern: '[A-Z]{3}' },
  { key: 'count', type: 'number', label: 'Count', min: 0, max: 10, integer: true, default: 3 },
  { key: 'on', type: 'boolean', label: 'On', default: true },
  { key: 'size', type: 'select', label: 'Size', options: [{ value: 's', label: 'S' }, { value: 'l', label: 'L' }] },
  { key: 'tags', type: 'multiselect', label: 'Tags', options: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }], maxItems: 1 },
  { key: 'ids', type: 'lines', label: 'Ids', format: 'id', maxLines: 3 },
  { key: 'patterns', type: 'lines', label: 'Patterns', format: 'regex' },
  { key: 'colour', type: 'color', label: 'admin.menu.plugins' },
];

test('defaults fill every field with a value of its type', () => {
  assert.deepEqual(defaults(fields), { title: '', code: '', count: 3, on: true, size: '', tags: [], ids: [], patterns: [], colour: '#000000' });
});

test('a valid form body becomes typed values (unticked checkbox = false, repeated keys = array, lines split)', () => {
  const r = parseSettings(fields, { title: 'Hi', code: 'ABC', count: '7', size: 'l', tags: 'b', ids: 'one\r\n\r\n two \nthree', patterns: '^a+$', colour: '#ABCDEF', stray: 'ignored' });
  assert.deepEqual(r, { ok: true, values: { title: 'Hi', code: 'ABC', count: 7, on: false, size: 'l', tags: ['b'], ids: ['one', 'two', 'three'], patterns: ['^a+$'], colour: '#abcdef' } });
});

test('every invalid field gets its own error; the input comes back as typed', () => {
  const body = { title: 'Too long', code: 'abc', count: '2.5', on: 'on', size: 'xl', tags: ['a', 'b'], ids: 'ok\nnot ok\nfine\nfour', patterns: '(unclosed', colour: 'blue' };
  const r = parseSettings(fields, body);
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.deepEqual(Object.keys(r.errors).sort(), ['code', 'colour', 'count', 'ids', 'patterns', 'size', 'tags', 'title']);
  assert.deepEqual(r.errors.title, [{ key: 'form.errors.too_long', vars: { max: 5 } }]);
  assert.equal(r.errors.ids!.length, 2, 'too many lines and one bad line');
  assert.deepEqual(r.errors.ids!.find((e) => e.key === 'form.errors.line_id')?.vars, { max: 3, line: 2, value: 'not ok' });
  assert.equal(r.input.title, 'Too long');
  assert.deepEqual(r.input.tags, ['a', 'b']);
  const view = describeForm(fields, { values: {}, input: r.input, errors: r.errors }, { lang: 'fr', i18n });
  const title = view.fields.find((f) => f.key === 'title')!;
  assert.equal(title.label, 'Titre');
  assert.equal(title.value, 'Too long');
  assert.deepEqual(title.errors, ['5 caractères au plus.']);
  assert.equal(view.errorCount, 8);
  assert.equal(view.fields.find((f) => f.key === 'on')!.checked, true);
  assert.deepEqual(view.fields.find((f) => f.key === 'tags')!.options.map((o) => o.selected), [true, true]);
  assert.equal(view.fields.find((f) => f.key === 'colour')!.label, 'Plugins', 'a string label that is an i18n key is translated');
});

test('a required number left empty is required; an optional one keeps its default', () => {
  const req: SettingField[] = [{ key: 'n', type: 'number', label: 'N', required: true }];
  const r = parseSettings(req, { n: '' });
  assert.equal(r.ok, false);
  assert.deepEqual(!r.ok && r.errors.n, [{ key: 'form.errors.required', vars: {} }]);
  assert.deepEqual(validateValues(fields, { title: 'x' }), { ok: true, values: { ...defaults(fields), title: 'x' } });
  assert.equal(validateValues(fields, { title: 'x', count: 'many' }).ok, false, 'saved values are checked too');
});

test('a required text of spaces only is required, as an empty one is; an optional one may be blank', () => {
  const req: SettingField[] = [
    { key: 'name', type: 'text', label: 'Name', required: true, maxLength: 10 },
    { key: 'note', type: 'textarea', label: 'Note', required: true },
    { key: 'slogan', type: 'text', label: 'Slogan' },
  ];
  const r = parseSettings(req, { name: '   ', note: ' \r\n\t ', slogan: '  ' });
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.deepEqual(Object.keys(r.errors).sort(), ['name', 'note']);
  assert.deepEqual(r.errors.name, [{ key: 'form.errors.required', vars: { max: 10 } }]);
  assert.equal(r.input.name, '   ', 'the input comes back as typed');
  assert.equal(validateValues(req, { name: ' ', note: 'x' }).ok, false, 'a saved blank value is not a value either');
  assert.equal(parseSettings(req, { name: ' Kiosque ', note: 'x', slogan: '' }).ok, true);
});

test('an ordered choice: one select per position, empty positions skipped, repeats and unknown options refused with the input kept', () => {
  const ordered: SettingField[] = [{ key: 'blocks', type: 'ordered', label: 'Blocks', options: ['a', 'b', 'c'].map((v) => ({ value: v, label: { en: v.toUpperCase(), fr: `${v}-fr` } })), default: ['b'] }];
  assert.deepEqual(defaults(ordered), { blocks: ['b'] });
  assert.deepEqual(parseSettings(ordered, { blocks: ['c', '', 'a'] }), { ok: true, values: { blocks: ['c', 'a'] } });
  assert.deepEqual(parseSettings(ordered, { blocks: 'b' }), { ok: true, values: { blocks: ['b'] } });
  const twice = parseSettings(ordered, { blocks: ['a', '', 'a'] });
  assert.deepEqual(!twice.ok && twice.errors.blocks, [{ key: 'form.errors.chosen_twice', vars: {} }]);
  assert.deepEqual(!twice.ok && twice.input.blocks, ['a', '', 'a']);
  const unknown = parseSettings(ordered, { blocks: ['a', 'z'] });
  assert.deepEqual(!unknown.ok && unknown.errors.blocks?.map((e) => e.key), ['form.errors.option']);

  const view = describeForm(ordered, { values: { blocks: ['c', 'a'] } }, { lang: 'fr', i18n }).fields[0]!;
  assert.equal(view.is.ordered, true);
  assert.deepEqual(view.positions.map((p) => p.id), ['setting-blocks-1', 'setting-blocks-2', 'setting-blocks-3']);
  assert.deepEqual(view.positions.map((p) => p.options.find((o) => o.selected)?.value ?? ''), ['c', 'a', '']);
  assert.deepEqual(view.positions[0]!.options.map((o) => o.label), ['a-fr', 'b-fr', 'c-fr']);
  // Re-shown after an error, the positions are as the admin left them, the empty one included.
  const again = describeForm(ordered, { values: {}, input: !twice.ok ? twice.input : {}, errors: !twice.ok ? twice.errors : {} }, { lang: 'en', i18n }).fields[0]!;
  assert.deepEqual(again.positions.map((p) => p.options.find((o) => o.selected)?.value ?? ''), ['a', '', 'a']);
  assert.deepEqual(again.errors, ['Each choice can be picked once only.']);
  // A declaration whose default repeats an option is refused.
  assert.equal(settingFieldsSchema.safeParse([{ ...ordered[0], default: ['a', 'a'] }]).success, false);
});

test('line formats: paths, CIDR (IPv4 and IPv6), ids, regexes', () => {
  for (const ok of ['/', '/about', '/media/12', '/docs/*', '/a-b_c.d']) assert.equal(lineProblem('path-pattern', ok), null, ok);
  for (const bad of ['about', '/a b', '//x', '/a/../b', '/a/./b', '/a?x', '/a#x', '/a*b', '/..', '/x/.']) assert.notEqual(lineProblem('path-pattern', bad), null, bad);
  for (const ok of ['10.0.0.0/8', '192.0.2.1', '0.0.0.0/0', '2001:db8::/32', '::1', '::ffff:192.0.2.1/128']) assert.ok(parseCidr(ok), ok);
  for (const bad of ['10.0.0.0/33', '256.0.0.1', '2001:db8::/129', '10.0.0.0/', 'localhost', '10.0.0.0/8/8', '1.2.3']) assert.equal(parseCidr(bad), null, bad);
  assert.equal(lineProblem('id', '42'), null);
  assert.notEqual(lineProblem('id', 'a b'), null);
  assert.equal(lineProblem('regex', '^x+$'), null);
  assert.notEqual(lineProblem('regex', '[a-'), null);
});

test('declarations: unknown types, bad defaults and duplicate keys are refused with their path', () => {
  const r = settingFieldsSchema.safeParse([
    { key: 'a', type: 'text', label: 'A' },
    { key: 'a', type: 'slider', label: 'B' },
    { key: 'c', type: 'number', label: 'C', min: 5, max: 1 },
    { key: 'd', type: 'select', label: 'D', options: [{ value: 'x', label: 'X' }, { value: 'x', label: 'Y' }] },
    { key: 'e', type: 'text', label: 'E', pattern: '(' },
    { key: 'f', type: 'lines', label: 'F', format: 'email' },
  ]);
  assert.equal(r.success, false);
  const messages = r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  assert.ok(messages.some((m) => /^1.type: unknown setting type "slider"/.test(m)), messages.join('\n'));
  assert.ok(messages.some((m) => m.startsWith('2.max: max is below min')));
  assert.ok(messages.some((m) => m.startsWith('3.options: option values must be unique')));
  assert.ok(messages.some((m) => m.startsWith('4.pattern:')));
  assert.ok(messages.some((m) => m.startsWith('5.format')));
  assert.equal(settingFieldsSchema.safeParse([{ key: 'a', type: 'text', label: 'A' }, { key: 'a', type: 'text', label: 'B' }]).error?.issues[0]?.message, 'duplicate setting key "a"');
});
