import session from 'express-session';
import type { Store } from '../store/index.ts';

/** The settings key of the session secret generated when none is configured (kept out of backups). */
export const SESSION_SECRET_SETTING = '_sessionSecret';

/** express-session's store on top of Kiosque's store, so sessions survive a restart. */
export class KiosqueSessionStore extends session.Store {
  constructor(private readonly store: Store, private readonly defaultMaxAgeMs: number) {
    super();
  }

  override get(sid: string, cb: (err: unknown, session?: session.SessionData | null) => void): void {
    this.store.sessions.get(sid).then(
      (r) => cb(null, r ? (r.data as unknown as session.SessionData) : null),
      (err) => cb(err),
    );
  }

  override set(sid: string, data: session.SessionData, cb?: (err?: unknown) => void): void {
    const expires = data.cookie?.expires ? new Date(data.cookie.expires).getTime() : Date.now() + this.defaultMaxAgeMs;
    this.store.sessions.set({ sid, data: JSON.parse(JSON.stringify(data)) as Record<string, unknown>, expires }).then(
      () => cb?.(),
      (err) => cb?.(err),
    );
  }

  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    this.store.sessions.destroy(sid).then(
      () => cb?.(),
      (err) => cb?.(err),
    );
  }
}
