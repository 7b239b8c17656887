import { z } from 'zod';
import { CallsightError } from '../shared/errors';
import { DAY_MS } from '../shared/time';
import { appendEvent, type AuditEvent, type ChainLink } from './audit-chain';
import { validationError } from '../shared/validation';

/** How long audit events are kept (R-ACC-2: at least one year; finance: as long as its recordings). */
export interface AuditRetentionPolicy {
  /** Whole days, at least 365. */
  readonly keepDays: number;
}

/** The smallest keepDays accepted: one year of operation logs. */
export const MIN_AUDIT_KEEP_DAYS = 365;

const policySchema = z.object({
  keepDays: z.number().int(`keepDays must be a whole number of days`).min(MIN_AUDIT_KEEP_DAYS, `keepDays must be at least ${MIN_AUDIT_KEEP_DAYS} (operation logs are kept for at least one year)`).max(36_500, 'keepDays must be at most 36500'),
});

/** Parses an audit retention policy; throws VALIDATION_FAILED naming the problem. */
export function parseAuditRetentionPolicy(input: unknown): AuditRetentionPolicy {
  const parsed = policySchema.safeParse(input);
  if (!parsed.success) throw validationError('Audit retention policy rejected', parsed.error);
  return parsed.data;
}

/**
 * The instant before which audit events may be pruned: the start of today (UTC) minus keepDays, so an event is
 * always kept for at least keepDays whole days. Events with `at` strictly before the cutoff are prunable.
 */
export function auditRetentionCutoff(now: Date, policy: AuditRetentionPolicy): Date {
  const { keepDays } = parseAuditRetentionPolicy(policy);
  if (Number.isNaN(now.getTime())) throw new CallsightError('VALIDATION_FAILED', 'auditRetentionCutoff: now is not a valid date.');
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  return new Date(today - keepDays * DAY_MS);
}

/** The stored start of a pruned chain: the last pruned event's seq and hash. */
export interface AuditAnchor extends ChainLink {
  readonly tenantId: string;
  /** Events removed by this and every earlier prune. */
  readonly prunedCount: number;
  /** When the prune happened. */
  readonly at: string;
}

export interface PrunePlan {
  /** Append this first: it records in the chain itself which link the anchor continues from. */
  readonly event: AuditEvent;
  /** Store this (replacing the previous anchor), then delete events with seq <= anchor.seq, in one transaction. */
  readonly anchor: AuditAnchor;
}

/**
 * Prepares a prune that keeps the chain verifiable: an `audit_pruned` event appended at the head names the last
 * pruned event's seq and hash, and the anchor stores that link as the new verification start
 * (`verifyChain(rest, { start: anchor })` then requires the attesting event). Throws VALIDATION_FAILED if the
 * last pruned event is not older than the cutoff, is the head itself, or belongs to another tenant.
 */
export function preparePrune(args: {
  readonly head: AuditEvent;
  readonly lastPruned: AuditEvent;
  /** Events this prune removes (from the previous anchor or genesis through lastPruned). */
  readonly prunedCount: number;
  readonly previousAnchor?: AuditAnchor | null;
  readonly cutoff: Date;
  readonly at: string;
  readonly actor: string | null;
}): PrunePlan {
  const { head, lastPruned, cutoff } = args;
  if (lastPruned.tenantId !== head.tenantId) throw new CallsightError('VALIDATION_FAILED', 'preparePrune: head and lastPruned belong to different tenants.');
  if (lastPruned.seq >= head.seq) throw new CallsightError('VALIDATION_FAILED', 'preparePrune: the head event is never pruned; choose an earlier lastPruned.');
  if (!(Date.parse(lastPruned.at) < cutoff.getTime())) throw new CallsightError('VALIDATION_FAILED', 'preparePrune: lastPruned is not older than the retention cutoff.');
  if (!Number.isSafeInteger(args.prunedCount) || args.prunedCount < 1) throw new CallsightError('VALIDATION_FAILED', 'preparePrune: prunedCount must be a positive integer.');
  const totalPruned = (args.previousAnchor?.prunedCount ?? 0) + args.prunedCount;
  const event = appendEvent(head, {
    at: args.at,
    tenantId: head.tenantId,
    actor: args.actor,
    role: null,
    action: 'audit_pruned',
    target: 'audit:chain',
    outcome: 'allowed',
    details: { throughSeq: lastPruned.seq, throughHash: lastPruned.hash, prunedCount: args.prunedCount, cutoff: cutoff.toISOString() },
  });
  return { event, anchor: { tenantId: head.tenantId, seq: lastPruned.seq, hash: lastPruned.hash, prunedCount: totalPruned, at: args.at } };
}
