import { regenerateAll } from '../media/regenerate.ts';
import { describeFailure } from '../media/failure.ts';
import { mediaTypes, type MediaType } from '../store/index.ts';
import { cliMediaService } from './media-context.ts';
import { createProgressBar } from './progress.ts';
import { cliConfig, cliMessages, noArguments, openCliStore, parse, print, EXIT_FAILURE, EXIT_OK, UsageError, type Command } from './shared.ts';

const regenerable = mediaTypes;

export const regenerateCommand: Command = {
  name: 'media:regenerate',
  textKey: 'regenerate_command',
  helpVars: { types: regenerable.join('|'), typeList: regenerable.join(', ') },

  async run(args, io) {
    const text = cliMessages(io);
    const { values, positionals } = parse(args, { type: { type: 'string', multiple: true } }, text);
    const { lang, i18n } = text;
    noArguments(text, positionals);
    for (const t of values.type ?? []) if (!(regenerable as readonly string[]).includes(t)) throw new UsageError(text.say('cli.regenerate_command.invalid_type', { value: t, typeList: regenerable.join(', ') }));
    const types = values.type as MediaType[] | undefined;

    const config = cliConfig(io);
    const store = await openCliStore(config, text);
    try {
      const media = cliMediaService(store, config);
      const bar = createProgressBar(io.stderr, i18n.t(lang, 'cli.media'), text);
      const summary = await regenerateAll({ media, types, onProgress: (p) => bar.update(p) });
      bar.end();
      await media.close();
      for (const f of summary.failed) {
        const failure = f.processing && describeFailure(i18n, lang, f.processing);
        print(io.stdout, i18n.t(lang, 'cli.regenerate.failed', { id: f.id, reason: failure?.text ?? f.message }));
        // What the tool said, under it, as it said it.
        if (failure?.output) print(io.stdout, failure.output.replace(/^/gm, '      '));
      }
      const tools = summary.withoutPreview ? await media.tools() : undefined;
      if (tools?.pdfHelp) print(io.stdout, i18n.t(lang, 'pdf_preview.regenerate_missing', { count: summary.withoutPreview, help: tools.pdfHelp }));
      print(io.stdout, i18n.t(lang, 'cli.regenerate.summary', { total: summary.total, regenerated: summary.regenerated, failed: summary.failed.length, seconds: Math.round(summary.seconds * 10) / 10 }));
      return summary.failed.length ? EXIT_FAILURE : EXIT_OK;
    } finally {
      await store.close();
    }
  },
};
