import { regenerateAll } from '../media/regenerate.ts';
import { describeFailure } from '../media/failure.ts';
import { mediaTypes, type MediaType } from '../store/index.ts';
import { cliMediaService } from './media-context.ts';
import { createProgressBar } from './progress.ts';
import { cliConfig, cliMessages, openCliStore, parse, print, EXIT_FAILURE, EXIT_OK, UsageError, type Command } from './shared.ts';

const regenerable = mediaTypes;

export const regenerateCommand: Command = {
  name: 'media:regenerate',
  summary: 'rebuild the derivatives (after the size settings changed)',
  help: `Usage: kiosque media:regenerate [--type ${regenerable.join('|')}]...

Rebuilds every media item's derivatives (thumbnails, sizes, posters) with the current settings of
/admin/config/media: run it after changing the sizes. Audio and video also get the web versions
they are missing (media from before them, or media.webVideoMaxWidth / webVideoMaxKbps lowered);
those that still fit are kept, except an HDR video's made without tone mapping when this ffmpeg
can now tone-map it. PDFs get their preview (the first page) again, or for the first time
(uploaded before pdftoppm was installed); other documents have none. Images go through sharp, audio
and video through ffmpeg, PDFs through pdftoppm, as many at a time as the processing concurrency
allows. The server must be stopped.

Options:
  --type <type>   only this type, repeatable (default: ${regenerable.join(', ')})
  -h, --help      show this help

Exit codes: 0 all rebuilt, 1 some failed (listed with the reason), 2 usage error.`,

  async run(args, io) {
    const { values, positionals } = parse(args, { type: { type: 'string', multiple: true } });
    if (positionals.length) throw new UsageError(`Unexpected argument: ${positionals[0]}.`);
    for (const t of values.type ?? []) if (!(regenerable as readonly string[]).includes(t)) throw new UsageError(`Invalid type "${t}": expected ${regenerable.join(', ')}.`);
    const types = values.type as MediaType[] | undefined;

    const config = cliConfig(io);
    const { lang, i18n } = cliMessages(io);
    const store = await openCliStore(config);
    try {
      const media = cliMediaService(store, config);
      const bar = createProgressBar(io.stderr, i18n.t(lang, 'cli.media'));
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
      print(io.stdout, i18n.t(lang, 'cli.regenerate.summary', { total: summary.total, regenerated: summary.regenerated, failed: summary.failed.length, seconds: summary.seconds.toFixed(1) }));
      return summary.failed.length ? EXIT_FAILURE : EXIT_OK;
    } finally {
      await store.close();
    }
  },
};
