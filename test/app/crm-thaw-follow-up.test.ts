/** A thaw on play puts the recording back to stored, so the call's CRM records are queued again (no longer "archived"). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { attachCrmFollowUps, type CrmFollowUpReason } from '../../app/crm/index';
import { principal } from './support/audit-spy';
import { retentionFixture, type RetentionFixture } from './retention-fakes';

let f: RetentionFixture;
const told: [string, string, CrmFollowUpReason][] = [];
beforeEach(async () => {
  told.length = 0;
  f = retentionFixture();
  await f.setup();
  await f.addCall(1, 5);
  attachCrmFollowUps([f.store], { callChanged: async (tenantId, callId, reason) => void told.push([tenantId, callId, reason]) });
});
afterEach(() => f.close());

describe('thaw-call and the CRM record', () => {
  const owner = principal('agent', { agentId: 'a1' });

  it('queues the call update once the thawed call is stored again', async () => {
    await f.ports.archive.archive({ tenantId: 't1', recordingId: 'c01', keyId: 'k-1', bytes: 1000 });
    await f.store.transitionStatus('t1', 'c01', ['stored'], 'archived', () => undefined);
    expect((await f.useCases.thawCall(owner, { callId: 'c01' })).status).toBe('stored');
    expect(told).toEqual([['t1', 'c01', 'recording']]);
  });

  it('queues nothing for a call that was hot already', async () => {
    await f.useCases.thawCall(owner, { callId: 'c01' });
    expect(told).toEqual([]);
  });

  it('fails the thaw when the update cannot be queued (never left stale unnoticed)', async () => {
    attachCrmFollowUps([f.store], { callChanged: async () => Promise.reject(Object.assign(new Error('outbox down'), { code: 'UPSTREAM_FAILED' })) });
    await f.ports.archive.archive({ tenantId: 't1', recordingId: 'c01', keyId: 'k-1', bytes: 1000 });
    await f.store.transitionStatus('t1', 'c01', ['stored'], 'archived', () => undefined);
    await expect(f.useCases.thawCall(owner, { callId: 'c01' })).rejects.toThrow('outbox down');
  });
});
