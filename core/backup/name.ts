import { slugify } from '../text/slugify.ts';

/** `kiosque-backup-<site>-<YYYY-MM-DD-HHMM>.tar.gz` (UTC; the time keeps two backups of one day apart). */
export function backupFileName(siteName: string, at: Date): string {
  const site = slugify(siteName, 40) || 'site';
  const stamp = at.toISOString().slice(0, 16).replace('T', '-').replace(':', '');
  return `kiosque-backup-${site}-${stamp}.tar.gz`;
}
