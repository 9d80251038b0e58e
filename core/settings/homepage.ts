import type { Store } from '../store/index.ts';
import type { SettingField } from '../plugins/api.ts';
import { keyLabel, validatedOrDefaults } from './read.ts';

export const homepageBlocks = ['description', 'editorial', 'featured', 'latest', 'highlights', 'tagCloud', 'sectors'] as const;
export type HomepageBlock = (typeof homepageBlocks)[number];

/** The homepage (/admin/config/homepage): which blocks show, in which order, and what they hold. */
export interface HomepageSettings {
  /** Shown blocks, top to bottom. */
  blocks: HomepageBlock[];
  editorial: string;
  featuredMedia: string[];
  latestCount: number;
  highlightsTitle: string;
  highlightsSource: 'sector' | 'keyword';
  /** A sector slug, or `group/keyword` for a keyword. */
  highlightsTarget: string;
  highlightsSort: 'title' | 'date' | 'popularity';
  itemsPerBlock: number;
}

export const homepageDefaults: HomepageSettings = {
  blocks: ['description', 'featured', 'latest', 'sectors', 'tagCloud'],
  editorial: '',
  featuredMedia: [],
  latestCount: 12,
  highlightsTitle: '',
  highlightsSource: 'sector',
  highlightsTarget: '',
  highlightsSort: 'date',
  itemsPerBlock: 6,
};

export function homepageFields(label: (key: string) => { en: string; fr: string }): SettingField[] {
  const L = (k: string) => label(`admin.config.homepage.${k}`);
  return [
    { key: 'blocks', type: 'ordered', options: homepageBlocks.map((b) => ({ value: b, label: L(`block_${b}`) })), maxItems: homepageBlocks.length, label: L('blocks'), help: L('blocks_help'), default: homepageDefaults.blocks },
    { key: 'editorial', type: 'textarea', maxLength: 20000, label: L('editorial'), help: L('editorial_help'), default: '' },
    { key: 'featuredMedia', type: 'lines', format: 'id', maxLines: 24, label: L('featuredMedia'), help: L('featuredMedia_help'), default: [] },
    { key: 'latestCount', type: 'number', integer: true, min: 1, max: 48, label: L('latestCount'), default: homepageDefaults.latestCount },
    { key: 'highlightsTitle', type: 'text', maxLength: 120, label: L('highlightsTitle'), default: '' },
    { key: 'highlightsSource', type: 'select', required: true, label: L('highlightsSource'), options: [{ value: 'sector', label: L('source_sector') }, { value: 'keyword', label: L('source_keyword') }], default: 'sector' },
    { key: 'highlightsTarget', type: 'text', maxLength: 200, label: L('highlightsTarget'), help: L('highlightsTarget_help'), default: '' },
    { key: 'highlightsSort', type: 'select', required: true, label: L('highlightsSort'), options: ['title', 'date', 'popularity'].map((v) => ({ value: v, label: L(`sort_${v}`) })), default: 'date' },
    { key: 'itemsPerBlock', type: 'number', integer: true, min: 1, max: 48, label: L('itemsPerBlock'), default: homepageDefaults.itemsPerBlock },
  ];
}

const readFields = homepageFields(keyLabel);

export function isHomepageBlock(v: string): v is HomepageBlock {
  return (homepageBlocks as readonly string[]).includes(v);
}

/** The saved homepage settings, invalid fields at their defaults; unknown or repeated block names are dropped. */
export async function readHomepage(store: Store): Promise<HomepageSettings> {
  const saved = (await store.settings.get('homepage')) as Record<string, unknown> | undefined;
  // Blocks a newer or older version knew, or repeated by a hand edit, are left out rather than losing the whole order.
  const blocks = Array.isArray(saved?.blocks) ? [...new Set((saved.blocks as unknown[]).filter((b): b is string => typeof b === 'string' && isHomepageBlock(b)))] : undefined;
  return validatedOrDefaults(readFields, saved && { ...saved, ...(blocks && { blocks }) }) as unknown as HomepageSettings;
}
