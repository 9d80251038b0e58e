import { createUserService, UserInputError } from '../auth/users.ts';
import { checkPasswordOptions, passwordFromOptions } from './password-input.ts';
import { cliConfig, cliMessages, onlyArgument, openCliStore, parse, print, CliError, EXIT_OK, type Command } from './shared.ts';

export const userPasswd: Command = {
  name: 'user:passwd',
  textKey: 'user_passwd',

  async run(args, io) {
    const text = cliMessages(io);
    const { values, positionals } = parse(args, {
      'password-stdin': { type: 'boolean' },
      password: { type: 'string' },
    }, text);
    const username = onlyArgument(text, positionals, 'username');
    checkPasswordOptions(text, values);

    const config = cliConfig(io);
    const store = await openCliStore(config, text);
    try {
      const user = await store.users.getByUsername(username);
      if (!user) throw new CliError(text.say('cli.user_passwd.no_account', { username }));
      const password = await passwordFromOptions(io, text, values);
      await createUserService(store).setPassword(user.id, password);
      print(io.stdout, text.say('cli.user_passwd.changed', { username: user.username }));
      return EXIT_OK;
    } catch (err) {
      if (err instanceof UserInputError) throw new CliError(text.say('cli.user_passwd.nothing_changed', { problem: text.say(`errors.${err.code}`, err.vars) }));
      throw err;
    } finally {
      await store.close();
    }
  },
};
