import pino from 'pino';
import type { Config } from '../config/index.ts';
import { createHooks } from '../plugins/hooks.ts';
import { createMediaService, type MediaService } from '../media/index.ts';
import type { Store, User } from '../store/index.ts';
import { CliError, UsageError, type CliText } from './shared.ts';

/**
 * The media service for a command run with the server stopped: same checks and derivatives as
 * uploads, without plugins (their `media.accept` filters and `media.created` actions do not run;
 * the server rebuilds its search index from the data at start).
 */
export function cliMediaService(store: Store, config: Config): MediaService {
  const logger = pino({ level: 'silent' });
  return createMediaService({ store, config, logger, hooks: createHooks(logger) });
}

/** Whom imported media belong to: `--as <username>` (an active admin or editor), else the first active admin. */
export async function cliActor(store: Store, text: CliText, username: string | undefined): Promise<User> {
  if (username) {
    const user = await store.users.getByUsername(username);
    if (!user) throw new UsageError(text.say('cli.import_command.no_account', { username }));
    if (user.disabled || (user.role !== 'admin' && user.role !== 'editor')) throw new UsageError(text.say('cli.import_command.not_editor', { username }));
    return user;
  }
  const admin = (await store.users.list()).filter((u) => u.role === 'admin' && !u.disabled).sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0];
  if (!admin) throw new CliError(text.say('cli.import_command.no_admin'));
  return admin;
}
