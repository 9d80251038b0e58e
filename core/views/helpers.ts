import Handlebars from 'handlebars';
import type { HelperDelegate, HelperOptions } from 'handlebars';
import { formatNumber, type I18n, type Language } from '../i18n/index.ts';
import type { Slots } from './slots.ts';
import { memoize } from '../util/memo.ts';

function rootLang(options: HelperOptions): Language {
  const root = (options.data as { root?: { lang?: Language } }).root;
  return root?.lang ?? 'en';
}

const escape = Handlebars.Utils.escapeExpression;

/** The plugins' stylesheets and scripts (the renderer's `headAssets`), ahead of the head slot's templates. */
function headLinks(assets: unknown): string {
  const { stylesheets = [], scripts = [] } = (assets ?? {}) as { stylesheets?: string[]; scripts?: string[] };
  return stylesheets.map((href) => `<link rel="stylesheet" href="${escape(href)}">`).join('') + scripts.map((href) => `<script src="${escape(href)}" defer></script>`).join('');
}

export function createHelpers(deps: { i18n: I18n; slots: Slots }): Record<string, HelperDelegate> {
  // Building an Intl formatter costs far more than formatting: one per language, made once.
  const dateFormats = { fr: new Intl.DateTimeFormat('fr-FR', { dateStyle: 'medium' }), en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium' }) };
  // Formatting is ~10 µs; the same dates come back on every page of a list.
  const formatWith = (format: Intl.DateTimeFormat) =>
    memoize((key: string) => {
      const d = new Date(key[0] === 'n' ? Number(key.slice(1)) : key.slice(1));
      // No-break spaces: a date never wraps between its day, month and year (a card's narrow column).
      return Number.isNaN(d.getTime()) ? '' : format.format(d).replace(/ /g, '\u00a0');
    }, 10_000);
  const formatDate = { fr: formatWith(dateFormats.fr), en: formatWith(dateFormats.en) };
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
      const links = name === 'head' ? headLinks(root.headAssets) : '';
      return new Handlebars.SafeString(links + deps.slots.render(String(name), root, helpers));
    },
    year: () => new Date().getFullYear(),
    /** {{number count}}: a count as the page's language writes it (« 12 345 », "12,345"); anything else as it is. */
    number(value: unknown, options: HelperOptions) {
      return typeof value === 'number' && Number.isFinite(value) ? formatNumber(rootLang(options), value) : (value ?? '');
    },
    date(value: unknown, options: HelperOptions) {
      if (typeof value !== 'string' && typeof value !== 'number') return '';
      // The key keeps the kind: a number is a timestamp, a string is parsed ("2024" is a year).
      return formatDate[rootLang(options) === 'fr' ? 'fr' : 'en'](typeof value === 'number' ? `n${value}` : `s${value}`);
    },
  };
  return helpers;
}
