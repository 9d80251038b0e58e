import { Router, type Request, type Response } from 'express';
import type { Store, User } from '../store/index.ts';
import type { Mailer } from '../mail/index.ts';
import { publicOrigin } from '../http/public-origin.ts';
import type { I18n } from '../i18n/index.ts';
import type { RenderPage, RequestSite } from '../views/render.ts';
import { requireRole } from '../auth/require-role.ts';
import { DISPLAY_NAME_MAX_LENGTH, EMAIL_MAX_LENGTH, problemsOf, publicUser, UserInputError, type UserService } from '../auth/users.ts';
import { roles } from '../store/index.ts';
import { doneNotice } from './done-notice.ts';
import { queryOf } from '../http/query-of.ts';

/** A refused row form: `field` is the row's field it concerns (none for disabling or deleting the last admin, or oneself), `typed` what it sent. */
interface RowProblem {
  id: string;
  field?: 'role' | 'password' | 'displayName' | 'email';
  typed: string;
  message: string;
}

/** The row field each action's form has. */
const actionFields: Record<string, RowProblem['field']> = { role: 'role', password: 'password', name: 'displayName', email: 'email' };

/** What an admin may not do to their own account here: it would sign them out in the middle of their work. */
const notOnSelf: Record<string, string> = { disable: 'cannot_disable_self', delete: 'cannot_delete_self' };

/** /admin/users: create, change display name, email address or role, reset password, disable/enable, delete; approve or refuse accounts visitors asked for. Admins only. */
export function createUsersAdmin(deps: {
  store: Store;
  users: UserService;
  render: RenderPage;
  i18n: I18n;
  /** While mail is on, a visitor whose request is approved is told so, if they gave an address. */
  mail?: Mailer;
  /** For the sign-in link in that message (else the request's host). */
  baseUrl?: string;
}): Router {
  const router = Router();
  router.use('/admin/users', requireRole('admin'));

  async function show(req: Request, res: Response, extra: { errors?: Record<string, string>; form?: Record<string, string>; row?: RowProblem } = {}, status = 200) {
    const site = res.locals.site as RequestSite;
    const { row } = extra;
    const all = await deps.store.users.list();
    // Accounts awaiting approval are requests, not accounts yet: their own section, oldest first, approve or refuse only.
    const pending = all
      .filter((u) => u.pending)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .map(publicUser);
    const list = all.filter((u) => !u.pending).map((u) => {
      const problem = row?.id === u.id && row.field ? row : undefined;
      return {
        ...publicUser(u),
        isSelf: u.id === req.user?.id,
        roleError: problem?.field === 'role' ? problem.message : undefined,
        passwordError: problem?.field === 'password' ? problem.message : undefined,
        displayNameError: problem?.field === 'displayName' ? problem.message : undefined,
        // The display name as typed in a refused row, else the stored one.
        displayNameShown: problem?.field === 'displayName' ? problem.typed : u.displayName,
        emailError: problem?.field === 'email' ? problem.message : undefined,
        emailShown: problem?.field === 'email' ? problem.typed : (u.email ?? ''),
        // The role as chosen in a refused row (when it is one of the roles), else the stored one.
        roleShown: problem?.field === 'role' && (roles as readonly string[]).includes(problem.typed) ? problem.typed : u.role,
      };
    });
    const rowUser = row && list.find((u) => u.id === row.id);
    const done = doneNotice(deps.i18n, site.lang, 'admin.users', req.query.done);
    await deps.render(
      req,
      res,
      ['admin-users'],
      {
        users: list,
        pending,
        roles,
        done,
        displayNameMax: DISPLAY_NAME_MAX_LENGTH,
        emailMax: EMAIL_MAX_LENGTH,
        form: extra.form ?? { role: 'editor' },
        errors: extra.errors ?? {},
        // A refused row form: its message stands beside its field, linked from the top; without a field (the last admin disabled or deleted), at the top.
        rowSummary: row?.field && rowUser ? { text: deps.i18n.t(site.lang, 'admin.users.problem', { username: rowUser.username }), anchor: `${row.field}-${row.id}` } : undefined,
        rowError: row && !(row.field && rowUser) ? { message: row.message } : undefined,
      },
      { status, title: deps.i18n.t(site.lang, 'admin.users.title') },
    );
  }

  function message(res: Response, err: UserInputError): string {
    const { lang } = res.locals.site as RequestSite;
    // The roles as the form names them (« administrateur, rédacteur ou membre »), not by their ids.
    const vars = err.code === 'role_invalid' ? { roles: new Intl.ListFormat(lang, { type: 'disjunction' }).format(roles.map((r) => deps.i18n.t(lang, `admin.users.role_${r}`))) } : err.vars;
    return deps.i18n.t(lang, `errors.${err.code}`, vars);
  }

  /** Refuses what an admin may not do to their own account (notOnSelf), with the message at the top of the list. */
  function refuseOnSelf(req: Request, res: Response, action: string) {
    const { lang } = res.locals.site as RequestSite;
    return show(req, res, { row: { id: req.user!.id, typed: '', message: deps.i18n.t(lang, `errors.${notOnSelf[action]}`) } }, 400);
  }

  /** Tells the owner of a newly approved account, in the site's language (their own is not known). */
  function tellApproved(req: Request, res: Response, user: User) {
    const origin = publicOrigin(req, deps.baseUrl ?? '');
    if (!deps.mail || !user.email || !origin) return;
    const { skeleton } = res.locals.site as RequestSite;
    const vars = { site: skeleton.siteName, name: user.displayName || user.username, username: user.username, link: `${origin}/login` };
    deps.mail.sendLater({ to: user.email, subject: deps.i18n.t(skeleton.language, 'mail.approved_subject', vars), text: deps.i18n.t(skeleton.language, 'mail.approved_body', vars) }, { mail: 'account_approved', userId: user.id });
  }

  router.get('/admin/users', (req, res) => show(req, res));

  router.post('/admin/users', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const form = { username: String(body.username ?? ''), displayName: String(body.displayName ?? ''), email: String(body.email ?? ''), role: String(body.role ?? '') };
    try {
      await deps.users.create({ ...form, password: String(body.password ?? '') });
      res.redirect(303, '/admin/users?done=created');
    } catch (err) {
      if (!(err instanceof UserInputError)) throw err;
      const errors: Record<string, string> = {};
      for (const problem of problemsOf(err)) errors[problem.field ?? 'username'] ??= message(res, problem);
      await show(req, res, { form, errors }, 400);
    }
  });

  const actions: Record<string, (id: string, body: Record<string, unknown>) => Promise<unknown>> = {
    name: (id, body) => deps.users.setDisplayName(id, String(body.displayName ?? '')),
    email: (id, body) => deps.users.setEmail(id, String(body.email ?? '')),
    role: (id, body) => deps.users.setRole(id, String(body.role ?? '')),
    password: (id, body) => deps.users.setPassword(id, String(body.password ?? '')),
    disable: (id) => deps.users.setDisabled(id, true),
    enable: (id) => deps.users.setDisabled(id, false),
    delete: (id) => deps.users.remove(id),
    // A refused request leaves nothing to keep (no media, never signed in): no page asks first.
    approve: (id) => deps.users.approve(id),
    refuse: (id) => deps.users.refuse(id),
  };

  // Deleting an account cannot be undone: the row's link leads here first, as media and keywords do.
  router.get('/admin/users/:id/delete', async (req, res, next) => {
    const user = await deps.store.users.get(req.params.id);
    // Not the redirect below: no page asks about an account that is not there.
    if (!user) return next('router');
    if (user.id === req.user?.id) return refuseOnSelf(req, res, 'delete');
    const { lang } = res.locals.site as RequestSite;
    await deps.render(req, res, ['admin-user-delete'], { user: publicUser(user) }, { title: deps.i18n.t(lang, 'admin.users.delete_title', { username: user.username }) });
  });

  // A refused row form is shown at the address it was posted to: its language links and a reload
  // by address come back to the list (with ?lang= kept) rather than to a 404.
  router.get('/admin/users/:id/:action', (req, res, next) => (Object.hasOwn(actions, req.params.action) ? res.redirect(303, `/admin/users${queryOf(req.originalUrl)}`) : next()));

  router.post('/admin/users/:id/:action', async (req, res, next) => {
    // Own actions only: 'constructor' or 'toString' in the URL is not one.
    const action = Object.hasOwn(actions, req.params.action) ? actions[req.params.action] : undefined;
    if (!action) return next();
    if (req.params.id === req.user?.id && Object.hasOwn(notOnSelf, req.params.action)) return refuseOnSelf(req, res, req.params.action);
    try {
      const changed = await action(req.params.id, (req.body ?? {}) as Record<string, unknown>);
      if (req.params.action === 'approve') tellApproved(req, res, changed as User);
      // A new password ends the sessions opened with the old one; an admin who changed their own stays signed in here.
      if (req.params.action === 'password' && req.params.id === req.user?.id) await new Promise<void>((resolve, reject) => req.login(publicUser(changed as Parameters<typeof publicUser>[0]), (err) => (err ? reject(err as Error) : resolve())));
      // An admin who made themselves an editor or a member may no longer open this page: their account page says what happened.
      const demotedSelf = req.params.action === 'role' && req.params.id === req.user?.id && (changed as { role?: string }).role !== 'admin';
      res.redirect(303, demotedSelf ? '/account?done=role' : `/admin/users?done=${req.params.action}`);
    } catch (err) {
      if (!(err instanceof UserInputError)) throw err;
      if (err.code === 'user_not_found') return next();
      const field = Object.hasOwn(actionFields, req.params.action) ? actionFields[req.params.action] : undefined;
      // What the row's field held, to show it again (never a password).
      const sent = field && field !== 'password' ? ((req.body ?? {}) as Record<string, unknown>)[field] : undefined;
      await show(req, res, { row: { id: req.params.id, field, typed: typeof sent === 'string' ? sent : '', message: message(res, err) } }, 400);
    }
  });

  return router;
}
