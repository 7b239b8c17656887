import { bindUseCases, type AuditDeps, type BoundUseCases } from '../shared/use-case';
import { recordBackup } from './record-backup';

/** The backup capability's use-cases; re-applying deletions after a restore is app/retention's `reapplyDeletions`. */
export const backupUseCases = { recordBackup } as const;

export type BackupUseCases = BoundUseCases<typeof backupUseCases>;

export function createBackupUseCases(deps: AuditDeps): BackupUseCases {
  return bindUseCases(backupUseCases, deps);
}

export { recordBackup };
