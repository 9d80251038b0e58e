import pino from 'pino';
import { reindex } from '../search/index.ts';
import { cliConfig, cliMessages, noArguments, openCliStore, parse, print, EXIT_OK, type Command } from './shared.ts';

/** `kiosque reindex`: rebuilds the search index from the store (the server rebuilds its own at start). */
export const reindexCommand: Command = {
  name: 'reindex',
  textKey: 'reindex',
  async run(args, io) {
    const text = cliMessages(io);
    const { positionals } = parse(args, {}, text);
    noArguments(text, positionals);
    const store = await openCliStore(cliConfig(io), text);
    try {
      const r = await reindex({ store, logger: pino({ level: 'silent' }) });
      print(io.stdout, text.say('search.reindexed', { count: r.media, ms: Math.round(r.ms) }));
      return EXIT_OK;
    } finally {
      await store.close();
    }
  },
};
