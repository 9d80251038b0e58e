import type { Request, Response } from 'express';
import type { I18n, Language } from '../i18n/index.ts';
import type { Store } from '../store/index.ts';
import type { SettingValues } from '../plugins/api.ts';
import type { RenderPage } from '../views/render.ts';
import type { ViewEngine } from '../views/engine.ts';
import type { ThemeInfo } from '../views/themes.ts';
import type { FieldErrors } from '../settings/form.ts';
import { readSkeleton, skeletonFields } from '../settings/skeleton.ts';
import { homepageFields, readHomepage } from '../settings/homepage.ts';
import { mediaDisplayFields, readMediaDisplay } from '../settings/media-display.ts';
import { isPerPage, readSearchSettings, searchFields } from '../settings/search.ts';
import { accountsFields, readAccountsSettings } from '../settings/accounts.ts';
import { createConfigPage, i18nLabel, type ConfigPage } from './config-page.ts';
import { sectorAt } from '../sectors/service.ts';
import { keywordAt } from '../keywords/slug.ts';

interface Deps {
  store: Store;
  render: RenderPage;
  i18n: I18n;
  engine: ViewEngine;
  /** Extra data of the skeleton page (the logo form). */
  skeletonExtra?: (req: Request, res: Response) => Promise<Record<string, unknown>>;
  /** After the skeleton page saved another site language. */
  languageChanged?: (lang: Language) => Promise<void>;
}

const E = (page: string, code: string) => `admin.config.${page}.errors.${code}`;

/** The skeleton page: installed themes (broken ones listed, to be refused with their error) and keyword groups come from the site. */
export function createSkeletonPage(deps: Deps): ConfigPage {
  const label = i18nLabel(deps.i18n);
  return createConfigPage(deps, {
    name: 'skeleton',
    settingsKey: 'skeleton',
    async fields() {
      deps.engine.rescan();
      const groups = (await deps.store.keywordGroups.list()).sort((a, b) => a.order - b.order);
      const themes = deps.engine.themes();
      const fields = skeletonFields(label, { themes: themes.map((t) => t.name), keywordGroups: groups.map((g) => ({ value: g.slug, label: g.title })) });
      const theme = fields.find((f) => f.key === 'theme');
      if (theme?.type === 'select') {
        // The admin picks a theme by its title in their language and reads what each one is below the list.
        const both = (fn: (lang: Language) => string) => ({ en: fn('en'), fr: fn('fr') });
        const titleOf = (t: ThemeInfo, lang: Language) => t.title?.[lang] ?? t.title?.en ?? t.name;
        theme.options = themes.map((t) => ({
          value: t.name,
          label: both((lang) => (t.error ? deps.i18n.t(lang, 'admin.config.skeleton.theme_broken_label', { theme: t.name }) : titleOf(t, lang))),
        }));
        const described = themes.filter((t) => !t.error && (t.description?.en || t.description?.fr));
        if (described.length) theme.help = both((lang) => described.map((t) => deps.i18n.t(lang, 'admin.config.skeleton.theme_help_item', { theme: titleOf(t, lang), description: t.description?.[lang] ?? t.description?.en ?? '' })).join(' '));
      }
      return fields;
    },
    current: async () => ({ ...(await readSkeleton(deps.store)) }) as unknown as SettingValues,
    async check(values) {
      const errors: FieldErrors = {};
      const name = String(values.theme);
      const theme = deps.engine.themes().find((t) => t.name === name);
      if (!theme) errors.theme = [{ key: E('skeleton', 'theme_missing'), vars: { theme: name } }];
      else if (theme.error) errors.theme = [{ key: E('skeleton', 'theme_broken'), vars: { theme: name, error: theme.error } }];
      return errors;
    },
    extra: deps.skeletonExtra,
    async saved(values, before) {
      if (before.language !== values.language) await deps.languageChanged?.(values.language as Language);
    },
  });
}

export function createHomepagePage(deps: Deps): ConfigPage {
  const fields = homepageFields(i18nLabel(deps.i18n));
  /** The highlights' target in `values` when it names a sector or keyword that does not exist (now, or any more). */
  async function deadTarget(values: SettingValues): Promise<{ code: 'unknown_sector' | 'unknown_keyword'; value: string } | undefined> {
    const target = String(values.highlightsTarget).trim();
    if (target === '') return undefined;
    if (values.highlightsSource === 'sector') return sectorAt(await deps.store.sectors.list(), target) ? undefined : { code: 'unknown_sector', value: target };
    return keywordAt(await deps.store.keywordGroups.list(), await deps.store.keywords.list(), target) ? undefined : { code: 'unknown_keyword', value: target };
  }
  /** The featured media ids in `values` whose media does not exist (now, or any more). */
  async function goneMedia(values: SettingValues): Promise<string[]> {
    const gone: string[] = [];
    for (const id of values.featuredMedia as string[]) if (!/^\d+$/.test(id) || !(await deps.store.media.get(id))) gone.push(id);
    return gone;
  }
  return createConfigPage(deps, {
    name: 'homepage',
    settingsKey: 'homepage',
    fields: async () => fields,
    current: async () => ({ ...(await readHomepage(deps.store)) }) as unknown as SettingValues,
    async check(values) {
      const errors: FieldErrors = {};
      const add = (key: string, code: string, vars: Record<string, string | number> = {}) => (errors[key] ??= []).push({ key: E('homepage', code), vars });
      // Unknown or repeated blocks are refused by the field itself (an ordered choice).
      const blocks = values.blocks as string[];
      const saved = await readHomepage(deps.store);
      // A media deleted since it was featured is a warning, as a highlights target gone since (below):
      // only an id typed now must name a media.
      for (const id of await goneMedia(values)) if (!saved.featuredMedia.includes(id)) add('featuredMedia', 'unknown_media', { value: id });
      const target = String(values.highlightsTarget).trim();
      if (target === '') {
        if (blocks.includes('highlights')) add('highlightsTarget', 'target_required');
      } else {
        const dead = await deadTarget(values);
        // A target typed now must lead somewhere. One saved when it did, whose sector or keyword has
        // gone since, is shown as a warning but does not block saving the page's other fields: the
        // admin did not touch it, and refusing would hold every other change hostage to it.
        const unchanged = saved.highlightsSource === values.highlightsSource && saved.highlightsTarget.trim() === target;
        if (dead && !unchanged) add('highlightsTarget', dead.code, { value: dead.value });
      }
      return errors;
    },
    async warnings(values): Promise<FieldErrors> {
      const warnings: FieldErrors = {};
      const dead = await deadTarget(values);
      if (dead) warnings.highlightsTarget = [{ key: `admin.config.homepage.warnings.gone_${dead.code === 'unknown_sector' ? 'sector' : 'keyword'}`, vars: { value: dead.value } }];
      const gone = await goneMedia(values);
      if (gone.length) warnings.featuredMedia = gone.map((value) => ({ key: 'admin.config.homepage.warnings.gone_media', vars: { value } }));
      return warnings;
    },
  });
}

export function createMediaDisplayPage(deps: Deps): ConfigPage {
  const fields = mediaDisplayFields(i18nLabel(deps.i18n));
  return createConfigPage(deps, {
    name: 'media',
    // Shared with the media library's own settings (boxes, quality…): the page saves only its keys.
    settingsKey: 'media',
    fields: async () => fields,
    current: async () => ({ ...(await readMediaDisplay(deps.store)) }) as unknown as SettingValues,
  });
}

export function createSearchPage(deps: Deps): ConfigPage {
  const fields = searchFields(i18nLabel(deps.i18n));
  return createConfigPage(deps, {
    name: 'search',
    settingsKey: 'search',
    fields: async () => fields,
    current: async () => ({ ...(await readSearchSettings(deps.store)) }) as unknown as SettingValues,
    async check(values): Promise<FieldErrors> {
      return isPerPage(Number(values.perPage)) ? {} : { perPage: [{ key: E('search', 'per_page_step') }] };
    },
  });
}

/** Who may create their own account at /register. */
export function createAccountsPage(deps: Deps): ConfigPage {
  const fields = accountsFields(i18nLabel(deps.i18n));
  return createConfigPage(deps, {
    name: 'accounts',
    settingsKey: 'accounts',
    fields: async () => fields,
    current: async () => ({ ...(await readAccountsSettings(deps.store)) }) as unknown as SettingValues,
  });
}
