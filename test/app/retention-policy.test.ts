import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliActor } from '../../app/shared/actor';
import { principal } from './support/audit-spy';
import { retentionFixture, type RetentionFixture } from './retention-fakes';

let f: RetentionFixture;
beforeEach(async () => {
  f = retentionFixture();
  await f.setup();
});
afterEach(() => f.close());

describe('view-retention-policy', () => {
  it('answers the industry preset at version 0 until a policy is saved, one allowed event', async () => {
    const view = await f.useCases.viewPolicy(principal('auditor'), undefined);
    expect(view).toMatchObject({ tenantId: 't1', source: 'preset', preset: 'general', version: 0, updatedBy: null });
    expect(view.policy.rules.map((r) => r.id)).toEqual(['misdial', 'default']);
    expect(f.spy.events).toEqual([{ tenantId: 't1', actor: 'u-auditor', role: 'auditor', action: 'view_settings', target: 'settings:retention', outcome: 'allowed' }]);
  });

  it('refuses roles without view_audit before touching the store', async () => {
    await expect(f.useCases.viewPolicy(principal('manager'), undefined)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(f.spy.events).toMatchObject([{ outcome: 'denied', reason: 'role_not_permitted', role: 'manager' }]);
  });

  it('NOT_FOUND for a tenant the hub does not have, recorded as an error', async () => {
    const error = await f.useCases.viewPolicy(cliActor('ghost'), undefined).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'Tenant is not configured on this hub' });
    expect(f.spy.events).toMatchObject([{ tenantId: 'ghost', actor: 'cli', role: null, outcome: 'error', reason: 'not_found' }]);
  });
});

describe('change-retention-policy', () => {
  const rules = { name: 'sixty days', rules: [{ id: 'short', match: {}, keepDays: 60, then: 'delete' }] };

  it('saves rules written by an admin, versioned, and records the change with its facts', async () => {
    const change = await f.useCases.changePolicy(principal('admin'), rules);
    expect(change.previousVersion).toBe(0);
    expect(change.view).toMatchObject({ source: 'custom', preset: null, version: 1, updatedBy: 'u-admin', updatedAt: '2026-06-01T12:00:00.000Z' });
    expect(f.spy.events).toEqual([
      {
        tenantId: 't1', actor: 'u-admin', role: 'admin', action: 'change_settings', target: 'settings:retention', outcome: 'allowed',
        reason: 'retention_policy', details: { source: 'custom', name: 'sixty days', rules: 1, version: 1, previousVersion: 0 },
      },
    ]);
    expect((await f.useCases.viewPolicy(principal('admin'), undefined)).version).toBe(1);
  });

  it('saves a preset with its options (medical years) and a preset without options at the longest default', async () => {
    const two = await f.useCases.changePolicy(principal('admin'), { preset: 'medical', options: { medicalYears: 2 } });
    expect(two.view).toMatchObject({ source: 'preset', preset: 'medical', version: 1 });
    expect(two.view.policy.rules.find((r) => r.id === 'default')!.keepDays).toBe(731);
    const five = await f.useCases.changePolicy(cliActor('t1'), { preset: 'medical' });
    expect(five.view.policy.rules.find((r) => r.id === 'default')!.keepDays).toBe(1827);
    expect(five.view.updatedBy).toBe('cli');
  });

  it.each([
    ['an archive step not before the deletion', { name: 'x', rules: [{ id: 'all', match: {}, keepDays: 30, then: 'delete', archiveAfterDays: 40 }] }, 'Retention policy rejected: rules.0.archiveAfterDays: must be less than keepDays'],
    ['a preset option out of range', { preset: 'medical', options: { medicalYears: 9 } }, 'Retention preset rejected: options.medicalYears:'],
    ['no body', undefined, 'Retention policy rejected: (root):'],
  ])('rejects %s with VALIDATION_FAILED, saves nothing, one error event', async (_name, body, message) => {
    const error = await f.useCases.changePolicy(principal('admin'), body).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((error as Error).message).toContain(message);
    expect(await f.store.getPolicy('t1')).toBeNull();
    expect(f.spy.events).toMatchObject([{ action: 'change_settings', outcome: 'error', reason: 'validation_failed' }]);
  });

  it('refuses every role but admin', async () => {
    for (const role of ['manager', 'qa', 'agent', 'auditor'] as const) {
      await expect(f.useCases.changePolicy(principal(role), rules)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    expect(f.spy.events.map((e) => e.outcome)).toEqual(['denied', 'denied', 'denied', 'denied']);
    expect(await f.store.getPolicy('t1')).toBeNull();
  });
});
