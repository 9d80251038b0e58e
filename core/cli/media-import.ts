import { stat } from 'node:fs/promises';
import path from 'node:path';
import { importFolder } from '../media/import.ts';
import { parseMediaFields } from '../media/fields.ts';
import { MediaError, mediaProblemsOf } from '../media/errors.ts';
import { mediaStatuses } from '../store/index.ts';
import { cliActor, cliMediaService } from './media-context.ts';
import { createProgressBar } from './progress.ts';
import { cliConfig, cliMessages, onlyArgument, openCliStore, parse, print, EXIT_FAILURE, EXIT_OK, UsageError, type Command } from './shared.ts';

export const importCommand: Command = {
  name: 'import',
  summary: 'import every file of a folder tree as media (duplicates skipped, resumable)',
  help: `Usage: kiosque import <folder> [--sector <slug>] [--keywords <group/keyword>]... [--status draft|published] [--as <username>]

Imports every file under <folder> (sub-folders included, hidden files left out) with the same
checks as an upload: type from the content, size and pixel limits, derivatives. Files whose
content is already in the library are skipped, so an interrupted import resumes when run again.
Source files are copied, never moved. The server must be stopped (it holds the data folder).

Options:
  --sector <slug>        put the media in this sector
  --keywords <ref>       group/keyword, repeatable or comma-separated (e.g. tags/masques);
                         an unknown keyword of the tags group is created
  --status <status>      draft (default) or published
  --as <username>        the admin or editor who owns the media (default: the first admin)
  -h, --help             show this help

Exit codes: 0 all imported or skipped, 1 some files failed (listed with the reason), 2 usage error.`,

  async run(args, io) {
    const { values, positionals } = parse(args, {
      sector: { type: 'string' },
      keywords: { type: 'string', multiple: true },
      status: { type: 'string' },
      as: { type: 'string' },
    });
    const folder = path.resolve(onlyArgument(positionals, 'folder'));
    const status = values.status ?? 'draft';
    if (!(mediaStatuses as readonly string[]).includes(status)) throw new UsageError(`Invalid status "${status}": expected ${mediaStatuses.join(' or ')}.`);
    if (!(await stat(folder).catch(() => null))?.isDirectory()) throw new UsageError(`Not a folder: ${folder}.`);
    const keywords = (values.keywords ?? []).flatMap((k) => k.split(',')).map((k) => k.trim()).filter(Boolean);

    const config = cliConfig(io);
    const { lang, i18n } = cliMessages(io);
    const store = await openCliStore(config);
    try {
      const user = await cliActor(store, values.as);
      let fields;
      try {
        fields = await parseMediaFields(store, { sector: values.sector, keywords, status }, { forCreate: true });
      } catch (err) {
        if (err instanceof MediaError) throw new UsageError(mediaProblemsOf(err).map((e) => i18n.t(lang, `media.errors.${e.code}`, e.vars)).join(' '));
        throw err;
      }
      const media = cliMediaService(store, config);
      const bar = createProgressBar(io.stderr, i18n.t(lang, 'cli.files'));
      const summary = await importFolder({ media, config, folder, user: { id: user.id, role: user.role }, fields, onProgress: (p) => bar.update(p) });
      bar.end();
      // Audio and video finish processing in the background: wait for them before closing the store.
      await media.close();
      for (const s of summary.skipped) print(io.stdout, i18n.t(lang, 'cli.import.skipped', { file: s.file, id: s.duplicateOf }));
      for (const f of summary.failed) {
        const reason = f.code === 'error' ? (f.message ?? f.code) : i18n.t(lang, `media.errors.${f.code}`, f.vars);
        print(io.stdout, i18n.t(lang, 'cli.import.failed', { file: f.file, reason }));
      }
      print(io.stdout, i18n.t(lang, 'cli.import.summary', { total: summary.total, imported: summary.imported.length, skipped: summary.skipped.length, failed: summary.failed.length, seconds: summary.seconds.toFixed(1) }));
      return summary.failed.length ? EXIT_FAILURE : EXIT_OK;
    } finally {
      await store.close();
    }
  },
};
