import { GENESIS, verifyChain, type AuditEvent, type ChainLink } from '../../core/audit/audit-chain';
import { signCheckpoint, verifyCheckpoint, type SignedCheckpoint } from '../../core/audit/audit-checkpoint';
import type { AuditVerificationReport } from '../../core/api/audit.api';
import { CallsightError } from '../../core/shared/errors';
import type { AuditCheckpointPorts, AuditVerifyPorts } from './audit.ports';

/** Passes events through, letting the event loop run every `every` events so a long verification never stalls other work. */
async function* yieldingEvery<T>(every: number, items: Iterable<T> | AsyncIterable<T>): AsyncGenerator<T> {
  let n = 0;
  for await (const item of items) {
    yield item;
    if (++n % every === 0) await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

/** Where a tenant's chain starts: genesis, or the anchor of its last prune. */
export async function chainStart(deps: Pick<AuditVerifyPorts, 'auditLog'>, tenantId: string): Promise<ChainLink> {
  const anchor = await deps.auditLog.anchor(tenantId);
  return anchor ? { seq: anchor.seq, hash: anchor.hash } : GENESIS;
}

/**
 * Checks a tenant's chain from its start (genesis or prune anchor) against the newest signed checkpoint: a
 * checkpoint whose signature fails is reported as `checkpoint_invalid`; one at or before the anchor covers events
 * that are gone by design and is not required.
 */
export async function verifyTenantChain(deps: AuditVerifyPorts, tenantId: string): Promise<AuditVerificationReport> {
  const start = await chainStart(deps, tenantId);
  const stored = await deps.auditLog.latestCheckpoint(tenantId);
  let checkpoint: AuditVerificationReport['checkpoint'] = null;
  let expectedHead: ChainLink | undefined;
  if (stored) {
    const key = deps.keys.checkpointKey(tenantId);
    const valid = key !== null && verifyCheckpoint(stored, key).ok;
    checkpoint = { seq: stored.seq, at: stored.at, valid };
    if (valid && stored.seq > start.seq) expectedHead = { seq: stored.seq, hash: stored.hash };
  }
  const result = await verifyChain(yieldingEvery(5000, deps.auditLog.iterate(tenantId, start.seq + 1)), { start, ...(expectedHead ? { expectedHead } : {}) });
  const firstBroken = result.firstBroken ?? (checkpoint && !checkpoint.valid ? { seq: checkpoint.seq, reason: 'checkpoint_invalid' as const } : undefined);
  return { ok: firstBroken === undefined, checked: result.checked, head: result.head, start, ...(firstBroken ? { firstBroken } : {}), checkpoint };
}

/** CONFLICT naming the first broken link, for actions that must never vouch for or destroy a tampered log. */
export function brokenChainError(tenantId: string, report: AuditVerificationReport, consequence: string): CallsightError {
  const broken = report.firstBroken!;
  return new CallsightError('CONFLICT', `The audit chain of tenant ${tenantId} is broken at seq ${broken.seq} (${broken.reason}); ${consequence}. Run "callsight audit verify".`);
}

/**
 * Signs and stores a checkpoint of the current head after verifying the whole chain. CONFLICT when the chain is
 * broken (a signature must never vouch for a tampered log); NOT_FOUND when the tenant has no keys on this hub.
 */
export async function signTenantCheckpoint(deps: AuditCheckpointPorts, tenantId: string): Promise<SignedCheckpoint> {
  const key = deps.keys.checkpointKey(tenantId);
  if (!key) throw new CallsightError('NOT_FOUND', `Tenant "${tenantId}" has no keys on this hub`);
  const report = await verifyTenantChain(deps, tenantId);
  if (!report.ok) throw brokenChainError(tenantId, report, 'no checkpoint was signed');
  const signed = signCheckpoint({ tenantId, seq: report.head.seq, hash: report.head.hash, at: deps.clock.now().toISOString(), count: report.checked }, key);
  await deps.auditLog.saveCheckpoint(signed);
  return signed;
}

export type { AuditEvent };
