import { Router, type Request, type Response, type NextFunction } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { KiosquePassport } from './passport.ts';
import { z } from 'zod';
import type { Config } from '../config/index.ts';
import type { UserService } from './users.ts';
import type { I18n } from '../i18n/index.ts';
import type { RenderPage, RequestSite } from '../views/render.ts';
import { safeReturnPath, withReturn } from './return-url.ts';
import { MAX_PASSWORD_LENGTH } from './users.ts';
import type { RegistrationMode } from '../settings/accounts.ts';

// Lengths are checked after parsing: a too-long field is a failed sign-in that keeps what was typed,
// not a form emptied as if nothing had been sent.
const loginBody = z.object({
  username: z.string().default(''),
  password: z.string().default(''),
  return: z.string().max(2048).optional(),
});

export interface AuthRoutesDeps {
  config: Config;
  /** Notes each sign-in (the same call setup makes). */
  users: Pick<UserService, 'recordSignIn'>;
  passport: KiosquePassport;
  render: RenderPage;
  i18n: I18n;
  /** Who may sign up at /register: the form links to it only while someone may. */
  registration: () => RegistrationMode | Promise<RegistrationMode>;
  /** Mail is on: the form links to "Forgot your password?". */
  passwordReset: boolean;
}

export function createAuthRoutes(deps: AuthRoutesDeps): Router {
  const router = Router();
  const windowMs = deps.config.auth.windowMinutes * 60 * 1000;

  async function showLogin(req: Request, res: Response, page: { username?: string; returnTo: string; error?: string }, status = 200) {
    const site = res.locals.site as RequestSite;
    const registerHref = (await deps.registration()) === 'nobody' ? undefined : withReturn('/register', page.returnTo);
    const forgotHref = deps.passwordReset ? withReturn('/password/forgot', page.returnTo) : undefined;
    return deps.render(req, res, ['login'], { ...page, registerHref, forgotHref }, { status, csrf: true, title: deps.i18n.t(site.lang, 'login.title'), themeFallback: true });
  }

  function tooMany(req: Request, res: Response) {
    const site = res.locals.site as RequestSite;
    const body = loginBody.safeParse(req.body ?? {});
    return showLogin(req, res, { username: body.success ? body.data.username : '', returnTo: safeReturnPath(body.success ? body.data.return : undefined), error: deps.i18n.t(site.lang, 'login.too_many') }, 429);
  }

  // Failed attempts count per client address, per account from that address, and per account from
  // every address together; a success does not count. The account's own limit is per address so
  // that someone typing wrong passwords for the admin's name locks out themselves, not the admin;
  // the overall one, much higher, stops guessing spread over many addresses. An attempt refused
  // by an earlier limiter does not reach (or count in) the later ones.
  const limited = (limit: number, key?: (req: Request) => string) =>
    rateLimit({ windowMs, limit, skipSuccessfulRequests: true, standardHeaders: 'draft-7', legacyHeaders: false, handler: (req, res) => void tooMany(req, res), ...(key ? { keyGenerator: key } : {}) });
  const accountOf = (req: Request) => String((req.body as { username?: unknown } | undefined)?.username ?? '').trim().normalize('NFC').toLowerCase().slice(0, 200);
  const perAddress = limited(deps.config.auth.maxAttemptsPerAddress);
  // The address part as express-rate-limit's own key reads it (IPv6 by its /56 network).
  const perAccount = limited(deps.config.auth.maxAttemptsPerAccount, (req) => `account:${accountOf(req)}\n${ipKeyGenerator(req.ip ?? '')}`);
  const perAccountOverall = limited(deps.config.auth.maxAttemptsPerAccountOverall, (req) => `account:${accountOf(req)}`);

  router.get('/login', async (req, res) => {
    const returnTo = safeReturnPath(req.query.return);
    if (req.user) return res.redirect(303, returnTo);
    await showLogin(req, res, { returnTo });
  });

  router.post('/login', perAddress, perAccount, perAccountOverall, (req: Request, res: Response, next: NextFunction) => {
    const site = res.locals.site as RequestSite;
    const parsed = loginBody.safeParse(req.body ?? {});
    const raw = parsed.success ? parsed.data : { username: '', password: '', return: undefined };
    // Phone keyboards add a space after a word; usernames never hold one.
    const input = { ...raw, username: raw.username.trim().slice(0, 200) };
    const returnTo = safeReturnPath(input.return);
    if (!input.username || !input.password) {
      res.statusCode = 400; // counted as a failure by the limiters
      return void showLogin(req, res, { username: input.username, returnTo, error: deps.i18n.t(site.lang, 'login.missing') }, 400);
    }
    if (raw.password.length > MAX_PASSWORD_LENGTH) {
      res.statusCode = 401;
      return void showLogin(req, res, { username: input.username, returnTo, error: deps.i18n.t(site.lang, 'login.failed') }, 401);
    }
    req.body.username = input.username;
    deps.passport.authenticate('local', (err: unknown, user: Express.User | false, info?: { message?: string }) => {
      if (err) return next(err);
      if (!user && info?.message === 'pending') return void showLogin(req, res, { username: input.username, returnTo, error: deps.i18n.t(site.lang, 'login.pending') }, 403);
      if (!user) return void showLogin(req, res, { username: input.username, returnTo, error: deps.i18n.t(site.lang, 'login.failed') }, 401);
      // passport ≥ 0.6 regenerates the session here, so a fixed session id is worthless.
      req.logIn(user, async (loginErr) => {
        if (loginErr) return next(loginErr);
        await deps.users.recordSignIn(user.id);
        res.redirect(303, returnTo);
      });
    })(req, res, next);
  });

  router.post('/logout', (req, res, next) => {
    if (!req.user) return res.redirect(303, '/');
    req.logOut((err) => {
      if (err) return next(err);
      req.session.destroy((destroyErr) => {
        if (destroyErr) return next(destroyErr);
        res.clearCookie('kiosque.sid', { path: '/' });
        res.redirect(303, '/');
      });
    });
  });

  return router;
}
