import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { EnqueueJob, Job, JobQueue } from '../../core/jobs/job-queue.port';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import { makeCall, T1 } from './support/fixtures';

/** A job queue under contract test, with the call repository of the same database and a way to empty the queue. */
export interface JobQueueUnderTest {
  readonly queue: JobQueue;
  readonly calls: CallRepository;
  /** Deletes every job, so that each test starts from an empty queue on the suite's one database. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export type OpenJobQueue = () => Promise<JobQueueUnderTest>;

const T0 = new Date('2026-01-05T08:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const iso = (seconds: number) => at(seconds).toISOString();
const ids = (jobs: readonly Job[]) => jobs.map((job) => job.id);

function job(id: string, over: Partial<EnqueueJob> = {}): EnqueueJob {
  return { id, tenantId: 't1', kind: 'transcribe', payload: { callId: id }, runAt: iso(0), ...over };
}

/**
 * The JobQueue contract: SQLite and PostgreSQL must give these answers. The concurrency tests run on both; on
 * SQLite the calls take turns (one connection, synchronous), on PostgreSQL they race on separate connections.
 */
export function describeJobQueueContract(open: OpenJobQueue): void {
  let store: JobQueueUnderTest;
  let queue: JobQueue;
  const claim = (seconds: number, options: { limit?: number; leaseMs?: number; kinds?: readonly string[] } = {}) =>
    queue.claim({ now: at(seconds), limit: options.limit ?? 10, leaseMs: options.leaseMs ?? 60_000, kinds: options.kinds ?? ['transcribe'] });
  const all = () => queue.list({ limit: 1000 });

  beforeAll(async () => {
    store = await open();
    queue = store.queue;
  });
  afterAll(async () => store?.close());
  beforeEach(async () => store.reset());

  it('stores an enqueued job queued, with defaults and runAt normalised to UTC', async () => {
    expect(await queue.enqueue(job('j1', { payload: { callId: 'c1', note: '退款 refund' }, runAt: '2026-01-05T16:00:00+08:00' }))).toBe(true);
    const [stored] = await all();
    expect(stored).toMatchObject({
      id: 'j1',
      tenantId: 't1',
      kind: 'transcribe',
      payload: { callId: 'c1', note: '退款 refund' },
      status: 'queued',
      attempts: 0,
      maxAttempts: 5,
      runAt: '2026-01-05T08:00:00.000Z',
      leaseUntil: null,
      lastError: null,
    });
    expect(Date.parse(stored?.createdAt ?? '')).not.toBeNaN();
  });

  it('makes a job without runAt due at once', async () => {
    const before = Date.now();
    await queue.enqueue({ id: 'now', tenantId: 't1', kind: 'transcribe', payload: null });
    const [stored] = await all();
    expect(Date.parse(stored?.runAt ?? '')).toBeGreaterThanOrEqual(before - 1);
    expect(ids(await queue.claim({ now: new Date(Date.now() + 1000), limit: 5, leaseMs: 1000, kinds: ['transcribe'] }))).toEqual(['now']);
  });

  it('does not enqueue a job twice while one with its dedupe key is queued or running', async () => {
    expect(await queue.enqueue(job('j1', { dedupeKey: 'c1' }))).toBe(true);
    expect(await queue.enqueue(job('j2', { dedupeKey: 'c1' }))).toBe(false);
    await claim(1);
    expect(await queue.enqueue(job('j3', { dedupeKey: 'c1' }))).toBe(false);
    expect(ids(await all())).toEqual(['j1']);
  });

  it('scopes dedupe keys to tenant and kind, and ignores an empty key', async () => {
    expect(await queue.enqueue(job('j1', { dedupeKey: 'c1' }))).toBe(true);
    expect(await queue.enqueue(job('j2', { dedupeKey: 'c1', tenantId: 't2' }))).toBe(true);
    expect(await queue.enqueue(job('j3', { dedupeKey: 'c1', kind: 'analyze' }))).toBe(true);
    expect(await queue.enqueue(job('j4', { dedupeKey: '' }))).toBe(true);
    expect(await queue.enqueue(job('j5', { dedupeKey: '' }))).toBe(true);
    expect((await all()).length).toBe(5);
  });

  it('frees a dedupe key once its job is done or dead', async () => {
    await queue.enqueue(job('j1', { dedupeKey: 'c1', maxAttempts: 1 }));
    await claim(1);
    await queue.complete('j1', at(2));
    expect(await queue.enqueue(job('j2', { dedupeKey: 'c1', maxAttempts: 1 }))).toBe(true);
    await claim(3);
    expect(await queue.fail('j2', 'UPSTREAM_FAILED: down', at(4), at(5))).toBe('dead');
    expect(await queue.enqueue(job('j3', { dedupeKey: 'c1' }))).toBe(true);
    expect((await all()).map((j) => [j.id, j.status]).sort()).toEqual([
      ['j1', 'done'],
      ['j2', 'dead'],
      ['j3', 'queued'],
    ]);
  });

  it('refuses an existing id with CONFLICT and changes nothing', async () => {
    await queue.enqueue(job('j1', { payload: { n: 1 } }));
    await expect(queue.enqueue(job('j1', { payload: { n: 2 }, kind: 'analyze' }))).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await all()).map((j) => [j.id, j.kind, j.payload])).toEqual([['j1', 'transcribe', { n: 1 }]]);
  });

  it('refuses a runAt that is not an instant and a maxAttempts below 1, writing nothing', async () => {
    await expect(queue.enqueue(job('j1', { runAt: 'tomorrow' }))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(queue.enqueue(job('j2', { maxAttempts: 0 }))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(queue.enqueue(job('j3', { maxAttempts: 1.5 }))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await all()).toEqual([]);
  });

  it('claims due jobs of the asked kinds, earliest runAt first then by id, up to the limit', async () => {
    await queue.enqueue(job('b', { runAt: iso(2) }));
    await queue.enqueue(job('a', { runAt: iso(2) }));
    await queue.enqueue(job('z', { runAt: iso(1) }));
    await queue.enqueue(job('later', { runAt: iso(35) }));
    await queue.enqueue(job('other', { runAt: iso(0), kind: 'analyze' }));
    const claimed = await claim(10, { limit: 2, leaseMs: 30_000 });
    expect(ids(claimed)).toEqual(['z', 'a']);
    expect(claimed[0]).toMatchObject({ status: 'running', attempts: 1, leaseUntil: iso(40), updatedAt: iso(10), payload: { callId: 'z' } });
    expect(ids(await claim(10))).toEqual(['b']);
    expect(await claim(10)).toEqual([]);
    expect(ids(await claim(10, { kinds: ['analyze', 'transcribe'] }))).toEqual(['other']);
    expect(await claim(34)).toEqual([]);
    expect(ids(await claim(35))).toEqual(['later']);
  });

  it('claims nothing for no kinds or a zero limit, and refuses a negative or fractional limit', async () => {
    await queue.enqueue(job('j1'));
    expect(await claim(1, { kinds: [] })).toEqual([]);
    expect(await claim(1, { limit: 0 })).toEqual([]);
    await expect(claim(1, { limit: -1 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(claim(1, { limit: 1.5 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await all())[0]).toMatchObject({ status: 'queued', attempts: 0 });
  });

  it('hides a claimed job while its lease holds and hands it out again once it expired', async () => {
    await queue.enqueue(job('j1'));
    expect(ids(await claim(1, { leaseMs: 30_000 }))).toEqual(['j1']);
    expect(await claim(30)).toEqual([]);
    const [again] = await claim(31, { leaseMs: 10_000 });
    expect(again).toMatchObject({ id: 'j1', status: 'running', attempts: 2, leaseUntil: iso(41) });
  });

  it('completes a job: done, lease and error cleared, never claimed again', async () => {
    await queue.enqueue(job('j1', { maxAttempts: 3 }));
    await claim(1);
    await queue.fail('j1', 'UPSTREAM_FAILED: asr down', at(2), at(3));
    await claim(3);
    await queue.complete('j1', at(4));
    expect((await all())[0]).toMatchObject({ status: 'done', attempts: 2, leaseUntil: null, lastError: null, updatedAt: iso(4) });
    expect(await claim(10_000)).toEqual([]);
  });

  it('ignores complete for an unknown id', async () => {
    await queue.enqueue(job('j1'));
    await queue.complete('nope', at(1));
    expect((await all())[0]).toMatchObject({ id: 'j1', status: 'queued' });
  });

  it('retries a failed job at retryAt and dead-letters it after maxAttempts', async () => {
    await queue.enqueue(job('j1', { maxAttempts: 2 }));
    await claim(1);
    expect(await queue.fail('j1', 'INTERNAL: boom', at(2), at(60))).toBe('queued');
    expect((await all())[0]).toMatchObject({ status: 'queued', attempts: 1, runAt: iso(60), leaseUntil: null, lastError: 'INTERNAL: boom', updatedAt: iso(2) });
    expect(await claim(59)).toEqual([]);
    expect(ids(await claim(60))).toEqual(['j1']);
    expect(await queue.fail('j1', 'INTERNAL: boom again', at(61), at(120))).toBe('dead');
    expect((await all())[0]).toMatchObject({ status: 'dead', attempts: 2, leaseUntil: null, lastError: 'INTERNAL: boom again' });
    expect(await claim(100_000)).toEqual([]);
  });

  it('cuts a recorded error to 500 characters', async () => {
    await queue.enqueue(job('j1'));
    await claim(1);
    await queue.fail('j1', `INTERNAL: ${'错'.repeat(600)}`, at(2), at(3));
    const [stored] = await all();
    expect(stored?.lastError).toHaveLength(500);
    expect(stored?.lastError?.startsWith('INTERNAL: 错')).toBe(true);
  });

  it('reports an unknown job as dead when it fails, changing nothing', async () => {
    await queue.enqueue(job('j1'));
    expect(await queue.fail('nope', 'INTERNAL: x', at(1), at(2))).toBe('dead');
    expect((await all())[0]).toMatchObject({ id: 'j1', status: 'queued', lastError: null });
  });

  it('counts jobs per kind and status, ordered by kind then status', async () => {
    expect(await queue.counts()).toEqual([]);
    for (const id of ['t1', 't2', 't3']) await queue.enqueue(job(id));
    for (const id of ['a1', 'a2']) await queue.enqueue(job(id, { kind: 'analyze', maxAttempts: 1 }));
    await claim(1, { kinds: ['analyze'], limit: 2 });
    await queue.fail('a1', 'INTERNAL: x', at(2), at(3));
    await claim(1, { limit: 1 });
    await queue.complete('t1', at(2));
    await claim(1, { limit: 1 });
    expect(await queue.counts()).toEqual([
      { kind: 'analyze', status: 'dead', count: 1 },
      { kind: 'analyze', status: 'running', count: 1 },
      { kind: 'transcribe', status: 'done', count: 1 },
      { kind: 'transcribe', status: 'queued', count: 1 },
      { kind: 'transcribe', status: 'running', count: 1 },
    ]);
  });

  it('lists jobs most recently updated first, then by id descending, filtered by status and kind', async () => {
    for (const id of ['j1', 'j2', 'j3', 'j4']) await queue.enqueue(job(id, { maxAttempts: 1 }));
    await queue.enqueue(job('a1', { kind: 'analyze' }));
    await claim(1, { kinds: ['transcribe', 'analyze'] });
    await queue.complete('j2', at(5));
    await queue.fail('j3', 'INTERNAL: x', at(3), at(4));
    expect(ids(await all())).toEqual(['j2', 'j3', 'j4', 'j1', 'a1']);
    expect(ids(await queue.list({ status: 'running', limit: 10 }))).toEqual(['j4', 'j1', 'a1']);
    expect(ids(await queue.list({ status: 'running', kind: 'transcribe', limit: 10 }))).toEqual(['j4', 'j1']);
    expect(ids(await queue.list({ kind: 'analyze', limit: 10 }))).toEqual(['a1']);
    expect(ids(await queue.list({ status: 'dead', limit: 10 }))).toEqual(['j3']);
    expect(ids(await queue.list({ limit: 2 }))).toEqual(['j2', 'j3']);
    expect(await queue.list({ limit: 0 })).toEqual([]);
    await expect(queue.list({ limit: -1 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('claims the jobs that insertCall wrote in the call transaction', async () => {
    await store.calls.upsertTenant(T1);
    const call = makeCall(1, { id: 'c-jobs', providerCallId: 'p-jobs', createdAt: iso(0) });
    await store.calls.insertCall(call, { jobs: [{ id: 'from-ingest', tenantId: 't1', kind: 'transcribe', payload: { callId: 'c-jobs' } }] });
    const [claimed] = await claim(1);
    expect(claimed).toMatchObject({ id: 'from-ingest', tenantId: 't1', payload: { callId: 'c-jobs' }, attempts: 1, maxAttempts: 5, runAt: iso(0) });
    await queue.complete('from-ingest', at(2));
    expect((await all())[0]).toMatchObject({ id: 'from-ingest', status: 'done' });
  });

  it('never hands one job to two concurrent claimers', async () => {
    const total = 60;
    for (let n = 0; n < total; n++) await queue.enqueue(job(`j${String(n).padStart(2, '0')}`));
    const seen: string[] = [];
    for (let round = 0; round < 10 && seen.length < total; round++) {
      const batches = await Promise.all(Array.from({ length: 8 }, () => claim(1, { limit: 3, leaseMs: 600_000 })));
      for (const batch of batches) seen.push(...ids(batch));
    }
    expect(seen.length).toBe(total);
    expect(new Set(seen).size).toBe(total);
    expect((await all()).every((j) => j.status === 'running' && j.attempts === 1)).toBe(true);
  });

  it('enqueues one job when concurrent enqueues share a dedupe key', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, n) => queue.enqueue(job(`j${n}`, { dedupeKey: 'same-call' }))));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await all()).toHaveLength(1);
  });
}
