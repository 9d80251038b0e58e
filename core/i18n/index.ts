import { readFileSync } from 'node:fs';
import path from 'node:path';

export const languages = ['en', 'fr'] as const;
export type Language = (typeof languages)[number];

export function isLanguage(v: unknown): v is Language {
  return typeof v === 'string' && (languages as readonly string[]).includes(v);
}

type Dict = Record<string, string>;

export interface I18n {
  /** Translates `key`, replacing `{name}` placeholders; falls back to English, then to the key. */
  t(lang: Language, key: string, vars?: Record<string, unknown>): string;
  has(lang: Language, key: string): boolean;
  /** Adds strings under a prefix (plugins use `plugin.<id>`); returns the undo. */
  add(prefix: string, strings: Partial<Record<Language, Dict>>): () => void;
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

export function createI18n(base: Record<Language, Dict>): I18n {
  const dicts: Record<Language, Dict> = { en: { ...base.en }, fr: { ...base.fr } };
  // An unknown language (never expected: settings and negotiation only yield ours) reads English rather than throwing.
  const lookup = (lang: Language, key: string) => (dicts[lang] ?? dicts.en)[key] ?? dicts.en[key];
  return {
    t(lang, key, vars) {
      const text = lookup(lang, key) ?? key;
      // Templates call this dozens of times per page, mostly for text without placeholders.
      if (!vars || !text.includes('{')) return text;
      return text.replace(/\{(\w+)\}/g, (m, name: string) => (vars[name] === undefined ? m : String(vars[name])));
    },
    has(lang, key) {
      return lookup(lang, key) !== undefined;
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
