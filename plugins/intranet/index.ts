import { cidrMatcher, definePlugin, matchesPathPattern, type AccessDecision, type AccessRequest, type PluginContext } from '../../core/plugins/api.ts';
import { isAlwaysOpen, requestMediaId, sectorSlugOf } from './rules.ts';

interface IntranetSettings extends Record<string, unknown> {
  message: string;
  publicPaths: string[];
  publicMedia: string[];
  publicSectors: string[];
  allowedAddresses: string[];
}

interface Rules {
  patterns: string[];
  media: Set<string>;
  sectors: Set<string>;
  addressAllowed: (ip: string) => boolean;
}

/** Private content must never sit in a shared cache. */
const PRIVATE_HEADERS = { 'Cache-Control': 'private, no-store', Vary: 'Cookie' };

function compile(values: IntranetSettings): Rules {
  return {
    // Paths reach the gate lower-cased; so are the patterns.
    patterns: values.publicPaths.map((p) => p.trim().toLowerCase()).filter(Boolean),
    media: new Set(values.publicMedia.map((s) => s.trim())),
    sectors: new Set(values.publicSectors.map((s) => s.trim().toLowerCase()).filter(Boolean)),
    addressAllowed: cidrMatcher(values.allowedAddresses),
  };
}

export default definePlugin({
  register(ctx: PluginContext) {
    // Fail closed: while the saved settings are invalid, ctx.settings.get() throws, `rules` stays
    // null, and nothing but the sign-in paths is open. The plugins page shows the reason.
    let rules: Rules | null = null;
    const load = () => {
      try {
        rules = compile(ctx.settings.get<IntranetSettings>());
      } catch (err) {
        rules = null;
        ctx.log.error({ err }, 'intranet settings invalid: every visitor is denied');
      }
    };
    load();
    ctx.settings.onChange(load);

    async function publicContent(request: AccessRequest, r: Rules): Promise<boolean> {
      const sectorSlug = sectorSlugOf(request.path);
      if (sectorSlug) return r.sectors.has(sectorSlug);
      const mediaId = requestMediaId(request.path, request.originalUrl);
      if (!mediaId || (!r.media.has(mediaId) && r.sectors.size === 0)) return false;
      const media = await ctx.content.media(mediaId);
      if (!media || media.status !== 'published') return false;
      if (r.media.has(mediaId)) return true;
      if (!media.sectorId) return false;
      const sector = await ctx.content.sector(media.sectorId);
      return !!sector && r.sectors.has(sector.slug.toLowerCase());
    }

    ctx.hooks.filter(
      'access',
      async (decision: AccessDecision, request: AccessRequest): Promise<AccessDecision> => {
        if (!decision.allow || isAlwaysOpen(request.path)) return decision;
        const privately = { ...decision, headers: { ...decision.headers, ...PRIVATE_HEADERS } };
        if (request.user) return privately;
        const r = rules;
        if (!r) return { allow: false, reason: 'intranet: settings invalid, failing closed' };
        if (r.addressAllowed(request.ip)) return privately;
        if (r.patterns.some((p) => matchesPathPattern(p, request.path))) return decision;
        if (await publicContent(request, r)) return decision;
        return { allow: false, reason: 'intranet: sign-in required' };
      },
      // Late, so it only ever narrows what the core rules and other plugins decided.
      100,
    );

    ctx.hooks.filter('robots.txt', () => 'User-agent: *\nDisallow: /\n');

    ctx.views.slot('login', '<p class="intranet-message" role="note">{{#if intranetMessage}}{{intranetMessage}}{{else}}{{t "plugin.intranet.default_message"}}{{/if}}</p>');
    ctx.hooks.filter('page.context', (context: Record<string, unknown>) => {
      let message = '';
      try {
        message = ctx.settings.get<IntranetSettings>().message.trim();
      } catch {
        // invalid settings: the default message
      }
      return { ...context, intranetMessage: message };
    });
  },
});
