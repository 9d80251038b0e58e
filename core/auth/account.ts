import { Router, type Request, type Response, type NextFunction } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Config } from '../config/index.ts';
import type { I18n } from '../i18n/index.ts';
import type { RenderPage, RequestSite } from '../views/render.ts';
import { roles } from '../store/index.ts';
import { doneNotice } from '../admin/done-notice.ts';
import { queryOf } from '../http/query-of.ts';
import { requireRole } from './require-role.ts';
import { MIN_PASSWORD_LENGTH } from './password.ts';
import { DISPLAY_NAME_MAX_LENGTH, EMAIL_MAX_LENGTH, problemsOf, publicUser, UserInputError, type UserService } from './users.ts';

export interface AccountRoutesDeps {
  /** The login limits: the same window and per-account count apply to wrong current passwords here. */
  auth: Config['auth'];
  users: Pick<UserService, 'setDisplayName' | 'setEmail' | 'changeOwnPassword'>;
  render: RenderPage;
  i18n: I18n;
}

interface AccountPage {
  /** What the display name field shows: the stored name, or what was typed when it was refused. */
  displayName?: string;
  /** The same for the email address. */
  email?: string;
  errors?: Record<string, string>;
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/**
 * /account: every signed-in user changes their own display name, email address and password. The access gate
 * sends anonymous visitors to the login form and back; requireRole answers 401 should a request
 * get past it without a user.
 */
export function createAccountRoutes(deps: AccountRoutesDeps): Router {
  const router = Router();
  router.use('/account', requireRole(...roles), (_req: Request, res: Response, next: NextFunction) => {
    // One person's details and CSRF tokens: no shared cache, no browser history copy.
    res.setHeader('Cache-Control', 'private, no-store');
    next();
  });

  async function show(req: Request, res: Response, page: AccountPage = {}, status = 200) {
    const site = res.locals.site as RequestSite;
    const user = req.user!;
    await deps.render(
      req,
      res,
      ['account'],
      {
        username: user.username,
        role: user.role,
        displayName: page.displayName ?? user.displayName,
        displayNameMax: DISPLAY_NAME_MAX_LENGTH,
        email: page.email ?? user.email ?? '',
        emailMax: EMAIL_MAX_LENGTH,
        passwordMin: MIN_PASSWORD_LENGTH,
        errors: page.errors ?? {},
        done: status === 200 ? doneNotice(deps.i18n, site.lang, 'account', req.query.done) : undefined,
      },
      { status, title: deps.i18n.t(site.lang, 'account.title') },
    );
  }

  /** Each problem's message next to its field (the first one per field). */
  function messages(res: Response, err: UserInputError): Record<string, string> {
    const lang = (res.locals.site as RequestSite).lang;
    const errors: Record<string, string> = {};
    for (const problem of problemsOf(err)) errors[problem.field ?? 'current_password'] ??= deps.i18n.t(lang, `errors.${problem.code}`, problem.vars);
    return errors;
  }

  // Guessing the password through a signed-in session is limited like signing in: only wrong
  // current passwords count (not a mistyped confirmation), per account, in the login window.
  const wrongPasswords = rateLimit({
    windowMs: deps.auth.windowMinutes * 60 * 1000,
    limit: deps.auth.maxAttemptsPerAccount,
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.locals.wrongCurrentPassword !== true,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req) => `user:${req.user?.id ?? ''}`,
    handler: (req, res, next) => {
      res.locals.wrongCurrentPassword = true;
      const lang = (res.locals.site as RequestSite).lang;
      show(req, res, { errors: { current_password: deps.i18n.t(lang, 'account.too_many') } }, 429).catch(next);
    },
  });

  router.get('/account', (req, res) => show(req, res));
  // A refused form is shown at the address it was posted to: its language links and a reload by
  // address land back on the page (with ?lang= kept) rather than on a 404.
  router.get(['/account/display-name', '/account/email', '/account/password'], (req, res) => res.redirect(303, `/account${queryOf(req.originalUrl)}`));

  /** A form of one field (display name, address): saved, or shown again with its error and what was typed. */
  const oneField = (path: string, field: 'displayName' | 'email', save: (userId: string, value: string) => Promise<unknown>, done: string) =>
    router.post(path, async (req, res) => {
      const value = text((req.body as Record<string, unknown> | undefined)?.[field]);
      try {
        await save(req.user!.id, value);
      } catch (err) {
        if (!(err instanceof UserInputError)) throw err;
        return show(req, res, { [field]: value, errors: messages(res, err) }, 400);
      }
      res.redirect(303, `/account?done=${done}`);
    });
  oneField('/account/display-name', 'displayName', (id, v) => deps.users.setDisplayName(id, v), 'display_name');
  oneField('/account/email', 'email', (id, v) => deps.users.setEmail(id, v), 'email');

  router.post('/account/password', wrongPasswords, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    let changed;
    try {
      changed = await deps.users.changeOwnPassword(req.user!.id, { current: text(body.current_password), password: text(body.password), confirm: text(body.password_confirm) });
    } catch (err) {
      if (!(err instanceof UserInputError)) throw err;
      if (problemsOf(err).some((p) => p.code === 'current_password_wrong')) res.locals.wrongCurrentPassword = true;
      return show(req, res, { errors: messages(res, err) }, 400);
    }
    // The new password ends every session opened with the old one, this one too: signing in again
    // here gives it a new id and the new password's stamp, so it alone carries on.
    await new Promise<void>((resolve, reject) => req.logIn(publicUser(changed), (err) => (err ? reject(err as Error) : resolve())));
    res.redirect(303, '/account?done=password');
  });

  return router;
}
