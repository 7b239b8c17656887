import type { Clock, RandomSource } from '../shared/clock.port';
import { CallsightError } from '../shared/errors';
import type { CrmName } from '../recordings/call';
import type { CrmAdapter, CrmCallOutcome, CrmCallRecord, CrmLinkResult } from './crm-adapter.port';
import {
  CrmAuthError,
  CrmNotConfiguredError,
  CrmRateLimitedError,
  CrmRejectedError,
  CrmUnavailableError,
} from './crm.errors';
import type { OutboxMessage, OutboxStore } from './outbox.port';
import {
  parseRecordCallPayload,
  parseRecordEvaluationPayload,
  RECORD_CALL_KIND,
  RECORD_EVALUATION_KIND,
  type RecordCallPayload,
  type RecordEvaluationPayload,
} from './record-call.payload';

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

/** Replaces queued call records by the calls' state at delivery, one for one and in order. */
export type CallRecordRefresher = (tenantId: string, crm: CrmName, calls: readonly CrmCallRecord[]) => Promise<readonly CrmCallRecord[]>;

export interface DrainOptions {
  readonly store: OutboxStore;
  readonly adapters: Partial<Record<CrmName, CrmAdapter>>;
  readonly clock: Clock;
  /** Failed deliveries after which a message is dead-lettered. */
  readonly maxAttempts: number;
  readonly backoff: BackoffPolicy;
  /** Rate-limit deferrals per message that do not count as failures (default 20). */
  readonly maxRateLimitDeferrals?: number;
  /** Messages claimed per batch (default 50). A CRM with `recordCalls` gets each lane of a batch in one call. */
  readonly batchSize?: number;
  /** Batches per drain at most (default 20); the drain also stops at the first short batch. */
  readonly maxBatches?: number;
  /** Must exceed the worst-case time to deliver one batch lane, or a message may be delivered twice (harmless but wasteful). Default 5 min. */
  readonly leaseMs?: number;
  /** Tenant-and-CRM lanes delivered in parallel (default 4); messages within a lane go one at a time. */
  readonly concurrency?: number;
  /**
   * The calls' state now, replacing the queued snapshots before they are sent, so that a late or retried message
   * never puts an older state over a newer one (default: send the snapshots as queued).
   */
  readonly refreshCalls?: CallRecordRefresher;
  /** Told of each delivered call once its messages are marked done (e.g. to keep the customer's CRM tags). */
  readonly onDelivered?: (delivery: { readonly tenantId: string; readonly crm: CrmName; readonly result: CrmLinkResult; readonly hubCallId: string }) => Promise<void> | void;
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
  | { readonly message: OutboxMessage; readonly call: RecordCallPayload }
  | { readonly message: OutboxMessage; readonly evaluation: RecordEvaluationPayload }
  | { readonly message: OutboxMessage; readonly invalid: unknown };

/** The drain's view of a lane: one tenant, one CRM. */
interface Lane {
  readonly tenantId: string;
  readonly crm: CrmName | null;
  readonly items: Claimed[];
}

/**
 * Delivers due `crm.record_call` and `crm.record_evaluation` messages to their CRM adapters and records each
 * outcome in the store. Guarantees: a message is marked done only after its adapter confirmed it; every failure
 * leaves the message pending with a later `nextAttemptAt`, or dead with a code (nothing is dropped silently);
 * a rate-limited CRM is not called again before its Retry-After; per tenant and CRM, one request runs at a time.
 * Messages of a lane about the same call are sent once (the call's state now, with `refreshCalls`) and all marked
 * with that outcome; a CRM with `recordCalls` gets the lane's calls in one call. Re-delivery after a crash is safe
 * because adapters upsert by the hub call id. Rejects only when the store itself fails (after finishing the lanes
 * under way).
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
      kinds: [RECORD_CALL_KIND, RECORD_EVALUATION_KIND],
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
    return message.kind === RECORD_EVALUATION_KIND
      ? { message, evaluation: parseRecordEvaluationPayload(message.payload) }
      : { message, call: parseRecordCallPayload(message.payload) };
  } catch (invalid) {
    return { message, invalid };
  }
}

function crmOf(item: Claimed): CrmName | null {
  if ('call' in item) return item.call.crm;
  if ('evaluation' in item) return item.evaluation.crm;
  return null;
}

function groupIntoLanes(claimed: readonly Claimed[]): Lane[] {
  const lanes = new Map<string, Lane>();
  for (const item of claimed) {
    const crm = crmOf(item);
    const key = `${item.message.tenantId}\u0000${crm ?? ''}`;
    const lane = lanes.get(key);
    if (lane === undefined) lanes.set(key, { tenantId: item.message.tenantId, crm, items: [item] });
    else lane.items.push(item);
  }
  return [...lanes.values()];
}

/** Records one message's outcome; returns until when its lane must pause (null: no pause). */
type Settle = (message: OutboxMessage, outcome: { ok: true; result: CrmLinkResult } | { ok: false; error: unknown }) => Promise<Date | null>;

async function deliverLane(lane: Lane, options: DrainOptions, policy: RetryPolicy, counters: Counters): Promise<void> {
  const settle: Settle = async (message, outcome) => {
    if (outcome.ok) {
      await options.store.markDone(message.id, { now: options.clock.now(), result: outcome.result });
      counters.recorded += 1;
      return null;
    }
    const failedAt = options.clock.now();
    const decision = decideAfterFailure(outcome.error, message, failedAt, policy);
    await applyDecision(options.store, message.id, decision, failedAt, counters);
    options.onFailure?.({ messageId: message.id, tenantId: message.tenantId, decision: decision.action, code: decision.code, error: outcome.error });
    return decision.pauseLaneUntil;
  };
  for (const item of lane.items) if ('invalid' in item) await settle(item.message, { ok: false, error: item.invalid });
  if (lane.crm === null) return;
  const adapter = options.adapters[lane.crm];
  const calls = lane.items.filter((item): item is Extract<Claimed, { call: RecordCallPayload }> => 'call' in item);
  const evaluations = lane.items.filter((item): item is Extract<Claimed, { evaluation: RecordEvaluationPayload }> => 'evaluation' in item);
  if (adapter === undefined) {
    for (const item of [...calls, ...evaluations]) await settle(item.message, { ok: false, error: new CrmNotConfiguredError(lane.crm) });
    return;
  }
  const pausedUntil = await deliverCalls(lane.tenantId, lane.crm, adapter, calls, options, settle, counters);
  await deliverEvaluations(lane.tenantId, lane.crm, adapter, evaluations, options, settle, counters, pausedUntil);
}

/** Messages about the same record, sent once. */
interface Group<T> {
  record: T;
  readonly messages: OutboxMessage[];
}

function groupBy<T>(items: readonly { message: OutboxMessage; record: T; key: string }[]): Group<T>[] {
  const groups = new Map<string, Group<T>>();
  for (const { message, record, key } of items) {
    const group = groups.get(key);
    if (group === undefined) {
      groups.set(key, { record, messages: [message] });
      continue;
    }
    group.messages.push(message);
    // The snapshot queued last is the newest; with `refreshCalls` it is replaced by the state now anyway.
    const newest = group.messages.reduce((a, b) => (b.createdAt > a.createdAt ? b : a));
    if (newest === message) group.record = record;
  }
  return [...groups.values()];
}

async function deliverCalls(
  tenantId: string,
  crm: CrmName,
  adapter: CrmAdapter,
  items: readonly { message: OutboxMessage; call: RecordCallPayload }[],
  options: DrainOptions,
  settle: Settle,
  counters: Counters,
): Promise<Date | null> {
  if (items.length === 0) return null;
  const groups = groupBy(items.map((item) => ({ message: item.message, record: item.call.call, key: item.call.call.hubCallId })));
  const settleGroup = async (group: Group<CrmCallRecord>, outcome: CrmCallOutcome): Promise<Date | null> => {
    let pause: Date | null = null;
    for (const message of group.messages) {
      const until = await settle(message, outcome.ok ? { ok: true, result: outcome.result } : { ok: false, error: outcome.error });
      if (until !== null && (pause === null || until > pause)) pause = until;
    }
    if (outcome.ok) await options.onDelivered?.({ tenantId, crm, hubCallId: group.record.hubCallId, result: outcome.result });
    return pause;
  };

  if (options.refreshCalls !== undefined) {
    let fresh: readonly CrmCallRecord[];
    try {
      fresh = await options.refreshCalls(tenantId, crm, groups.map((g) => g.record));
      if (fresh.length !== groups.length || fresh.some((record, i) => record.hubCallId !== groups[i]?.record.hubCallId)) {
        throw new Error('refreshCalls must return one record per call, in order');
      }
    } catch (error) {
      let pause: Date | null = null;
      for (const group of groups) pause = (await settleGroup(group, { hubCallId: group.record.hubCallId, ok: false, error })) ?? pause;
      return pause;
    }
    fresh.forEach((record, i) => {
      (groups[i] as Group<CrmCallRecord>).record = record;
    });
  }

  if (adapter.recordCalls !== undefined && groups.length > 1) {
    const records = groups.map((g) => g.record);
    let outcomes: readonly CrmCallOutcome[];
    try {
      outcomes = await adapter.recordCalls(tenantId, records);
      if (outcomes.length !== records.length || outcomes.some((o, i) => o.hubCallId !== records[i]?.hubCallId)) {
        throw new Error(`${crm} recordCalls must return one outcome per call, in order`);
      }
    } catch (error) {
      outcomes = records.map((record) => ({ hubCallId: record.hubCallId, ok: false, error }));
    }
    let pause: Date | null = null;
    for (const [i, group] of groups.entries()) {
      const until = await settleGroup(group, outcomes[i] as CrmCallOutcome);
      if (until !== null && (pause === null || until > pause)) pause = until;
    }
    return pause;
  }

  let pausedUntil: Date | null = null;
  for (const group of groups) {
    const now = options.clock.now();
    if (pausedUntil !== null && pausedUntil > now) {
      for (const message of group.messages) {
        await options.store.release(message.id, { nextAttemptAt: pausedUntil, now });
        counters.released += 1;
      }
      continue;
    }
    let outcome: CrmCallOutcome;
    try {
      outcome = { hubCallId: group.record.hubCallId, ok: true, result: await adapter.recordCall(tenantId, group.record) };
    } catch (error) {
      outcome = { hubCallId: group.record.hubCallId, ok: false, error };
    }
    pausedUntil = (await settleGroup(group, outcome)) ?? pausedUntil;
  }
  return pausedUntil;
}

async function deliverEvaluations(
  tenantId: string,
  crm: CrmName,
  adapter: CrmAdapter,
  items: readonly { message: OutboxMessage; evaluation: RecordEvaluationPayload }[],
  options: DrainOptions,
  settle: Settle,
  counters: Counters,
  pausedUntil: Date | null,
): Promise<void> {
  if (items.length === 0) return;
  const now = options.clock.now();
  if (pausedUntil !== null && pausedUntil > now) {
    for (const { message } of items) {
      await options.store.release(message.id, { nextAttemptAt: pausedUntil, now });
      counters.released += 1;
    }
    return;
  }
  if (adapter.recordEvaluations === undefined) {
    const error = new CallsightError('VALIDATION_FAILED', `the ${crm} adapter records no evaluations; nothing to deliver`);
    for (const { message } of items) await settle(message, { ok: false, error });
    return;
  }
  const groups = groupBy(items.map((item) => ({ message: item.message, record: item.evaluation.evaluation, key: item.evaluation.evaluation.hubEvaluationId })));
  const records = groups.map((g) => g.record);
  let outcomes: readonly { ok: boolean; id?: string; error?: unknown; hubEvaluationId: string }[];
  try {
    outcomes = await adapter.recordEvaluations(tenantId, records);
    if (outcomes.length !== records.length) throw new Error(`${crm} recordEvaluations must return one outcome per evaluation`);
  } catch (error) {
    outcomes = records.map((record) => ({ hubEvaluationId: record.hubEvaluationId, ok: false, error }));
  }
  for (const [i, group] of groups.entries()) {
    const outcome = outcomes[i];
    for (const message of group.messages) {
      await settle(
        message,
        outcome?.ok === true && typeof outcome.id === 'string'
          ? { ok: true, result: { crm, customer: null, links: [{ crm, objectType: 'evaluation', id: outcome.id }] } }
          : { ok: false, error: outcome?.error ?? new Error('no outcome for the evaluation') },
      );
    }
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
