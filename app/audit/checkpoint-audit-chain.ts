import type { SignedCheckpoint } from '../../core/audit/audit-checkpoint';
import { defineUseCase } from '../shared/use-case';
import { signTenantCheckpoint } from './audit.chain';
import { AUDIT_CHAIN_TARGET, type AuditCheckpointPorts } from './audit.ports';

/**
 * Signs and stores a checkpoint of the tenant's chain head after verifying the whole chain (operators only):
 * CONFLICT when the chain is broken, NOT_FOUND when the tenant has no keys here. Later verification against it
 * catches a truncated or recomputed chain. The event of this action follows the checkpointed head.
 */
export const checkpointAuditChain = defineUseCase<AuditCheckpointPorts, undefined, SignedCheckpoint>({
  name: 'audit.checkpoint',
  action: 'checkpoint_audit',
  permission: 'system',
  target: () => AUDIT_CHAIN_TARGET,
  run: ({ deps, actor }) => signTenantCheckpoint(deps, actor.tenantId),
  audited: (checkpoint) => ({ details: { seq: checkpoint.seq, count: checkpoint.count } }),
});
