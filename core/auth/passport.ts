import { createHash } from 'node:crypto';
import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { Store, User } from '../store/index.ts';
import { verifyPassword } from './password.ts';
import { publicUser } from './users.ts';

export type KiosquePassport = InstanceType<typeof Passport>;

/** A Passport instance of this app's own (never the module-level singleton). */
export function createPassport(store: Store, dummyHash: Promise<string>): KiosquePassport {
  const passport = new Passport();
  passport.use(
    new LocalStrategy(async (username, password, done) => {
      try {
        const user = username.length <= 200 ? await store.users.getByUsername(username) : undefined;
        // Unknown users and disabled ones cost one argon2 verification too, so timing tells nothing.
        const ok = await verifyPassword(user?.passwordHash ?? (await dummyHash), password);
        if (!user || !ok) return done(null, false);
        // Said only to whoever knows the password: a username alone tells nothing about its account.
        if (user.pending) return done(null, false, { message: 'pending' });
        if (user.disabled) return done(null, false);
        return done(null, publicUser(user));
      } catch (err) {
        return done(err);
      }
    }),
  );
  // A session holds the user id and a stamp of the password it was opened with: a new password
  // (admin reset, `kiosque user:passwd`) ends every session opened with the old one.
  passport.serializeUser(async (user, done) => {
    try {
      const stored = await store.users.get((user as Express.User).id);
      if (!stored) return done(new Error('signing in a user that does not exist'));
      done(null, `${stored.id}.${passwordStamp(stored)}`);
    } catch (err) {
      done(err);
    }
  });
  passport.deserializeUser(async (value: string, done) => {
    try {
      const [id, stamp] = String(value).split('.');
      const user = id ? await store.users.get(id) : undefined;
      // false ends the session's sign-in: a deleted or disabled account, or a changed password, loses access at once.
      done(null, user && !user.disabled && !user.pending && stamp === passwordStamp(user) ? publicUser(user) : false);
    } catch (err) {
      done(err);
    }
  });
  return passport;
}

/** Changes whenever the password does (the hash has its own salt); reveals nothing about it. */
function passwordStamp(user: Pick<User, 'passwordHash'>): string {
  return createHash('sha256').update(`kiosque-session:${user.passwordHash}`).digest('base64url').slice(0, 22);
}
