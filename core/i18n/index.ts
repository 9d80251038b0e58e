import { readFileSync } from 'node:fs';
import path from 'node:path';

export const languages = ['en', 'fr'] as const;
export type Language = (typeof languages)[number];

export function isLanguage(v: unknown): v is Language {
  return typeof v === 'string' && (languages as readonly string[]).includes(v);
}

type Dict = Record<string, string>;
/** Strings as the JSON files hold them: nested objects become dotted keys. */
export interface Strings {
  [key: string]: string | Strings;
}

export interface I18n {
  /**
   * Translates `key`, replacing `{name}` placeholders; falls back to English, then to the key. A key
   * holding plural forms (`one`, `other`, as Intl.PluralRules names them) picks the one for `vars.count`.
   * A value that is a number (and `count`, even as a string of digits) is written as `lang` writes
   * numbers; a value that is a number without being a quantity (an id, a year) is passed as a string.
   */
  t(lang: Language, key: string, vars?: Record<string, unknown>): string;
  has(lang: Language, key: string): boolean;
  /** Adds strings under a prefix (plugins use `plugin.<id>`); returns the undo. */
  add(prefix: string, strings: Partial<Record<Language, Strings>>): () => void;
}

function flatten(obj: unknown, prefix = '', out: Dict = {}): Dict {
  if (obj && typeof obj === 'object') {
    for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
      const key = prefix ? `${prefix}.${k}` : k;
      if (typeof v === 'string') out[key] = v;
      else flatten(v, key, out);
    }
  }
  return out;
}

export function loadDictionaries(dir: string): Record<Language, Dict> {
  const out = {} as Record<Language, Dict>;
  for (const lang of languages) {
    out[lang] = flatten(JSON.parse(readFileSync(path.join(dir, `${lang}.json`), 'utf8')));
  }
  return out;
}

/** The plural categories (`one`, `other`…) of each language: French says « 0 vue », English "0 views". */
const pluralRules = Object.fromEntries(languages.map((lang) => [lang, new Intl.PluralRules(lang)])) as Record<Language, Intl.PluralRules>;

// Building an Intl formatter costs far more than formatting: one per language, made once.
const numberFormats = Object.fromEntries(languages.map((lang) => [lang, new Intl.NumberFormat(lang)])) as Record<Language, Intl.NumberFormat>;

/**
 * A number as the language writes it: « 12 345 » and « 1,5 » in French (a narrow no-break space
 * between thousands), "12,345" and "1.5" in English.
 */
export function formatNumber(lang: Language, n: number): string {
  return (numberFormats[lang] ?? numberFormats.en).format(n);
}

/** A count as a number, including one read from a query string (a notice's `?n=`), which is a string of digits. */
function countOf(value: unknown): unknown {
  return typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
}

/** `key`'s text in one dictionary: its plain text, else its plural form for `vars.count`, else its `other` form. */
function formIn(dict: Dict, key: string, vars: Record<string, unknown> | undefined, rules: Intl.PluralRules): string | undefined {
  const plain = dict[key];
  if (plain !== undefined) return plain;
  const count = countOf(vars?.count);
  const form = typeof count === 'number' ? rules.select(count) : 'other';
  return dict[`${key}.${form}`] ?? dict[`${key}.other`];
}

export function createI18n(base: Record<Language, Dict>): I18n {
  const dicts: Record<Language, Dict> = { en: { ...base.en }, fr: { ...base.fr } };
  /**
   * A text, or for a key whose text varies with a number (`{ "one": …, "other": … }` in the
   * dictionary), the form for `vars.count` in that language.
   */
  const textOf = (lang: Language, key: string, vars?: Record<string, unknown>) => {
    // An unknown language (never expected: settings and negotiation only yield ours) reads English rather than throwing.
    const own = dicts[lang] ?? dicts.en;
    return formIn(own, key, vars, pluralRules[lang] ?? pluralRules.en) ?? formIn(dicts.en, key, vars, pluralRules.en);
  };
  return {
    t(lang, key, vars) {
      const text = textOf(lang, key, vars) ?? key;
      // Templates call this dozens of times per page, mostly for text without placeholders.
      if (!vars || !text.includes('{')) return text;
      return text.replace(/\{(\w+)\}/g, (m, name: string) => {
        const value = name === 'count' ? countOf(vars.count) : vars[name];
        if (value === undefined) return m;
        return typeof value === 'number' && Number.isFinite(value) ? formatNumber(lang, value) : String(value);
      });
    },
    has(lang, key) {
      return textOf(lang, key) !== undefined;
    },
    add(prefix, strings) {
      const added: Array<[Language, string]> = [];
      for (const lang of languages) {
        for (const [k, v] of Object.entries(flatten(strings[lang] ?? {}))) {
          const key = `${prefix}.${k}`;
          dicts[lang][key] = v;
          added.push([lang, key]);
        }
      }
      return () => {
        for (const [lang, key] of added) delete dicts[lang][key];
      };
    },
  };
}

/** The visitor's language: ?lang= (remembered), then the cookie, then Accept-Language, then the site's. */
export function negotiateLanguage(input: {
  siteLanguage: Language;
  visitorsMayChoose: boolean;
  query?: unknown;
  cookie?: unknown;
  accepted: (langs: string[]) => string | false;
}): { lang: Language; remember?: Language } {
  if (!input.visitorsMayChoose) return { lang: input.siteLanguage };
  if (isLanguage(input.query)) return { lang: input.query, remember: input.query };
  if (isLanguage(input.cookie)) return { lang: input.cookie };
  const best = input.accepted([...languages]);
  if (isLanguage(best)) return { lang: best };
  return { lang: input.siteLanguage };
}
