import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { CliError, print, UsageError, type CliIO, type CliText } from './shared.ts';

async function readAll(stream: CliIO['stdin']): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

/** Asks on the terminal without echoing what is typed. */
function hiddenPrompt(io: CliIO, text: CliText, question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _enc, cb) {
      if (!muted) io.stderr.write(chunk);
      cb();
    },
  });
  const rl = createInterface({ input: io.stdin, output, terminal: true });
  return new Promise((resolve, reject) => {
    rl.on('SIGINT', () => {
      rl.close();
      io.stderr.write('\n');
      reject(new CliError(text.say('cli.password.cancelled')));
    });
    rl.question(question, (answer) => {
      rl.close();
      io.stderr.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

/**
 * The new password: the first line of stdin when it is piped (or --password-stdin), otherwise a
 * hidden prompt asked twice. Never taken from the command line, where it would land in the
 * shell history and the process list.
 */
export async function readNewPassword(io: CliIO, text: CliText, fromStdin: boolean): Promise<string> {
  if (fromStdin || !io.stdin.isTTY) {
    const input = await readAll(io.stdin);
    const line = input.split(/\r?\n/)[0] ?? '';
    if (!line) throw new CliError(text.say('cli.password.none_on_stdin'));
    return line;
  }
  const first = await hiddenPrompt(io, text, text.say('cli.password.prompt'));
  const second = await hiddenPrompt(io, text, text.say('cli.password.again'));
  if (first !== second) throw new CliError(text.say('cli.password.differ'));
  return first;
}

export interface PasswordOptions {
  password?: string;
  'password-stdin'?: boolean;
}

/** Refuses --password together with --password-stdin (a usage error, raised before any work). */
export function checkPasswordOptions(text: CliText, values: PasswordOptions): void {
  if (values.password !== undefined && values['password-stdin']) throw new UsageError(text.say('cli.password.both_options'));
}

/** The new password: from --password (with a warning), else standard input or a hidden prompt. */
export async function passwordFromOptions(io: CliIO, text: CliText, values: PasswordOptions): Promise<string> {
  if (values.password === undefined) return readNewPassword(io, text, values['password-stdin'] === true);
  print(io.stderr, text.say('cli.password.warning'));
  return values.password;
}
