/**
 * Settings schema → validation, form parsing and form rendering data. One declaration
 * (SettingField[]) drives the admin form, the server-side checks and the values code reads;
 * plugin settings pages and core configuration pages both use it.
 */
import { BlockList, isIP } from 'node:net';
import { z } from 'zod';
import type { LineFormat, LocalisedText, SettingField, SettingValues } from '../plugins/api.ts';
import type { I18n, Language } from '../i18n/index.ts';
import { settingTypes } from './fields.ts';
import { stripControls } from '../text/controls.ts';

/** A problem with one field: an i18n key (under `form.errors.`) and its placeholders. */
export interface FieldError {
  key: string;
  vars?: Record<string, string | number>;
}
export type FieldErrors = Record<string, FieldError[]>;
/** What the browser sent, kept as typed so an invalid form is shown back unchanged. */
export type FormInput = Record<string, string | string[]>;

/** On failure, `valid` holds the fields that passed on their own, so a page's other checks can still run on them. */
export type ParseResult = { ok: true; values: SettingValues } | { ok: false; errors: FieldErrors; input: FormInput; valid: SettingValues };

const E = (name: string) => `form.errors.${name}`;

/** The value a field has before anyone saved it. */
export function fieldDefault(field: SettingField): unknown {
  switch (field.type) {
    case 'text':
    case 'textarea':
      return field.default ?? '';
    case 'number':
      return field.default;
    case 'boolean':
      return field.default ?? false;
    case 'select':
      return field.default ?? (field.required ? field.options[0]!.value : '');
    case 'multiselect':
    case 'ordered':
    case 'lines':
      return [...(field.default ?? [])];
    case 'color':
      return field.default ?? '#000000';
  }
}

export function defaults(fields: SettingField[]): SettingValues {
  const out: SettingValues = {};
  for (const f of fields) {
    const d = fieldDefault(f);
    if (d !== undefined) out[f.key] = d;
  }
  return out;
}

/** Checks one line of a `lines` field; returns the error key or null. */
export function lineProblem(format: LineFormat, line: string): string | null {
  switch (format) {
    case 'text':
      return null;
    case 'path-pattern':
      // Matched against normalised paths, so anything a normalised path cannot contain is a mistake.
      if (!/^\/[^\s?#*]*\*?$/.test(line) || /\/\.{1,2}(\/|\*?$)/.test(line) || line.includes('//') || /[\p{Cc}]/u.test(line)) return E('line_path');
      return null;
    case 'cidr':
      return parseCidr(line) ? null : E('line_cidr');
    case 'id':
      return /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(line) ? null : E('line_id');
    case 'regex':
      try {
        new RegExp(line, 'u');
        return null;
      } catch {
        return E('line_regex');
      }
  }
}

/** `192.0.2.0/24`, `2001:db8::/32` or a single address; null if invalid. */
export function parseCidr(text: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const m = /^([^/\s]+)(?:\/(\d{1,3}))?$/.exec(text.trim());
  if (!m) return null;
  const version = isIP(m[1]!);
  if (version === 0) return null;
  const max = version === 4 ? 32 : 128;
  const prefix = m[2] === undefined ? max : Number(m[2]);
  if (prefix > max) return null;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  try {
    new BlockList().addSubnet(m[1]!, prefix, family);
  } catch {
    return null;
  }
  return { address: m[1]!, prefix, family };
}

function fieldSchema(field: SettingField): z.ZodType {
  const required = !!field.required;
  switch (field.type) {
    case 'text':
    case 'textarea': {
      let s = z.string({ error: E('text') });
      if (field.maxLength !== undefined) s = s.max(field.maxLength, { error: E('too_long') });
      // Spaces alone are no value: a required site name of blanks would leave the header empty.
      const filled = required ? s.refine((v) => v.trim() !== '', { error: E('required') }) : s;
      if (field.type === 'text' && field.pattern) {
        const re = new RegExp(`^(?:${field.pattern})$`, 'u');
        return filled.refine((v) => v === '' || re.test(v), { error: E('pattern') });
      }
      return filled;
    }
    case 'number': {
      let n = z.number({ error: required ? E('required') : E('number') });
      if (field.integer) n = n.int({ error: E('integer') });
      if (field.min !== undefined) n = n.min(field.min, { error: E('too_small') });
      if (field.max !== undefined) n = n.max(field.max, { error: E('too_big') });
      return required ? n : n.optional();
    }
    case 'boolean':
      return z.boolean({ error: E('boolean') });
    case 'select': {
      const values = field.options.map((o) => o.value);
      return z
        .string({ error: E('option') })
        .refine((v) => v !== '' || !required, { error: E('required') })
        .refine((v) => v === '' || values.includes(v), { error: E('option') });
    }
    case 'multiselect':
    case 'ordered': {
      const values = field.options.map((o) => o.value);
      let a = z.array(z.string().refine((v) => values.includes(v), { error: E('option') }), { error: E('option') });
      if (required) a = a.min(1, { error: E('required_choice') });
      if (field.maxItems !== undefined) a = a.max(field.maxItems, { error: E('too_many') });
      // Ticking a box twice is a forged form; picking a block for two positions is a slip worth naming.
      return a.refine((v) => new Set(v).size === v.length, { error: E(field.type === 'ordered' ? 'chosen_twice' : 'option') });
    }
    case 'lines': {
      const format = field.format ?? 'text';
      const { maxLength, maxLines } = field;
      // All in one refinement so the admin sees the count problem and every bad line together.
      return z.array(z.string(), { error: E('text') }).superRefine((lines, ctx) => {
        if (required && lines.length === 0) ctx.addIssue({ code: 'custom', message: E('required') });
        if (maxLines !== undefined && lines.length > maxLines) ctx.addIssue({ code: 'custom', message: E('too_many_lines') });
        lines.forEach((line, i) => {
          if (maxLength !== undefined && line.length > maxLength) ctx.addIssue({ code: 'custom', message: E('line_too_long'), params: { line: i + 1 } });
          const problem = lineProblem(format, line);
          if (problem) ctx.addIssue({ code: 'custom', message: problem, params: { line: i + 1, value: line.length > 80 ? `${line.slice(0, 80)}…` : line } });
        });
      });
    }
    case 'color':
      return z.string({ error: E('color') }).regex(/^#[0-9a-fA-F]{6}$/, { error: E('color') });
  }
}

const validators = new WeakMap<SettingField[], z.ZodObject>();

/** The zod validator of a values object (unknown keys are dropped); built once per declaration. */
export function settingsValidator(fields: SettingField[]): z.ZodObject {
  let validator = validators.get(fields);
  if (!validator) {
    validator = z.object(Object.fromEntries(fields.map((f) => [f.key, fieldSchema(f)])));
    validators.set(fields, validator);
  }
  return validator;
}

/** The placeholders every message of this field may use ({max}, {min}…). */
function fieldVars(field: SettingField): Record<string, string | number> {
  const vars: Record<string, string | number> = {};
  if ('maxLength' in field && field.maxLength !== undefined) vars.max = field.maxLength;
  if (field.type === 'number') {
    if (field.min !== undefined) vars.min = field.min;
    if (field.max !== undefined) vars.max = field.max;
  }
  if ((field.type === 'multiselect' || field.type === 'ordered') && field.maxItems !== undefined) vars.max = field.maxItems;
  if (field.type === 'lines' && field.maxLines !== undefined) vars.max = field.maxLines;
  return vars;
}

function collect(fields: SettingField[], error: z.ZodError): FieldErrors {
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? '');
    const field = byKey.get(key);
    if (!field) continue;
    const params = (issue as { params?: Record<string, string | number> }).params ?? {};
    const message = issue.message.startsWith('form.errors.') ? issue.message : E('invalid');
    (out[key] ??= []).push({ key: message, vars: { ...fieldVars(field), ...params } });
  }
  return out;
}

/** Validates values (saved or parsed) against the declaration, defaults filling what is missing. */
export function validateValues(fields: SettingField[], values: SettingValues | undefined): { ok: true; values: SettingValues } | { ok: false; errors: FieldErrors } {
  const merged = { ...defaults(fields) };
  for (const f of fields) if (values && values[f.key] !== undefined) merged[f.key] = values[f.key];
  const result = settingsValidator(fields).safeParse(merged);
  if (result.success) {
    const clean: SettingValues = {};
    for (const [k, v] of Object.entries(result.data)) if (v !== undefined) clean[k] = v;
    return { ok: true, values: clean };
  }
  return { ok: false, errors: collect(fields, result.error) };
}

function asStrings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

/** Form input as the browser sent it, limited to the declared keys. */
export function formInput(fields: SettingField[], body: unknown): FormInput {
  const src = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const input: FormInput = {};
  for (const f of fields) {
    const raw = asStrings(src[f.key]);
    // An ordered field keeps its empty positions, so an invalid form comes back exactly as it was.
    input[f.key] = f.type === 'multiselect' || f.type === 'ordered' ? raw : (raw.at(-1) ?? '');
  }
  return input;
}

/** Turns one field's form input into a typed value (before validation). */
function coerce(field: SettingField, raw: string | string[]): unknown {
  const text = Array.isArray(raw) ? (raw.at(-1) ?? '') : raw;
  switch (field.type) {
    case 'boolean':
      // An unticked checkbox sends nothing.
      return ['on', '1', 'true', 'yes'].includes(text);
    case 'number': {
      if (text.trim() === '') return undefined;
      const n = Number(text.trim().replace(',', '.'));
      return Number.isFinite(n) ? n : text;
    }
    case 'multiselect':
      return Array.isArray(raw) ? raw : raw === '' ? [] : [raw];
    case 'ordered':
      // One select per position; the positions left at "—" are not choices.
      return (Array.isArray(raw) ? raw : [raw]).filter((v) => v !== '');
    case 'lines':
      return stripControls(text).split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
    case 'color':
      return text.trim().toLowerCase();
    default:
      return stripControls(text.replace(/\r\n/g, '\n'));
  }
}

/** Parses an urlencoded form body against the declaration: typed values, or per-field errors with the input kept. */
export function parseSettings(fields: SettingField[], body: unknown): ParseResult {
  const input = formInput(fields, body);
  const candidate: SettingValues = {};
  for (const f of fields) candidate[f.key] = coerce(f, input[f.key]!);
  const validator = settingsValidator(fields);
  const result = validator.safeParse(candidate);
  if (!result.success) {
    const errors = collect(fields, result.error);
    const valid: SettingValues = {};
    for (const f of fields) {
      if (errors[f.key]) continue;
      const one = validator.shape[f.key]!.safeParse(candidate[f.key]);
      if (one.success && one.data !== undefined) valid[f.key] = one.data;
    }
    return { ok: false, errors, input, valid };
  }
  const values: SettingValues = {};
  for (const [k, v] of Object.entries(result.data)) if (v !== undefined) values[k] = v;
  return { ok: true, values };
}

/** One field, ready for the `settings-fields` partial. */
export interface FieldView {
  key: string;
  id: string;
  name: string;
  type: SettingField['type'];
  label: string;
  help?: string;
  required: boolean;
  value: string;
  checked: boolean;
  options: Array<{ value: string; label: string; selected: boolean; id: string; lang?: string }>;
  /** An ordered field's positions, each a select of every option (the chosen one selected). */
  positions: Array<{ id: string; n: number; options: Array<{ value: string; label: string; selected: boolean; lang?: string }> }>;
  attrs: { min?: number; max?: number; step?: number | 'any'; maxLength?: number; rows?: number };
  errors: string[];
  /** Problems that do not stop a save (e.g. a saved value that no longer leads anywhere). */
  warnings: string[];
  describedBy?: string;
  is: Record<SettingField['type'], boolean>;
}

export interface FormView {
  fields: FieldView[];
  hasErrors: boolean;
  /** How many fields have a problem (for the summary at the top of the form). */
  errorCount: number;
}

/** Resolves a label: a per-language object, an i18n key the dictionaries know, or literal text. */
export function localise(text: LocalisedText | undefined, lang: Language, i18n: I18n): string | undefined {
  if (text === undefined) return undefined;
  if (typeof text === 'object') return text[lang] ?? text.en;
  return i18n.has(lang, text) ? i18n.t(lang, text) : text;
}

function display(field: SettingField, value: unknown): string | string[] {
  switch (field.type) {
    case 'multiselect':
    case 'ordered':
      return Array.isArray(value) ? value.map(String) : [];
    case 'lines':
      return Array.isArray(value) ? value.map(String).join('\n') : '';
    case 'boolean':
      return value === true ? 'on' : '';
    default:
      return value === undefined || value === null ? '' : String(value);
  }
}

/**
 * The data of the generic settings form: labels in `lang`, current values (or the user's input
 * when re-showing an invalid form), and each field's translated errors.
 */
export function describeForm(
  fields: SettingField[],
  state: { values: SettingValues; input?: FormInput; errors?: FieldErrors; warnings?: FieldErrors },
  options: { lang: Language; i18n: I18n; idPrefix?: string },
): FormView {
  const { lang, i18n } = options;
  const prefix = options.idPrefix ?? 'setting';
  let errorCount = 0;
  const views = fields.map((field): FieldView => {
    const shown = state.input ? state.input[field.key] ?? '' : display(field, state.values[field.key] ?? fieldDefault(field));
    const id = `${prefix}-${field.key}`;
    const errors = (state.errors?.[field.key] ?? []).map((e) => i18n.t(lang, e.key, e.vars));
    if (errors.length) errorCount++;
    // A field in error says only that: its warning would be about a value it no longer shows.
    const warnings = errors.length ? [] : (state.warnings?.[field.key] ?? []).map((e) => i18n.t(lang, e.key, e.vars));
    const chosen = Array.isArray(shown) ? shown : [shown];
    const options = 'options' in field ? field.options.map((o, i) => ({ value: o.value, label: localise(o.label, lang, i18n) ?? o.value, selected: chosen.includes(o.value), id: `${id}-${i}`, ...(o.lang ? { lang: o.lang } : {}) })) : [];
    const positions =
      field.type === 'ordered'
        ? Array.from({ length: field.maxItems ?? field.options.length }, (_, i) => ({
            id: `${id}-${i + 1}`,
            n: i + 1,
            options: options.map((o) => ({ value: o.value, label: o.label, selected: chosen[i] === o.value, ...(o.lang ? { lang: o.lang } : {}) })),
          }))
        : [];
    const attrs: FieldView['attrs'] = {};
    if (field.type === 'number') Object.assign(attrs, { min: field.min, max: field.max, step: field.step ?? (field.integer ? 1 : 'any') });
    if ('maxLength' in field && field.type !== 'lines') attrs.maxLength = field.maxLength;
    if (field.type === 'textarea' || field.type === 'lines') attrs.rows = field.type === 'lines' ? 6 : 5;
    const help = localise(field.help, lang, i18n);
    return {
      key: field.key,
      id,
      name: field.key,
      type: field.type,
      label: localise(field.label, lang, i18n) ?? field.key,
      help,
      required: !!field.required && field.type !== 'boolean',
      value: Array.isArray(shown) ? shown.join('\n') : shown,
      checked: field.type === 'boolean' && ['on', '1', 'true', 'yes'].includes(Array.isArray(shown) ? '' : shown),
      options,
      positions,
      attrs,
      errors,
      warnings,
      describedBy: [help ? `${id}-help` : '', errors.length ? `${id}-error` : '', warnings.length ? `${id}-warning` : ''].filter(Boolean).join(' ') || undefined,
      is: Object.fromEntries(settingTypes.map((t) => [t, t === field.type])) as FieldView['is'],
    };
  });
  return { fields: views, hasErrors: errorCount > 0, errorCount };
}
