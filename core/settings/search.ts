import type { Store } from '../store/index.ts';
import type { SettingField } from '../plugins/api.ts';
import { keyLabel, validatedOrDefaults } from './read.ts';

export const searchSorts = ['relevance', 'title', 'date', 'popularity'] as const;
export const searchFormFields = ['q', 'keywords', 'type', 'sector', 'dates', 'licence', 'author'] as const;

/** Search and sort (/admin/config/search). */
export interface SearchSettings {
  defaultSort: (typeof searchSorts)[number];
  defaultOrder: 'asc' | 'desc';
  perPage: number;
  defaultView: 'thumbnails' | 'list';
  formFields: Array<(typeof searchFormFields)[number]>;
}

export const searchDefaults: SearchSettings = {
  defaultSort: 'relevance',
  defaultOrder: 'desc',
  perPage: 24,
  defaultView: 'thumbnails',
  formFields: [...searchFormFields],
};

export function searchFields(label: (key: string) => { en: string; fr: string }): SettingField[] {
  const L = (k: string) => label(`admin.config.search.${k}`);
  const opt = (prefix: string, values: readonly string[]) => values.map((value) => ({ value, label: L(`${prefix}_${value}`) }));
  return [
    { key: 'defaultSort', type: 'select', required: true, label: L('defaultSort'), options: opt('sort', searchSorts), default: searchDefaults.defaultSort },
    { key: 'defaultOrder', type: 'select', required: true, label: L('defaultOrder'), options: opt('order', ['asc', 'desc']), default: searchDefaults.defaultOrder },
    { key: 'perPage', type: 'number', label: L('perPage'), integer: true, min: 6, max: 96, step: 6, default: searchDefaults.perPage },
    { key: 'defaultView', type: 'select', required: true, label: L('defaultView'), options: opt('view', ['thumbnails', 'list']), default: searchDefaults.defaultView },
    { key: 'formFields', type: 'multiselect', label: L('formFields'), options: opt('field', searchFormFields), default: searchDefaults.formFields },
  ];
}

const readFields = searchFields(keyLabel);

/** Results per page go 6 to 96 in steps of 6 (so grids of 2, 3 or 6 columns fill). */
export const isPerPage = (n: number) => Number.isInteger(n) && n >= 6 && n <= 96 && n % 6 === 0;

export async function readSearchSettings(store: Store): Promise<SearchSettings> {
  const values = validatedOrDefaults(readFields, await store.settings.get('search')) as unknown as SearchSettings;
  return { ...values, perPage: isPerPage(values.perPage) ? values.perPage : searchDefaults.perPage };
}
