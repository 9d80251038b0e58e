import { readFileSync } from 'node:fs';
import path from 'node:path';
import { definePlugin, matchesPathPattern } from '../../core/plugins/api.ts';

interface HelloSettings {
  [key: string]: unknown;
  greeting: string;
  showInFooter: boolean;
  repeat: number;
  tone: 'warm' | 'formal';
  days: string[];
  quietPaths: string[];
  friendlyNetworks: string[];
  colour: string;
  note: string;
}

export default definePlugin({
  register(ctx) {
    // A greeting page at /plugins/hello/ (plain text: nothing the admin typed is ever sent as HTML).
    ctx.router.get('/', (req, res) => {
      const s = ctx.settings.get<HelloSettings>();
      const lang = ctx.i18n.languageOf(req);
      const lines = Array.from({ length: s.repeat }, () => `${s.greeting}!`);
      res.type('text/plain').send([ctx.i18n.t(lang, 'page_title'), ...lines, s.note].filter(Boolean).join('\n'));
    });

    // Pages get `hello` in their context; the footer partial reads it.
    ctx.hooks.filter('page.context', (context, info) => {
      const s = ctx.settings.get<HelloSettings>();
      const quiet = s.quietPaths.some((p) => matchesPathPattern(p, info.path));
      return { ...context, hello: { greeting: s.greeting, show: s.showInFooter && !quiet, colour: s.colour } };
    });

    ctx.hooks.filter('robots.txt', (text) => `${text}# hello plugin was here\n`);

    ctx.views.slot('footer', readFileSync(path.join(import.meta.dirname, 'views', 'footer.hbs'), 'utf8'));

    ctx.settings.onChange((values) => ctx.log.info({ greeting: values.greeting }, 'greeting changed'));
  },
});
