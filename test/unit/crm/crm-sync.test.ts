import { describe, expect, it } from 'vitest';
import type { CrmAdapter, CrmCallOutcome, CrmCallRecord, CrmEvaluationOutcome, CrmEvaluationRecord, CrmLinkResult } from '../../../core/crm/crm-adapter.port';
import {
  createExponentialBackoff,
  decideAfterFailure,
  drainOutbox,
  type DrainOptions,
  type RetryPolicy,
} from '../../../core/crm/crm-sync';
import {
  CrmAuthError,
  CrmNotConfiguredError,
  CrmRateLimitedError,
  CrmRejectedError,
  CrmUnavailableError,
} from '../../../core/crm/crm.errors';
import type { OutboxMessage } from '../../../core/crm/outbox.port';
import { RECORD_CALL_KIND, RECORD_EVALUATION_KIND, parseRecordCallPayload } from '../../../core/crm/record-call.payload';
import { createSeededRandom } from '../../../core/shared/clock.port';
import { CallsightError } from '../../../core/shared/errors';
import { InMemoryOutboxStore } from './in-memory-outbox.store';
import { ManualClock, buildPayload } from './crm-test-data';

const T0 = new Date('2026-11-02T10:00:00.000Z');
const SECOND = 1000;

/** A CrmAdapter whose answers the test scripts per call id; it records every delivery it sees. */
class ScriptedAdapter implements CrmAdapter {
  readonly crm = 'zendesk' as const;
  readonly delivered: Array<{ tenantId: string; hubCallId: string }> = [];
  private readonly scripts = new Map<string, unknown[]>();

  /** The next deliveries of this call fail with these errors, in order; after them it succeeds. */
  script(hubCallId: string, ...failures: unknown[]): void {
    this.scripts.set(hubCallId, failures);
  }

  async findCustomerByPhone(): Promise<null> {
    return null;
  }

  async recordCall(tenantId: string, call: CrmCallRecord): Promise<CrmLinkResult> {
    this.delivered.push({ tenantId, hubCallId: call.hubCallId });
    const failure = this.scripts.get(call.hubCallId)?.shift();
    if (failure !== undefined) throw failure;
    return { crm: 'zendesk', customer: null, links: [{ crm: 'zendesk', objectType: 'custom_object_record:callsight_call', id: `rec-${call.hubCallId}` }] };
  }
}

const rateLimited = (retryAfterS: number) => new CrmRateLimitedError('zendesk', 'upsert call record', retryAfterS * SECOND);
const unavailable = () => new CrmUnavailableError('zendesk', 'upsert call record', 'HTTP 503');

async function setup(messages: Array<{ id: string; tenantId?: string; payload?: unknown }>) {
  const store = new InMemoryOutboxStore();
  const clock = new ManualClock(T0);
  const adapter = new ScriptedAdapter();
  for (const [i, m] of messages.entries()) {
    await store.enqueue({
      id: m.id,
      tenantId: m.tenantId ?? 't1',
      kind: RECORD_CALL_KIND,
      payload: m.payload ?? buildPayload({ hubCallId: m.id }),
      now: new Date(T0.getTime() - (messages.length - i) * SECOND),
    });
  }
  const options: DrainOptions = {
    store,
    clock,
    adapters: { zendesk: adapter },
    maxAttempts: 3,
    backoff: createExponentialBackoff({ baseMs: 10 * SECOND, maxMs: 60 * SECOND }),
    maxRateLimitDeferrals: 2,
  };
  return { store, clock, adapter, options };
}

describe('createExponentialBackoff', () => {
  it.each([
    [1, 10_000],
    [2, 20_000],
    [3, 40_000],
    [4, 60_000],
    [10, 60_000],
  ])('after %i failures waits %i ms', (failures, expectedMs) => {
    expect(createExponentialBackoff({ baseMs: 10_000, maxMs: 60_000 })(failures)).toBe(expectedMs);
  });

  it('with jitter stays within [d/2, d) and is reproducible from the seed', () => {
    const delays = (seed: number) => {
      const backoff = createExponentialBackoff({ baseMs: 1_000, maxMs: 64_000, random: createSeededRandom(seed) });
      return Array.from({ length: 7 }, (_, i) => backoff(i + 1));
    };
    const first = delays(7);
    first.forEach((delayMs, i) => {
      expect(delayMs).toBeGreaterThanOrEqual(2 ** i * 500);
      expect(delayMs).toBeLessThan(2 ** i * 1_000);
    });
    expect(delays(7)).toEqual(first);
    expect(delays(8)).not.toEqual(first);
  });

  it('refuses a policy that could loop without waiting', () => {
    expect(() => createExponentialBackoff({ baseMs: 0, maxMs: 10 })).toThrow(CallsightError);
    expect(() => createExponentialBackoff({ baseMs: 100, maxMs: 10 })).toThrow(/maxMs >= baseMs/);
  });
});

describe('decideAfterFailure', () => {
  const policy: RetryPolicy = { maxAttempts: 3, backoff: (n) => n * 10 * SECOND, maxRateLimitDeferrals: 2 };
  const message = (attempts: number, deferrals = 0): OutboxMessage => ({
    id: 'm',
    tenantId: 't1',
    kind: RECORD_CALL_KIND,
    payload: {},
    status: 'pending',
    attempts,
    deferrals,
    nextAttemptAt: T0,
    leaseUntil: null,
    lastErrorCode: null,
    createdAt: T0,
  });
  const plus = (s: number) => new Date(T0.getTime() + s * SECOND).toISOString();

  it.each([
    ['rate limited, deferrals left', rateLimited(7), 0, 0, 'defer', 'CRM_RATE_LIMITED', plus(7), plus(7)],
    ['rate limited, deferrals used up: counts, waits the longer', rateLimited(7), 0, 2, 'retry', 'CRM_RATE_LIMITED', plus(10), plus(10)],
    ['rate limited, deferrals used up, last attempt', rateLimited(7), 2, 2, 'dead', 'CRM_RATE_LIMITED', null, plus(7)],
    ['unavailable, first failure', unavailable(), 0, 0, 'retry', 'CRM_UNAVAILABLE', plus(10), plus(10)],
    ['unavailable, second failure backs off more', unavailable(), 1, 0, 'retry', 'CRM_UNAVAILABLE', plus(20), plus(20)],
    ['unavailable at maxAttempts', unavailable(), 2, 0, 'dead', 'CRM_UNAVAILABLE', null, plus(30)],
    ['auth failure retries with backoff', new CrmAuthError('zendesk', 'x', 'unauthenticated'), 0, 0, 'retry', 'CRM_AUTH_FAILED', plus(10), plus(10)],
    ['rejected is dead at once', new CrmRejectedError('zendesk', 'x', 'HTTP 422'), 0, 0, 'dead', 'CRM_REJECTED', null, null],
    ['not configured is dead at once', new CrmNotConfiguredError('zendesk'), 0, 0, 'dead', 'CRM_NOT_CONFIGURED', null, null],
    ['invalid payload is dead at once', new CallsightError('VALIDATION_FAILED', 'bad'), 0, 0, 'dead', 'VALIDATION_FAILED', null, null],
    ['a bug retries as INTERNAL without pausing the lane', new TypeError('oops'), 0, 0, 'retry', 'INTERNAL', plus(10), null],
    ['a bug at maxAttempts is dead', new TypeError('oops'), 2, 0, 'dead', 'INTERNAL', null, null],
  ])('%s', (_name, error, attempts, deferrals, action, code, nextAttemptAt, pauseLaneUntil) => {
    const decision = decideAfterFailure(error, message(attempts, deferrals), T0, policy);
    expect(decision.action).toBe(action);
    expect(decision.code).toBe(code);
    expect('nextAttemptAt' in decision ? decision.nextAttemptAt.toISOString() : null).toBe(nextAttemptAt);
    expect(decision.pauseLaneUntil?.toISOString() ?? null).toBe(pauseLaneUntil);
  });
});

describe('drainOutbox', () => {
  it('records every due message once and keeps the CRM links on the message', async () => {
    const { store, adapter, options } = await setup([{ id: 'c1' }, { id: 'c2' }, { id: 'c3', tenantId: 't2' }]);
    const report = await drainOutbox(options);
    expect(report).toMatchObject({ claimed: 3, recorded: 3, retried: 0, dead: 0 });
    expect(adapter.delivered.map((d) => d.hubCallId).sort()).toEqual(['c1', 'c2', 'c3']);
    expect((await store.read('c3'))?.result?.links[0]?.id).toBe('rec-c3');
    expect(store.all().every((m) => m.status === 'done')).toBe(true);
    expect(await drainOutbox(options)).toMatchObject({ claimed: 0, recorded: 0 });
  });

  it('on a 429 defers without counting, pauses the tenant lane until Retry-After, and leaves other tenants alone', async () => {
    const { store, clock, adapter, options } = await setup([{ id: 'a1' }, { id: 'a2' }, { id: 'b1', tenantId: 't2' }]);
    adapter.script('a1', rateLimited(30));
    const report = await drainOutbox(options);
    expect(report).toMatchObject({ recorded: 1, deferred: 1, released: 1, retried: 0, failuresByCode: { CRM_RATE_LIMITED: 1 } });
    expect(adapter.delivered.map((d) => d.hubCallId)).toEqual(expect.arrayContaining(['a1', 'b1']));
    expect(adapter.delivered.map((d) => d.hubCallId)).not.toContain('a2');
    expect(await store.read('a1')).toMatchObject({ attempts: 0, deferrals: 1, status: 'pending' });
    expect(await store.read('a2')).toMatchObject({ attempts: 0, deferrals: 0, status: 'pending' });

    clock.advanceMs(29 * SECOND);
    expect(await drainOutbox(options)).toMatchObject({ claimed: 0 });
    clock.advanceMs(1 * SECOND);
    expect(await drainOutbox(options)).toMatchObject({ claimed: 2, recorded: 2 });
    expect(store.all().map((m) => m.status)).toEqual(['done', 'done', 'done']);
  });

  it('counts rate limits as failures once the deferral cap is used, and dead-letters at maxAttempts', async () => {
    const { store, clock, adapter, options } = await setup([{ id: 'a1' }]);
    adapter.script('a1', ...Array.from({ length: 10 }, () => rateLimited(1)));
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const report = await drainOutbox(options);
      outcomes.push(report.deferred ? 'defer' : report.retried ? 'retry' : report.dead ? 'dead' : 'none');
      clock.advanceMs(120 * SECOND);
    }
    expect(outcomes).toEqual(['defer', 'defer', 'retry', 'retry', 'dead', 'none']);
    expect(await store.read('a1')).toMatchObject({ status: 'dead', attempts: 3, deferrals: 2, lastErrorCode: 'CRM_RATE_LIMITED' });
  });

  it('backs off exponentially on transient failures and succeeds when the CRM recovers', async () => {
    const { store, clock, adapter, options } = await setup([{ id: 'a1' }]);
    adapter.script('a1', unavailable(), unavailable());
    await drainOutbox(options);
    expect((await store.read('a1'))?.nextAttemptAt.toISOString()).toBe(new Date(T0.getTime() + 10 * SECOND).toISOString());
    clock.advanceMs(10 * SECOND);
    await drainOutbox(options);
    expect((await store.read('a1'))?.nextAttemptAt.toISOString()).toBe(new Date(T0.getTime() + 30 * SECOND).toISOString());
    clock.advanceMs(19 * SECOND);
    expect(await drainOutbox(options)).toMatchObject({ claimed: 0 });
    clock.advanceMs(1 * SECOND);
    expect(await drainOutbox(options)).toMatchObject({ recorded: 1 });
    expect(await store.read('a1')).toMatchObject({ status: 'done', attempts: 2 });
    expect(adapter.delivered).toHaveLength(3);
  });

  it('while the CRM is down, tries one message per tenant lane and releases the rest untried', async () => {
    const { store, adapter, options } = await setup([{ id: 'a1' }, { id: 'a2' }, { id: 'a3' }]);
    adapter.script('a1', unavailable());
    const report = await drainOutbox(options);
    expect(report).toMatchObject({ retried: 1, released: 2 });
    expect(adapter.delivered).toHaveLength(1);
    expect(store.all().map((m) => m.attempts)).toEqual([1, 0, 0]);
    expect(new Set(store.all().map((m) => m.nextAttemptAt.toISOString())).size).toBe(1);
  });

  it('dead-letters a transient failure that never clears after exactly maxAttempts deliveries', async () => {
    const { store, clock, adapter, options } = await setup([{ id: 'a1' }]);
    adapter.script('a1', unavailable(), unavailable(), unavailable(), unavailable());
    for (let i = 0; i < 5; i++) {
      await drainOutbox(options);
      clock.advanceMs(120 * SECOND);
    }
    expect(adapter.delivered).toHaveLength(3);
    expect(await store.read('a1')).toMatchObject({ status: 'dead', attempts: 3, lastErrorCode: 'CRM_UNAVAILABLE' });
  });

  it('dead-letters a permanent rejection on the first delivery and carries on with the lane', async () => {
    const { store, adapter, options } = await setup([{ id: 'a1' }, { id: 'a2' }]);
    adapter.script('a1', new CrmRejectedError('zendesk', 'upsert call record', 'HTTP 422 RecordInvalid'));
    const report = await drainOutbox(options);
    expect(report).toMatchObject({ dead: 1, recorded: 1, failuresByCode: { CRM_REJECTED: 1 } });
    expect(await store.read('a1')).toMatchObject({ status: 'dead', attempts: 1, lastErrorCode: 'CRM_REJECTED' });
    expect(adapter.delivered).toHaveLength(2);
  });

  it('dead-letters a malformed payload and a CRM without adapter, never calling an adapter for them', async () => {
    const { store, adapter, options } = await setup([
      { id: 'bad', payload: { crm: 'zendesk', call: { hubCallId: 'bad' } } },
      { id: 'audio-link', payload: buildPayload({ hubCallId: 'audio-link', appLink: 'https://hub.example.com/api/v1/calls/x/audio' }) },
      { id: 'sf', payload: buildPayload({ hubCallId: 'sf' }, 'salesforce') },
    ]);
    const report = await drainOutbox(options);
    expect(report).toMatchObject({ dead: 3, recorded: 0 });
    expect(adapter.delivered).toEqual([]);
    expect((await store.read('bad'))?.lastErrorCode).toBe('VALIDATION_FAILED');
    expect((await store.read('audio-link'))?.lastErrorCode).toBe('VALIDATION_FAILED');
    expect((await store.read('sf'))?.lastErrorCode).toBe('CRM_NOT_CONFIGURED');
  });

  it('reports each failure to the listener with its code', async () => {
    const { adapter, options } = await setup([{ id: 'a1' }]);
    adapter.script('a1', unavailable());
    const seen: string[] = [];
    await drainOutbox({ ...options, onFailure: (f) => seen.push(`${f.messageId} ${f.decision} ${f.code}`) });
    expect(seen).toEqual(['a1 retry CRM_UNAVAILABLE']);
  });

  it('drains several batches in one call and stops at a short batch', async () => {
    const { store, options } = await setup(Array.from({ length: 7 }, (_, i) => ({ id: `c${i}`, tenantId: `t${i % 3}` })));
    const report = await drainOutbox({ ...options, batchSize: 3 });
    expect(report).toMatchObject({ claimed: 7, recorded: 7 });
    expect(store.all().every((m) => m.status === 'done')).toBe(true);
  });

  it('rejects when the store fails, after the other lanes finished', async () => {
    const { store, options } = await setup([{ id: 'a1' }, { id: 'b1', tenantId: 't2' }]);
    const failing = Object.assign(Object.create(Object.getPrototypeOf(store)), store, {
      markDone: async (id: string, outcome: Parameters<typeof store.markDone>[1]) => {
        if (id === 'a1') throw new Error('disk full');
        return store.markDone(id, outcome);
      },
    });
    await expect(drainOutbox({ ...options, store: failing })).rejects.toThrow('disk full');
    expect((await store.read('b1'))?.status).toBe('done');
    expect((await store.read('a1'))?.status).toBe('pending');
  });

  it('refuses options that would never dead-letter or never claim', async () => {
    const { options } = await setup([]);
    await expect(drainOutbox({ ...options, maxAttempts: 0 })).rejects.toThrow(/maxAttempts/);
    await expect(drainOutbox({ ...options, batchSize: 0 })).rejects.toThrow(/batchSize/);
  });
});

describe('drainOutbox: follow-ups and batches', () => {
  /** A batch CRM (like Salesforce): recordCalls takes a lane at once; the script fails chosen calls. */
  class BatchAdapter extends ScriptedAdapter {
    readonly batches: string[][] = [];
    readonly evaluations: string[] = [];
    async recordCalls(tenantId: string, calls: readonly CrmCallRecord[]): Promise<CrmCallOutcome[]> {
      this.batches.push(calls.map((c) => c.hubCallId));
      const outcomes: CrmCallOutcome[] = [];
      for (const call of calls) {
        try {
          outcomes.push({ hubCallId: call.hubCallId, ok: true, result: await this.recordCall(tenantId, call) });
        } catch (error) {
          outcomes.push({ hubCallId: call.hubCallId, ok: false, error });
        }
      }
      return outcomes;
    }
    async recordEvaluations(_tenantId: string, evaluations: readonly CrmEvaluationRecord[]): Promise<CrmEvaluationOutcome[]> {
      this.evaluations.push(...evaluations.map((e) => e.hubEvaluationId));
      return evaluations.map((e) => ({ hubEvaluationId: e.hubEvaluationId, ok: true, id: `sf-${e.hubEvaluationId}` }));
    }
  }

  it('sends a call queued several times once, with its state at delivery, and marks every message done', async () => {
    const { store, adapter, options } = await setup([
      { id: 'm1', payload: buildPayload({ hubCallId: 'c1', analysis: 'pending', risk: 0 }) },
      { id: 'm2', payload: buildPayload({ hubCallId: 'c1', analysis: 'done', risk: 0.5 }) },
      { id: 'm3', payload: buildPayload({ hubCallId: 'c2' }) },
    ]);
    const sent: CrmCallRecord[] = [];
    const recordCall = adapter.recordCall.bind(adapter);
    adapter.recordCall = async (tenantId, call) => {
      sent.push(call);
      return recordCall(tenantId, call);
    };
    const refreshed: string[] = [];
    const report = await drainOutbox({
      ...options,
      refreshCalls: async (_tenantId, crm, calls) => {
        refreshed.push(...calls.map((c) => `${crm}:${c.hubCallId}`));
        return calls.map((c) => (c.hubCallId === 'c1' ? { ...c, analysis: 'done', risk: 0.81, score: 90 } : c));
      },
    });
    expect(report).toMatchObject({ claimed: 3, recorded: 3 });
    expect(refreshed).toEqual(['zendesk:c1', 'zendesk:c2']);
    expect(sent.map((c) => [c.hubCallId, c.risk, c.score ?? null])).toEqual([['c1', 0.81, 90], ['c2', 0.4, null]]);
    expect(store.all().map((m) => m.status)).toEqual(['done', 'done', 'done']);
  });

  it('retries every message of a lane when the refresh fails, sending nothing', async () => {
    const { store, adapter, options } = await setup([{ id: 'm1' }, { id: 'm2' }]);
    const report = await drainOutbox({ ...options, refreshCalls: async () => Promise.reject(new Error('database gone')) });
    expect(report).toMatchObject({ recorded: 0, retried: 2, failuresByCode: { INTERNAL: 2 } });
    expect(adapter.delivered).toEqual([]);
    expect(store.all().map((m) => m.status)).toEqual(['pending', 'pending']);
  });

  it("gives a batch CRM the lane's calls in one recordCalls and settles each message by its own outcome", async () => {
    const { store, options } = await setup([
      { id: 'm1', payload: buildPayload({ hubCallId: 'c1' }, 'salesforce') },
      { id: 'm2', payload: buildPayload({ hubCallId: 'c2' }, 'salesforce') },
      { id: 'm3', payload: buildPayload({ hubCallId: 'c3' }, 'salesforce') },
      { id: 'm4', payload: buildPayload({ hubCallId: 'c4' }, 'salesforce') },
    ]);
    const batch = new BatchAdapter();
    batch.script('c2', new CrmRejectedError('salesforce', 'upsert call record', 'DUPLICATES_DETECTED'));
    batch.script('c3', rateLimited(60));
    const report = await drainOutbox({ ...options, adapters: { salesforce: batch as unknown as CrmAdapter } });
    expect(batch.batches).toEqual([['c1', 'c2', 'c3', 'c4']]);
    expect(report).toMatchObject({ claimed: 4, recorded: 2, dead: 1, deferred: 1, released: 0 });
    expect(store.all().map((m) => [m.id, m.status, m.lastErrorCode])).toEqual([
      ['m1', 'done', null],
      ['m2', 'dead', 'CRM_REJECTED'],
      ['m3', 'pending', 'CRM_RATE_LIMITED'],
      ['m4', 'done', null],
    ]);
  });

  it('delivers evaluations through recordEvaluations, and dead-letters them for a CRM that keeps none', async () => {
    const evaluation = { hubEvaluationId: 'ev1', hubCallId: 'c1', scorecard: 'default', scorecardVersion: '2', sectionScores: [{ section: 'compliance', score: 80 }], totalScore: 80, reviewerName: null, status: 'published', disputeState: 'none' };
    const { store, options } = await setup([]);
    await store.enqueue({ id: 'e1', tenantId: 't1', kind: RECORD_EVALUATION_KIND, payload: { crm: 'salesforce', evaluation }, now: T0 });
    await store.enqueue({ id: 'e2', tenantId: 't1', kind: RECORD_EVALUATION_KIND, payload: { crm: 'zendesk', evaluation }, now: T0 });
    await store.enqueue({ id: 'e3', tenantId: 't1', kind: RECORD_EVALUATION_KIND, payload: { crm: 'salesforce', evaluation: { ...evaluation, totalScore: 'high' } }, now: T0 });
    const batch = new BatchAdapter();
    const report = await drainOutbox({ ...options, adapters: { salesforce: batch as unknown as CrmAdapter, zendesk: new ScriptedAdapter() } });
    expect(batch.evaluations).toEqual(['ev1']);
    expect(report).toMatchObject({ recorded: 1, dead: 2 });
    expect(store.all().map((m) => [m.id, m.status, m.lastErrorCode])).toEqual([
      ['e1', 'done', null],
      ['e2', 'dead', 'VALIDATION_FAILED'],
      ['e3', 'dead', 'VALIDATION_FAILED'],
    ]);
  });
});

describe('parseRecordCallPayload', () => {
  it('accepts a complete payload', () => {
    expect(parseRecordCallPayload(buildPayload()).call.hubCallId).toBe('c_0001');
  });

  it.each([
    ['a raw audio file', 'https://hub.example.com/media/c_0001.mp3'],
    ['a playback URL', 'https://hub.example.com/api/v1/playback/abc'],
    ['a signed URL', 'https://bucket.s3.amazonaws.com/x?X-Amz-Signature=abc'],
    ['a token in the query', 'https://hub.example.com/app/calls/c_0001?token=abc'],
    ['plain http to a remote host', 'http://hub.example.com/app/calls/c_0001'],
    ['credentials in the URL', 'https://user:pw@hub.example.com/app/calls/c_0001'],
    ['a relative link', '/app/calls/c_0001'],
  ])('refuses an appLink that is %s, naming the field but not the value', (_what, appLink) => {
    let error: unknown;
    try {
      parseRecordCallPayload(buildPayload({ appLink }));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CallsightError);
    expect((error as CallsightError).code).toBe('VALIDATION_FAILED');
    expect((error as Error).message).toContain('call.appLink');
    expect((error as Error).message).not.toContain(appLink);
  });

  it('refuses a phone number that is not E.164 without echoing it', () => {
    expect(() => parseRecordCallPayload(buildPayload({ customerPhone: '138 1234 5678' }))).toThrow(/call\.customerPhone: must be E\.164/);
    expect(() => parseRecordCallPayload(buildPayload({ customerPhone: '138 1234 5678' }))).not.toThrow(/1234/);
  });
});
