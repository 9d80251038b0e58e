import type { I18n, Language } from '../i18n/index.ts';

/**
 * The notice for `?done=<value>` after a redirect: the text under `<prefix>.done_<value>`, or
 * nothing when the value is not a word or no such text exists (never a raw translation key).
 */
export function doneNotice(i18n: I18n, lang: Language, prefix: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || !/^[a-z_]+$/.test(value)) return undefined;
  const key = `${prefix}.done_${value}`;
  return i18n.has(lang, key) ? i18n.t(lang, key) : undefined;
}
