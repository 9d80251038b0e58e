import { Router, type Request, type Response, type NextFunction } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import type { Config } from '../config/index.ts';
import type { I18n, Language } from '../i18n/index.ts';
import type { Store, User } from '../store/index.ts';
import type { Mailer } from '../mail/index.ts';
import type { RenderPage, RequestSite } from '../views/render.ts';
import { publicOrigin } from '../http/public-origin.ts';
import { MIN_PASSWORD_LENGTH } from './password.ts';
import { mayReset, type PasswordResets, type TokenCheck } from './password-reset.ts';
import { safeReturnPath, withReturn } from './return-url.ts';
import { problemsOf, publicUser, UserInputError, type UserService } from './users.ts';

// Any field missing or sent twice reads as empty.
const field = z.string().catch('');
const forgotBody = z.object({ identifier: field, return: field });
const resetBody = z.object({ token: field, password: field, password_confirm: field, return: field });

export interface PasswordResetRoutesDeps {
  /** The window of the sign-in limits, and how many link requests an address and an account get in it. */
  auth: Config['auth'];
  /** The configured public address, for the link in the message (else the request's host, as feeds do). */
  baseUrl: string;
  store: Store;
  users: Pick<UserService, 'recordSignIn'>;
  resets: PasswordResets;
  mailer: Mailer;
  render: RenderPage;
  i18n: I18n;
}

/** The account a typed identifier names: a username, else an email address (case-insensitive both). */
async function accountOf(store: Store, identifier: string): Promise<User | undefined> {
  if (!identifier) return undefined;
  return (await store.users.getByUsername(identifier)) ?? (identifier.includes('@') ? await store.users.getByEmail(identifier) : undefined);
}

/**
 * /password/forgot and /password/reset: a member who forgot their password asks for a link by
 * mail and chooses a new one with it. Mounted only while mail is configured (404 otherwise).
 * The request page answers the same whatever was typed (no account can be found out through it);
 * the message goes out after the answer, so its timing tells nothing either.
 */
export function createPasswordResetRoutes(deps: PasswordResetRoutesDeps): Router {
  const router = Router();
  const windowMs = deps.auth.windowMinutes * 60 * 1000;
  const lang = (res: Response): Language => (res.locals.site as RequestSite).lang;

  router.use('/password', (_req: Request, res: Response, next: NextFunction) => {
    // A reset link's token is in the address: never cached anywhere, never sent on as a referrer.
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });

  async function showForgot(req: Request, res: Response, page: { identifier?: string; error?: string; fieldError?: string; returnTo: string }, status = 200) {
    await deps.render(req, res, ['password-forgot'], { identifier: '', ...page, loginHref: withReturn('/login', page.returnTo) }, { status, csrf: true, title: deps.i18n.t(lang(res), 'forgot.title'), themeFallback: true });
  }

  async function showSent(req: Request, res: Response, returnTo: string) {
    await deps.render(req, res, ['password-forgot'], { sent: true, loginHref: withReturn('/login', returnTo) }, { title: deps.i18n.t(lang(res), 'forgot.sent_title'), themeFallback: true });
  }

  async function showReset(req: Request, res: Response, page: { token: string; username: string; returnTo: string; errors?: Record<string, string> }, status = 200) {
    await deps.render(req, res, ['password-reset'], { errors: {}, ...page, passwordMin: MIN_PASSWORD_LENGTH }, { status, csrf: true, title: deps.i18n.t(lang(res), 'reset.title'), themeFallback: true });
  }

  async function showUnusable(req: Request, res: Response, reason: Exclude<TokenCheck, { ok: true }>['reason'], returnTo: string) {
    const l = lang(res);
    await deps.render(
      req,
      res,
      ['password-reset'],
      { unusable: deps.i18n.t(l, reason === 'expired' ? 'reset.expired' : 'reset.invalid'), forgotHref: withReturn('/password/forgot', returnTo) },
      { status: reason === 'expired' ? 410 : 400, title: deps.i18n.t(l, 'reset.invalid_title'), themeFallback: true },
    );
  }

  const parseForgot = (req: Request) => forgotBody.safeParse(req.body ?? {}).data ?? forgotBody.parse({});
  const identifierOf = (req: Request) => parseForgot(req).identifier.trim().normalize('NFC').slice(0, 254);
  const tooMany = (req: Request, res: Response, next: NextFunction) => {
    const body = parseForgot(req);
    showForgot(req, res, { identifier: body.identifier, returnTo: safeReturnPath(body.return), error: deps.i18n.t(lang(res), 'forgot.too_many') }, 429).catch(next);
  };
  // Every request counts, whatever it found: per client address, and per account (whichever
  // identifier named it; an identifier that names none counts on its own, the same way, so a
  // refusal tells nothing about whether an account exists).
  const perAddress = rateLimit({ windowMs, limit: deps.auth.maxResetRequestsPerAddress, standardHeaders: 'draft-7', legacyHeaders: false, handler: tooMany });
  const perAccount = rateLimit({
    windowMs,
    limit: deps.auth.maxResetRequestsPerAccount,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: tooMany,
    keyGenerator: async (req) => {
      const identifier = identifierOf(req);
      const user = await accountOf(deps.store, identifier);
      return user ? `account:${user.id}` : `typed:${identifier.toLowerCase()}`;
    },
  });

  router.get('/password/forgot', async (req, res) => {
    const returnTo = safeReturnPath(req.query.return);
    if (req.query.sent !== undefined) return showSent(req, res, returnTo);
    await showForgot(req, res, { returnTo });
  });

  router.post('/password/forgot', perAddress, perAccount, async (req, res) => {
    const body = parseForgot(req);
    const returnTo = safeReturnPath(body.return);
    const identifier = identifierOf(req);
    if (!identifier) return showForgot(req, res, { returnTo, fieldError: deps.i18n.t(lang(res), 'forgot.missing') }, 400);
    const l = lang(res);
    const origin = publicOrigin(req, deps.baseUrl);
    const site = (res.locals.site as RequestSite).skeleton.siteName;
    deps.mailer.sendLater(async () => {
      const user = await accountOf(deps.store, identifier);
      if (!mayReset(user) || !origin) return undefined;
      const token = await deps.resets.issue(user.id);
      const link = `${origin}/password/reset?token=${token}${returnTo === '/' ? '' : `&return=${encodeURIComponent(returnTo)}`}`;
      const vars = { site, name: user.displayName || user.username, username: user.username, link };
      return { to: user.email, subject: deps.i18n.t(l, 'mail.reset_subject', vars), text: deps.i18n.t(l, 'mail.reset_body', vars) };
    }, { mail: 'password_reset' });
    res.redirect(303, `/password/forgot?sent${returnTo === '/' ? '' : `&return=${encodeURIComponent(returnTo)}`}`);
  });

  router.get('/password/reset', async (req, res) => {
    const returnTo = safeReturnPath(req.query.return);
    const checked = await deps.resets.check(req.query.token);
    if (!checked.ok) return showUnusable(req, res, checked.reason, returnTo);
    await showReset(req, res, { token: String(req.query.token), username: checked.user.username, returnTo });
  });

  router.post('/password/reset', async (req, res, next) => {
    const body = resetBody.safeParse(req.body ?? {}).data ?? resetBody.parse({});
    const returnTo = safeReturnPath(body.return);
    let done: TokenCheck;
    try {
      done = await deps.resets.redeem(body.token, { password: body.password, confirm: body.password_confirm });
    } catch (err) {
      if (!(err instanceof UserInputError)) throw err;
      const checked = await deps.resets.check(body.token);
      const errors: Record<string, string> = {};
      for (const problem of problemsOf(err)) errors[problem.field ?? 'password'] ??= deps.i18n.t(lang(res), `errors.${problem.code}`, problem.vars);
      return showReset(req, res, { token: body.token, username: checked.ok ? checked.user.username : '', returnTo, errors }, 400);
    }
    if (!done.ok) return showUnusable(req, res, done.reason, returnTo);
    const user = done.user;
    // The new password ended every other session (their stamp no longer matches); passport ≥ 0.6
    // gives this one a new id as it signs in.
    req.logIn(publicUser(user), async (err) => {
      if (err) return next(err);
      await deps.users.recordSignIn(user.id);
      res.redirect(303, returnTo);
    });
  });

  return router;
}
