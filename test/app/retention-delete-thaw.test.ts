import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliActor } from '../../app/shared/actor';
import { thawBeforePlay } from '../../app/retention';
import { makeCall } from '../contracts/support/fixtures';
import { principal } from './support/audit-spy';
import { retentionFixture, type RetentionFixture } from './retention-fakes';

let f: RetentionFixture;
beforeEach(async () => {
  f = retentionFixture();
  await f.setup();
  await f.addCall(1, 5);
  await f.addCall(2, 5, { agentId: 'a2' });
});
afterEach(() => f.close());

const admin = principal('admin');

describe('delete-call', () => {
  it('crypto-shreds the call; its one event is the deletion certificate, written in the tombstone transaction', async () => {
    const result = await f.useCases.deleteCall(admin, { callId: 'c01' });
    expect(result.deletion).toEqual({ callId: 'c01', status: 'deleted', deletedAt: '2026-06-01T12:00:00.000Z', ruleId: null, basis: 'admin', audioSha256: 'ab'.repeat(32) });
    expect(await f.status('c01')).toBe('deleted');
    expect(f.destroyedKeys.has('k-1')).toBe(true);
    expect(f.hot.has('t1/c01')).toBe(false);
    expect(f.purged).toEqual(['t1/c01']);
    expect(f.journalEntries.get('t1/c01')).toMatchObject({ basis: 'admin', actor: 'u-admin', role: 'admin', completedAt: '2026-06-01T12:00:00.000Z' });
    expect(f.spy.events).toEqual([]);
    expect(await f.chain('delete')).toEqual([
      expect.objectContaining({
        tenantId: 't1', actor: 'u-admin', role: 'admin', action: 'delete', target: 'call:c01', outcome: 'allowed', reason: 'admin_request',
        details: { certificate: 'deletion', deletedAt: '2026-06-01T12:00:00.000Z', ruleId: null, audioSha256: 'ab'.repeat(32), dataKey: 'destroyed', audio: 'removed', archive: 'removed', derived: 'purged' },
      }),
    ]);
  });

  it('LEGAL_HOLD while a hold is in force, naming the holds; the call is untouched', async () => {
    await f.store.insertHold({ id: 'hold_1', tenantId: 't1', by: { kind: 'agent', agentId: 'a1' }, reason: 'HR', author: 'u-admin', createdAt: '2026-05-01T00:00:00Z' });
    const error = await f.useCases.deleteCall(admin, { callId: 'c01' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'LEGAL_HOLD', details: { holdIds: ['hold_1'] } });
    expect(await f.status('c01')).toBe('stored');
    expect(f.spy.events).toMatchObject([{ action: 'delete', target: 'call:c01', outcome: 'denied', reason: 'legal_hold' }]);
  });

  it('RECORDING_GONE the second time, CALL_NOT_FOUND for an absent or malformed id, FORBIDDEN for other roles', async () => {
    await f.useCases.deleteCall(admin, { callId: 'c01' });
    await expect(f.useCases.deleteCall(admin, { callId: 'c01' })).rejects.toMatchObject({ code: 'RECORDING_GONE' });
    await expect(f.useCases.deleteCall(admin, { callId: 'c99' })).rejects.toMatchObject({ code: 'CALL_NOT_FOUND' });
    await expect(f.useCases.deleteCall(admin, { callId: 'a/b' })).rejects.toMatchObject({ code: 'CALL_NOT_FOUND' });
    await expect(f.useCases.deleteCall(principal('manager'), { callId: 'c02' })).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'Only admins may delete calls' });
    expect((await f.chain('delete')).map((e) => [e.target, e.outcome, e.reason])).toEqual([['call:c01', 'allowed', 'admin_request']]);
    expect(f.spy.events.map((e) => [e.target, e.outcome, e.reason])).toEqual([
      ['call:c01', 'denied', 'already_deleted'],
      ['call:c99', 'denied', 'not_found_or_out_of_scope'],
      [null, 'denied', 'not_found_or_out_of_scope'],
      ['call:c02', 'denied', 'role_not_permitted'],
    ]);
    expect(await f.status('c02')).toBe('stored');
  });

  it('a deletion interrupted after its journal entry is finished, with its certificate, by the next sweep', async () => {
    f.failNextPurge();
    await expect(f.useCases.deleteCall(admin, { callId: 'c01' })).rejects.toThrow('simulated crash');
    expect(f.spy.events).toMatchObject([{ action: 'delete', outcome: 'error', reason: 'internal' }]);
    await f.useCases.sweep(cliActor('t1'), undefined);
    expect(await f.status('c01')).toBe('deleted');
    expect((await f.chain('delete')).map((e) => [e.actor, e.role, e.reason])).toEqual([['u-admin', 'admin', 'admin_request']]);
  });
});

describe('thaw-call', () => {
  const owner = principal('agent', { agentId: 'a1' });

  it('brings an archived call back for someone allowed to play it; the next sweeps leave it hot for the thaw period', async () => {
    await f.ports.archive.archive({ tenantId: 't1', recordingId: 'c01', keyId: 'k-1', bytes: 1000 });
    await f.store.transitionStatus('t1', 'c01', ['stored'], 'archived', () => undefined);
    const played = await f.useCases.thawCall(owner, { callId: 'c01' });
    expect(played.status).toBe('stored');
    expect(await f.status('c01')).toBe('stored');
    expect(f.hot.has('t1/c01') && !f.archived.has('t1/c01')).toBe(true);
    expect(await f.store.thawedSince('t1', '2026-05-01T00:00:00Z')).toEqual(new Map([['c01', '2026-06-01T12:00:00.000Z']]));
    expect(f.spy.events).toEqual([{ tenantId: 't1', actor: 'u-agent', role: 'agent', action: 'retention_thaw', target: 'call:c01', outcome: 'allowed', reason: 'played' }]);
  });

  it('repairs a call whose audio the sweep moved before marking it', async () => {
    await f.ports.archive.archive({ tenantId: 't1', recordingId: 'c01', keyId: 'k-1', bytes: 1000 });
    expect((await f.useCases.thawCall(cliActor('t1'), { callId: 'c01' })).status).toBe('stored');
    expect(f.hot.has('t1/c01')).toBe(true);
  });

  it('CALL_NOT_FOUND for a call the actor may not play; a hot call comes back unchanged', async () => {
    await expect(f.useCases.thawCall(owner, { callId: 'c02' })).rejects.toMatchObject({ code: 'CALL_NOT_FOUND' });
    const hot = await f.useCases.thawCall(owner, { callId: 'c01' });
    expect(hot).toEqual(await f.calls.getCall('t1', 'c01', { kind: 'all' }));
    expect(f.spy.events.map((e) => e.outcome)).toEqual(['denied', 'allowed']);
  });

  it('thawBeforePlay runs the use-case only when the audio must come back, so a plain playback adds no event', async () => {
    const beforePlay = thawBeforePlay(f.ports, f.useCases.thawCall);
    const call = (await f.calls.getCall('t1', 'c01', { kind: 'all' }))!;
    expect(await beforePlay(call, owner)).toBe(call);
    expect(f.spy.events).toEqual([]);
    await f.ports.archive.archive({ tenantId: 't1', recordingId: 'c01', keyId: 'k-1', bytes: 1000 });
    expect((await beforePlay({ ...call, status: 'archived' }, owner)).status).toBe('stored');
    expect(f.spy.events).toHaveLength(1);
  });
});

describe('reapply-deletions', () => {
  it('after a restore, deletes again what the journal says was deleted, with a certificate marked as reapplied, and one restore event', async () => {
    await f.useCases.deleteCall(admin, { callId: 'c01' });
    // A restore brings back the database of before the deletion: the call row is live again.
    const restored = makeCall(1, { tenantId: 't1', startedAt: '2026-05-27T12:00:00.000Z', endedAt: '2026-05-27T12:00:00.000Z', createdAt: '2026-05-27T12:00:00.000Z', id: 'c03', providerCallId: 'p-3' });
    await f.calls.insertCall(restored);
    f.journal(restored);
    f.spy.events.length = 0;
    const result = await f.useCases.reapplyDeletions(cliActor('t1'), { backupId: 'b-1', backupCreatedAt: '2026-05-30T00:00:00Z' });
    expect(result).toEqual({ backupId: 'b-1', journalled: 2, redeleted: 1 });
    expect(await f.status('c03')).toBe('deleted');
    expect((await f.chain('delete')).map((e) => [e.target, e.reason])).toEqual([
      ['call:c01', 'admin_request'],
      ['call:c03', 'reapplied_after_restore'],
    ]);
    expect(f.spy.events).toEqual([
      { tenantId: 't1', actor: 'cli', role: null, action: 'restore', target: 'backup:b-1', outcome: 'allowed', details: { backupCreatedAt: '2026-05-30T00:00:00Z', redeleted: 1, journalled: 2 } },
    ]);
  });

  it('is for trusted code only', async () => {
    await expect(f.useCases.reapplyDeletions(admin, { backupId: 'b-1', backupCreatedAt: 'x' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(f.spy.events).toMatchObject([{ outcome: 'denied', reason: 'system_only' }]);
  });
});
