import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { CliError, print, UsageError, type CliIO } from './shared.ts';

async function readAll(stream: CliIO['stdin']): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

/** Asks on the terminal without echoing what is typed. */
function hiddenPrompt(io: CliIO, question: string): Promise<string> {
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
      reject(new CliError('Cancelled.'));
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
export async function readNewPassword(io: CliIO, fromStdin: boolean): Promise<string> {
  if (fromStdin || !io.stdin.isTTY) {
    const text = await readAll(io.stdin);
    const line = text.split(/\r?\n/)[0] ?? '';
    if (!line) throw new CliError('No password on standard input.');
    return line;
  }
  const first = await hiddenPrompt(io, 'Password: ');
  const second = await hiddenPrompt(io, 'Password (again): ');
  if (first !== second) throw new CliError('The two passwords differ; nothing was changed.');
  return first;
}

export interface PasswordOptions {
  password?: string;
  'password-stdin'?: boolean;
}

/** Refuses --password together with --password-stdin (a usage error, raised before any work). */
export function checkPasswordOptions(values: PasswordOptions): void {
  if (values.password !== undefined && values['password-stdin']) throw new UsageError('Use either --password or --password-stdin, not both.');
}

/** The new password: from --password (with a warning), else standard input or a hidden prompt. */
export async function passwordFromOptions(io: CliIO, values: PasswordOptions): Promise<string> {
  if (values.password === undefined) return readNewPassword(io, values['password-stdin'] === true);
  print(io.stderr, 'Warning: a password given with --password stays in the shell history and the process list; prefer --password-stdin.');
  return values.password;
}
