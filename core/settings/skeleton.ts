import type { Store } from '../store/index.ts';
import type { Language } from '../i18n/index.ts';
import type { SettingField } from '../plugins/api.ts';
import { licences, type LicenceId } from './licences.ts';
import { keyLabel, validatedOrDefaults } from './read.ts';

/** General site setup (/admin/config/skeleton). Every key has a default, so a new portal looks complete. */
export interface SkeletonSettings {
  siteName: string;
  slogan: string;
  description: string;
  /**
   * The uploaded logo under the data folder's files (fitted in the largest box, 1024 px), or '' for
   * none; what pages show is derived from it at `logoBox` (see core/admin/logo.ts).
   */
  logo: string;
  theme: string;
  language: Language;
  visitorsMayChooseLanguage: boolean;
  hiddenBlocks: Array<'siteTitle' | 'slogan' | 'loginBlock' | 'breadcrumb'>;
  searchBoxPosition: 'header' | 'navigation' | 'none';
  navigationKeywordGroups: string[];
  logoBox: number;
  thumbnailBox: number;
  navThumbnailBox: number;
  navThumbnailCount: number;
  maxDocumentWidth: number;
  allowDownloads: boolean;
  downloadsSignedInOnly: boolean;
  showDirectFileLinks: boolean;
  defaultLicence: LicenceId;
  footerText: string;
}

export const skeletonDefaults: SkeletonSettings = {
  siteName: 'Kiosque',
  slogan: '',
  description: '',
  logo: '',
  theme: 'default',
  language: 'en',
  visitorsMayChooseLanguage: true,
  hiddenBlocks: [],
  searchBoxPosition: 'header',
  navigationKeywordGroups: [],
  logoBox: 240,
  thumbnailBox: 320,
  navThumbnailBox: 64,
  navThumbnailCount: 6,
  maxDocumentWidth: 1600,
  allowDownloads: true,
  downloadsSignedInOnly: false,
  showDirectFileLinks: false,
  defaultLicence: 'all-rights-reserved',
  footerText: '',
};

type Label = (key: string) => { en: string; fr: string };

/** The form of the skeleton page; options that depend on the site (themes, keyword groups) come in. */
export function skeletonFields(label: Label, options: { themes: string[]; keywordGroups: Array<{ value: string; label: string }> }): SettingField[] {
  const L = (k: string) => label(`admin.config.skeleton.${k}`);
  const opt = (prefix: string, values: readonly string[]) => values.map((value) => ({ value, label: label(`admin.config.skeleton.${prefix}_${value}`) }));
  return [
    { key: 'siteName', type: 'text', label: L('siteName'), required: true, maxLength: 80, default: skeletonDefaults.siteName },
    { key: 'slogan', type: 'text', label: L('slogan'), maxLength: 160, default: '' },
    { key: 'description', type: 'textarea', label: L('description'), maxLength: 2000, default: '' },
    { key: 'theme', type: 'select', required: true, label: L('theme'), options: options.themes.map((t) => ({ value: t, label: t })), default: 'default' },
    { key: 'language', type: 'select', required: true, label: L('language'), options: [{ value: 'en', label: 'English', lang: 'en' }, { value: 'fr', label: 'Français', lang: 'fr' }], default: 'en' },
    { key: 'visitorsMayChooseLanguage', type: 'boolean', label: L('visitorsMayChooseLanguage'), default: true },
    { key: 'hiddenBlocks', type: 'multiselect', label: L('hiddenBlocks'), options: opt('block', ['siteTitle', 'slogan', 'loginBlock', 'breadcrumb']), default: [] },
    { key: 'searchBoxPosition', type: 'select', required: true, label: L('searchBoxPosition'), options: opt('search', ['header', 'navigation', 'none']), default: 'header' },
    { key: 'navigationKeywordGroups', type: 'multiselect', label: L('navigationKeywordGroups'), options: options.keywordGroups.map((g) => ({ value: g.value, label: g.label })), default: [] },
    { key: 'logoBox', type: 'number', label: L('logoBox'), integer: true, min: 16, max: 1024, default: skeletonDefaults.logoBox },
    { key: 'thumbnailBox', type: 'number', label: L('thumbnailBox'), integer: true, min: 64, max: 1024, default: skeletonDefaults.thumbnailBox },
    { key: 'navThumbnailBox', type: 'number', label: L('navThumbnailBox'), integer: true, min: 16, max: 512, default: skeletonDefaults.navThumbnailBox },
    { key: 'navThumbnailCount', type: 'number', label: L('navThumbnailCount'), help: L('navThumbnailCount_help'), integer: true, min: 0, max: 50, default: skeletonDefaults.navThumbnailCount },
    { key: 'maxDocumentWidth', type: 'number', label: L('maxDocumentWidth'), integer: true, min: 320, max: 8000, default: skeletonDefaults.maxDocumentWidth },
    { key: 'allowDownloads', type: 'boolean', label: L('allowDownloads'), default: true },
    { key: 'downloadsSignedInOnly', type: 'boolean', label: L('downloadsSignedInOnly'), default: false },
    { key: 'showDirectFileLinks', type: 'boolean', label: L('showDirectFileLinks'), default: false },
    { key: 'defaultLicence', type: 'select', required: true, label: L('defaultLicence'), options: licences.map((id) => ({ value: id, label: label(`licences.${id}`) })), default: skeletonDefaults.defaultLicence },
    { key: 'footerText', type: 'textarea', label: L('footerText'), maxLength: 1000, default: '' },
  ];
}

const THEME_NAME = /^[a-z][a-z0-9-]{0,40}$/;
/** Where the processed logo lives under <dataDir>/files (the name changes with each upload). */
export const LOGO_FILE = /^site\/logo-[0-9a-f]{16}\.png$/;

/** The logo's version: the upload's name and the box it is shown in, so a new logo or a new box is a new URL. */
export function logoVersion(logo: string, box: number): string {
  return `${logo.slice('site/logo-'.length, -'.png'.length)}-${box}`;
}

/** The public URL of the logo as shown in a `box`-pixel box; caches never show an old one. */
export function logoUrl(logo: string, box: number): string | undefined {
  return logo ? `/site/logo?v=${logoVersion(logo, box)}` : undefined;
}

/**
 * The saved skeleton, each field checked against the declaration and falling back to its default.
 * The theme only needs a theme-like name here: the view engine falls back to `default` when it is
 * missing or broken. Keyword groups are filtered against the existing groups where they are shown.
 */
export async function readSkeleton(store: Store): Promise<SkeletonSettings> {
  const saved = (await store.settings.get<Record<string, unknown>>('skeleton')) ?? {};
  const theme = typeof saved.theme === 'string' && THEME_NAME.test(saved.theme) ? saved.theme : skeletonDefaults.theme;
  const groups = Array.isArray(saved.navigationKeywordGroups) ? saved.navigationKeywordGroups.filter((g): g is string => typeof g === 'string' && g.length > 0 && g.length <= 100) : [];
  const fields = skeletonFields(keyLabel, { themes: [theme], keywordGroups: groups.map((g) => ({ value: g, label: g })) });
  const values = validatedOrDefaults(fields, { ...saved, theme, navigationKeywordGroups: groups }) as Omit<SkeletonSettings, 'logo'>;
  const logo = typeof saved.logo === 'string' && LOGO_FILE.test(saved.logo) ? saved.logo : '';
  return { ...values, logo };
}
