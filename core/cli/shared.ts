import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Readable, Writable } from 'node:stream';
import { loadConfig, ConfigError, type Config } from '../config/index.ts';
import { openLowdbStore, StoreCorruptError, StoreLockedError, type Store } from '../store/index.ts';
import { createI18n, loadDictionaries, type I18n, type Language } from '../i18n/index.ts';

export const ROOT_DIR = path.resolve(import.meta.dirname, '..', '..');

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** What a command may touch: passed in, so tests and the dispatcher decide where it goes. */
export interface CliIO {
  env: NodeJS.ProcessEnv;
  stdin: Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  stdout: Writable;
  stderr: Writable;
}

export interface Command {
  name: string;
  summary: string;
  help: string;
  run(args: string[], io: CliIO): Promise<number>;
}

/** A failure to report in one line; `exitCode` 1 (failure) or 2 (usage). */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT_FAILURE) {
    super(message);
    this.name = 'CliError';
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT_USAGE);
    this.name = 'UsageError';
  }
}

/** node:util parseArgs, strict, with its errors turned into usage errors. */
export function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** The one positional argument a command takes; a missing or extra one is a usage error. */
export function onlyArgument(positionals: string[], name: string): string {
  const [value, ...extra] = positionals;
  if (!value) throw new UsageError(`Missing argument: <${name}>.`);
  if (extra.length) throw new UsageError(`Unexpected argument: ${extra[0]}.`);
  return value;
}

export function cliConfig(io: CliIO): Config {
  try {
    return loadConfig({ configDir: path.join(ROOT_DIR, 'config'), env: io.env });
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message);
    throw err;
  }
}

export function dataDirOf(config: Config): string {
  return path.resolve(config.dataDir);
}

/** Opens the store for writing; a running server's lock or a damaged file becomes a clear message. */
export async function openCliStore(config: Config): Promise<Store> {
  try {
    return await openLowdbStore({ dataDir: dataDirOf(config) });
  } catch (err) {
    if (err instanceof StoreLockedError) throw new CliError(`${err.message}\nStop the server first, then run this command again.`);
    if (err instanceof StoreCorruptError) throw new CliError(err.message);
    throw err;
  }
}

/** The person's language for messages from the i18n files: fr when LANG/LC_ALL says so, else en. */
export function cliMessages(io: CliIO): { lang: Language; i18n: I18n } {
  const locale = io.env.LC_ALL || io.env.LC_MESSAGES || io.env.LANG || '';
  return { lang: /^fr/i.test(locale) ? 'fr' : 'en', i18n: createI18n(loadDictionaries(path.join(ROOT_DIR, 'core', 'i18n'))) };
}

export function print(stream: Writable, text: string): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}
