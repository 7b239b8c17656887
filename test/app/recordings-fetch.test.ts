import { describe, expect, it } from 'vitest';
import { openSqliteDatabase, SqliteJobQueue } from '../../adapters/storage/sqlite';
import { SqlitePendingRecordings } from '../../adapters/storage/sqlite/sqlite.pending-recordings';
import { createRecordingsUseCases, DEFAULT_RECORDING_FETCH_POLICY, FETCH_RECORDING_JOB, type RecordingsPorts } from '../../app/recordings';
import { systemActor } from '../../app/shared/actor';
import type { Call } from '../../core/recordings/call';
import type { RecordingFetchResult } from '../../core/recordings/pending-recording.port';
import { CallsightError } from '../../core/shared/errors';
import { auditSpy, principal } from './support/audit-spy';

const T0 = Date.parse('2026-03-01T08:00:00.000Z');
const HOUR = 3_600_000;

/** The recordings use-cases on a real SQLite store and job queue, with a scripted provider and ingest. */
function setup(answer: (attempt: number) => RecordingFetchResult | Error) {
  const db = openSqliteDatabase(':memory:');
  const pending = new SqlitePendingRecordings(db);
  const jobs = new SqliteJobQueue(db);
  const spy = auditSpy();
  let now = T0;
  let fetches = 0;
  const stored = new Map<string, Call>();
  const ports: RecordingsPorts = {
    pending,
    calls: { findByProviderCallId: async (_t, _p, id) => stored.get(id) ?? null },
    sources: {
      sourceFor: (provider) =>
        provider === 'twilio'
          ? {
              provider,
              fetchRecording: async () => {
                const result = answer(++fetches);
                if (result instanceof Error) throw result;
                return result;
              },
            }
          : null,
    },
    ingest: {
      ingestFetched: async (tenantId, _provider, metadata) => {
        const id = (metadata as { providerCallId: string }).providerCallId;
        const call = stored.get(id) ?? ({ id: `c_${stored.size + 1}`, tenantId, providerCallId: id } as Call);
        const created = !stored.has(id);
        stored.set(id, call);
        return { call, created };
      },
    },
    policy: DEFAULT_RECORDING_FETCH_POLICY,
    clock: { now: () => new Date(now) },
    ids: { newId: (prefix) => `${prefix}_1` },
  };
  const recordings = createRecordingsUseCases({ ...ports, audit: spy.audit });
  const worker = systemActor('t1', 'worker');
  const report = { provider: 'twilio', providerCallId: 'CA1', recordingId: 'RE1', accountId: 'AC1' };
  return {
    recordings,
    spy,
    stored,
    pending,
    jobs,
    worker,
    report,
    fetches: () => fetches,
    set: (ms: number) => {
      now = ms;
    },
    /** Runs the next due job (by the clock moved to its run time) through the use-case, as the job runner would. */
    async runNext() {
      const row = (await pending.get('t1', 'pr_1'))!;
      now = Math.max(now, Date.parse(row.nextAttemptAt));
      const [job] = await jobs.claim({ now: new Date(now), limit: 1, leaseMs: 60_000, kinds: [FETCH_RECORDING_JOB] });
      expect(job, 'a fetch job is due').toBeDefined();
      const outcome = await recordings.fetchRecording(worker, job!.payload as never);
      await jobs.complete(job!.id, new Date(now));
      return outcome;
    },
  };
}

describe('fetch-recording', () => {
  it('backs off exponentially, never past the deadline, and declares the recording missing at the deadline', async () => {
    const t = setup(() => ({ kind: 'not_ready', reason: 'not_ready' }));
    await t.recordings.acceptRecording(systemActor('t1', 'twilio'), t.report);
    expect((await t.pending.get('t1', 'pr_1'))!.nextAttemptAt).toBe(new Date(T0 + 30_000).toISOString());
    const waits: number[] = [];
    let previous = T0 + 30_000;
    for (let i = 0; i < 100; i++) {
      const outcome = await t.runNext();
      const at = Date.parse((await t.pending.get('t1', 'pr_1'))!.resolvedAt ?? (outcome.status === 'waiting' ? outcome.nextAttemptAt : ''));
      if (outcome.status !== 'waiting') {
        expect(outcome).toMatchObject({ status: 'missing', reason: 'not_ready' });
        expect(at).toBe(T0 + 24 * HOUR);
        break;
      }
      waits.push(at - previous);
      previous = at;
    }
    expect(waits.slice(0, 4)).toEqual([60_000, 120_000, 240_000, 480_000]);
    expect(Math.max(...waits)).toBeLessThanOrEqual(HOUR);
    expect(t.fetches()).toBe(waits.length + 1);
    expect(await t.jobs.claim({ now: new Date(T0 + 48 * HOUR), limit: 10, leaseMs: 1, kinds: [FETCH_RECORDING_JOB] })).toEqual([]);
  });

  it('stores through ingest once; a repeated job afterwards changes nothing and fetches nothing', async () => {
    const t = setup((n) => (n < 3 ? { kind: 'not_ready', reason: 'not_ready' } : { kind: 'ready', metadata: { providerCallId: 'CA1' }, audio: new Uint8Array([1]) }));
    await t.recordings.acceptRecording(systemActor('t1', 'twilio'), t.report);
    await t.runNext();
    await t.runNext();
    expect(await t.runNext()).toMatchObject({ status: 'stored', callId: 'c_1', attempts: 3 });
    expect(await t.recordings.fetchRecording(t.worker, { pendingId: 'pr_1' })).toMatchObject({ status: 'stored', callId: 'c_1' });
    expect(t.fetches()).toBe(3);
    expect(t.stored.size).toBe(1);
  });

  it('skips the download when the call was stored meanwhile, and an early job does not fetch', async () => {
    const t = setup(() => ({ kind: 'not_ready', reason: 'not_ready' }));
    await t.recordings.acceptRecording(systemActor('t1', 'twilio'), t.report);
    expect(await t.recordings.fetchRecording(t.worker, { pendingId: 'pr_1' })).toMatchObject({ status: 'waiting', attempts: 0 });
    expect(t.fetches()).toBe(0);
    t.stored.set('CA1', { id: 'c_up', tenantId: 't1', providerCallId: 'CA1' } as Call);
    expect(await t.runNext()).toMatchObject({ status: 'stored', callId: 'c_up' });
    expect(t.fetches()).toBe(0);
  });

  it('retries an upstream failure, but rethrows what retrying cannot fix and leaves the row as it was', async () => {
    const upstream = setup(() => new CallsightError('UPSTREAM_FAILED', 'Twilio recording download failed with HTTP 503'));
    await upstream.recordings.acceptRecording(systemActor('t1', 'twilio'), upstream.report);
    expect(await upstream.runNext()).toMatchObject({ status: 'waiting', attempts: 1, reason: 'upstream_failed' });

    const broken = setup(() => new TypeError('a bug'));
    await broken.recordings.acceptRecording(systemActor('t1', 'twilio'), broken.report);
    await expect(broken.runNext()).rejects.toThrow('a bug');
    expect(await broken.pending.get('t1', 'pr_1')).toMatchObject({ status: 'waiting', attempts: 0 });
    expect(broken.spy.events.at(-1)).toMatchObject({ action: 'fetch_recording', outcome: 'error', reason: 'internal' });
  });

  it('is for the system only; a user is refused with one denied event and nothing fetched', async () => {
    const t = setup(() => ({ kind: 'not_ready', reason: 'not_ready' }));
    await t.recordings.acceptRecording(systemActor('t1', 'twilio'), t.report);
    const before = t.spy.events.length;
    await expect(t.recordings.fetchRecording(principal('admin'), { pendingId: 'pr_1' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(t.spy.events.slice(before)).toMatchObject([{ action: 'fetch_recording', outcome: 'denied', reason: 'system_only' }]);
    expect(t.fetches()).toBe(0);
  });
});

describe('list-missing-recordings', () => {
  it('lets admins list, refuses other roles with one denied event, and validates the page', async () => {
    const t = setup(() => ({ kind: 'not_ready', reason: 'not_ready' }));
    await t.recordings.acceptRecording(systemActor('t1', 'twilio'), t.report);
    t.set(T0 + 25 * HOUR);
    expect((await t.recordings.listMissingRecordings(principal('admin'), {})).items).toMatchObject([
      { id: 'pr_1', providerCallId: 'CA1', recordingId: 'RE1', status: 'waiting', attempts: 0 },
    ]);
    for (const role of ['manager', 'qa', 'agent', 'auditor'] as const) {
      const before = t.spy.events.length;
      await expect(t.recordings.listMissingRecordings(principal(role), {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
      expect(t.spy.events.slice(before)).toMatchObject([{ action: 'list_missing_recordings', outcome: 'denied' }]);
    }
    await expect(t.recordings.listMissingRecordings(principal('admin'), { limit: 0 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(t.recordings.listMissingRecordings(principal('admin'), { cursor: 'garbage' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
