import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { previewRetentionPolicy } from '../../app/retention';
import { principal } from './support/audit-spy';
import { retentionFixture, type RetentionFixture } from './retention-fakes';

let f: RetentionFixture;
let preview: ReturnType<typeof previewRetentionPolicy.bind>;
beforeEach(async () => {
  f = retentionFixture();
  await f.setup();
  await f.addCall(1, 5);
  await f.addCall(2, 40);
  await f.addCall(3, 90);
  preview = previewRetentionPolicy.bind({ ...f.ports, audit: f.spy.audit });
});
afterEach(() => f.close());

const thirtyDays = { name: 'thirty days', rules: [{ id: 'short', match: {}, keepDays: 30, then: 'delete' }] };

describe('preview-retention-policy', () => {
  it('plans the proposed policy beside the one in force, saves nothing, and records one event with the counts', async () => {
    const before = await f.useCases.plan(principal('admin'), { sample: 0 });
    const result = await preview(principal('admin'), { policy: thirtyDays, sample: 10 });
    expect(result.proposed.policy).toEqual({ name: 'thirty days', source: 'custom', version: 1 });
    expect(result.proposed.total).toBe(3);
    expect(result.proposed.counts.delete).toBe(2);
    expect(result.proposed.firstAffected.map((entry) => entry.callId).sort()).toEqual(['c02', 'c03']);
    expect(result.current.counts).toEqual(before.counts);
    expect((await f.useCases.viewPolicy(principal('admin'), undefined)).version).toBe(0);
    expect(await f.status('c02')).toBe('stored');
    expect(f.spy.events.filter((e) => e.action === 'preview_retention_policy')).toEqual([
      expect.objectContaining({ outcome: 'allowed', target: 'settings:retention', reason: 'preview', details: expect.objectContaining({ total: 3, delete: 2 }) }),
    ]);
  });

  it('reads a preset body as PUT /api/v1/retention/policy does', async () => {
    const result = await preview(principal('admin'), { policy: { preset: 'finance' } });
    expect(result.proposed.policy.source).toBe('preset');
    expect(result.proposed.total).toBe(3);
  });

  it('VALIDATION_FAILED for an invalid policy or preset, one error event, nothing saved', async () => {
    await expect(preview(principal('admin'), { policy: { preset: 'casino' } })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(preview(principal('admin'), { policy: { name: 'x', rules: [{ id: 'r', keepDays: -1 }] } })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(f.spy.events.map((e) => e.outcome)).toEqual(['error', 'error']);
    expect((await f.useCases.viewPolicy(principal('admin'), undefined)).version).toBe(0);
  });

  it('refuses every role but admin before reading the store', async () => {
    for (const role of ['agent', 'qa', 'manager', 'auditor'] as const) {
      await expect(preview(principal(role), { policy: thirtyDays })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    expect(f.spy.events.map((e) => [e.outcome, e.reason])).toEqual(Array(4).fill(['denied', 'role_not_permitted']));
  });
});
