import type { AuditLogStore } from '../../core/audit/audit-log.port';
import type { SigningKey } from '../../core/audit/audit-checkpoint';
import type { Clock } from '../../core/shared/clock.port';

/** The reading side of the audit log that verification needs. */
export type AuditChainReader = Pick<AuditLogStore, 'iterate' | 'anchor' | 'latestCheckpoint'>;

/** The tenant keys that sign audit checkpoints (held by the hub's key vault). */
export interface AuditSigningKeys {
  /** The tenant's checkpoint key (its id names purpose and version, never the secret); null when the tenant has no keys here. */
  checkpointKey(tenantId: string): SigningKey | null;
}

/** What verifying a chain reads. */
export interface AuditVerifyPorts {
  readonly auditLog: AuditChainReader;
  readonly keys: AuditSigningKeys;
}

/** What signing a checkpoint needs besides verification. */
export interface AuditCheckpointPorts {
  readonly auditLog: AuditChainReader & Pick<AuditLogStore, 'saveCheckpoint'>;
  readonly keys: AuditSigningKeys;
  readonly clock: Clock;
}

/** The audit trail's target in every event about the chain itself. */
export const AUDIT_CHAIN_TARGET = 'audit:chain';

/** Who may read the audit trail, in the words of the refusal. */
export const AUDIT_FORBIDDEN = 'Only auditors and admins may read the audit trail';
