import path from 'node:path';
import { doctor } from './doctor.ts';
import { userAdd } from './user-add.ts';
import { userPasswd } from './user-passwd.ts';
import { reindexCommand } from './reindex.ts';
import { importCommand } from './media-import.ts';
import { regenerateCommand } from './media-regenerate.ts';
import { backupCommand } from './backup.ts';
import { cliMessages, commandHelp, commandSummary, CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, print, type CliIO, type CliText, type Command } from './shared.ts';

const commands: Command[] = [userAdd, userPasswd, doctor, reindexCommand, importCommand, regenerateCommand, backupCommand];

function topHelp(text: CliText): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return text.say('cli.usage', { commands: commands.map((c) => `  ${c.name.padEnd(width)}  ${commandSummary(text, c)}`).join('\n') });
}

/** Runs one CLI invocation and returns its exit code. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  const text = cliMessages(io);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    print(name ? io.stdout : io.stderr, topHelp(text));
    return name ? EXIT_OK : EXIT_USAGE;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    print(io.stderr, text.say('cli.unknown_command', { name, commands: commands.map((c) => c.name).join(', ') }));
    return EXIT_USAGE;
  }
  // Every command answers --help / -h the same way (an option after `--` is an argument, not a request for help).
  const options = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (options.includes('--help') || options.includes('-h')) {
    print(io.stdout, commandHelp(text, command));
    return EXIT_OK;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof CliError) {
      print(io.stderr, `kiosque ${command.name}: ${err.message}`);
      if (err.exitCode === EXIT_USAGE) print(io.stderr, text.say('cli.see_help', { command: command.name }));
      return err.exitCode;
    }
    print(io.stderr, text.say('cli.crashed', { command: command.name, error: (err as Error).stack ?? String(err) }));
    return EXIT_FAILURE;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  const code = await runCli(process.argv.slice(2), { env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
  process.exitCode = code ?? EXIT_OK;
}
