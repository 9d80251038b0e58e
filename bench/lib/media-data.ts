import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SHARD_SIZE, shardIndex } from '../../core/store/lowdb/media.ts';
import { asciiJson } from '../../core/store/lowdb/durable-file.ts';
import type { Keyword, KeywordGroup, Media, MediaType, Sector } from '../../core/store/index.ts';

import { seededRandom } from './random.ts';

export { seededRandom };

const pick = <T>(rnd: () => number, list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;

const fr = {
  subjects: ['Carnaval', 'Fête des vendanges', 'Marché de Noël', 'Procession', 'Concert', 'Exposition', 'Atelier de poterie', 'Défilé', 'Régate', 'Veillée', 'Bal populaire', 'Festival de théâtre', 'Chorale', 'Fanfare', 'Rencontre', 'Portrait', 'Paysage', 'Archive sonore', 'Entretien', 'Conférence'],
  places: ['à Binche', 'à Lyon', 'en Bretagne', 'au port de Marseille', 'à Québec', 'sur les quais de Nantes', 'à la médiathèque', 'au Musée des Beaux-Arts', 'à Besançon', 'dans le Vieux-Lille', 'à Genève', 'en Camargue', 'à Bruxelles', 'aux Halles', 'à Strasbourg'],
  details: ['au petit matin', 'sous la pluie', 'en noir et blanc', 'édition 1987', 'les coulisses', 'premières images', 'vue d’ensemble', 'détail des masques', 'les répétitions', 'la soirée de clôture', 'version restaurée', 'témoignages'],
  sentences: [
    'Les habitants se retrouvent chaque année pour cette fête très attendue.',
    'Ce document fait partie du fonds numérisé en 2019 par l’équipe des archives.',
    'On y voit les costumes traditionnels, les masques et les instruments d’époque.',
    'L’enregistrement a été réalisé avec un magnétophone à bandes, puis restauré.',
    'La photographie est prise depuis le clocher de l’église Saint-Étienne.',
    'Merci aux familles qui ont prêté leurs albums pour cette collection.',
    'Le cortège traverse la vieille ville jusqu’à la place du marché.',
    'Une médiathèque associative a recueilli ces souvenirs auprès des anciens.',
    'Les musiciens répètent dans la salle des fêtes, à deux pas de la gare.',
    'Cette séquence a été tournée en Super 8 par un amateur du quartier.',
  ],
};

const en = {
  subjects: ['Carnival', 'Harvest festival', 'Christmas market', 'Street parade', 'Concert', 'Exhibition', 'Pottery workshop', 'Boat race', 'Folk dance', 'Theatre festival', 'Choir rehearsal', 'Brass band', 'Interview', 'Portrait', 'Landscape', 'Oral history', 'Lecture', 'Open day', 'Book fair', 'Craft fair'],
  places: ['in Edinburgh', 'in Montreal', 'at the harbour', 'on the riverside', 'at the town hall', 'in the old quarter', 'at the public library', 'in Cornwall', 'at the museum', 'in Brussels', 'on the village green', 'in Dublin'],
  details: ['at dawn', 'in the rain', 'black and white', '1987 edition', 'behind the scenes', 'first footage', 'wide view', 'masks in detail', 'rehearsals', 'closing night', 'restored version', 'testimonies'],
  sentences: [
    'Residents gather every year for this long-awaited celebration.',
    'This item belongs to the collection digitised in 2019 by the archive team.',
    'It shows traditional costumes, masks and period instruments.',
    'The recording was made on a reel-to-reel tape recorder, then restored.',
    'The photograph was taken from the bell tower of Saint Stephen’s church.',
    'Thanks to the families who lent their albums to this collection.',
    'The procession crosses the old town to the market square.',
    'A community library gathered these memories from older residents.',
    'The musicians rehearse in the village hall, a stone’s throw from the station.',
    'This sequence was shot on Super 8 by a local amateur.',
  ],
};

const keywordStems = ['masques', 'musique', 'danse', 'patrimoine', 'enfance', 'marine', 'agriculture', 'architecture', 'artisanat', 'cinéma', 'photographie', 'théâtre', 'sport', 'religion', 'cuisine', 'école', 'industrie', 'portraits', 'nature', 'voyage', 'costumes', 'fêtes', 'archives', 'radio', 'jazz', 'folk', 'heritage', 'harbour', 'festival', 'family'];
const sectorNames: Array<[string, string]> = [
  ['photographies', 'Photographies'], ['archives-sonores', 'Archives sonores'], ['films-amateurs', 'Films amateurs'], ['expositions', 'Expositions'], ['patrimoine', 'Patrimoine'],
  ['events', 'Events'], ['interviews', 'Interviews'], ['education', 'Éducation'], ['music', 'Music'], ['documents', 'Documents'],
];
const types: MediaType[] = ['image', 'image', 'image', 'audio', 'video', 'document'];
const mimes: Record<MediaType, [string, string]> = { image: ['image/jpeg', 'jpg'], audio: ['audio/mpeg', 'mp3'], video: ['video/mp4', 'mp4'], document: ['application/pdf', 'pdf'] };

export function slugify(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
}

export interface Dataset {
  sectors: Sector[];
  groups: KeywordGroup[];
  keywords: Keyword[];
}

/** 10 sectors, the `tags` group and 2,000 keywords with stable ids. */
export function makeTaxonomy(keywordCount = 2000): Dataset {
  const sectors: Sector[] = sectorNames.map(([slug, title], i) => ({ id: `sector-${i + 1}`, slug, title, description: '', order: i, visible: true, display: 'grid', defaultSort: 'date' }));
  const groups: KeywordGroup[] = [{ id: 'group-tags', slug: 'tags', title: 'Tags', multiple: true, inNavigation: true, order: 0 }];
  const keywords: Keyword[] = [];
  for (let i = 0; i < keywordCount; i++) {
    const stem = keywordStems[i % keywordStems.length]!;
    const title = i < keywordStems.length ? stem : `${stem} ${Math.floor(i / keywordStems.length) + 1}`;
    keywords.push({ id: `kw-${i + 1}`, groupId: 'group-tags', slug: slugify(title), title, description: '' });
  }
  return { sectors, groups, keywords };
}

/** Where core/media would keep media `id`'s files, relative to <dataDir>/files: `<2 hex>/<20 hex>`. */
export function mediaFolder(id: number): string {
  return `${(id % 256).toString(16).padStart(2, '0')}/${id.toString(16).padStart(20, '0')}`;
}

/** One realistic media record (half French, half English), as the store keeps it. */
export function makeMedia(id: number, rnd: () => number, data: Dataset): Media {
  const lang = rnd() < 0.5 ? fr : en;
  const title = `${pick(rnd, lang.subjects)} ${pick(rnd, lang.places)} — ${pick(rnd, lang.details)}`;
  const sentences = 2 + Math.floor(rnd() * 3);
  const description = Array.from({ length: sentences }, () => pick(rnd, lang.sentences)).join(' ');
  const type = pick(rnd, types);
  const [mime, ext] = mimes[type];
  const keywordIds = new Set<string>();
  while (keywordIds.size < 5) keywordIds.add(pick(rnd, data.keywords).id);
  const created = new Date(Date.UTC(2005, 0, 1) + Math.floor(rnd() * 20 * 365 * 86400_000));
  const iso = created.toISOString();
  const hex = Array.from({ length: 64 }, () => Math.floor(rnd() * 16).toString(16)).join('');
  // The folder core/media gives a stored file: <2 hex>/<20 hex>/ (here derived from the id, so a run can find it again).
  const folder = mediaFolder(id);
  const image = (name: string, width: number, height: number, size: number): Media['variants'] => ({
    [name]: { file: `${folder}/${name}.jpg`, mime: 'image/jpeg', size, width, height },
    [`${name}.webp`]: { file: `${folder}/${name}.webp`, mime: 'image/webp', size: Math.round(size * 0.7), width, height },
  });
  const variants: Media['variants'] =
    type === 'image' || type === 'video'
      ? {
          ...image('thumb', 320, 240, 8000 + Math.floor(rnd() * 6000)),
          ...image('medium', 800, 600, 60000 + Math.floor(rnd() * 40000)),
          ...image('large', 1600, 1200, 200000 + Math.floor(rnd() * 100000)),
        }
      : {};
  return {
    id: String(id),
    slug: slugify(title),
    type,
    status: rnd() < 0.9 ? 'published' : 'draft',
    title,
    description,
    sectorId: pick(rnd, data.sectors).id,
    keywordIds: [...keywordIds],
    licence: pick(rnd, ['CC-BY-4.0', 'CC-BY-SA-4.0', 'all-rights-reserved']),
    authorId: null,
    createdAt: iso,
    updatedAt: iso,
    publishedAt: iso,
    views: Math.floor(rnd() * 5000),
    original: { file: `${folder}/original.${ext}`, mime, size: 100000 + Math.floor(rnd() * 5_000_000), name: `${slugify(title).slice(0, 40)}.${ext}`, sha256: hex, ...(type === 'image' ? { width: 4000, height: 3000 } : {}) },
    variants,
    meta: type === 'image' ? { width: 4000, height: 3000, orientation: 1 } : type === 'document' ? { pages: 1 + Math.floor(rnd() * 40) } : { duration: Math.round(rnd() * 3600), codec: type === 'audio' ? 'mp3' : 'h264' },
    processing: { state: 'done', attempts: 1, updatedAt: iso },
  };
}

/**
 * The library writeDataset writes (same seed, same records), in memory: for benchmarks that work
 * on the records without a store (the search index).
 */
export function makeLibrary(count: number, seed = 42): Dataset & { media: Media[] } {
  const data = makeTaxonomy();
  const rnd = seededRandom(seed);
  const media: Media[] = [];
  for (let id = 1; id <= count; id++) media.push(makeMedia(id, rnd, data));
  return { ...data, media };
}

/**
 * Writes a lowdb data folder holding `count` media, laid out as core/store/lowdb does (shards of
 * SHARD_SIZE ids, ASCII-escaped JSON), far faster than `store.media.create` one by one. Open it with openLowdbStore.
 */
export async function writeDataset(dataDir: string, count: number, seed = 42, options: { thumbnails?: number } = {}): Promise<Dataset> {
  const data = makeTaxonomy();
  const dbDir = path.join(dataDir, 'db');
  await mkdir(path.join(dbDir, 'media'), { recursive: true, mode: 0o700 });
  const asItems = <T extends { id: string }>(list: T[]) => asciiJson(JSON.stringify({ items: Object.fromEntries(list.map((x) => [x.id, x])) }));
  await writeFile(path.join(dbDir, 'sectors.json'), asItems(data.sectors));
  await writeFile(path.join(dbDir, 'keyword-groups.json'), asItems(data.groups));
  await writeFile(path.join(dbDir, 'keywords.json'), asItems(data.keywords));
  const rnd = seededRandom(seed);
  let shard: Record<string, Media> = {};
  let current = shardIndex('1');
  const flush = async () => {
    if (Object.keys(shard).length === 0) return;
    await writeFile(path.join(dbDir, 'media', `shard-${String(current).padStart(5, '0')}.json`), asciiJson(JSON.stringify({ items: shard })));
    shard = {};
  };
  for (let id = 1; id <= count; id++) {
    const index = Math.floor(id / SHARD_SIZE);
    if (index !== current) {
      await flush();
      current = index;
    }
    const m = makeMedia(id, rnd, data);
    shard[String(id)] = m;
    if (id <= (options.thumbnails ?? 0)) await writeThumbnails(dataDir, m);
  }
  await flush();
  return data;
}

let thumbBytes: Promise<{ jpeg: Buffer; webp: Buffer }> | undefined;

/** A 320×240 picture with some detail (so it weighs what a real thumbnail does), as JPEG and WebP. */
function thumbnailBytes(): Promise<{ jpeg: Buffer; webp: Buffer }> {
  thumbBytes ??= (async () => {
    const { default: sharp } = await import('sharp');
    const [width, height] = [320, 240];
    const pixels = Buffer.alloc(width * height * 3);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 37 + (i >> 7) * 11) & 0xff;
    const image = () => sharp(pixels, { raw: { width, height, channels: 3 } });
    const [jpeg, webp] = await Promise.all([image().jpeg({ quality: 82 }).toBuffer(), image().webp({ quality: 82 }).toBuffer()]);
    return { jpeg, webp };
  })();
  return thumbBytes;
}

/** Real thumbnail files (JPEG and its WebP twin) where /files/<id>/thumb serves them; records sizes to match. */
export async function writeThumbnails(dataDir: string, m: Media): Promise<void> {
  const { jpeg, webp } = await thumbnailBytes();
  for (const [name, bytes] of [['thumb', jpeg], ['thumb.webp', webp]] as const) {
    const variant = m.variants[name];
    if (!variant) continue;
    const file = path.join(dataDir, 'files', variant.file);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, bytes);
    variant.size = bytes.length;
  }
}
