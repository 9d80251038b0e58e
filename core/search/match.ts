import type { SearchCriteria } from './criteria.ts';
import type { IndexedDoc } from './doc.ts';
import { foldLicence } from './doc.ts';
import { parseTextQuery, type TextQuery } from './text-query.ts';

/** Criteria turned into cheap per-document checks. */
export interface PreparedCriteria {
  text: TextQuery;
  /** What the text query looks for in a searchable field, made once per search (not per document). */
  needles: { terms: string[]; phrases: string[]; excluded: string[] };
  keywordIds: string[];
  kwMode: 'all' | 'any';
  types: Set<string> | null;
  sectorIds: Set<string> | null;
  licences: Set<string> | null;
  authorIds: Set<string> | null;
  statuses: Set<string> | null;
  fromMs: number;
  /** Exclusive. */
  toMs: number;
}

const setOrNull = (list: readonly string[]) => (list.length ? new Set(list) : null);

/** `YYYY-MM-DD` → start of that day (UTC), or NaN. */
export function dayStart(day: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return Number.NaN;
  const t = Date.parse(`${day}T00:00:00Z`);
  // Date.parse accepts 2024-02-31; a real day round-trips.
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === day ? t : Number.NaN;
}

export function prepare(c: SearchCriteria): PreparedCriteria {
  const from = c.from ? dayStart(c.from) : Number.NaN;
  const to = c.to ? dayStart(c.to) : Number.NaN;
  const text = parseTextQuery(c.q);
  return {
    text,
    needles: { terms: text.terms.map((t) => ` ${t}`), phrases: text.phrases.map((t) => ` ${t} `), excluded: text.excluded.map((t) => ` ${t} `) },
    keywordIds: [...new Set(c.keywordIds)],
    kwMode: c.kwMode,
    types: setOrNull(c.types),
    sectorIds: setOrNull(c.sectorIds),
    licences: setOrNull(c.licences.map(foldLicence)),
    authorIds: setOrNull(c.authorIds),
    statuses: setOrNull(c.statuses),
    fromMs: Number.isNaN(from) ? -Infinity : from,
    toMs: Number.isNaN(to) ? Infinity : to + 86_400_000,
  };
}

/** A keyword's title in searchable form (see `searchable`), or undefined. */
export type KeywordTitleOf = (id: string) => string | undefined;

function inDoc(doc: IndexedDoc, needle: string, titleOf: KeywordTitleOf): boolean {
  if (doc.title.includes(needle) || doc.description.includes(needle)) return true;
  for (const id of doc.keywordIds) if (titleOf(id)?.includes(needle)) return true;
  return false;
}

function matchesText(doc: IndexedDoc, needles: PreparedCriteria['needles'], titleOf: KeywordTitleOf): boolean {
  for (const needle of needles.terms) if (!inDoc(doc, needle, titleOf)) return false;
  for (const needle of needles.phrases) if (!inDoc(doc, needle, titleOf)) return false;
  for (const needle of needles.excluded) if (inDoc(doc, needle, titleOf)) return false;
  return true;
}

export function matches(doc: IndexedDoc, p: PreparedCriteria, titleOf: KeywordTitleOf): boolean {
  if (p.statuses && !p.statuses.has(doc.status)) return false;
  if (p.types && !p.types.has(doc.type)) return false;
  if (p.sectorIds && (doc.sectorId === null || !p.sectorIds.has(doc.sectorId))) return false;
  if (p.licences && !p.licences.has(doc.licence)) return false;
  if (p.authorIds && (doc.authorId === null || !p.authorIds.has(doc.authorId))) return false;
  if (doc.date < p.fromMs || doc.date >= p.toMs) return false;
  if (p.keywordIds.length) {
    if (p.kwMode === 'all') {
      for (const k of p.keywordIds) if (!doc.keywordIds.includes(k)) return false;
    } else if (!p.keywordIds.some((k) => doc.keywordIds.includes(k))) return false;
  }
  return matchesText(doc, p.needles, titleOf);
}
