import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Router, type Request, type Response, type NextFunction } from 'express';
import type { I18n } from '../i18n/index.ts';
import type { RenderPage, RequestSite } from '../views/render.ts';
import { problemsOf, UserInputError, type UserService } from './users.ts';

/** The first-run state: a one-time token exists only while no admin does. */
export interface SetupState {
  token: string | null;
  /** True while no admin exists; the token is dropped as soon as one does (however it was created). */
  pending(): Promise<boolean>;
}

export function createSetupState(users: UserService, token: string | null): SetupState {
  return {
    token,
    async pending() {
      if (this.token && (await users.hasAdmin())) this.token = null;
      return this.token !== null;
    },
  };
}

export function newSetupToken(): string {
  return randomBytes(24).toString('base64url');
}

function tokenMatches(expected: string | null, given: unknown): boolean {
  if (!expected || typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function createSetupRoutes(deps: { state: SetupState; users: UserService; render: RenderPage; i18n: I18n }): Router {
  const router = Router();

  function show(req: Request, res: Response, page: Record<string, unknown>, status = 200) {
    const site = res.locals.site as RequestSite;
    return deps.render(req, res, ['setup'], page, { status, csrf: true, title: deps.i18n.t(site.lang, 'setup.title'), themeFallback: true });
  }

  router.get('/setup', async (req, res, next) => {
    if (!(await deps.state.pending())) return next(); // 404: setup is over
    const token = req.query.token;
    if (!tokenMatches(deps.state.token, token)) return show(req, res, { needToken: true }, 403);
    await show(req, res, { token, username: '' });
  });

  router.post('/setup', async (req: Request, res: Response, next: NextFunction) => {
    if (!(await deps.state.pending())) return next();
    const site = res.locals.site as RequestSite;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const token = body.token;
    if (!tokenMatches(deps.state.token, token)) return show(req, res, { needToken: true }, 403);
    const username = typeof body.username === 'string' ? body.username : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const confirm = typeof body.password_confirm === 'string' ? body.password_confirm : '';
    const errors: Record<string, string> = {};
    const say = (err: UserInputError) => (errors[err.field ?? 'username'] ??= deps.i18n.t(site.lang, `errors.${err.code}`, err.vars));
    if (password !== confirm) {
      errors.password_confirm = deps.i18n.t(site.lang, 'errors.password_mismatch');
      // Say what else is wrong too, rather than one problem per try.
      await deps.users.checkNew({ username, password, role: 'admin' }).catch((err: unknown) => {
        if (!(err instanceof UserInputError)) throw err;
        problemsOf(err).forEach(say);
      });
    } else {
      try {
        const user = await deps.users.create({ username, password, role: 'admin' });
        deps.state.token = null;
        const { passwordHash: _, ...publicUser } = user;
        // Setup signs the new admin in: that is their first sign-in.
        await deps.users.recordSignIn(user.id);
        return req.logIn(publicUser, (err) => (err ? next(err) : res.redirect(303, '/admin')));
      } catch (err) {
        if (!(err instanceof UserInputError)) throw err;
        problemsOf(err).forEach(say);
      }
    }
    await show(req, res, { token, username, errors }, 400);
  });

  return router;
}
