import type { Request } from 'express';
import type { Hooks } from '../plugins/hooks.ts';
import type { I18n, Language } from '../i18n/index.ts';
import type { AdminMenuEntry } from '../plugins/api.ts';

/** A menu entry (the shape plugins filter through `admin.menu`), as the menu renders it. */
export interface AdminMenuItem extends AdminMenuEntry {
  /** Set by the renderer for the item matching the current path. */
  active?: boolean;
}

export interface AdminMenuSection {
  key: string;
  label: string;
  items: AdminMenuItem[];
  /** Shown when the section has no item (e.g. no enabled plugin has settings). */
  empty?: string;
}

export const sectionOrder = ['site', 'content', 'config', 'plugins'];

/** The admin menu: core entries, then whatever the `admin.menu` filter adds (plugins' entries vanish with them). */
export function createAdminMenu(deps: { hooks: Hooks; i18n: I18n; coreItems: (t: (key: string) => string, lang: Language) => AdminMenuItem[] }) {
  return async (req: Request, lang: Language): Promise<AdminMenuSection[]> => {
    const t = (key: string) => deps.i18n.t(lang, key);
    const items = await deps.hooks.applyFilter<AdminMenuItem[]>('admin.menu', deps.coreItems(t, lang), { lang });
    const role = req.user?.role;
    const visible = (Array.isArray(items) ? items : deps.coreItems(t, lang)).filter((i) => role && i.roles.includes(role));
    // baseUrl: a plugin's page (in the admin layout) is routed under /plugins/<id>, where req.path starts after it.
    const path = (req.baseUrl + req.path).replace(/\/+$/, '') || '/';
    const keys = [...sectionOrder, ...new Set(visible.map((i) => i.section).filter((s) => !sectionOrder.includes(s)))];
    return keys
      .map((key) => ({
        key,
        label: t(`admin.menu.section_${key}`),
        items: visible.filter((i) => i.section === key).map((i) => ({ ...i, active: i.href === path })),
        empty: key === 'plugins' ? t('admin.menu.no_plugin_settings') : undefined,
      }))
      .filter((s) => s.items.length > 0 || (s.key === 'plugins' && role === 'admin'));
  };
}
