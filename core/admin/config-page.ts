import { Router, type Request, type Response } from 'express';
import type { I18n, Language } from '../i18n/index.ts';
import type { Store } from '../store/index.ts';
import type { SettingField, SettingValues } from '../plugins/api.ts';
import type { RenderPage, RequestSite } from '../views/render.ts';
import { requireRole } from '../auth/require-role.ts';
import { describeForm, formInput, parseSettings, type FieldErrors, type FormInput } from '../settings/form.ts';
import { doneNotice } from './done-notice.ts';

/** A label function for the declarations: both languages of an i18n key. */
export function i18nLabel(i18n: I18n) {
  return (key: string) => ({ en: i18n.t('en', key), fr: i18n.t('fr', key) });
}

export interface ConfigPageSpec {
  /** URL segment under /admin/config/ and i18n prefix `admin.config.<name>`. */
  name: string;
  /** The store.settings key the values are saved under. */
  settingsKey: string;
  /** The declaration, built per request (options such as installed themes change). */
  fields(): Promise<SettingField[]>;
  /** The values shown in the form: the saved ones, already validated with defaults. */
  current(): Promise<SettingValues>;
  /** Checks the declaration cannot express (existence of ids, cross-field rules). Errors use full i18n keys. */
  check?(values: SettingValues): Promise<FieldErrors>;
  /**
   * Problems worth telling that do not stop a save (e.g. a saved value that no longer leads
   * anywhere), per field, with full i18n keys. Shown for the values the form shows.
   */
  warnings?(values: SettingValues): Promise<FieldErrors>;
  /** Extra data for the page (e.g. the logo form of the skeleton page). */
  extra?(req: Request, res: Response): Promise<Record<string, unknown>>;
  /** What follows a save, given the values saved and those before. */
  saved?(values: SettingValues, before: Record<string, unknown>): Promise<void>;
}

export interface ShowState {
  input?: FormInput;
  errors?: FieldErrors;
  /** Warnings for the input shown back (by default, those of the saved values). */
  warnings?: FieldErrors;
  done?: string;
  /** Page-level messages outside the generic form (e.g. a refused logo). */
  extra?: Record<string, unknown>;
}

export interface ConfigPage {
  router: Router;
  path: string;
  /** Renders the page (used by sibling routes such as the logo upload to re-show it with an error). */
  show(req: Request, res: Response, state?: ShowState, status?: number): Promise<void>;
}

/**
 * One admin configuration page from a settings declaration: GET shows the current values;
 * POST validates with the same declaration plus the page's own checks, then saves (merged into
 * the settings key, so values kept there by others survive) or re-shows the input with
 * per-field messages and saves nothing. Admins only.
 */
export function createConfigPage(deps: { store: Store; render: RenderPage; i18n: I18n }, spec: ConfigPageSpec): ConfigPage {
  const router = Router();
  const path = `/admin/config/${spec.name}`;
  const lang = (res: Response): Language => (res.locals.site as RequestSite).lang;
  router.use(path, requireRole('admin'));

  async function show(req: Request, res: Response, state: ShowState = {}, status = 200) {
    const l = lang(res);
    const fields = await spec.fields();
    const values = await spec.current();
    const warnings = state.warnings ?? (spec.warnings && !state.input ? await spec.warnings(values) : undefined);
    const form = describeForm(fields, { values, input: state.input, errors: state.errors, warnings }, { lang: l, i18n: deps.i18n, idPrefix: spec.name });
    const extra = spec.extra ? await spec.extra(req, res) : {};
    await deps.render(
      req,
      res,
      [`admin-config-${spec.name}`, 'admin-config-page'],
      {
        name: spec.name,
        intro: deps.i18n.t(l, `admin.config.${spec.name}.intro`),
        form: { ...form, action: path, submitLabel: deps.i18n.t(l, 'form.save') },
        done: state.done,
        ...extra,
        ...(state.extra ?? {}),
      },
      { status, title: deps.i18n.t(l, `admin.config.${spec.name}.title`) },
    );
  }

  router.get(path, async (req, res) => {
    const message = req.query.done === 'saved' ? deps.i18n.t(lang(res), 'form.saved') : doneNotice(deps.i18n, lang(res), `admin.config.${spec.name}`, req.query.done);
    await show(req, res, { done: message });
  });

  router.post(path, async (req, res) => {
    const fields = await spec.fields();
    const parsed = parseSettings(fields, req.body);
    if (!parsed.ok) {
      // The page's own checks still speak for the fields that passed, so every problem shows at once;
      // a field already in error keeps its first message, and the current values stand in for it.
      const checked = { ...(await spec.current()), ...parsed.valid };
      const more = spec.check ? await spec.check(checked) : {};
      for (const [key, list] of Object.entries(more)) if (!parsed.errors[key] && key in parsed.valid) parsed.errors[key] = list;
      return show(req, res, { input: parsed.input, errors: parsed.errors, warnings: await spec.warnings?.(checked) }, 400);
    }
    const errors = spec.check ? await spec.check(parsed.values) : {};
    if (Object.keys(errors).length > 0) return show(req, res, { input: formInput(fields, req.body), errors, warnings: await spec.warnings?.(parsed.values) }, 400);
    const saved = (await deps.store.settings.get<Record<string, unknown>>(spec.settingsKey)) ?? {};
    await deps.store.settings.set(spec.settingsKey, { ...saved, ...parsed.values });
    await spec.saved?.(parsed.values, saved);
    res.redirect(303, `${path}?done=saved`);
  });

  return { router, path, show };
}
