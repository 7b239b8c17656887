import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliActor, systemActor } from '../../app/shared/actor';
import { forEveryTenant } from '../../app/retention';
import { principal } from './support/audit-spy';
import { retentionFixture, TENANT, type RetentionFixture } from './retention-fakes';

const POLICY = {
  name: 'tiered',
  rules: [
    { id: 'misdial', match: { misdial: true }, keepDays: 30, then: 'delete' },
    { id: 'default', match: {}, keepDays: 200, then: 'delete', archiveAfterDays: 100 },
  ],
};
const sweeper = systemActor('t1', 'retention-sweep');

let f: RetentionFixture;
beforeEach(async () => {
  f = retentionFixture({ pageSize: 2 });
  await f.setup();
  await f.store.putPolicy('t1', { source: 'custom', preset: null, policy: POLICY }, 'u-admin', '2026-05-01T00:00:00Z');
  await f.addCall(1, 10); // keep
  await f.addCall(2, 150); // archive
  await f.addCall(3, 300); // delete
  await f.addCall(4, 40, { durationS: 2, status: 'misdial' }); // delete (misdial)
  await f.addCall(5, 400); // delete, but held below in some tests
});
afterEach(() => f.close());

describe('plan-retention', () => {
  it('says what a sweep would do now and changes nothing; the event carries the counts', async () => {
    const plan = await f.useCases.plan(principal('auditor'), { sample: '2' });
    expect(plan).toMatchObject({ tenantId: 't1', policy: { name: 'tiered', source: 'custom', version: 1 }, total: 5, counts: { keep: 1, archive: 1, delete: 3, held: 0 } });
    expect(plan.firstAffected).toHaveLength(2);
    expect(await f.status('c03')).toBe('stored');
    expect(f.spy.events).toEqual([
      { tenantId: 't1', actor: 'u-auditor', role: 'auditor', action: 'view_retention_plan', target: 'settings:retention', outcome: 'allowed', details: { total: 5, keep: 1, archive: 1, delete: 3, held: 0 } },
    ]);
  });

  it('counts a held call as held and what the hold stops', async () => {
    await f.store.insertHold({ id: 'hold_1', tenantId: 't1', by: { kind: 'calls', callIds: ['c05'] }, reason: 'Complaint', author: 'u-admin', createdAt: '2026-05-01T00:00:00Z' });
    const plan = await f.useCases.plan(cliActor('t1'), {});
    expect(plan.counts).toEqual({ keep: 1, archive: 1, delete: 2, held: 1 });
    expect(plan.heldBack).toEqual({ archive: 0, delete: 1 });
  });

  it('VALIDATION_FAILED for a sample out of range, the same for every caller', async () => {
    const error = await f.useCases.plan(cliActor('t1'), { sample: '5000' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((error as Error).message).toMatch(/^Invalid query: sample: /);
    expect(f.spy.events).toMatchObject([{ outcome: 'error', reason: 'validation_failed' }]);
  });

  it('NOT_FOUND for an unknown tenant', async () => {
    await expect(f.useCases.plan(cliActor('ghost'), {})).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'Tenant is not configured on this hub' });
  });
});

describe('run-retention-sweep', () => {
  it('archives and crypto-shreds what is due, with a certificate per deletion, and one sweep event', async () => {
    const outcome = await f.useCases.sweep(sweeper, undefined);
    expect(outcome).toMatchObject({ tenantId: 't1', completed: true, resumed: false, processed: 5, counts: { keep: 1, archive: 1, delete: 3, held: 0 }, completedPending: 0, policyVersion: 1 });
    expect([await f.status('c01'), await f.status('c02'), await f.status('c03'), await f.status('c04'), await f.status('c05')]).toEqual(['stored', 'archived', 'deleted', 'deleted', 'deleted']);
    expect(f.archived.has('t1/c02') && !f.hot.has('t1/c02')).toBe(true);
    expect([...f.destroyedKeys].sort()).toEqual(['k-3', 'k-4', 'k-5']);
    expect(f.purged.sort()).toEqual(['t1/c03', 't1/c04', 't1/c05']);
    expect(await f.store.getTombstone('t1', 'c03')).toMatchObject({ basis: 'policy', ruleId: 'default', actor: 'retention-sweep' });
    expect((await f.chain('retention_delete')).map((e) => [e.target, e.reason, (e.details as Record<string, unknown>).certificate])).toEqual([
      ['call:c03', 'retention_rule', 'deletion'],
      ['call:c04', 'retention_rule', 'deletion'],
      ['call:c05', 'retention_rule', 'deletion'],
    ]);
    expect((await f.chain('retention_archive')).map((e) => e.target)).toEqual(['call:c02']);
    expect(f.spy.events).toEqual([
      expect.objectContaining({ actor: 'retention-sweep', role: null, action: 'retention_sweep', target: `retention_sweep:${outcome.sweepId}`, outcome: 'allowed', details: expect.objectContaining({ processed: 5, delete: 3, completed: true }) }),
    ]);
    const again = await f.useCases.sweep(sweeper, undefined);
    expect(again.counts).toMatchObject({ archive: 0, delete: 0 });
  });

  it('never touches a held call', async () => {
    await f.store.insertHold({ id: 'hold_1', tenantId: 't1', by: { kind: 'calls', callIds: ['c05'] }, reason: 'Complaint', author: 'u-admin', createdAt: '2026-05-01T00:00:00Z' });
    const outcome = await f.useCases.sweep(cliActor('t1'), undefined);
    expect(outcome.counts).toMatchObject({ delete: 2, held: 1 });
    expect(await f.status('c05')).toBe('stored');
  });

  it('stopped by its signal, answers completed: false; the next run resumes after the checkpoint with the same instant', async () => {
    const controller = new AbortController();
    const first = await f.useCases.sweep(sweeper, { signal: controller.signal, onProgress: (done) => done === 3 && controller.abort() });
    expect(first).toMatchObject({ completed: false, processed: 3 });
    expect(await f.store.openSweep('t1')).toMatchObject({ processed: 2 });
    f.advanceDays(1);
    const last = await f.useCases.sweep(sweeper, undefined);
    expect(last).toMatchObject({ completed: true, resumed: true, processed: 5, decidedAt: first.decidedAt, sweepId: first.sweepId });
    expect(f.spy.events.map((e) => [e.outcome, (e.details as Record<string, unknown>).completed])).toEqual([['allowed', false], ['allowed', true]]);
  });

  it('a crash in the middle of a deletion is finished first by the next run', async () => {
    f.failNextPurge();
    await expect(f.useCases.sweep(sweeper, undefined)).rejects.toThrow('simulated crash');
    expect(f.spy.events).toMatchObject([{ action: 'retention_sweep', outcome: 'error', reason: 'internal', target: null }]);
    expect(f.ports.journal.pending('t1')).toHaveLength(1);
    const last = await f.useCases.sweep(sweeper, undefined);
    expect(last).toMatchObject({ completed: true, resumed: true, completedPending: 1 });
    expect([await f.status('c03'), await f.status('c04'), await f.status('c05')]).toEqual(['deleted', 'deleted', 'deleted']);
    expect(await f.ports.journal.pending('t1')).toHaveLength(0);
    expect(await f.chain('retention_delete')).toHaveLength(3);
  });

  it('CONFLICT while another sweep of the tenant runs in this process', async () => {
    f.ports.sweeps.acquire('t1');
    await expect(f.useCases.sweep(sweeper, undefined)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(f.spy.events).toMatchObject([{ outcome: 'error', reason: 'conflict' }]);
  });

  it('admins may run it; other roles are refused; options that are not sweep controls are rejected', async () => {
    await expect(f.useCases.sweep(principal('admin'), {})).resolves.toMatchObject({ completed: true });
    await expect(f.useCases.sweep(principal('auditor'), {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(f.useCases.sweep(principal('admin'), { signal: true } as never)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(f.spy.events.map((e) => e.outcome)).toEqual(['allowed', 'denied', 'error']);
  });

  it('NOT_FOUND for an unknown tenant, before any sweep is started', async () => {
    await expect(f.useCases.sweep(cliActor('ghost'), undefined)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await f.store.openSweep('ghost')).toBeNull();
  });
});

describe('forEveryTenant', () => {
  it('sweeps each tenant as the system actor of that tenant; a failing tenant does not stop the others', async () => {
    await f.calls.upsertTenant({ ...TENANT, id: 't0' });
    f.ports.sweeps.acquire('t0');
    const { results, failures } = await forEveryTenant(f.ports, f.useCases.sweep, 'retention-sweep', undefined);
    expect(results.map((r) => r.tenantId)).toEqual(['t1']);
    expect(failures).toMatchObject([{ tenantId: 't0', code: 'CONFLICT' }]);
    expect(f.spy.events.map((e) => [e.tenantId, e.actor, e.outcome])).toEqual([
      ['t0', 'retention-sweep', 'error'],
      ['t1', 'retention-sweep', 'allowed'],
    ]);
  });

  it('stops before the next tenant once aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const { results } = await forEveryTenant(f.ports, f.useCases.plan, 'cli', {}, { signal: controller.signal });
    expect(results).toEqual([]);
    expect(f.spy.events).toEqual([]);
  });
});
