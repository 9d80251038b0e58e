import { createUserService, UserInputError } from '../auth/users.ts';
import { roles } from '../store/index.ts';
import { checkPasswordOptions, passwordFromOptions } from './password-input.ts';
import { cliConfig, cliMessages, dataDirOf, onlyArgument, openCliStore, parse, print, CliError, UsageError, EXIT_OK, type Command } from './shared.ts';

export const userAdd: Command = {
  name: 'user:add',
  textKey: 'user_add',
  helpVars: { roles: roles.join('|'), roleList: roles.join(', ') },
  // A shell command, the same in every language.
  helpTail: `  printf '%s\\n' "$PASSWORD" | npm run kiosque -- user:add alice --role admin`,

  async run(args, io) {
    const text = cliMessages(io);
    const { values, positionals } = parse(args, {
      role: { type: 'string' },
      'display-name': { type: 'string' },
      email: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      password: { type: 'string' },
    }, text);
    const username = onlyArgument(text, positionals, 'username');
    if (!values.role) throw new UsageError(text.say('cli.user_add.missing_role', { roles: roles.join('|') }));
    if (!(roles as readonly string[]).includes(values.role)) throw new UsageError(text.say('cli.user_add.invalid_role', { value: values.role, roleList: roles.join(', ') }));
    checkPasswordOptions(text, values);

    const config = cliConfig(io);
    const password = await passwordFromOptions(io, text, values);

    const store = await openCliStore(config, text);
    try {
      const user = await createUserService(store).create({ username, password, role: values.role, displayName: values['display-name'], email: values.email });
      print(io.stdout, text.say('cli.user_add.created', { role: user.role, username: user.username, dir: dataDirOf(config) }));
      return EXIT_OK;
    } catch (err) {
      if (err instanceof UserInputError) throw new CliError(text.say('cli.user_add.nothing_created', { problem: text.say(`errors.${err.code}`, err.vars) }));
      throw err;
    } finally {
      await store.close();
    }
  },
};
