import { z } from 'zod';
import type { ChainLink } from '../../core/audit/audit-chain';
import type { AuditLogStore } from '../../core/audit/audit-log.port';
import { auditRetentionCutoff, preparePrune } from '../../core/audit/audit-retention';
import { auditRetention } from '../settings/settings.definitions';
import type { SettingsReader, TenantDirectory } from '../settings/settings.ports';
import { auditIdentity } from '../shared/actor';
import { defineUseCase } from '../shared/use-case';
import { brokenChainError, verifyTenantChain } from './audit.chain';
import { AUDIT_CHAIN_TARGET, type AuditVerifyPorts } from './audit.ports';

const pruneInput = z.object({ dryRun: z.boolean().default(false) }).strict().default({ dryRun: false });

/** What a prune removed, or would remove on a dry run. */
export interface AuditPruneReport {
  readonly tenantId: string;
  readonly keepDays: number;
  readonly cutoff: string;
  /** Events removed (or that would be, on a dry run). */
  readonly pruned: number;
  /** The new verification start, when something was (or would be) pruned. */
  readonly anchor: ChainLink | null;
  readonly dryRun: boolean;
}

interface PruneAuditPorts extends AuditVerifyPorts {
  readonly auditLog: AuditVerifyPorts['auditLog'] & Pick<AuditLogStore, 'lastPrunable' | 'head' | 'countThrough' | 'prune'>;
  readonly settings: SettingsReader;
  readonly tenants: TenantDirectory;
  readonly clock: import('../../core/shared/clock.port').Clock;
}

/**
 * Removes the tenant's audit events older than its retention (setting `audit-retention`), operators and the daily
 * job only. The chain stays verifiable: an `audit_pruned` event names the last removed link and the anchor keeps
 * it. CONFLICT, with nothing removed, when the chain does not verify (pruning would destroy the evidence) or its
 * head moved meanwhile.
 */
export const pruneAuditTrail = defineUseCase<PruneAuditPorts, { dryRun: boolean }, AuditPruneReport, undefined, { dryRun?: boolean } | undefined>({
  name: 'audit.prune',
  action: 'prune_audit',
  permission: 'system',
  input: pruneInput,
  target: () => AUDIT_CHAIN_TARGET,
  async run({ deps, actor, input }) {
    const tenantId = actor.tenantId;
    const policy = await auditRetention(deps, tenantId);
    const now = deps.clock.now();
    const cutoff = auditRetentionCutoff(now, policy);
    const base = { tenantId, keepDays: policy.keepDays, cutoff: cutoff.toISOString(), dryRun: input.dryRun };
    const lastPruned = await deps.auditLog.lastPrunable(tenantId, cutoff.toISOString());
    const head = await deps.auditLog.head(tenantId);
    if (!lastPruned || !head) return { ...base, pruned: 0, anchor: null };
    const prunedCount = await deps.auditLog.countThrough(tenantId, lastPruned.seq);
    if (input.dryRun) return { ...base, pruned: prunedCount, anchor: { seq: lastPruned.seq, hash: lastPruned.hash } };
    const report = await verifyTenantChain(deps, tenantId);
    if (!report.ok) throw brokenChainError(tenantId, report, 'nothing was pruned');
    const plan = preparePrune({ head, lastPruned, prunedCount, previousAnchor: await deps.auditLog.anchor(tenantId), cutoff, at: now.toISOString(), actor: auditIdentity(actor).actor });
    const pruned = await deps.auditLog.prune(plan);
    return { ...base, pruned, anchor: { seq: plan.anchor.seq, hash: plan.anchor.hash } };
  },
  audited: (report) => ({ details: { pruned: report.pruned, keepDays: report.keepDays, dryRun: report.dryRun } }),
});
