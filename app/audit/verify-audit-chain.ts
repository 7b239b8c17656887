import type { AuditVerificationReport } from '../../core/api/audit.api';
import { defineUseCase } from '../shared/use-case';
import { verifyTenantChain } from './audit.chain';
import { AUDIT_CHAIN_TARGET, AUDIT_FORBIDDEN, type AuditVerifyPorts } from './audit.ports';

/**
 * Checks the actor's tenant's hash chain and names the first broken link (auditors, admins, operators). A broken
 * chain is a result, not an error: the event records `chain_broken` with the first broken seq.
 */
export const verifyAuditChain = defineUseCase<AuditVerifyPorts, undefined, AuditVerificationReport>({
  name: 'audit.verify',
  action: 'verify_audit',
  permission: 'view_audit',
  forbidden: AUDIT_FORBIDDEN,
  target: () => AUDIT_CHAIN_TARGET,
  run: ({ deps, actor }) => verifyTenantChain(deps, actor.tenantId),
  audited: (report) => ({
    reason: report.ok ? 'chain_intact' : 'chain_broken',
    details: { checked: report.checked, ...(report.firstBroken ? { firstBrokenSeq: report.firstBroken.seq } : {}) },
  }),
});
