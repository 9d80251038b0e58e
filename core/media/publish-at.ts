import { z } from 'zod';
import { memoize } from '../util/memo.ts';
import { MediaError } from './errors.ts';

/**
 * A draft's scheduled publication time, as the API and the edit form give it. The API takes an
 * ISO 8601 instant with its offset (`2027-03-12T18:00:00+01:00`, `…Z`; seconds optional). The edit
 * form's `<input type="datetime-local">` gives a wall-clock time with no zone; a small script
 * (themes/default/assets/publish-at.js) adds the browser's UTC offset for that date, so the time
 * means what the editor's clock shows. With scripts off, the time is read in the server's time zone.
 */

const withOffset = z.union([z.iso.datetime({ offset: true }), z.iso.datetime({ offset: true, precision: -1 })]);
const local = z.iso.datetime({ local: true });
/** Minutes east of UTC, as the browser computed them for the chosen date (UTC−12 to UTC+14). */
const OFFSET = /^[+-]?\d{1,3}$/;

const invalid = () => new MediaError('publish_at_invalid', 400, 'publishAt');

/**
 * The instant of an API value: an ISO string with offset, or null/'' to clear the schedule.
 * Throws MediaError (`publish_at_invalid`, `publish_at_past`) naming the field `publishAt`.
 */
export function parsePublishAt(value: unknown, now: number): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value === '') return null;
  if (typeof value !== 'string' || !withOffset.safeParse(value.trim()).success) throw invalid();
  const at = Date.parse(value.trim());
  if (Number.isNaN(at)) throw invalid();
  if (at <= now) throw new MediaError('publish_at_past', 400, 'publishAt');
  return new Date(at).toISOString();
}

/**
 * The edit form's pair (`publish_at`, the wall-clock value; `publish_at_offset`, the browser's
 * offset in minutes, empty when its script did not run) as an instant for parsePublishAt. A value
 * that is no date and time comes back as it was typed, for parsePublishAt to refuse.
 */
export function formPublishAt(value: unknown, offset: unknown): unknown {
  if (typeof value !== 'string') return value;
  const typed = value.trim();
  if (typed === '') return null;
  if (!local.safeParse(typed).success) return typed;
  const [date, time] = typed.split('T') as [string, string];
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi, s = '0'] = time.split(':') as [string, string, string?];
  const [sec, frac = ''] = s.split('.');
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  const minutes = typeof offset === 'string' ? offset.trim() : '';
  if (minutes === '') return new Date(y, mo - 1, d, Number(h), Number(mi), Number(sec), ms).toISOString();
  if (!OFFSET.test(minutes) || Math.abs(Number(minutes)) > 14 * 60) return typed;
  return new Date(Date.UTC(y, mo - 1, d, Number(h), Number(mi), Number(sec), ms) - Number(minutes) * 60_000).toISOString();
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** An instant as the edit form's datetime-local value, in the server's time zone (seconds only when set). */
export function localInputValue(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const seconds = d.getSeconds() || d.getMilliseconds() ? `:${pad(d.getSeconds())}` : '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}${seconds}`;
}

const formats = {
  fr: new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' }),
  en: new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' }),
};

/** Formatting is the costly part of a list of scheduled drafts; the same few times come back. */
const formatted = memoize((key: string) => {
  const d = new Date(key.slice(3));
  return Number.isNaN(d.getTime()) ? '' : (key.startsWith('fr') ? formats.fr : formats.en).format(d);
}, 1000);

/**
 * A scheduled time in the admin's language, in the server's time zone, which it names ("12 March
 * 2027 at 18:00 UTC"): whoever reads it elsewhere knows which clock it is.
 */
export const describePublishAt = (iso: string, lang: string) => formatted(`${lang === 'fr' ? 'fr' : 'en'}:${iso}`);
