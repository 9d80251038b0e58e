import { z } from 'zod';
import type { SettingField } from '../plugins/api.ts';

/** The setting types a declaration may use (the admin form knows how to render each). */
export const settingTypes = ['text', 'textarea', 'number', 'boolean', 'select', 'multiselect', 'ordered', 'lines', 'color'] as const;
export const lineFormats = ['text', 'path-pattern', 'cidr', 'id', 'regex'] as const;

const localised = z.union([z.string().min(1), z.object({ en: z.string().min(1), fr: z.string().min(1).optional() }).strict()]);
// `lang`: a BCP 47 tag, for a label written in another language than the page's (a language's own name).
const option = z.object({ value: z.string().min(1).max(200), label: localised, lang: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$/).optional() }).strict();
const base = {
  key: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,63}$/, 'a key has letters, digits and underscores, starting with a letter'),
  label: localised,
  help: localised.optional(),
  required: z.boolean().optional(),
};
const count = z.number().int().min(0);

const fieldSchemas = {
  text: z.object({ ...base, type: z.literal('text'), default: z.string().optional(), maxLength: count.optional(), pattern: z.string().optional() }).strict(),
  textarea: z.object({ ...base, type: z.literal('textarea'), default: z.string().optional(), maxLength: count.optional() }).strict(),
  number: z.object({ ...base, type: z.literal('number'), default: z.number().optional(), min: z.number().optional(), max: z.number().optional(), step: z.number().positive().optional(), integer: z.boolean().optional() }).strict(),
  boolean: z.object({ ...base, type: z.literal('boolean'), default: z.boolean().optional() }).strict(),
  select: z.object({ ...base, type: z.literal('select'), default: z.string().optional(), options: z.array(option).min(1) }).strict(),
  multiselect: z.object({ ...base, type: z.literal('multiselect'), default: z.array(z.string()).optional(), options: z.array(option).min(1), maxItems: count.optional() }).strict(),
  ordered: z.object({ ...base, type: z.literal('ordered'), default: z.array(z.string()).optional(), options: z.array(option).min(1), maxItems: count.optional() }).strict(),
  lines: z.object({ ...base, type: z.literal('lines'), default: z.array(z.string()).optional(), format: z.enum(lineFormats).optional(), maxLines: count.optional(), maxLength: count.optional() }).strict(),
  color: z.object({ ...base, type: z.literal('color'), default: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour is #rrggbb').optional() }).strict(),
} satisfies Record<(typeof settingTypes)[number], z.ZodType>;

function isRegExp(source: string): boolean {
  try {
    new RegExp(source, 'u');
    return true;
  } catch {
    return false;
  }
}

/**
 * One declared setting. The type is checked first so an unknown type gives one clear message
 * rather than a list of every shape it failed to match.
 */
export const settingFieldSchema = z.unknown().transform((raw, ctx): SettingField => {
  const type = (raw as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !(settingTypes as readonly string[]).includes(type)) {
    ctx.addIssue({ code: 'custom', path: ['type'], message: `unknown setting type ${JSON.stringify(type)} (known: ${settingTypes.join(', ')})` });
    return z.NEVER;
  }
  const parsed = fieldSchemas[type as keyof typeof fieldSchemas].safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    return z.NEVER;
  }
  const field = parsed.data as SettingField;
  const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (field.type === 'select' || field.type === 'multiselect' || field.type === 'ordered') {
    const values = field.options.map((o) => o.value);
    if (new Set(values).size !== values.length) problem('options', 'option values must be unique');
    const defaults = field.type === 'select' ? (field.default === undefined ? [] : [field.default]) : (field.default ?? []);
    for (const d of defaults) if (!values.includes(d)) problem('default', `default "${d}" is not one of the options`);
    if (field.type === 'ordered' && new Set(defaults).size !== defaults.length) problem('default', 'an ordered default names each option once');
    if (field.type === 'ordered' && field.maxItems !== undefined && field.maxItems > field.options.length) problem('maxItems', 'an ordered choice cannot offer more positions than options');
  }
  if (field.type === 'number') {
    if (field.min !== undefined && field.max !== undefined && field.min > field.max) problem('max', 'max is below min');
    if (field.default !== undefined && ((field.min !== undefined && field.default < field.min) || (field.max !== undefined && field.default > field.max))) problem('default', 'default is outside min..max');
  }
  if (field.type === 'text' && field.pattern !== undefined && !isRegExp(field.pattern)) problem('pattern', 'pattern is not a valid regular expression');
  return field;
});

/** A settings list: valid fields with unique keys. */
export const settingFieldsSchema = z.array(settingFieldSchema).superRefine((fields, ctx) => {
  const seen = new Set<string>();
  fields.forEach((f, i) => {
    if (seen.has(f.key)) ctx.addIssue({ code: 'custom', path: [i, 'key'], message: `duplicate setting key "${f.key}"` });
    seen.add(f.key);
  });
});
