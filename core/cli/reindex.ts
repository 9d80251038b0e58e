import pino from 'pino';
import { reindex } from '../search/index.ts';
import { cliConfig, cliMessages, openCliStore, parse, print, EXIT_OK, UsageError, type Command } from './shared.ts';

/** `kiosque reindex`: rebuilds the search index from the store (the server rebuilds its own at start). */
export const reindexCommand: Command = {
  name: 'reindex',
  summary: 'Rebuild the search index from the data and report how many media it holds',
  help: `Usage: kiosque reindex

Reads every media record, builds the search index and reports the count and the time taken.
The index lives in the server's memory and is rebuilt at every start; run this with the server
stopped to check that all records index cleanly (the data folder is locked while the server runs).

Options:
  -h, --help   show this help`,
  async run(args, io) {
    const { positionals } = parse(args, {});
    if (positionals.length) throw new UsageError(`Unexpected argument: ${positionals[0]}.`);
    const { lang, i18n } = cliMessages(io);
    const store = await openCliStore(cliConfig(io));
    try {
      const r = await reindex({ store, logger: pino({ level: 'silent' }) });
      print(io.stdout, i18n.t(lang, 'search.reindexed', { count: r.media, ms: Math.round(r.ms) }));
      return EXIT_OK;
    } finally {
      await store.close();
    }
  },
};
