import { createUserService, UserInputError } from '../auth/users.ts';
import { roles } from '../store/index.ts';
import { checkPasswordOptions, passwordFromOptions } from './password-input.ts';
import { cliConfig, cliMessages, dataDirOf, onlyArgument, openCliStore, parse, print, CliError, UsageError, EXIT_OK, type Command } from './shared.ts';

export const userAdd: Command = {
  name: 'user:add',
  summary: 'create an account',
  help: `Usage: kiosque user:add <username> --role ${roles.join('|')} [--password-stdin]

Creates an account in the data folder (KIOSQUE_DATA_DIR, default ./data).
The password is read from standard input when it is piped (first line), or asked
twice without echo on a terminal. The server must be stopped (it holds the data folder).

Options:
  --role <role>       ${roles.join(', ')} (required)
  --display-name <n>  the name shown on the site (default: the username)
  --password-stdin    read the password from standard input even on a terminal
  --password <pw>     give the password on the command line (discouraged: it stays
                      in the shell history and is visible to other users)
  -h, --help          show this help

Example:
  printf '%s\\n' "$PASSWORD" | npm run kiosque -- user:add alice --role admin`,

  async run(args, io) {
    const { values, positionals } = parse(args, {
      role: { type: 'string' },
      'display-name': { type: 'string' },
      'password-stdin': { type: 'boolean' },
      password: { type: 'string' },
    });
    const username = onlyArgument(positionals, 'username');
    if (!values.role) throw new UsageError(`Missing option: --role ${roles.join('|')}.`);
    if (!(roles as readonly string[]).includes(values.role)) throw new UsageError(`Invalid role "${values.role}": expected one of ${roles.join(', ')}.`);
    checkPasswordOptions(values);

    const config = cliConfig(io);
    const password = await passwordFromOptions(io, values);

    const store = await openCliStore(config);
    const { lang, i18n } = cliMessages(io);
    try {
      const user = await createUserService(store).create({ username, password, role: values.role, displayName: values['display-name'] });
      print(io.stdout, `Created ${user.role} "${user.username}" in ${dataDirOf(config)}.`);
      return EXIT_OK;
    } catch (err) {
      if (err instanceof UserInputError) throw new CliError(`${i18n.t(lang, `errors.${err.code}`, err.vars)} Nothing was created.`);
      throw err;
    } finally {
      await store.close();
    }
  },
};
