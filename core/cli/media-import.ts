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
  textKey: 'import_command',
  helpVars: { statuses: mediaStatuses.join('|') },

  async run(args, io) {
    const text = cliMessages(io);
    const { values, positionals } = parse(args, {
      sector: { type: 'string' },
      keywords: { type: 'string', multiple: true },
      status: { type: 'string' },
      as: { type: 'string' },
    }, text);
    const { lang, i18n } = text;
    const folder = path.resolve(onlyArgument(text, positionals, 'folder'));
    const status = values.status ?? 'draft';
    if (!(mediaStatuses as readonly string[]).includes(status)) throw new UsageError(text.say('cli.import_command.invalid_status', { value: status, statuses: mediaStatuses.join(', ') }));
    if (!(await stat(folder).catch(() => null))?.isDirectory()) throw new UsageError(text.say('cli.import_command.not_a_folder', { folder }));
    const keywords = (values.keywords ?? []).flatMap((k) => k.split(',')).map((k) => k.trim()).filter(Boolean);

    const config = cliConfig(io);
    const store = await openCliStore(config, text);
    try {
      const user = await cliActor(store, text, values.as);
      let fields;
      try {
        fields = await parseMediaFields(store, { sector: values.sector, keywords, status }, { forCreate: true });
      } catch (err) {
        if (err instanceof MediaError) throw new UsageError(mediaProblemsOf(err).map((e) => i18n.t(lang, `media.errors.${e.code}`, e.vars)).join(' '));
        throw err;
      }
      const media = cliMediaService(store, config);
      const bar = createProgressBar(io.stderr, i18n.t(lang, 'cli.files'), text);
      const summary = await importFolder({ media, config, folder, user: { id: user.id, role: user.role }, fields, onProgress: (p) => bar.update(p) });
      bar.end();
      // Audio and video finish processing in the background: wait for them before closing the store.
      await media.close();
      for (const s of summary.skipped) print(io.stdout, i18n.t(lang, 'cli.import.skipped', { file: s.file, id: s.duplicateOf }));
      for (const f of summary.failed) {
        const reason = f.code === 'error' ? (f.message ?? f.code) : i18n.t(lang, `media.errors.${f.code}`, f.vars);
        print(io.stdout, i18n.t(lang, 'cli.import.failed', { file: f.file, reason }));
      }
      print(io.stdout, i18n.t(lang, 'cli.import.summary', { total: summary.total, imported: summary.imported.length, skipped: summary.skipped.length, failed: summary.failed.length, seconds: Math.round(summary.seconds * 10) / 10 }));
      return summary.failed.length ? EXIT_FAILURE : EXIT_OK;
    } finally {
      await store.close();
    }
  },
};
