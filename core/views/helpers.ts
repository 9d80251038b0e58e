import Handlebars from 'handlebars';
import type { HelperDelegate, HelperOptions } from 'handlebars';
import type { I18n, Language } from '../i18n/index.ts';
import type { Slots } from './slots.ts';

function rootLang(options: HelperOptions): Language {
  const root = (options.data as { root?: { lang?: Language } }).root;
  return root?.lang ?? 'en';
}

export function createHelpers(deps: { i18n: I18n; slots: Slots }): Record<string, HelperDelegate> {
  // Building an Intl formatter costs far more than formatting: one per language, made once.
  const dateFormats = { fr: new Intl.DateTimeFormat('fr-FR', { dateStyle: 'medium' }), en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium' }) };
  const formattedDates = new Map<string, string>();
  const helpers: Record<string, HelperDelegate> = {
    /** {{t "key" name=value}}: the interface text in the page's language, escaped by Handlebars. */
    t(key: unknown, options: HelperOptions) {
      return deps.i18n.t(rootLang(options), String(key), options.hash as Record<string, unknown>);
    },
    eq: (a: unknown, b: unknown) => a === b,
    concat: (...args: unknown[]) => args.slice(0, -1).map(String).join(''),
    not: (a: unknown) => !a,
    or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
    and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
    /** Renders what plugins put into a named slot. Plugin templates escape their data like any other. */
    slot(name: unknown, options: HelperOptions) {
      const root = (options.data as { root?: Record<string, unknown> }).root ?? {};
      return new Handlebars.SafeString(deps.slots.render(String(name), root, helpers));
    },
    year: () => new Date().getFullYear(),
    date(value: unknown, options: HelperOptions) {
      if (typeof value !== 'string' && typeof value !== 'number') return '';
      const lang = rootLang(options) === 'fr' ? 'fr' : 'en';
      // Formatting is ~10 µs; the same dates come back on every page of a list.
      const key = `${lang}|${value}`;
      let text = formattedDates.get(key);
      if (text === undefined) {
        const d = new Date(value);
        text = Number.isNaN(d.getTime()) ? '' : dateFormats[lang].format(d);
        if (formattedDates.size >= 10_000) formattedDates.clear();
        formattedDates.set(key, text);
      }
      return text;
    },
  };
  return helpers;
}
