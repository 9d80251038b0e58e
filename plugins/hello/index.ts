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
    // A greeting page at /plugins/hello/, in the site's layout (views/pages/greeting.hbs, which a
    // theme may override with plugins/hello/greeting.hbs), styled by assets/hello.css.
    ctx.router.get('/', async (req, res) => {
      const s = ctx.settings.get<HelloSettings>();
      const lang = ctx.i18n.languageOf(req);
      const page = { lines: Array.from({ length: s.repeat }, () => s.greeting), note: s.note, tone: s.tone };
      await ctx.views.render(req, res, 'greeting', page, { title: ctx.i18n.t(lang, 'page_title'), stylesheets: ['hello.css'] });
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
