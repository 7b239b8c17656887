import { notifyCrmFollowUp } from '../crm/crm.records';
import type { AuditEntry } from '../../core/audit/audit-recorder.port';
import type { JsonValue } from '../../core/audit/canonical-json';
import type { Role } from '../../core/access/access.policy';
import type { Call } from '../../core/recordings/call';
import type { Tombstone } from '../../core/retention/retention-store.port';
import type { RetentionPorts, ShredEntry } from './retention.ports';

/** The actor recorded on what the sweep decides (tombstones and certificates of policy deletions, archive events). */
export const SWEEP_ACTOR = 'retention-sweep';

/** What deleting a call needs. */
export type ShreddingPorts = Pick<RetentionPorts, 'store' | 'calls' | 'clock' | 'auditLog' | 'audio' | 'archive' | 'journal' | 'purgeDerived'>;

/** Why and by whom a call is deleted. */
export interface ShredBasis {
  readonly basis: 'policy' | 'admin';
  readonly ruleId: string | null;
  readonly actor: string;
  readonly role: Role | null;
}

/**
 * The caller's own audit event is the certificate (an admin's deletion, whose one event is the use-case's allowed
 * event): built from the certificate's details and written with the tombstone, in its transaction.
 */
export interface OwnCertificate {
  readonly certificate: (details: Record<string, JsonValue>) => AuditEntry;
}

/**
 * `live`: the certificate is written with the tombstone, in its transaction; `OwnCertificate`: the same, with the
 * caller's event as the certificate; `restore`: a deletion applied again after a restore brought back an older database.
 */
export type ShredMode = 'live' | 'restore' | OwnCertificate;

/** The deletion certificate's facts: what was destroyed, when and under which rule; no key material, no personal data. */
export function certificateDetails(entry: Pick<ShredEntry, 'requestedAt' | 'ruleId' | 'audioSha256' | 'keyId'>): Record<string, JsonValue> {
  return {
    certificate: 'deletion',
    deletedAt: entry.requestedAt,
    ruleId: entry.ruleId,
    audioSha256: entry.audioSha256,
    dataKey: entry.keyId === null ? 'none' : 'destroyed',
    audio: 'removed',
    archive: 'removed',
    derived: 'purged',
  };
}

/** The deletion certificate as an audit event of the tenant's chain. */
export function deletionCertificate(entry: ShredEntry, mode: 'live' | 'restore'): AuditEntry {
  return {
    tenantId: entry.tenantId,
    actor: entry.actor,
    role: entry.role as Role | null,
    action: entry.basis === 'admin' ? 'delete' : 'retention_delete',
    target: `call:${entry.callId}`,
    outcome: 'allowed',
    reason: mode === 'restore' ? 'reapplied_after_restore' : entry.basis === 'admin' ? 'admin_request' : 'retention_rule',
    details: certificateDetails(entry),
  };
}

/**
 * Crypto-shreds a call: journals the deletion outside the database, destroys the data key, removes the audio from
 * both tiers, purges derived data, then writes the tombstone (and, in `live` mode, the certificate) atomically.
 * Idempotent: an existing tombstone is returned as is, with `written` false (also when an earlier, interrupted
 * deletion of the call was journalled first and is what got finished). A crash at any step is finished by
 * the next sweep (`completePendingDeletions`).
 */
export async function shredCall(deps: ShreddingPorts, call: Call, how: ShredBasis, mode: 'live' | OwnCertificate): Promise<{ tombstone: Tombstone; written: boolean }> {
  const existing = await deps.store.getTombstone(call.tenantId, call.id);
  if (existing) return { tombstone: existing, written: false };
  const entry = await deps.journal.record({
    tenantId: call.tenantId,
    callId: call.id,
    keyId: call.recording?.keyId ?? null,
    audioSha256: call.recording?.sha256 ?? null,
    ruleId: how.ruleId,
    basis: how.basis,
    actor: how.actor,
    role: how.role,
    requestedAt: deps.clock.now().toISOString(),
  });
  // An earlier, interrupted deletion of this call was journalled first: finish that one, with its own certificate.
  const own = entry.basis === how.basis && entry.actor === how.actor && entry.completedAt === null;
  const written = await completeDeletion(deps, entry, own ? mode : 'live');
  return { tombstone: (await deps.store.getTombstone(call.tenantId, call.id))!, written: own && written };
}

/**
 * Applies one journalled deletion to the current data: key destroyed, files removed from both tiers, derived data
 * purged, tombstone and certificate written together when the call row exists and has none yet;
 * then the journal entry is completed. Returns whether this call wrote the tombstone.
 */
export async function completeDeletion(deps: ShreddingPorts, entry: ShredEntry, mode: ShredMode): Promise<boolean> {
  const location = { tenantId: entry.tenantId, recordingId: entry.callId, keyId: entry.keyId ?? '', bytes: 0 };
  if (entry.keyId !== null) await deps.audio.discard(location);
  else await deps.audio.remove(location);
  await deps.archive.remove(location);
  await deps.purgeDerived(entry.tenantId, entry.callId);
  let written = false;
  const call = await deps.calls.getCall(entry.tenantId, entry.callId, { kind: 'all' });
  if (call) {
    const at = deps.clock.now().toISOString();
    written = await deps.store.finalizeDeletion(
      { tenantId: entry.tenantId, callId: entry.callId, deletedAt: entry.requestedAt, ruleId: entry.ruleId, basis: entry.basis, actor: entry.actor, audioSha256: entry.audioSha256 },
      () => deps.auditLog.append({ ...(typeof mode === 'object' ? mode.certificate(certificateDetails(entry)) : deletionCertificate(entry, mode)), at }),
    );
  }
  await deps.journal.complete(entry.tenantId, entry.callId, deps.clock.now().toISOString());
  if (written) await notifyCrmFollowUp(deps.store, entry.tenantId, entry.callId, 'recording');
  return written;
}

/** Finishes every journalled deletion of the tenant that an interruption left half done; returns how many. */
export async function completePendingDeletions(deps: ShreddingPorts, tenantId: string): Promise<number> {
  const pending = await deps.journal.pending(tenantId);
  for (const entry of pending) await completeDeletion(deps, entry, 'live');
  return pending.length;
}
