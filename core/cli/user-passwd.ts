import { createUserService, UserInputError } from '../auth/users.ts';
import { checkPasswordOptions, passwordFromOptions } from './password-input.ts';
import { cliConfig, cliMessages, onlyArgument, openCliStore, parse, print, CliError, EXIT_OK, type Command } from './shared.ts';

export const userPasswd: Command = {
  name: 'user:passwd',
  summary: "set an account's password",
  help: `Usage: kiosque user:passwd <username> [--password-stdin]

Sets a new password for an existing account (the old one stops working).
The password is read from standard input when it is piped (first line), or asked
twice without echo on a terminal. The server must be stopped (it holds the data folder).

Options:
  --password-stdin    read the password from standard input even on a terminal
  --password <pw>     give the password on the command line (discouraged)
  -h, --help          show this help`,

  async run(args, io) {
    const { values, positionals } = parse(args, {
      'password-stdin': { type: 'boolean' },
      password: { type: 'string' },
    });
    const username = onlyArgument(positionals, 'username');
    checkPasswordOptions(values);

    const config = cliConfig(io);
    const store = await openCliStore(config);
    const { lang, i18n } = cliMessages(io);
    try {
      const user = await store.users.getByUsername(username);
      if (!user) throw new CliError(`No account named "${username}".`);
      const password = await passwordFromOptions(io, values);
      await createUserService(store).setPassword(user.id, password);
      print(io.stdout, `Password of "${user.username}" changed.`);
      return EXIT_OK;
    } catch (err) {
      if (err instanceof UserInputError) throw new CliError(`${i18n.t(lang, `errors.${err.code}`, err.vars)} Nothing was changed.`);
      throw err;
    } finally {
      await store.close();
    }
  },
};
