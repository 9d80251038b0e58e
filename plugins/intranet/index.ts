import { definePlugin, type AccessDecision, type AccessRequest, type PluginContext } from '../../core/plugins/api.ts';
import { addressAllowed, compileAddresses, isAlwaysOpen, matchesPattern, mediaIdOf, normalisePattern, sectorSlugOf, type PathPattern } from './rules.ts';

interface IntranetSettings {
  message: string;
  publicPaths: string[];
  publicMedia: string[];
  publicSectors: string[];
  allowedAddresses: string[];
}

interface Compiled {
  patterns: PathPattern[];
  media: Set<string>;
  sectors: Set<string>;
  addresses: ReturnType<typeof compileAddresses>;
}

/** Private content must never sit in a shared cache. */
const PRIVATE_HEADERS = { 'Cache-Control': 'private, no-store', Vary: 'Cookie' };

function compile(values: IntranetSettings): Compiled {
  const patterns = values.publicPaths.map((line) => {
    const p = normalisePattern(line);
    if (!p) throw new Error(`invalid public path: ${line}`);
    return p;
  });
  for (const id of values.publicMedia) if (!/^\d+$/.test(id.trim())) throw new Error(`invalid media id: ${id}`);
  return {
    patterns,
    media: new Set(values.publicMedia.map((s) => s.trim())),
    sectors: new Set(values.publicSectors.map((s) => s.trim().toLowerCase()).filter(Boolean)),
    addresses: compileAddresses(values.allowedAddresses),
  };
}

export default definePlugin({
  register(ctx: PluginContext) {
    // Fail closed: until the settings compile, nothing but the sign-in paths is open.
    let compiled: Compiled | null = null;
    const load = () => {
      try {
        compiled = compile(ctx.settings.get<IntranetSettings & Record<string, unknown>>());
        ctx.health(null);
      } catch (err) {
        compiled = null;
        ctx.health(ctx.i18n.t('en', 'plugin.intranet.broken_settings', { error: (err as Error).message }));
        ctx.log.error({ err }, 'intranet settings invalid: denying every visitor');
      }
    };
    load();
    ctx.settings.onChange(load);

    async function publicContent(path: string, rules: Compiled): Promise<boolean> {
      const sectorSlug = sectorSlugOf(path);
      if (sectorSlug) return rules.sectors.has(sectorSlug);
      const mediaId = mediaIdOf(path);
      if (!mediaId) return false;
      if (!rules.media.has(mediaId) && rules.sectors.size === 0) return false;
      const media = await ctx.content.media(mediaId);
      if (!media || media.status !== 'published') return false;
      if (rules.media.has(mediaId)) return true;
      if (!media.sectorId) return false;
      const sector = await ctx.content.sector(media.sectorId);
      return !!sector && rules.sectors.has(sector.slug.toLowerCase());
    }

    ctx.hooks.filter(
      'access',
      async (decision: AccessDecision, request: AccessRequest): Promise<AccessDecision> => {
        if (!decision.allow) return decision;
        if (isAlwaysOpen(request.path)) return decision;
        if (request.user) return { ...decision, headers: { ...decision.headers, ...PRIVATE_HEADERS } };
        const rules = compiled;
        if (!rules) return { allow: false, reason: 'intranet: settings invalid, failing closed' };
        if (addressAllowed(rules.addresses, request.ip)) return { ...decision, headers: { ...decision.headers, ...PRIVATE_HEADERS } };
        if (rules.patterns.some((p) => matchesPattern(request.path, p))) return decision;
        if (await publicContent(request.path, rules)) return decision;
        return { allow: false, reason: 'intranet: sign-in required' };
      },
      // Late, so it sees (and may only narrow) what the core rules and other plugins decided.
      100,
    );

    ctx.hooks.filter('robots.txt', () => 'User-agent: *\nDisallow: /\n');

    ctx.views.slot('login', '<p class="intranet-message" role="note">{{#if intranetMessage}}{{intranetMessage}}{{else}}{{t "plugin.intranet.default_message"}}{{/if}}</p>');
    ctx.hooks.filter('page.context', (context: Record<string, unknown>) => ({ ...context, intranetMessage: ctx.settings.get<IntranetSettings & Record<string, unknown>>().message.trim() }));
  },
});
