import { z } from 'zod';
import { roles, DuplicateError, type Role, type Store, type User } from '../store/index.ts';
import { oneAtATime } from '../util/one-at-a-time.ts';
import { hashPassword, verifyPassword, MIN_PASSWORD_LENGTH } from './password.ts';

/** A failure a person can fix; `code` is an i18n key under `errors.`, `field` the form field. */
export class UserInputError extends Error {
  constructor(public readonly code: string, public readonly field?: string, public readonly vars?: Record<string, unknown>) {
    super(code);
    this.name = 'UserInputError';
  }
}

/**
 * Every problem a form had, so it can show each next to its field. It reads as its first problem,
 * so callers that report one message (the CLI, the API) need nothing new.
 */
export class UserInputErrors extends UserInputError {
  constructor(public readonly all: UserInputError[]) {
    super(all[0]!.code, all[0]!.field, all[0]!.vars);
    this.name = 'UserInputErrors';
  }
}

/** The problems behind an error: several for `UserInputErrors`, else the one. */
export function problemsOf(err: UserInputError): UserInputError[] {
  return err instanceof UserInputErrors ? err.all : [err];
}

/** Runs each check, keeping every UserInputError; throws them together (or the one) at the end. */
function collect() {
  const problems: UserInputError[] = [];
  return {
    check<T>(fn: () => T): T | undefined {
      try {
        return fn();
      } catch (err) {
        if (!(err instanceof UserInputError)) throw err;
        problems.push(err);
        return undefined;
      }
    },
    add: (err: UserInputError) => problems.push(err),
    throwIfAny() {
      if (problems.length === 1) throw problems[0];
      if (problems.length > 1) throw new UserInputErrors(problems);
    },
  };
}

export const usernameSchema = z.string().trim().regex(/^[\p{L}\p{N}._-]{2,40}$/u);
/** Longer is refused with its own message (argon2 takes any length; the cap keeps requests small). */
export const MAX_PASSWORD_LENGTH = 1024;
export const passwordSchema = z.string().min(MIN_PASSWORD_LENGTH).max(MAX_PASSWORD_LENGTH);
export const roleSchema = z.enum(roles);
export const DISPLAY_NAME_MAX_LENGTH = 80;
/** The longest address SMTP carries (RFC 5321's path limit less its brackets). */
export const EMAIL_MAX_LENGTH = 254;
const emailSchema = z.email();

export type PublicUser = Omit<User, 'passwordHash' | 'passwordReset'>;

export function publicUser(u: User): PublicUser {
  const { passwordHash: _, passwordReset: __, ...rest } = u;
  return rest;
}

/** The change a new password makes: its hash, and the end of any reset link sent before it. */
async function newPassword(password: string): Promise<Pick<User, 'passwordHash' | 'passwordReset'>> {
  return { passwordHash: await hashPassword(password), passwordReset: undefined };
}

function checkUsername(username: string): string {
  const r = usernameSchema.safeParse(username);
  if (!r.success) throw new UserInputError('username_invalid', 'username');
  return r.data;
}

function checkPassword(password: string): string {
  if (password.length > MAX_PASSWORD_LENGTH) throw new UserInputError('password_too_long', 'password', { max: MAX_PASSWORD_LENGTH });
  const r = passwordSchema.safeParse(password);
  if (!r.success) throw new UserInputError('password_too_short', 'password', { min: MIN_PASSWORD_LENGTH });
  if (!password.trim()) throw new UserInputError('password_blank', 'password');
  return r.data;
}

// Control characters, line and paragraph separators, and the marks that reorder text: a display
// name is one line shown next to other people's, so it must read as what it is.
const unprintable = /[\p{Cc}\p{Zl}\p{Zp}\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/** The name shown on the site: trimmed, at most 80 characters, one printable line; empty means the username. */
function checkDisplayName(displayName: string, username: string): string {
  const name = displayName.normalize('NFC').trim();
  if (name.length > DISPLAY_NAME_MAX_LENGTH) throw new UserInputError('display_name_too_long', 'displayName', { max: DISPLAY_NAME_MAX_LENGTH });
  if (unprintable.test(name)) throw new UserInputError('display_name_invalid', 'displayName');
  return name || username;
}

/** An email address, trimmed and lower-cased; empty means none. */
function checkEmail(email: string): string {
  const address = email.trim();
  if (!address) return '';
  if (address.length > EMAIL_MAX_LENGTH) throw new UserInputError('email_too_long', 'email', { max: EMAIL_MAX_LENGTH });
  if (!emailSchema.safeParse(address).success) throw new UserInputError('email_invalid', 'email');
  return address.toLowerCase();
}

/** The store's refusal of a taken username or address, as the field's message. */
function duplicateAsInput(err: unknown): unknown {
  if (err instanceof DuplicateError) return new UserInputError(err.field === 'email' ? 'email_taken' : 'username_taken', err.field === 'email' ? 'email' : 'username');
  return err;
}

function checkRole(role: string): Role {
  const r = roleSchema.safeParse(role);
  // The roles by their ids, as the command line and the API take them; pages name them in the reader's language.
  if (!r.success) throw new UserInputError('role_invalid', 'role', { roles: new Intl.ListFormat('en', { type: 'disjunction' }).format(roles) });
  return r.data;
}

/** What a visitor types at /register: the password twice, no role (a visitor's account is a member's). */
export interface RegistrationInput {
  username: string;
  displayName: string;
  /** Optional: empty for none. */
  email?: string;
  password: string;
  confirm: string;
}

export interface NewUserInput {
  username: string;
  password: string;
  role: string;
  displayName?: string;
  /** Optional: empty or missing for none. */
  email?: string;
}

type CheckedUser = { username: string; password: string; role: Role; displayName: string; email?: string };

/** Account rules shared by the setup page, the users admin page and the CLI. */
export function createUserService(store: Store) {
  async function activeAdmins(): Promise<User[]> {
    return (await store.users.list()).filter((u) => u.role === 'admin' && !u.disabled);
  }

  // Each change that could leave no active admin runs its check and its write before the next one
  // checks: two demotions sent at once each saw two admins, and left none.
  const adminChange = oneAtATime();

  async function assertNotLastAdmin(user: User): Promise<void> {
    if (user.role !== 'admin' || user.disabled) return;
    const admins = await activeAdmins();
    if (admins.length <= 1) throw new UserInputError('last_admin');
  }

  /** Checks a new account's fields without creating it; throws every problem at once. */
  async function checkNew(input: NewUserInput): Promise<CheckedUser> {
    const problems = collect();
    const username = problems.check(() => checkUsername(input.username));
    const password = problems.check(() => checkPassword(input.password));
    const role = problems.check(() => checkRole(input.role));
    const displayName = problems.check(() => checkDisplayName(input.displayName ?? '', username ?? ''));
    const email = problems.check(() => checkEmail(input.email ?? ''));
    if (username !== undefined && (await store.users.getByUsername(username))) problems.add(new UserInputError('username_taken', 'username'));
    if (email && (await store.users.getByEmail(email))) problems.add(new UserInputError('email_taken', 'email'));
    problems.throwIfAny();
    if (username === undefined || password === undefined || role === undefined || displayName === undefined || email === undefined) throw new Error('unreachable: a failed check was collected');
    return { username, password, role, displayName, ...(email ? { email } : {}) };
  }

  /** The record of a checked new account (the password hashed). */
  async function newRecord(checked: CheckedUser) {
    const { username, password, role, displayName, email } = checked;
    return { username, displayName, role, passwordHash: await hashPassword(password), ...(email ? { email } : {}) };
  }

  return {
    async hasAdmin(): Promise<boolean> {
      return (await activeAdmins()).length > 0;
    },

    checkNew,

    async create(input: NewUserInput): Promise<User> {
      const checked = await checkNew(input);
      try {
        return await store.users.create({ ...(await newRecord(checked)), disabled: false });
      } catch (err) {
        throw duplicateAsInput(err);
      }
    },

    /**
     * A visitor's own account, with the rules of `create` and the password typed twice; every
     * problem is thrown at once. `pending`: stored disabled until an admin approves it.
     */
    async register(input: RegistrationInput, options: { pending: boolean }): Promise<User> {
      const problems = collect();
      let checked: Awaited<ReturnType<typeof checkNew>> | undefined;
      try {
        checked = await checkNew({ username: input.username, password: input.password, displayName: input.displayName, email: input.email, role: 'member' });
      } catch (err) {
        if (!(err instanceof UserInputError)) throw err;
        problemsOf(err).forEach(problems.add);
      }
      if (input.confirm !== input.password) problems.add(new UserInputError('password_mismatch', 'password_confirm'));
      problems.throwIfAny();
      if (!checked) throw new Error('unreachable: a failed check was collected');
      try {
        return await store.users.create({ ...(await newRecord(checked)), disabled: options.pending, ...(options.pending ? { pending: true } : {}) });
      } catch (err) {
        throw duplicateAsInput(err);
      }
    },

    /** Opens an account awaiting approval; `user_not_found` for any other. */
    async approve(id: string): Promise<User> {
      const u = await store.users.get(id);
      if (!u?.pending) throw new UserInputError('user_not_found');
      return (await store.users.update(id, { pending: false, disabled: false }))!;
    },

    /** Deletes an account awaiting approval (it never was one); `user_not_found` for any other. */
    async refuse(id: string): Promise<void> {
      const u = await store.users.get(id);
      if (!u?.pending) throw new UserInputError('user_not_found');
      await store.users.delete(id);
    },

    /** Notes a sign-in (the users list shows the last one). */
    async recordSignIn(id: string): Promise<void> {
      await store.users.update(id, { lastLoginAt: new Date().toISOString() });
    },

    async setPassword(id: string, password: string): Promise<User> {
      const u = await store.users.update(id, await newPassword(checkPassword(password)));
      if (!u) throw new UserInputError('user_not_found');
      return u;
    },

    /** The name shown on the site, with the rules of `create` (empty: the username). */
    async setDisplayName(id: string, displayName: string): Promise<User> {
      const u = await store.users.get(id);
      if (!u) throw new UserInputError('user_not_found');
      return (await store.users.update(id, { displayName: checkDisplayName(displayName, u.username) }))!;
    },

    /** The address reset links go to, with the rules of `create` (empty: none). */
    async setEmail(id: string, email: string): Promise<User> {
      const address = checkEmail(email);
      const u = await store.users.get(id);
      if (!u) throw new UserInputError('user_not_found');
      if (address) {
        const other = await store.users.getByEmail(address);
        if (other && other.id !== id) throw new UserInputError('email_taken', 'email');
      }
      try {
        // A reset link already sent went to the old address: it stops working.
        return (await store.users.update(id, { email: address || undefined, passwordReset: undefined }))!;
      } catch (err) {
        throw duplicateAsInput(err);
      }
    },

    /**
     * A user changing their own password: the current one must verify against the stored hash, the
     * new one follow the password rules and match its confirmation. Every problem is thrown at
     * once (`current_password_wrong` among them when the current one did not verify); on any,
     * nothing changes. Sessions opened with the old password end (see core/auth/passport.ts).
     */
    async changeOwnPassword(id: string, input: { current: string; password: string; confirm: string }): Promise<User> {
      const u = await store.users.get(id);
      if (!u) throw new UserInputError('user_not_found');
      const problems = collect();
      if (input.current === '') problems.add(new UserInputError('current_password_missing', 'current_password'));
      else if (!(await verifyPassword(u.passwordHash, input.current))) problems.add(new UserInputError('current_password_wrong', 'current_password'));
      const password = problems.check(() => checkPassword(input.password));
      if (input.confirm !== input.password) problems.add(new UserInputError('password_mismatch', 'password_confirm'));
      problems.throwIfAny();
      if (password === undefined) throw new Error('unreachable: a failed check was collected');
      const changed = await store.users.update(id, await newPassword(password));
      if (!changed) throw new UserInputError('user_not_found');
      return changed;
    },

    /**
     * A new password chosen through a reset link (core/auth/password-reset.ts checked the link):
     * the password rules and the confirmation, every problem at once; on any, nothing changes.
     */
    async resetPassword(id: string, input: { password: string; confirm: string }): Promise<User> {
      const problems = collect();
      const password = problems.check(() => checkPassword(input.password));
      if (input.confirm !== input.password) problems.add(new UserInputError('password_mismatch', 'password_confirm'));
      problems.throwIfAny();
      if (password === undefined) throw new Error('unreachable: a failed check was collected');
      const changed = await store.users.update(id, await newPassword(password));
      if (!changed) throw new UserInputError('user_not_found');
      return changed;
    },

    async setRole(id: string, role: string): Promise<User> {
      const next = checkRole(role);
      return adminChange(async () => {
        const u = await store.users.get(id);
        if (!u) throw new UserInputError('user_not_found');
        if (next !== 'admin') await assertNotLastAdmin(u);
        return (await store.users.update(id, { role: next }))!;
      });
    },

    async setDisabled(id: string, disabled: boolean): Promise<User> {
      return adminChange(async () => {
        const u = await store.users.get(id);
        if (!u) throw new UserInputError('user_not_found');
        if (disabled) await assertNotLastAdmin(u);
        // A disabled user's open sessions are refused when passport deserialises them. Enabling an
        // account awaiting approval approves it: no account is left enabled but pending.
        return (await store.users.update(id, disabled ? { disabled } : { disabled, pending: false }))!;
      });
    },

    async remove(id: string): Promise<void> {
      await adminChange(async () => {
        const u = await store.users.get(id);
        if (!u) throw new UserInputError('user_not_found');
        await assertNotLastAdmin(u);
        await store.users.delete(id);
      });
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
