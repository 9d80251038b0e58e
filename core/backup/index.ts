export { writeBackup, type BackupOptions, type BackupSummary } from './archive.ts';
export { estimateBackup, type BackupEstimate } from './estimate.ts';
export { backupFileName } from './name.ts';
