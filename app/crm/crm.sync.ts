import type { CrmAdapter, CrmLinkResult } from '../../core/crm/crm-adapter.port';
import { createExponentialBackoff, drainOutbox, type BackoffPolicy, type CallRecordRefresher, type DrainReport } from '../../core/crm/crm-sync';
import type { OutboxStore } from '../../core/crm/outbox.port';
import type { CrmName } from '../../core/recordings/call';
import type { Clock, RandomSource } from '../../core/shared/clock.port';

/** How often the outbox is drained while the hub serves with workers. */
export const CRM_DRAIN_INTERVAL_MS = 5_000;
/**
 * Messages claimed per drain batch: a CRM with batch writes (Salesforce) gets up to this many calls of a tenant in
 * one delivery, a few requests for the lot (bench:salesforce); one-at-a-time CRMs (Zendesk) are unaffected.
 */
export const CRM_DRAIN_BATCH_SIZE = 1_000;
/** Failed deliveries after which a CRM message is dead-lettered. */
export const CRM_MAX_ATTEMPTS = 10;

/** The hub's backoff between failed deliveries: 30 s doubling to 1 h, with jitter from `random`. */
export function crmBackoff(random: RandomSource): BackoffPolicy {
  return createExponentialBackoff({ baseMs: 30_000, maxMs: 3_600_000, random });
}

/** The ports of a drain: the outbox, the CRM adapters, the clock and the retry policy. */
export interface CrmDrainPorts {
  readonly outbox: OutboxStore;
  readonly adapters: Partial<Record<CrmName, CrmAdapter>>;
  readonly clock: Clock;
  readonly backoff: BackoffPolicy;
  /** The calls' state at delivery (app/crm refreshCallRecords), so that late messages never send an older state. */
  readonly refreshCalls?: CallRecordRefresher;
  /** Told of each delivered call, e.g. to keep its customer's CRM tags. */
  readonly onDelivered?: (delivery: { readonly tenantId: string; readonly hubCallId: string; readonly result: CrmLinkResult }) => Promise<void> | void;
  /** Told of each failed delivery by code only (adapter errors may describe the request; payloads hold phone numbers). */
  readonly log: (line: string) => void;
  /** Messages a claim (default CRM_DRAIN_BATCH_SIZE). */
  readonly batchSize?: number;
}

/**
 * One drain pass of the CRM outbox with the hub's retry rules (CRM_MAX_ATTEMPTS failures at most, the given
 * backoff, rate limits honoured per tenant). Not a use-case: it acts for no one and is not an access; each
 * delivery's outcome is recorded on its outbox message. Rejects only when the outbox store fails.
 */
export function drainCrmOutbox(ports: CrmDrainPorts): Promise<DrainReport> {
  return drainOutbox({
    store: ports.outbox,
    adapters: ports.adapters,
    clock: ports.clock,
    maxAttempts: CRM_MAX_ATTEMPTS,
    backoff: ports.backoff,
    batchSize: ports.batchSize ?? CRM_DRAIN_BATCH_SIZE,
    ...(ports.refreshCalls ? { refreshCalls: ports.refreshCalls } : {}),
    ...(ports.onDelivered ? { onDelivered: ports.onDelivered } : {}),
    onFailure: ({ messageId, decision, code }) => {
      ports.log(`crm sync: message ${messageId} ${decision} (${code})`);
    },
  });
}
