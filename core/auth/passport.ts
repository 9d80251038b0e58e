import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { Store } from '../store/index.ts';
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
        if (!user || !ok || user.disabled) return done(null, false);
        return done(null, publicUser(user));
      } catch (err) {
        return done(err);
      }
    }),
  );
  passport.serializeUser((user, done) => done(null, (user as Express.User).id));
  passport.deserializeUser(async (id: string, done) => {
    try {
      const user = await store.users.get(id);
      // false ends the session's sign-in: a deleted or disabled account loses access at once.
      done(null, user && !user.disabled ? publicUser(user) : false);
    } catch (err) {
      done(err);
    }
  });
  return passport;
}
