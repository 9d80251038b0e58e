import type { SettingField, SettingValues } from '../plugins/api.ts';
import { defaults, validateValues } from './form.ts';

/** Labels are irrelevant when only validating: the read path builds its declarations with this. */
export const keyLabel = (key: string) => ({ en: key, fr: key });

/**
 * Saved values checked against the declaration, each invalid or missing field replaced by its
 * default: whatever is in the store (hand-edited file, older version), the site gets values it can render.
 */
export function validatedOrDefaults(fields: SettingField[], saved: unknown): SettingValues {
  const raw = saved && typeof saved === 'object' && !Array.isArray(saved) ? (saved as SettingValues) : {};
  const first = validateValues(fields, raw);
  if (first.ok) return first.values;
  const kept: SettingValues = { ...raw };
  for (const key of Object.keys(first.errors)) delete kept[key];
  const second = validateValues(fields, kept);
  return second.ok ? second.values : defaults(fields);
}
