import { Router, type Request, type Response, type NextFunction } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import type { Config } from '../config/index.ts';
import type { I18n } from '../i18n/index.ts';
import type { RenderPage, RequestSite } from '../views/render.ts';
import type { RegistrationMode } from '../settings/accounts.ts';
import { MIN_PASSWORD_LENGTH } from './password.ts';
import { safeReturnPath, withReturn } from './return-url.ts';
import { DISPLAY_NAME_MAX_LENGTH, EMAIL_MAX_LENGTH, problemsOf, publicUser, UserInputError, type UserService } from './users.ts';

// Any field missing or sent twice reads as empty: the account rules then say what is wrong with it.
const field = z.string().catch('');
const registerBody = z.object({
  username: field,
  displayName: field,
  email: field,
  password: field,
  password_confirm: field,
  /** The honeypot: hidden from people, filled by the robots that fill every field. */
  website: field,
  return: field,
});
type RegisterBody = z.infer<typeof registerBody>;

export interface RegisterRoutesDeps {
  /** The window of the sign-in limits, and how many sign-up attempts one address gets in it. */
  auth: Config['auth'];
  users: Pick<UserService, 'register' | 'recordSignIn'>;
  render: RenderPage;
  i18n: I18n;
  registration: () => RegistrationMode | Promise<RegistrationMode>;
}

interface RegisterPage {
  form?: { username: string; displayName: string; email: string };
  errors?: Record<string, string>;
  error?: string;
  returnTo: string;
  /** The request was taken and waits for an admin. */
  pending?: boolean;
}

/**
 * /register: a visitor creates their own member account, while the accounts config page lets them
 * (404 otherwise). Open: signed in at once and sent back where they came from. With approval:
 * stored pending (and disabled) until an admin approves it at /admin/users.
 */
export function createRegisterRoutes(deps: RegisterRoutesDeps): Router {
  const router = Router();

  async function show(req: Request, res: Response, page: RegisterPage, status = 200) {
    const site = res.locals.site as RequestSite;
    await deps.render(
      req,
      res,
      ['register'],
      { form: { username: '', displayName: '', email: '' }, errors: {}, ...page, loginHref: withReturn('/login', page.returnTo), passwordMin: MIN_PASSWORD_LENGTH, displayNameMax: DISPLAY_NAME_MAX_LENGTH, emailMax: EMAIL_MAX_LENGTH },
      { status, csrf: true, title: deps.i18n.t(site.lang, page.pending ? 'register.pending_title' : 'register.title'), themeFallback: true },
    );
  }

  // A body that is no form at all (a JSON array, say) reads as an empty form.
  const parse = (req: Request): RegisterBody => registerBody.safeParse(req.body ?? {}).data ?? registerBody.parse({});
  /** The form as sent, passwords left out. */
  const typed = (body: RegisterBody) => ({ username: body.username, displayName: body.displayName, email: body.email });

  // Every attempt counts, taken or refused: an address cannot make accounts by the hundred, nor
  // try username after username to learn which ones exist.
  const perAddress = rateLimit({
    windowMs: deps.auth.windowMinutes * 60 * 1000,
    limit: deps.auth.maxRegistrationsPerAddress,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (req, res, next) => {
      const body = parse(req);
      const lang = (res.locals.site as RequestSite).lang;
      show(req, res, { form: typed(body), returnTo: safeReturnPath(body.return), error: deps.i18n.t(lang, 'register.too_many') }, 429).catch(next);
    },
  });

  /** Whether anyone may sign up now; a closed registration is a 404, as if there were no such page. */
  const open = async (_req: Request, _res: Response, next: NextFunction) => ((await deps.registration()) === 'nobody' ? next('router') : next());

  router.get('/register', open, async (req, res) => {
    const returnTo = safeReturnPath(req.query.return);
    if (req.user) return res.redirect(303, returnTo);
    await show(req, res, { returnTo, pending: req.query.done === 'pending' });
  });

  router.post('/register', open, perAddress, async (req, res, next) => {
    const body = parse(req);
    const returnTo = safeReturnPath(body.return);
    if (req.user) return res.redirect(303, returnTo);
    const lang = (res.locals.site as RequestSite).lang;
    if (body.website !== '') return show(req, res, { form: typed(body), returnTo, error: deps.i18n.t(lang, 'register.refused') }, 400);
    const pending = (await deps.registration()) === 'approval';
    let user;
    try {
      user = await deps.users.register({ username: body.username, displayName: body.displayName, email: body.email, password: body.password, confirm: body.password_confirm }, { pending });
    } catch (err) {
      if (!(err instanceof UserInputError)) throw err;
      const errors: Record<string, string> = {};
      for (const problem of problemsOf(err)) errors[problem.field ?? 'username'] ??= deps.i18n.t(lang, `errors.${problem.code}`, problem.vars);
      return show(req, res, { form: typed(body), errors, returnTo }, 400);
    }
    if (pending) return res.redirect(303, `/register?done=pending${returnTo === '/' ? '' : `&return=${encodeURIComponent(returnTo)}`}`);
    // As at sign-in: passport ≥ 0.6 gives the session a new id here.
    req.logIn(publicUser(user), async (err) => {
      if (err) return next(err);
      await deps.users.recordSignIn(user.id);
      res.redirect(303, returnTo);
    });
  });

  return router;
}
