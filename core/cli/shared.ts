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
  /** Its summary and help are `cli.<key>.summary` and `cli.<key>.help` in the dictionaries. */
  textKey: string;
  /** Values for the placeholders of its help (the roles, the types…), and lines to print after it as they are (a shell example). */
  helpVars?: Record<string, string>;
  helpTail?: string;
  run(args: string[], io: CliIO): Promise<number>;
}

export function commandSummary(text: CliText, command: Command): string {
  return text.say(`cli.${command.textKey}.summary`);
}

export function commandHelp(text: CliText, command: Command): string {
  const help = text.say(`cli.${command.textKey}.help`, command.helpVars);
  return command.helpTail ? `${help}\n${command.helpTail}` : help;
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

/** node:util parseArgs, strict, with its errors turned into usage errors (an unknown option in the terminal's language when `text` is given). */
export function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O, text: CliText) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const option = /'([^']+)'/.exec(e.message)?.[1];
    if (option && e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(text.say('cli.unknown_option', { option }));
    if (option && e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(text.say('cli.invalid_option_value', { option }));
    throw new UsageError(e.message);
  }
}

/** The one positional argument a command takes; a missing or extra one is a usage error. */
export function onlyArgument(text: CliText, positionals: string[], name: string): string {
  const [value, ...extra] = positionals;
  if (!value) throw new UsageError(text.say('cli.missing_argument', { name }));
  noArguments(text, extra);
  return value;
}

/** A command that takes no positional argument refuses one as a usage error. */
export function noArguments(text: CliText, positionals: string[]): void {
  if (positionals.length) throw new UsageError(text.say('cli.unexpected_argument', { value: positionals[0] }));
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
export async function openCliStore(config: Config, text: CliText): Promise<Store> {
  try {
    return await openLowdbStore({ dataDir: dataDirOf(config) });
  } catch (err) {
    if (err instanceof StoreLockedError) throw new CliError(`${err.message}\n${text.say('cli.stop_server')}`);
    if (err instanceof StoreCorruptError) throw new CliError(err.message);
    throw err;
  }
}

/** The terminal's language and its texts, from the same dictionaries as the site's pages. */
export interface CliText {
  lang: Language;
  i18n: I18n;
  say(key: string, vars?: Record<string, unknown>): string;
}

let dictionaries: I18n | undefined;

/** The person's language for messages from the i18n files: fr when LC_ALL, LC_MESSAGES or LANG (the first set) says so, else en. */
export function cliMessages(io: CliIO): CliText {
  const locale = io.env.LC_ALL || io.env.LC_MESSAGES || io.env.LANG || '';
  const lang: Language = /^fr/i.test(locale) ? 'fr' : 'en';
  const i18n = (dictionaries ??= createI18n(loadDictionaries(path.join(ROOT_DIR, 'core', 'i18n'))));
  return { lang, i18n, say: (key, vars) => i18n.t(lang, key, vars) };
}

export function print(stream: Writable, text: string): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}
