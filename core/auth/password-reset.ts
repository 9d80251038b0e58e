import { createHash, randomBytes } from 'node:crypto';
import type { Store, User } from '../store/index.ts';
import { oneAtATime } from '../util/one-at-a-time.ts';
import type { UserService } from './users.ts';

/** How long a reset link works. */
export const RESET_TTL_MS = 60 * 60 * 1000;

/** 32 random bytes, base64url: what a link carries. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

/** Who may be sent a link: an active account that has an address. */
export function mayReset(user: User | undefined): user is User & { email: string } {
  return !!user && !user.disabled && !user.pending && !!user.email;
}

export type TokenCheck = { ok: true; user: User } | { ok: false; reason: 'expired' | 'invalid' };

/**
 * "Forgot your password?" tokens. Only a token's SHA-256 is stored, on its account, with its
 * expiry: a copy of the data folder opens no account. One live token per account (a new one
 * replaces the last), used once, dead once the password or the address changes (see users.ts).
 */
export function createPasswordResets(deps: { store: Store; users: Pick<UserService, 'resetPassword'>; now?: () => number }) {
  const now = deps.now ?? Date.now;
  // Two posts of one link at once: the second finds it used.
  const redeeming = oneAtATime();

  async function check(token: unknown): Promise<TokenCheck> {
    if (typeof token !== 'string' || !TOKEN.test(token)) return { ok: false, reason: 'invalid' };
    const hash = hashOf(token);
    const user = (await deps.store.users.list()).find((u) => u.passwordReset?.tokenHash === hash);
    if (!user || !mayReset(user)) return { ok: false, reason: 'invalid' };
    if (user.passwordReset!.expiresAt <= now()) return { ok: false, reason: 'expired' };
    return { ok: true, user };
  }

  return {
    /** A new token for this account (the caller checked mayReset); any earlier one stops working. */
    async issue(userId: string): Promise<string> {
      const token = randomBytes(32).toString('base64url');
      await deps.store.users.update(userId, { passwordReset: { tokenHash: hashOf(token), expiresAt: now() + RESET_TTL_MS } });
      return token;
    },

    check,

    /**
     * Sets the password `token` was sent for (UserInputError for a password the rules refuse,
     * the link kept); a token that no longer works gives its TokenCheck instead.
     */
    redeem(token: unknown, input: { password: string; confirm: string }): Promise<TokenCheck> {
      return redeeming(async () => {
        const checked = await check(token);
        if (!checked.ok) return checked;
        return { ok: true, user: await deps.users.resetPassword(checked.user.id, input) };
      });
    },
  };
}

export type PasswordResets = ReturnType<typeof createPasswordResets>;
