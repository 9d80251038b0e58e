import { Router, type Request, type Response, type NextFunction } from 'express';
import type { I18n, Language } from '../i18n/index.ts';
import type { RenderPage, RequestSite } from '../views/render.ts';
import type { PluginManager, ToggleResult } from '../plugins/manager.ts';
import { requireRole } from '../auth/require-role.ts';
import { describeForm, parseSettings, type FieldErrors, type FormInput } from '../settings/form.ts';
import { PLUGIN_ID } from '../plugins/manifest.ts';
import { queryOf } from '../http/query-of.ts';

/** /admin/plugins: the list with toggles, and each enabled plugin's settings page. Admins only. */
export function createPluginsAdmin(deps: { plugins: PluginManager; render: RenderPage; i18n: I18n }): Router {
  const router = Router();
  const { plugins, i18n } = deps;
  router.use('/admin/plugins', requireRole('admin'));
  const langOf = (res: Response): Language => (res.locals.site as RequestSite).lang;

  function refusalMessage(lang: Language, id: string, result: Exclude<ToggleResult, { ok: true }>): string {
    const name = (pluginId: string) => plugins.get(pluginId)?.manifest?.name[lang] ?? pluginId;
    switch (result.code) {
      case 'dependency_missing':
      case 'dependency_disabled':
        return i18n.t(lang, `admin.plugins.refused_${result.code}`, { plugin: name(id), dependency: name(result.dependency) });
      case 'dependents_enabled':
        return i18n.t(lang, 'admin.plugins.refused_dependents_enabled', { plugin: name(id), dependents: result.dependents.map(name).join(', ') });
      case 'register_failed':
        return i18n.t(lang, 'admin.plugins.refused_register_failed', { plugin: name(id), message: result.message });
      default:
        return i18n.t(lang, `admin.plugins.refused_${result.code}`, { plugin: name(id) });
    }
  }

  async function showList(req: Request, res: Response, extra: { error?: string } = {}, status = 200) {
    const lang = langOf(res);
    const list = plugins.list().map((p) => ({
      id: p.id,
      name: p.manifest?.name[lang] ?? p.id,
      description: p.manifest?.description[lang],
      version: p.manifest?.version,
      state: p.state,
      stateLabel: i18n.t(lang, `admin.plugins.state_${p.state}`),
      problems: p.problems,
      health: p.health,
      failure: p.lastFailure ? `${i18n.t(lang, 'admin.plugins.failure', { count: p.lastFailure.count })} ${i18n.t(lang, `admin.plugins.failure_${p.lastFailure.kind}`, { where: p.lastFailure.where, message: p.lastFailure.message })}` : undefined,
      dependencies: (p.manifest?.dependencies ?? []).map((d) => ({ id: d, name: plugins.get(d)?.manifest?.name[lang] ?? d, enabled: plugins.get(d)?.state === 'enabled' })),
      canEnable: !!p.manifest && p.state !== 'enabled',
      canDisable: p.state === 'enabled' || p.wanted,
      settingsHref: plugins.settingsFields(p.id) ? `/admin/plugins/${p.id}/settings` : undefined,
    }));
    const done = typeof req.query.done === 'string' && ['enabled', 'disabled'].includes(req.query.done) ? i18n.t(lang, `admin.plugins.done_${req.query.done}`) : undefined;
    await deps.render(req, res, ['admin-plugins'], { plugins: list, done, error: extra.error }, { status, title: i18n.t(lang, 'admin.plugins.title') });
  }

  router.get('/admin/plugins', (req, res) => showList(req, res));

  // A refused toggle is shown at the address it was posted to: its language links and a reload by address come back to the list.
  router.get('/admin/plugins/:id/:action', (req, res, next) => (req.params.action === 'enable' || req.params.action === 'disable' ? res.redirect(303, `/admin/plugins${queryOf(req.originalUrl)}`) : next()));

  router.post('/admin/plugins/:id/:action', async (req, res, next) => {
    const { id, action } = req.params;
    if ((action !== 'enable' && action !== 'disable') || !PLUGIN_ID.test(id) || !plugins.get(id)) return next();
    const result = action === 'enable' ? await plugins.enable(id) : await plugins.disable(id);
    if (result.ok) return res.redirect(303, `/admin/plugins?done=${action}d`);
    await showList(req, res, { error: refusalMessage(langOf(res), id, result) }, 409);
  });

  async function showSettings(req: Request, res: Response, id: string, state: { input?: FormInput; errors?: FieldErrors; done?: boolean }, status = 200) {
    const lang = langOf(res);
    const fields = plugins.settingsFields(id)!;
    const manifest = plugins.get(id)!.manifest!;
    const form = describeForm(fields, { values: plugins.settingsValues(id), input: state.input, errors: state.errors }, { lang, i18n, idPrefix: `plugin-${id}` });
    const name = manifest.name[lang];
    await deps.render(
      req,
      res,
      [`admin-plugin-settings-${id}`, 'admin-plugin-settings'],
      { plugin: { id, name, description: manifest.description[lang] }, form: { ...form, action: `/admin/plugins/${id}/settings`, submitLabel: i18n.t(lang, 'form.save') }, done: state.done ? i18n.t(lang, 'form.saved') : undefined, health: plugins.get(id)!.health },
      { status, title: i18n.t(lang, 'admin.plugins.settings_title', { plugin: name }) },
    );
  }

  // 404 unless the plugin is enabled and declares settings: the page vanishes with the plugin.
  const settingsExist = (req: Request, _res: Response, next: NextFunction) => (plugins.settingsFields(String(req.params.id)) ? next() : next('route'));

  router.get('/admin/plugins/:id/settings', settingsExist, (req, res) => showSettings(req, res, req.params.id as string, { done: req.query.done === 'saved' }));

  router.post('/admin/plugins/:id/settings', settingsExist, async (req, res) => {
    const id = req.params.id as string;
    const parsed = parseSettings(plugins.settingsFields(id)!, req.body);
    if (!parsed.ok) return showSettings(req, res, id, { input: parsed.input, errors: parsed.errors }, 400);
    await plugins.saveSettings(id, parsed.values);
    res.redirect(303, `/admin/plugins/${id}/settings?done=saved`);
  });

  return router;
}
