import { createWriteStream, existsSync } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { writeBackup } from '../backup/index.ts';
import { lockHolder, openLowdbStore, StoreCorruptError, StoreLockedError, type Store } from '../store/index.ts';
import { formatSize } from '../media/present.ts';
import { cliConfig, cliMessages, dataDirOf, onlyArgument, parse, print, CliError, EXIT_OK, type CliText, type Command } from './shared.ts';

/** `kiosque backup <file.tar.gz> [--with-files]`: the admin page's backup, for a stopped server. */
export const backupCommand: Command = {
  name: 'backup',
  textKey: 'backup',

  async run(args, io) {
    const text = cliMessages(io);
    const { values, positionals } = parse(args, { 'with-files': { type: 'boolean' } }, text);
    const target = path.resolve(onlyArgument(text, positionals, 'file.tar.gz'));
    const config = cliConfig(io);
    const dataDir = dataDirOf(config);

    // The archive is written beside its destination and renamed into place once whole: a failed
    // backup never leaves a short archive under the name a restore would look for.
    const partial = `${target}.${process.pid}.part`;
    if (!existsSync(path.join(dataDir, 'db'))) throw new CliError(text.say('cli.backup.no_data', { dir: dataDir }));
    await checkDestination(text, target, partial);
    let store: Store;
    try {
      store = await openForBackup(text, dataDir);
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
    try {
      const summary = await writeBackup({ store, filesDir: path.join(dataDir, 'files'), withFiles: Boolean(values['with-files']), output: createWriteStream(partial, { mode: 0o600 }) });
      await rename(partial, target);
      const size = formatSize((await stat(target)).size, text.lang);
      const key = values['with-files'] ? 'cli.backup.written_with_files' : 'cli.backup.written';
      print(io.stdout, text.say(key, { file: target, count: summary.media, files: summary.files, size }));
      return EXIT_OK;
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    } finally {
      await store.close();
    }
  },
};

/** Creates the partial file now, so that a destination that cannot be written is said before any work. */
async function checkDestination(text: CliText, target: string, partial: string): Promise<void> {
  const existing = await stat(target).catch(() => undefined);
  if (existing?.isDirectory()) throw new CliError(text.say('cli.backup.is_folder', { file: target }));
  try {
    await (await open(partial, 'w', 0o600)).close();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' || code === 'ENOTDIR' ? 'no_folder' : code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'not_writable' : 'other';
    throw new CliError(text.say(`cli.backup.cannot_write_${reason}`, { file: target, folder: path.dirname(target), error: (err as Error).message }));
  }
}

/** Opens the store (taking its lock); a running server's lock points at the admin page, which backs up while the site runs. */
async function openForBackup(text: CliText, dataDir: string): Promise<Store> {
  try {
    return await openLowdbStore({ dataDir });
  } catch (err) {
    if (err instanceof StoreLockedError) throw new CliError(text.say('cli.backup.server_running', { dir: dataDir, pid: String(lockHolder(dataDir) ?? '?') }));
    if (err instanceof StoreCorruptError) throw new CliError(err.message);
    throw err;
  }
}
