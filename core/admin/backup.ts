import { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { Store } from '../store/index.ts';
import type { I18n } from '../i18n/index.ts';
import type { RenderPage, RequestSite } from '../views/render.ts';
import { requireRole } from '../auth/require-role.ts';
import { backupFileName, estimateBackup, writeBackup } from '../backup/index.ts';
import { readSkeleton } from '../settings/index.ts';
import { formatSize } from '../media/present.ts';

const CONTENTS = ['database', 'everything'] as const;
type Content = (typeof CONTENTS)[number];

/** /admin/backup: what a backup holds and how big it is, and the form that downloads one while the site runs. Admins only. */
export function createBackupAdmin(deps: { store: Store; filesDir: string; render: RenderPage; i18n: I18n; logger: Logger }): Router {
  const router = Router();
  const { i18n } = deps;
  router.use('/admin/backup', requireRole('admin'));
  // One at a time: each reads the whole database, and maybe every media file, at the disk's full speed.
  let running = false;

  async function show(req: Request, res: Response, extra: { error?: string; chosen?: Content } = {}, status = 200) {
    const { lang } = res.locals.site as RequestSite;
    const estimate = await estimateBackup(deps.store);
    const size = (bytes: number) => formatSize(bytes, lang);
    const chosen = extra.chosen ?? 'database';
    await deps.render(
      req,
      res,
      ['admin-backup'],
      {
        databaseLine: i18n.t(lang, 'admin.backup.contains_database', { count: estimate.media, size: size(estimate.databaseBytes) }),
        filesLine: i18n.t(lang, 'admin.backup.contains_files', { count: estimate.files, size: size(estimate.fileBytes) }),
        databaseOption: i18n.t(lang, 'admin.backup.option_database', { size: size(estimate.databaseBytes) }),
        everythingOption: i18n.t(lang, 'admin.backup.option_everything', { size: size(estimate.databaseBytes + estimate.fileBytes) }),
        checked: { [chosen]: true },
        error: extra.error,
      },
      { status, title: i18n.t(lang, 'admin.backup.title') },
    );
  }

  router.get('/admin/backup', (req, res) => show(req, res));

  router.post('/admin/backup', async (req, res) => {
    const { lang } = res.locals.site as RequestSite;
    const content = (req.body as Record<string, unknown> | undefined)?.content;
    if (!CONTENTS.includes(content as Content)) return show(req, res, { error: i18n.t(lang, 'admin.backup.invalid_content') }, 400);
    if (running) return show(req, res, { error: i18n.t(lang, 'admin.backup.busy'), chosen: content as Content }, 409);
    running = true;
    res.once('close', () => (running = false));
    const withFiles = content === 'everything';
    const skeleton = await readSkeleton(deps.store);
    const name = backupFileName(skeleton.siteName, new Date());
    res.status(200);
    res.set({ 'Content-Type': 'application/gzip', 'Content-Disposition': `attachment; filename="${name}"`, 'Cache-Control': 'no-store' });
    const started = Date.now();
    try {
      const summary = await writeBackup({ store: deps.store, filesDir: deps.filesDir, withFiles, output: res });
      deps.logger.info({ user: req.user?.username, withFiles, media: summary.media, files: summary.files, bytes: summary.bytes, ms: Date.now() - started }, 'backup downloaded');
    } catch (err) {
      deps.logger.error({ user: req.user?.username, withFiles, err }, 'backup failed');
      // Part of the archive may be out: cutting the connection makes the browser report a failed download, never a short archive.
      res.destroy();
    }
  });

  return router;
}
