// Realistic-looking library data for benchmarks: French and English titles and descriptions,
// 5 keywords each out of 2,000 (in a few groups), 10 sectors. Deterministic for a given seed.
import type { Keyword, KeywordGroup, Media, MediaType, Sector } from '../core/store/index.ts';

import { seededRandom as seeded } from './lib/random.ts';


const fr = {
  nouns: ['carnaval', 'masques', 'fête', 'musée', 'église', 'château', 'rivière', 'forêt', 'théâtre', 'concert', 'marché', 'village', 'quartier', 'école', 'atelier', 'exposition', 'festival', 'danse', 'chanson', 'portrait', 'paysage', 'bibliothèque', 'cérémonie', 'récolte', 'vendanges', 'procession', 'défilé', 'orchestre', 'sculpture', 'peinture', 'mémoire', 'témoignage', 'entretien', 'répétition', 'spectacle', 'patrimoine', 'artisanat', 'médias', 'société', 'été', 'hiver', 'printemps', 'automne', 'Noël', 'port', 'pêcheurs', 'montagne', 'vallée', 'île', 'cathédrale'],
  adjs: ['ancien', 'nouvelle', 'populaire', 'traditionnel', 'vénitien', 'breton', 'provençal', 'municipal', 'régional', 'nocturne', 'estival', 'historique', 'contemporain', 'célèbre', 'oublié', 'éphémère'],
  places: ['Paris', 'Lyon', 'Marseille', 'Nantes', 'Rennes', 'Bordeaux', 'Lille', 'Strasbourg', 'Toulouse', 'Montréal', 'Genève', 'Bruxelles', 'Venise', 'Dakar', 'Québec', 'Saint-Étienne'],
  links: ['de', 'du', 'à', 'en', 'pour', 'avec', 'sous', 'entre'],
  verbs: ['présente', 'raconte', 'montre', 'célèbre', 'explore', 'retrace', 'documente', 'réunit'],
};
const en = {
  nouns: ['carnival', 'masks', 'festival', 'museum', 'church', 'castle', 'river', 'forest', 'theatre', 'concert', 'market', 'village', 'district', 'school', 'workshop', 'exhibition', 'dance', 'song', 'portrait', 'landscape', 'library', 'ceremony', 'harvest', 'parade', 'orchestra', 'sculpture', 'painting', 'memory', 'interview', 'rehearsal', 'show', 'heritage', 'craft', 'media', 'society', 'summer', 'winter', 'spring', 'autumn', 'harbour', 'fishermen', 'mountain', 'valley', 'island', 'cathedral'],
  adjs: ['old', 'new', 'popular', 'traditional', 'Venetian', 'local', 'regional', 'night', 'historic', 'contemporary', 'famous', 'forgotten', 'ephemeral', 'annual'],
  links: ['of', 'in', 'at', 'for', 'with', 'under', 'between'],
  verbs: ['presents', 'tells', 'shows', 'celebrates', 'explores', 'traces', 'documents', 'gathers'],
};
const types: MediaType[] = ['image', 'image', 'image', 'video', 'audio', 'document'];
const licences = ['cc-by', 'cc-by-sa', 'cc-by-nc', 'all-rights-reserved', 'public-domain'];

export interface GeneratedLibrary {
  groups: KeywordGroup[];
  keywords: Keyword[];
  sectors: Sector[];
  /** Without ids when `withIds` is false (to go through the store), with ids `1..n` otherwise. */
  media: Media[];
  authors: string[];
}

export function generateLibrary(count: number, options: { seed?: number; keywords?: number; sectors?: number } = {}): GeneratedLibrary {
  const rand = seeded(options.seed ?? 42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const groups: KeywordGroup[] = [
    { id: 'g-tags', slug: 'tags', title: 'Tags', multiple: true, inNavigation: true, order: 0 },
    { id: 'g-places', slug: 'lieux', title: 'Lieux', multiple: true, inNavigation: true, order: 1 },
    { id: 'g-genre', slug: 'genre', title: 'Genre', multiple: true, inNavigation: false, order: 2 },
  ];
  const keywords: Keyword[] = [];
  const seen = new Set<string>();
  const nKeywords = options.keywords ?? 2000;
  for (let i = 0; keywords.length < nKeywords; i++) {
    const lang = rand() < 0.5 ? fr : en;
    const base = rand() < 0.3 && lang === fr ? pick(fr.places) : pick(lang.nouns);
    const title = i < 150 ? base : `${base} ${pick(lang.adjs)}${i >= 1500 ? ` ${i}` : ''}`;
    const key = title.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    const n = keywords.length;
    keywords.push({ id: `k${n}`, groupId: groups[n % 10 === 0 ? 1 : n % 10 === 1 ? 2 : 0]!.id, slug: `kw-${n}`, title, description: '' });
  }
  const sectors: Sector[] = Array.from({ length: options.sectors ?? 10 }, (_, i) => ({
    id: `s${i}`, slug: `secteur-${i}`, title: `Secteur ${i}`, description: '', order: i, visible: true, display: 'grid', defaultSort: 'date',
  }));
  const authors = ['u1', 'u2', 'u3', 'u4', 'u5'];
  const sentence = (lang: typeof en | typeof fr, words: number) => {
    const out: string[] = [];
    while (out.length < words) {
      const r = rand();
      out.push(r < 0.45 ? pick(lang.nouns) : r < 0.65 ? pick(lang.adjs) : r < 0.85 ? pick(lang.links) : r < 0.93 ? pick(lang.verbs) : pick(fr.places));
    }
    return out.join(' ');
  };
  const media: Media[] = [];
  const start = Date.UTC(2012, 0, 1);
  const span = Date.UTC(2026, 0, 1) - start;
  for (let i = 1; i <= count; i++) {
    const lang = rand() < 0.6 ? fr : en;
    const title = `${pick(lang.nouns)} ${pick(lang.adjs)} ${pick(lang.links)} ${pick(fr.places)}`;
    const title2 = title.charAt(0).toUpperCase() + title.slice(1);
    const description = `${sentence(lang, 8 + Math.floor(rand() * 10))}. ${sentence(lang, 6 + Math.floor(rand() * 12))}.`;
    const kws = new Set<string>();
    // Skewed popularity: some keywords are used far more than others, as in real libraries.
    while (kws.size < 5) kws.add(`k${Math.floor(Math.pow(rand(), 1.6) * nKeywords)}`);
    const at = new Date(start + Math.floor(rand() * span)).toISOString();
    const published = rand() < 0.92;
    media.push({
      id: String(i),
      slug: `media-${i}`,
      type: pick(types),
      status: published ? 'published' : 'draft',
      title: title2,
      description,
      sectorId: `s${Math.floor(rand() * sectors.length)}`,
      keywordIds: [...kws],
      licence: pick(licences),
      authorId: pick(authors),
      createdAt: at,
      updatedAt: at,
      publishedAt: published ? at : null,
      views: Math.floor(Math.pow(rand(), 3) * 10_000),
      original: { file: `originals/${i}.jpg`, mime: 'image/jpeg', size: 100_000, name: `${i}.jpg`, sha256: '0'.repeat(64) },
      variants: { thumb: { file: `derivatives/${i}-thumb.webp`, mime: 'image/webp', size: 8000, width: 320, height: 240 } },
      meta: {},
      processing: { state: 'done', attempts: 1 },
    });
  }
  return { groups, keywords, sectors, media, authors };
}

/** Queries like a visitor's: a word or two (sometimes a prefix), 2 keywords, a type. */
export function generateQueries(lib: GeneratedLibrary, count: number, seed = 7) {
  const rand = seeded(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const out: Array<{ q: string; keywordIds: string[]; types: MediaType[] }> = [];
  for (let i = 0; i < count; i++) {
    const m = pick(lib.media);
    const words = `${m.title} ${m.description}`.split(/[^\p{L}]+/u).filter((w) => w.length > 3);
    let q = pick(words);
    if (rand() < 0.3) q = q.slice(0, Math.max(3, q.length - 2));
    const kw = [...m.keywordIds].sort(() => rand() - 0.5).slice(0, 2);
    out.push({ q, keywordIds: rand() < 0.7 ? kw : [pick(lib.keywords).id, pick(lib.keywords).id], types: [rand() < 0.8 ? m.type : pick(types)] });
  }
  return out;
}
