import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { fsAudioOf } from '../support/hub';
import { startRetentionHub, TENANT, TestClock, readAudio, type RetentionTestHub } from './retention-harness';

const NOW = '2026-06-01T12:00:00Z';
const daysAgo = (days: number) => new Date(Date.parse(NOW) - days * 86_400_000).toISOString();

const POLICY = {
  name: 'tiered',
  rules: [
    { id: 'misdial', match: { misdial: true }, keepDays: 30, then: 'delete' },
    { id: 'complaint', match: { tags: ['complaint'] }, keepDays: 400, then: 'archive' },
    { id: 'default', match: {}, keepDays: 200, then: 'delete', archiveAfterDays: 100 },
  ],
};

/** name, age in days, duration, tags: a mix of keep, archive, delete and misdials across several checkpoint pages. */
const CALLS: readonly [string, number, number, string[]][] = [
  ['fresh-1', 5, 7, []],
  ['fresh-2', 60, 7, []],
  ['tier-1', 120, 7, []],
  ['tier-2', 150, 7, []],
  ['tier-3', 199, 7, []],
  ['expired-1', 210, 7, []],
  ['expired-2', 300, 7, []],
  ['expired-3', 700, 7, []],
  ['complaint-new', 50, 7, ['complaint']],
  ['complaint-old', 450, 7, ['complaint']],
  ['complaint-older', 900, 7, ['complaint']],
  ['misdial-new', 10, 3, []],
  ['misdial-old', 40, 3, []],
  ['misdial-older', 90, 2, []],
];

async function seed(t: RetentionTestHub): Promise<void> {
  const admin = await t.token('admin');
  expect((await t.api('PUT', '/api/v1/retention/policy', { token: admin, body: POLICY })).status).toBe(200);
  for (const [name, age, durationS, tags] of CALLS) await t.ingest(name, daysAgo(age), durationS, { tags });
}

/** Everything retention may change about each call, keyed by name so two hubs compare. */
async function stateOf(t: RetentionTestHub) {
  const store = t.retention.store;
  const state: Record<string, unknown> = {};
  for (const [name] of CALLS) {
    const call = await t.call(name);
    const location = { tenantId: TENANT, recordingId: call.id };
    const count = async (action: string) => (await t.hub.auditLog.query(TENANT, { action, target: `call:${call.id}`, limit: 10 })).length;
    state[name] = {
      status: call.status,
      sha256: (await store.getTombstone(TENANT, call.id))?.audioSha256 ?? call.recording?.sha256,
      hot: existsSync(fsAudioOf(t.hub).pathFor(location.tenantId, location.recordingId)),
      archive: existsSync(fsAudioOf(t.hub).pathFor(location.tenantId, location.recordingId, 'archive')),
      key: call.recording ? await t.hub.keys.hasDataKey(TENANT, call.recording.keyId) : null,
      tombstoneRule: (await store.getTombstone(TENANT, call.id))?.ruleId ?? null,
      certificates: await count('retention_delete'),
      archiveEvents: await count('retention_archive'),
    };
  }
  return { calls: state, pending: t.retention.journal.pending().length, openSweep: (await store.openSweep(TENANT)) !== null };
}

let reference: RetentionTestHub;
let interrupted: RetentionTestHub;

beforeAll(async () => {
  reference = await startRetentionHub({ clock: new TestClock(NOW), retention: { pageSize: 4 } });
  interrupted = await startRetentionHub({ clock: new TestClock(NOW), retention: { pageSize: 4 } });
  await seed(reference);
  await seed(interrupted);
});
afterAll(async () => {
  await reference.close();
  await interrupted.close();
});

describe('the retention sweep', () => {
  it('archives and deletes what the policy says in one uninterrupted run', async () => {
    const outcome = await reference.sweep();
    expect(outcome).toMatchObject({ completed: true, resumed: false, processed: CALLS.length, counts: { keep: 4, archive: 5, delete: 5, held: 0 } });
    const { calls } = await stateOf(reference);
    const statuses = Object.fromEntries(Object.entries(calls).map(([name, s]) => [name, (s as { status: string }).status]));
    expect(statuses).toEqual({
      'fresh-1': 'stored', 'fresh-2': 'stored', 'tier-1': 'archived', 'tier-2': 'archived', 'tier-3': 'archived',
      'expired-1': 'deleted', 'expired-2': 'deleted', 'expired-3': 'deleted', 'complaint-new': 'stored',
      'complaint-old': 'archived', 'complaint-older': 'archived', 'misdial-new': 'misdial', 'misdial-old': 'deleted', 'misdial-older': 'deleted',
    });
    expect(calls['tier-1']).toMatchObject({ hot: false, archive: true, key: true, archiveEvents: 1 });
    expect(calls['expired-2']).toMatchObject({ hot: false, archive: false, key: null, tombstoneRule: 'default', certificates: 1 });
    // A second sweep finds nothing more to do.
    const again = await reference.sweep();
    expect(again.counts).toMatchObject({ archive: 0, delete: 0 });
  });

  it('killed halfway, and crashed in the middle of a deletion, then run again: ends in the same state', async () => {
    const controller = new AbortController();
    const first = await interrupted.sweep({
      signal: controller.signal,
      onProgress: (done: number) => {
        if (done === 6) controller.abort();
      },
    });
    expect(first).toMatchObject({ completed: false, processed: 6 });
    expect(await interrupted.retention.store.openSweep(TENANT)).toMatchObject({ processed: 4 });

    // The next run dies after destroying a key but before the tombstone (a purge hook failing once).
    let failures = 1;
    interrupted.hub.onCallPurge(async () => {
      if (failures-- > 0) throw new Error('simulated crash');
    });
    await expect(interrupted.sweep()).rejects.toThrow('simulated crash');
    expect(interrupted.retention.journal.pending(TENANT)).toHaveLength(1);

    const last = await interrupted.sweep();
    expect(last).toMatchObject({ completed: true, resumed: true, completedPending: 1 });
    expect(await stateOf(interrupted)).toEqual(await stateOf(reference));
  });

  it('brings an archived call back when someone allowed plays it, and archives it again after the thaw period', async () => {
    const t = reference;
    // The call's own agent may play it.
    const player = { tenantId: TENANT, userId: 'u-li', role: 'agent' as const, agentId: 'a-li', teams: [], queues: [] };
    const call = await t.call('complaint-old');
    expect(call.status).toBe('archived');
    const played = await t.retention.beforePlay(call, player);
    expect(played.status).toBe('stored');
    expect((await t.call('complaint-old')).status).toBe('stored');
    expect(existsSync(fsAudioOf(t.hub).pathFor(TENANT, call.id))).toBe(true);
    expect(existsSync(fsAudioOf(t.hub).pathFor(TENANT, call.id, 'archive'))).toBe(false);
    const audio = await readAudio(t.hub, played);
    expect(createHash('sha256').update(audio).digest('hex')).toBe(call.recording!.sha256);
    expect((await t.hub.auditLog.query(TENANT, { action: 'retention_thaw', target: `call:${call.id}`, limit: 5 })).map((e) => [e.actor, e.role, e.reason])).toEqual([['u-li', 'agent', 'played']]);

    // A stored call passes through unchanged.
    const fresh = await t.call('fresh-1');
    expect(await t.retention.beforePlay(fresh, player)).toEqual(fresh);

    await t.sweep();
    expect((await t.call('complaint-old')).status).toBe('stored');
    (t.hub.clock as TestClock).advanceDays(31);
    await t.sweep();
    expect((await t.call('complaint-old')).status).toBe('archived');
  });

  it('a copy of the encrypted audio taken before deletion cannot be decrypted after it: the wrapped key is gone from disk', async () => {
    const t = reference;
    const call = await t.call('fresh-2');
    const file = fsAudioOf(t.hub).pathFor(TENANT, call.id);
    const copy = readFileSync(file);
    const keysFile = join(t.dataDir, 'keys', 'data-keys.db');
    const ro = new Database(keysFile, { readonly: true });
    const wrapped = (ro.prepare('SELECT wrapped FROM data_keys WHERE tenant_id = ? AND key_id = ?').get(TENANT, call.recording!.keyId) as { wrapped: Buffer }).wrapped;
    ro.close();
    expect(readFileSync(keysFile).includes(wrapped)).toBe(true);

    const res = await t.api('DELETE', `/api/v1/calls/${call.id}`, { token: await t.token('admin') });
    expect(res.status).toBe(200);
    expect(existsSync(file)).toBe(false);

    writeFileSync(file, copy);
    await expect(readAudio(t.hub, call)).rejects.toMatchObject({ code: 'RECORDING_GONE' });
    expect(readFileSync(keysFile).includes(wrapped)).toBe(false);
  });
});
