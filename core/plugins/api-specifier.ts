import { register } from 'node:module';

/** The name plugins import the API by, from wherever they live. */
export const PLUGIN_API_SPECIFIER = 'kiosque/plugin-api';

let registered = false;

/**
 * Makes `import … from 'kiosque/plugin-api'` resolve to core/plugins/api.ts in this process. A
 * relative path to Kiosque's core/ works only from a plugin inside Kiosque's folder; a plugins
 * folder elsewhere, or a package installed as a link, had to hard-code Kiosque's absolute path.
 * Once per process: resolution hooks cannot be removed.
 */
export function registerPluginApiSpecifier(): void {
  if (registered) return;
  registered = true;
  register(new URL('./api-specifier-hook.mjs', import.meta.url), { data: { specifier: PLUGIN_API_SPECIFIER, target: new URL('./api.ts', import.meta.url).href } });
}
