import type { Clock, RandomSource } from '../shared/clock.port';
import { CallsightError } from '../shared/errors';
import type { CrmName } from '../recordings/call';
import type { CrmAdapter, CrmLinkResult } from './crm-adapter.port';
import {
  CrmAuthError,
  CrmNotConfiguredError,
  CrmRateLimitedError,
  CrmRejectedError,
  CrmUnavailableError,
} from './crm.errors';
import type { OutboxMessage, OutboxStore } from './outbox.port';
import { parseRecordCallPayload, RECORD_CALL_KIND, type RecordCallPayload } from './record-call.payload';

/** Delay in ms before the next try, given how many deliveries have failed so far (>= 1). */
export type BackoffPolicy = (failedAttempts: number) => number;

/**
 * `baseMs * factor^(failedAttempts - 1)`, capped at `maxMs`. With `random`, "equal jitter": a uniform
 * delay in [d/2, d), so that many messages failing together do not come back together.
 */
export function createExponentialBackoff(config: {
  readonly baseMs: number;
  readonly maxMs: number;
  readonly factor?: number;
  readonly random?: RandomSource;
}): BackoffPolicy {
  const factor = config.factor ?? 2;
  if (!(config.baseMs > 0) || !(config.maxMs >= config.baseMs) || !(factor >= 1)) {
    throw new CallsightError('VALIDATION_FAILED', 'backoff needs baseMs > 0, maxMs >= baseMs and factor >= 1');
  }
  return (failedAttempts) => {
    const exponent = Math.max(0, failedAttempts - 1);
    const delayMs = Math.min(config.maxMs, config.baseMs * factor ** exponent);
    return config.random === undefined ? delayMs : Math.floor(delayMs / 2 + (config.random.next() * delayMs) / 2);
  };
}

/** How the drain treats failures; see `decideAfterFailure`. */
export interface RetryPolicy {
  /** Failed deliveries after which a message is dead-lettered (>= 1). */
  readonly maxAttempts: number;
  readonly backoff: BackoffPolicy;
  /** Rate-limit deferrals that do not count as failures; past this, a 429 counts as one. */
  readonly maxRateLimitDeferrals: number;
}

/** What to do with a message whose delivery failed, and whether its CRM lane must pause. */
export type FailureDecision =
  | { readonly action: 'defer'; readonly code: string; readonly nextAttemptAt: Date; readonly pauseLaneUntil: Date }
  | { readonly action: 'retry'; readonly code: string; readonly nextAttemptAt: Date; readonly pauseLaneUntil: Date | null }
  | { readonly action: 'dead'; readonly code: string; readonly pauseLaneUntil: Date | null };

/**
 * The retry rule as one pure function:
 *
 * | failure | counts as attempt | next try | dead-lettered |
 * | rate limited (429) | no, up to `maxRateLimitDeferrals` | now + Retry-After (never earlier) | only once counted, at `maxAttempts` |
 * | unavailable (5xx, network), auth | yes | now + backoff(attempts) | at `maxAttempts` |
 * | rejected, not configured, invalid payload | yes | - | at once: the same input keeps failing |
 * | anything else (a bug) | yes, code INTERNAL | now + backoff(attempts) | at `maxAttempts` |
 *
 * Rate limits, outages and auth failures concern the whole tenant's CRM, so they pause its lane:
 * the batch's other messages for that tenant and CRM are released untried until the pause ends.
 */
export function decideAfterFailure(error: unknown, message: OutboxMessage, now: Date, policy: RetryPolicy): FailureDecision {
  const failedAttempts = message.attempts + 1;
  const at = (delayMs: number) => new Date(now.getTime() + Math.max(0, delayMs));

  if (error instanceof CrmRateLimitedError) {
    if (message.deferrals < policy.maxRateLimitDeferrals) {
      const until = at(error.retryAfterMs);
      return { action: 'defer', code: error.code, nextAttemptAt: until, pauseLaneUntil: until };
    }
    const until = at(Math.max(error.retryAfterMs, policy.backoff(failedAttempts)));
    return failedAttempts >= policy.maxAttempts
      ? { action: 'dead', code: error.code, pauseLaneUntil: at(error.retryAfterMs) }
      : { action: 'retry', code: error.code, nextAttemptAt: until, pauseLaneUntil: until };
  }
  if (error instanceof CrmUnavailableError || error instanceof CrmAuthError) {
    const until = at(policy.backoff(failedAttempts));
    return failedAttempts >= policy.maxAttempts
      ? { action: 'dead', code: error.code, pauseLaneUntil: until }
      : { action: 'retry', code: error.code, nextAttemptAt: until, pauseLaneUntil: until };
  }
  if (
    error instanceof CrmRejectedError ||
    error instanceof CrmNotConfiguredError ||
    (error instanceof CallsightError && error.code === 'VALIDATION_FAILED')
  ) {
    return { action: 'dead', code: error.code, pauseLaneUntil: null };
  }
  return failedAttempts >= policy.maxAttempts
    ? { action: 'dead', code: 'INTERNAL', pauseLaneUntil: null }
    : { action: 'retry', code: 'INTERNAL', nextAttemptAt: at(policy.backoff(failedAttempts)), pauseLaneUntil: null };
}

/** Told about each failed delivery, e.g. to log it. `error` messages of Crm*Error carry no PII; others may. */
export type FailureListener = (failure: {
  readonly messageId: string;
  readonly tenantId: string;
  readonly decision: FailureDecision['action'];
  readonly code: string;
  readonly error: unknown;
}) => void;

export interface DrainOptions {
  readonly store: OutboxStore;
  readonly adapters: Partial<Record<CrmName, CrmAdapter>>;
  readonly clock: Clock;
  /** Failed deliveries after which a message is dead-lettered. */
  readonly maxAttempts: number;
  readonly backoff: BackoffPolicy;
  /** Rate-limit deferrals per message that do not count as failures (default 20). */
  readonly maxRateLimitDeferrals?: number;
  /** Messages claimed per batch (default 50). */
  readonly batchSize?: number;
  /** Batches per drain at most (default 20); the drain also stops at the first short batch. */
  readonly maxBatches?: number;
  /** Must exceed the worst-case time to deliver one batch lane, or a message may be delivered twice (harmless but wasteful). Default 5 min. */
  readonly leaseMs?: number;
  /** Tenant-and-CRM lanes delivered in parallel (default 4); messages within a lane go one at a time. */
  readonly concurrency?: number;
  readonly onFailure?: FailureListener;
}

export interface DrainReport {
  readonly claimed: number;
  readonly recorded: number;
  readonly retried: number;
  readonly deferred: number;
  readonly released: number;
  readonly dead: number;
  /** Failure codes seen, with counts (rate-limit deferrals included). */
  readonly failuresByCode: Readonly<Record<string, number>>;
}

interface Counters {
  claimed: number;
  recorded: number;
  retried: number;
  deferred: number;
  released: number;
  dead: number;
  failuresByCode: Record<string, number>;
}

type Claimed =
  | { readonly message: OutboxMessage; readonly payload: RecordCallPayload }
  | { readonly message: OutboxMessage; readonly invalid: unknown };

/**
 * Delivers due `crm.record_call` messages to their CRM adapters and records each outcome in the store.
 * Guarantees: a message is marked done only after its adapter confirmed it; every failure leaves the
 * message pending with a later `nextAttemptAt`, or dead with a code (nothing is dropped silently);
 * a rate-limited CRM is not called again before its Retry-After; per tenant and CRM, messages are
 * sent one at a time. Re-delivery after a crash is safe because adapters upsert by the hub call id.
 * Rejects only when the store itself fails (after finishing the lanes under way).
 */
export async function drainOutbox(options: DrainOptions): Promise<DrainReport> {
  const policy: RetryPolicy = {
    maxAttempts: options.maxAttempts,
    backoff: options.backoff,
    maxRateLimitDeferrals: options.maxRateLimitDeferrals ?? 20,
  };
  const batchSize = options.batchSize ?? 50;
  const maxBatches = options.maxBatches ?? 20;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new CallsightError('VALIDATION_FAILED', 'drainOutbox needs maxAttempts to be an integer >= 1');
  }
  if (!(batchSize >= 1 && maxBatches >= 1 && leaseMs > 0 && concurrency >= 1)) {
    throw new CallsightError('VALIDATION_FAILED', 'drainOutbox needs batchSize, maxBatches, concurrency >= 1 and leaseMs > 0');
  }

  const counters: Counters = { claimed: 0, recorded: 0, retried: 0, deferred: 0, released: 0, dead: 0, failuresByCode: {} };
  for (let batch = 0; batch < maxBatches; batch++) {
    const messages = await options.store.claimDue({
      now: options.clock.now(),
      limit: batchSize,
      leaseMs,
      kinds: [RECORD_CALL_KIND],
    });
    counters.claimed += messages.length;
    const lanes = groupIntoLanes(messages.map(parseClaimed));
    await runWithConcurrency(lanes, concurrency, (lane) => deliverLane(lane, options, policy, counters));
    if (messages.length < batchSize) break;
  }
  return counters;
}

function parseClaimed(message: OutboxMessage): Claimed {
  try {
    return { message, payload: parseRecordCallPayload(message.payload) };
  } catch (invalid) {
    return { message, invalid };
  }
}

function groupIntoLanes(claimed: readonly Claimed[]): Claimed[][] {
  const lanes = new Map<string, Claimed[]>();
  for (const item of claimed) {
    const crm = 'payload' in item ? item.payload.crm : '';
    const key = `${item.message.tenantId}\u0000${crm}`;
    const lane = lanes.get(key);
    if (lane === undefined) lanes.set(key, [item]);
    else lane.push(item);
  }
  return [...lanes.values()];
}

async function deliverLane(lane: readonly Claimed[], options: DrainOptions, policy: RetryPolicy, counters: Counters): Promise<void> {
  let pausedUntil: Date | null = null;
  for (const item of lane) {
    const { message } = item;
    const now = options.clock.now();
    if (pausedUntil !== null && pausedUntil > now) {
      await options.store.release(message.id, { nextAttemptAt: pausedUntil, now });
      counters.released += 1;
      continue;
    }
    let result: CrmLinkResult;
    try {
      if (!('payload' in item)) throw item.invalid;
      const adapter = options.adapters[item.payload.crm];
      if (adapter === undefined) throw new CrmNotConfiguredError(item.payload.crm);
      result = await adapter.recordCall(message.tenantId, item.payload.call);
    } catch (error) {
      const failedAt = options.clock.now();
      const decision = decideAfterFailure(error, message, failedAt, policy);
      await applyDecision(options.store, message.id, decision, failedAt, counters);
      options.onFailure?.({ messageId: message.id, tenantId: message.tenantId, decision: decision.action, code: decision.code, error });
      pausedUntil = decision.pauseLaneUntil;
      continue;
    }
    await options.store.markDone(message.id, { now: options.clock.now(), result });
    counters.recorded += 1;
  }
}

async function applyDecision(store: OutboxStore, id: string, decision: FailureDecision, now: Date, counters: Counters): Promise<void> {
  counters.failuresByCode[decision.code] = (counters.failuresByCode[decision.code] ?? 0) + 1;
  switch (decision.action) {
    case 'defer':
      await store.defer(id, { code: decision.code, nextAttemptAt: decision.nextAttemptAt, now });
      counters.deferred += 1;
      return;
    case 'retry':
      await store.markFailed(id, { code: decision.code, nextAttemptAt: decision.nextAttemptAt, now });
      counters.retried += 1;
      return;
    case 'dead':
      await store.markDead(id, { code: decision.code, now });
      counters.dead += 1;
      return;
  }
}

/** Runs `work` over `items` with at most `limit` at once; waits for all, then rethrows the first failure. */
async function runWithConcurrency<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const failures: unknown[] = [];
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failures.length > 0) throw failures[0];
}
