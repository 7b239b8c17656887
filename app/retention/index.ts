import { bindUseCases, type BoundUseCases } from '../shared/use-case';
import { changeRetentionPolicy } from './change-retention-policy';
import { deleteCall } from './delete-call';
import { listLegalHolds } from './list-legal-holds';
import { placeLegalHold } from './place-legal-hold';
import { planRetention } from './plan-retention';
import { reapplyDeletions } from './reapply-deletions';
import { releaseLegalHold } from './release-legal-hold';
import { runRetentionSweep } from './run-retention-sweep';
import { thawCall } from './thaw-call';
import { viewRetentionPolicy } from './view-retention-policy';
import type { RetentionPorts } from './retention.ports';
import type { AuditDeps } from '../shared/use-case';

/**
 * The retention capability's use-cases (docs/retention.md): the tenant policy, the dry-run plan, the resumable
 * sweep, legal holds, the archive tier with thaw-on-play, crypto-shredding deletions, and re-applying deletions
 * after a restore. HTTP routes, CLI commands and the schedule call them bound to one set of ports.
 */
export const retentionUseCases = {
  viewPolicy: viewRetentionPolicy,
  changePolicy: changeRetentionPolicy,
  plan: planRetention,
  sweep: runRetentionSweep,
  placeHold: placeLegalHold,
  releaseHold: releaseLegalHold,
  listHolds: listLegalHolds,
  deleteCall,
  thawCall,
  reapplyDeletions,
} as const;

export type RetentionUseCases = BoundUseCases<typeof retentionUseCases>;

/** Binds every retention use-case to the hub's ports and audit trail. */
export function createRetentionUseCases(ports: RetentionPorts & AuditDeps): RetentionUseCases {
  return bindUseCases(retentionUseCases, ports);
}

export {
  changeRetentionPolicy,
  deleteCall,
  listLegalHolds,
  placeLegalHold,
  planRetention,
  reapplyDeletions,
  releaseLegalHold,
  runRetentionSweep,
  thawCall,
  viewRetentionPolicy,
};
export { thawBeforePlay } from './thaw-call';
export { forEveryTenant, type TenantFailure } from './retention.tenants';
export { SWEEP_ACTOR } from './retention.shredding';
export {
  createSweepGuard,
  DEFAULT_SWEEP_PAGE_SIZE,
  DEFAULT_THAW_DAYS,
  type ArchiveTier,
  type RetentionPorts,
  type RetentionSettings,
  type ShredEntry,
  type ShredJournalPort,
  type SweepGuard,
} from './retention.ports';
export type { LegalHoldView, PolicyView, RetentionPlanView, SweepOutcome } from './retention.views';
export type { PolicyChange } from './change-retention-policy';
export type { CallDeletion } from './delete-call';
export type { SweepControl, SweepProgress } from './run-retention-sweep';
export type { ReappliedDeletions } from './reapply-deletions';
export { previewRetentionPolicy, type RetentionPreview } from './preview-retention-policy';
