import { bindUseCases, type AuditDeps, type PortsOf } from '../shared/use-case';
import { checkpointAuditChain } from './checkpoint-audit-chain';
import { exportAuditTrail } from './export-audit-trail';
import { listAuditEvents } from './list-audit-events';
import { pruneAuditTrail } from './prune-audit-trail';
import { verifyAuditChain } from './verify-audit-chain';

/** The audit trail's use-cases: list and verify (API, CLI), checkpoint, export and prune (operators, the daily job). */
export const auditUseCases = {
  list: listAuditEvents,
  verify: verifyAuditChain,
  checkpoint: checkpointAuditChain,
  export: exportAuditTrail,
  prune: pruneAuditTrail,
};
export type AuditUseCasePorts = PortsOf<typeof auditUseCases>;

/** Binds the audit use-cases to their ports. */
export function createAuditUseCases(ports: AuditUseCasePorts & AuditDeps) {
  return bindUseCases(auditUseCases, ports);
}
export type AuditUseCases = ReturnType<typeof createAuditUseCases>;

export { listAuditEvents, verifyAuditChain, checkpointAuditChain, exportAuditTrail, pruneAuditTrail };
export type { AuditExport, AuditExportLine } from './export-audit-trail';
export type { AuditPruneReport } from './prune-audit-trail';
export type { AuditSigningKeys } from './audit.ports';
export type { AuditVerificationReport } from '../../core/api/audit.api';
