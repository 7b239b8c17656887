import type { CrmAdapter, CrmLinkResult } from '../../core/crm/crm-adapter.port';
import { createExponentialBackoff, drainOutbox, type BackoffPolicy, type CallRecordRefresher, type DrainReport } from '../../core/crm/crm-sync';
import type { OutboxStore } from '../../core/crm/outbox.port';
import type { CrmName } from '../../core/recordings/call';
import { CRM_TAG_PREFIXES, MAX_CRM_TAG_LENGTH, MAX_CRM_TAGS, type CallRepository } from '../../core/recordings/call-repository.port';
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

/** One call delivered to a CRM. */
export interface CrmDelivery {
  readonly tenantId: string;
  readonly crm: CrmName;
  readonly hubCallId: string;
  readonly result: CrmLinkResult;
}

/**
 * Keeps the customer tags a CRM answered for a delivered call on the call (CallRepository.replaceCrmTags: that CRM's
 * tags, prefixed, replace its earlier ones; tags given at ingest stay), so the content x tags insight sees them.
 * A CRM that reads no tags (`customerTags` absent) leaves the call as it is; a delivery without a customer clears
 * that CRM's tags. Values the call cannot hold (empty, longer than MAX_CRM_TAG_LENGTH with the prefix, past
 * MAX_CRM_TAGS) are left out rather than fail the delivery. Returns the call's tags now, or null when nothing was written.
 */
export async function keepCustomerTags(calls: Pick<CallRepository, 'replaceCrmTags'>, delivery: CrmDelivery): Promise<readonly string[] | null> {
  const answered = delivery.result.customerTags;
  if (answered === undefined) return null;
  const room = MAX_CRM_TAG_LENGTH - CRM_TAG_PREFIXES[delivery.crm].length;
  const tags = [...new Set(answered.map((tag) => tag.trim()).filter((tag) => tag !== '' && tag.length <= room))].sort().slice(0, MAX_CRM_TAGS);
  return calls.replaceCrmTags(delivery.tenantId, delivery.hubCallId, delivery.crm, tags);
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
  readonly onDelivered?: (delivery: CrmDelivery) => Promise<void> | void;
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
