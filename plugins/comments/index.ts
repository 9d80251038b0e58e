import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Request, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { definePlugin, type Language, type MediaSummary, type PluginContext } from '../../core/plugins/api.ts';
import { checkComment, MAX_TEXT, typedComment, type FieldError, type TypedComment } from './input.ts';
import { commentView } from './present.ts';
import { createCommentRecords, type CommentRecord, type CommentStatus } from './records.ts';

interface CommentsSettings extends Record<string, unknown> {
  whoMayComment: 'members' | 'everyone';
  moderation: 'visitors' | 'all' | 'none';
  perHour: number;
}

type Role = NonNullable<Request['user']>['role'];

const isStaff = (role: Role | undefined) => role === 'admin' || role === 'editor';
const mediaHref = (m: MediaSummary) => `/media/${m.id}/${m.slug}`;
const MEDIA_TEMPLATE = /^media(?:-|$)/;

/** The section's template, with the form it shares with the form page (views/pages/form.hbs). */
function sectionTemplate(dir: string): string {
  const page = readFileSync(path.join(dir, 'views', 'pages', 'form.hbs'), 'utf8');
  const form = /\{\{!-- form:[^}]*--\}\}([\s\S]*?)\{\{!-- :form --\}\}/.exec(page)?.[1];
  if (!form) throw new Error('views/pages/form.hbs has no form between its markers');
  return readFileSync(path.join(dir, 'views', 'section.hbs'), 'utf8').replace('{{!-- the form of views/pages/form.hbs --}}', form);
}

export default definePlugin({
  register(ctx: PluginContext) {
    const records = createCommentRecords(ctx.storage);
    const settings = () => ctx.settings.get<CommentsSettings>();
    const mayPost = (user: Request['user']) => !!user || settings().whoMayComment === 'everyone';
    const held = (user: Request['user']) => {
      const { moderation } = settings();
      if (isStaff(user?.role) || moderation === 'none') return false;
      return moderation === 'all' || !user;
    };
    const formOf = (action: string, user: Request['user'], typed?: TypedComment, errors?: { text?: FieldError; name?: FieldError }, lang: Language = 'en') => ({
      action,
      withName: !user,
      held: held(user),
      max: MAX_TEXT,
      values: typed ?? { text: '', name: '' },
      summary: !!errors,
      errors: errors && {
        text: errors.text && ctx.i18n.t(lang, `errors.${errors.text.key}`, errors.text.vars),
        name: errors.name && ctx.i18n.t(lang, `errors.${errors.name.key}`, errors.name.vars),
      },
    });

    /** The media a comment route names, if it takes comments from this visitor's eyes: published, and open to them. */
    async function commentable(req: Request, id: string): Promise<MediaSummary | undefined> {
      const m = await ctx.content.media(id);
      if (!m || m.status !== 'published') return undefined;
      return (await ctx.access.canOpen(req, `/media/${m.id}`)) ? m : undefined;
    }

    // The section under a published media's page: its visible comments, then the form, a link to it, or the sign-in link.
    ctx.views.slot('media.after', sectionTemplate(import.meta.dirname));
    ctx.hooks.filter('page.context', async (context, info) => {
      const media = (context.page as { media?: { id?: unknown; status?: unknown } } | undefined)?.media;
      if (!info.template || !MEDIA_TEMPLATE.test(info.template) || typeof media?.id !== 'string' || media.status !== 'published') return context;
      const user = context.user as Request['user'] | null;
      const action = `/plugins/comments/media/${media.id}`;
      const visible = (await records.ofMedia(media.id)).filter((c) => c.status === 'published');
      const query = new URL(String(context.currentPath ?? '/'), 'http://kiosque.invalid').searchParams;
      return {
        ...context,
        commentsSection: {
          items: visible.map(commentView),
          pendingNotice: query.get('comment') === 'pending',
          // Signed in: the form is on the page (the page has their CSRF token). A visitor's page is
          // shared in the anonymous cache and has no token: their form is on a page of its own.
          form: user ? formOf(action, user) : undefined,
          writeHref: !user && mayPost(undefined) ? action : undefined,
        },
      };
    });

    const tooMany = rateLimit({
      windowMs: 60 * 60 * 1000,
      limit: () => settings().perHour,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      handler: (req, res) => {
        const lang = ctx.i18n.languageOf(req);
        void ctx.views
          .render(req, res, 'message', { heading: ctx.i18n.t(lang, 'too_many_title'), text: ctx.i18n.t(lang, 'too_many') }, { title: ctx.i18n.t(lang, 'too_many_title'), status: 429 })
          .catch((err: unknown) => {
            ctx.log.error({ err }, 'the rate-limit page failed to render');
            if (!res.headersSent) res.status(429).type('text/plain').send(ctx.i18n.t(lang, 'too_many'));
          });
      },
    });

    async function showForm(req: Request, res: Response, m: MediaSummary, typed?: TypedComment, errors?: { text?: FieldError; name?: FieldError }) {
      const lang = ctx.i18n.languageOf(req);
      const form = formOf(`/plugins/comments/media/${m.id}`, req.user, typed, errors, lang);
      await ctx.views.render(req, res, 'form', { media: { title: m.title, href: mediaHref(m) }, form }, { title: ctx.i18n.t(lang, 'form_page_title', { title: m.title }), csrf: true, status: errors ? 422 : 200 });
    }

    // The form on a page of its own: for visitors (when they may comment), and where refused input comes back.
    ctx.router.get('/media/:id', async (req, res, next) => {
      const m = await commentable(req, (req.params as { id: string }).id);
      if (!m || !mayPost(req.user)) return next();
      await showForm(req, res, m);
    });

    ctx.router.post('/media/:id', tooMany, async (req, res, next) => {
      const m = await commentable(req, (req.params as { id: string }).id);
      if (!m) return next();
      if (!mayPost(req.user)) {
        res.setHeader('Cache-Control', 'private, no-store');
        return res.redirect(303, `/login?return=${encodeURIComponent(mediaHref(m))}`);
      }
      const typed = typedComment(req.body);
      // A bot filled the field people never see: it is told all went well, and nothing is kept.
      if (typed.website.trim() !== '') return res.redirect(303, mediaHref(m));
      const checked = checkComment(typed, !req.user);
      if (!checked.ok) return showForm(req, res, m, typed, checked.errors);
      const user = req.user;
      const status: CommentStatus = held(user) ? 'pending' : 'published';
      const saved = await records.add({ mediaId: m.id, text: checked.text, name: user ? user.displayName || user.username : checked.name, userId: user?.id ?? null, status });
      ctx.log.info({ media: m.id, comment: saved.id, status }, 'comment posted');
      res.redirect(303, status === 'published' ? `${mediaHref(m)}#comment-${saved.id}` : `${mediaHref(m)}?comment=pending#comments`);
    });

    // Moderation: administrators and editors, as they moderate the media themselves, in the admin's
    // layout. Others are answered as the admin area answers them (a visitor: the sign-in page, then back).
    ctx.router.use('/moderation', ctx.access.staffOnly);
    ctx.router.get('/moderation', async (req, res) => {
      const lang = ctx.i18n.languageOf(req);
      const all = (await records.all()).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      const titles = new Map<string, MediaSummary | undefined>();
      for (const id of new Set(all.map((c) => c.mediaId))) titles.set(id, await ctx.content.media(id));
      const item = (c: CommentRecord) => {
        const m = titles.get(c.mediaId);
        return { ...commentView(c), mediaId: c.mediaId, media: m ? { title: m.title, href: mediaHref(m) } : undefined, action: `/plugins/comments/moderation/${c.mediaId}/${c.id}` };
      };
      const groups = (['pending', 'published', 'hidden'] as const).map((status) => ({ status, items: all.filter((c) => c.status === status).map(item) }));
      await ctx.views.render(req, res, 'moderation', { groups }, { title: ctx.i18n.t(lang, 'moderation.title'), layout: 'admin' });
    });

    ctx.router.post('/moderation/:mediaId/:commentId', async (req, res, next) => {
      const { mediaId, commentId } = req.params as { mediaId: string; commentId: string };
      const action = (req.body as { action?: unknown } | undefined)?.action;
      const done =
        action === 'approve' ? await records.setStatus(mediaId, commentId, 'published')
        : action === 'hide' ? await records.setStatus(mediaId, commentId, 'hidden')
        : action === 'delete' ? await records.remove(mediaId, commentId)
        : undefined;
      if (done === undefined) return res.status(400).end();
      if (!done) return next();
      ctx.log.info({ media: mediaId, comment: commentId, action, by: req.user?.id }, 'comment moderated');
      res.redirect(303, '/plugins/comments/moderation');
    });

    ctx.hooks.filter('admin.menu', (items, { lang }) => [...items, { section: 'content', href: '/plugins/comments/moderation', label: ctx.i18n.t(lang, 'moderation.menu'), roles: ['admin', 'editor'] }]);

    // A deleted media takes its discussion with it.
    ctx.hooks.action('media.deleted', async (media) => {
      const id = (media as { id?: unknown } | undefined)?.id;
      if (typeof id === 'string') await records.removeMedia(id);
    });
  },
});
