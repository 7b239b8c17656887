import { notifyCrmFollowUp } from '../crm/crm.records';
import type { Call } from '../../core/recordings/call';
import type { RetentionDecision, RetentionSubject } from '../../core/retention';
import type { RetentionStore } from '../../core/retention/retention-store.port';
import { DAY_MS } from '../../core/shared/time';
import { recordingLocation, type RetentionPorts } from './retention.ports';
import { SWEEP_ACTOR } from './retention.shredding';

/**
 * Moves a call's audio to the archive tier and marks it archived, with its audit event in the same transaction.
 * Idempotent: a call already moved or no longer stored/misdial is left as it is.
 */
export async function archiveCall(
  deps: Pick<RetentionPorts, 'archive' | 'store' | 'auditLog' | 'clock'>,
  call: Call,
  decision: RetentionDecision,
): Promise<void> {
  const location = recordingLocation(call);
  if (!location) return;
  await deps.archive.archive(location);
  const at = deps.clock.now().toISOString();
  // The callback runs inside the store's transaction: it returns the audit store's result (synchronous on SQLite).
  await deps.store.transitionStatus(call.tenantId, call.id, ['stored', 'misdial'], 'archived', () =>
    deps.auditLog.append({
      tenantId: call.tenantId, actor: SWEEP_ACTOR, role: null, action: 'retention_archive', target: `call:${call.id}`, outcome: 'allowed',
      reason: 'retention_rule', details: { ruleId: decision.ruleId, dueAt: decision.at }, at,
    }),
  );
  await notifyCrmFollowUp(deps.store, call.tenantId, call.id, 'recording');
}

/**
 * Whether playing the call first needs its audio brought back from the archive: it is archived, or a sweep moved
 * its audio but stopped before marking it. Deleted calls and calls without a recording never do.
 */
export async function needsThaw(deps: Pick<RetentionPorts, 'audio' | 'archive'>, call: Call): Promise<boolean> {
  const location = recordingLocation(call);
  if (!location || call.status === 'deleted') return false;
  if (call.status === 'archived') return true;
  return !(await deps.audio.exists(location)) && (await deps.archive.exists(location));
}

/** Calls of the tenant thawed within the thaw period before `now` (call id -> thawedAt). */
export async function recentThaws(
  deps: { readonly store: Pick<RetentionStore, 'thawedSince'>; readonly settings: RetentionPorts['settings'] },
  tenantId: string, now: Date): Promise<ReadonlyMap<string, string>> {
  return deps.store.thawedSince(tenantId, new Date(now.getTime() - deps.settings.thawDays * DAY_MS).toISOString());
}

/** A call thawed recently counts as archived, so that sweeps leave it in the hot tier for the thaw period. */
export function retentionSubject(call: Call, thawed: ReadonlyMap<string, string>): RetentionSubject {
  return thawed.has(call.id) && call.status !== 'archived' && call.status !== 'deleted' ? { ...call, status: 'archived' } : call;
}
