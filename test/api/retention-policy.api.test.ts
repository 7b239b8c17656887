import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { retentionPlanSchema, retentionPolicyViewSchema } from '../../core/api/retention.api';
import { fsAudioOf } from '../support/hub';
import { startRetentionHub, TENANT, TestClock, readAudio, type RetentionTestHub } from './retention-harness';

let t: RetentionTestHub;
let admin: string;
const clock = new TestClock('2026-06-01T12:00:00Z');

// Ages on 2026-06-01: 11 days, 92 days, 182 days, 365 days; plus a 7-day-old misdial.
const CALLS = [
  ['recent', '2026-05-21T09:00:00Z', 8],
  ['march', '2026-03-01T09:00:00Z', 8],
  ['december', '2025-12-01T09:00:00Z', 8],
  ['last-year', '2025-06-01T09:00:00Z', 8],
  ['misdial', '2026-05-25T09:00:00Z', 3],
] as const;

beforeAll(async () => {
  t = await startRetentionHub({ clock });
  admin = await t.token('admin');
  for (const [id, startedAt, durationS] of CALLS) await t.ingest(id, startedAt, durationS);
});
afterAll(async () => t.close());

const idsOf = async (names: readonly string[]) => Promise.all(names.map(async (n) => (await t.call(n)).id));

describe('retention policy over the API', () => {
  it('starts from the industry preset and lets only admins read it and change it, validated and audited', async () => {
    const view = await t.api('GET', '/api/v1/retention/policy', { token: admin });
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ source: 'preset', preset: 'general', version: 0 });
    expect(retentionPolicyViewSchema.parse(view.body)).toEqual(view.body);
    expect(view.body.policy.rules.map((r: { id: string }) => r.id)).toEqual(['misdial', 'default']);

    expect((await t.api('GET', '/api/v1/retention/policy', { token: await t.token('auditor') })).status).toBe(200);
    const byAgent = await t.api('PUT', '/api/v1/retention/policy', { token: await t.token('agent'), body: { preset: 'finance' } });
    expect(byAgent.status).toBe(403);
    const bad = await t.api('PUT', '/api/v1/retention/policy', {
      token: admin,
      body: { name: 'x', rules: [{ id: 'all', match: {}, keepDays: 30, then: 'delete', archiveAfterDays: 40 }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect(bad.body.error.message).toContain('rules.0.archiveAfterDays: must be less than keepDays');
    expect((await t.api('GET', '/api/v1/retention/policy', { token: admin })).body.version).toBe(0);

    const denied = await t.hub.auditLog.query(TENANT, { action: 'change_settings', target: 'settings:retention', limit: 10 });
    // The role refusal is `denied`; the rejected policy is an `error` (validation_failed), as the use-case wrapper records every invalid input.
    expect(denied.map((e) => [e.role, e.outcome, e.reason])).toEqual([
      ['agent', 'denied', 'role_not_permitted'],
      ['admin', 'error', 'validation_failed'],
    ]);
  });

  it('shortening the policy deletes the stored calls that now expire, exactly those the dry run showed', async () => {
    const before = await t.api('GET', '/api/v1/retention/plan?sample=100', { token: admin });
    expect(before.status).toBe(200);
    expect(before.body.counts).toEqual({ keep: 4, archive: 0, delete: 1, held: 0 });
    expect(retentionPlanSchema.parse(before.body)).toEqual(before.body);
    expect(before.body.firstAffected.map((a: { callId: string }) => a.callId)).toEqual(await idsOf(['last-year']));
    await t.retention.sweepNow();
    expect((await t.call('last-year')).status).toBe('deleted');

    const shorter = {
      name: 'sixty days',
      rules: [
        { id: 'misdial', match: { misdial: true }, keepDays: 30, then: 'delete' },
        { id: 'short', match: {}, keepDays: 60, then: 'delete' },
      ],
    };
    const saved = await t.api('PUT', '/api/v1/retention/policy', { token: admin, body: shorter });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ source: 'custom', version: 1 });
    const changed = await t.hub.auditLog.query(TENANT, { action: 'change_settings', outcome: 'allowed', limit: 10 });
    expect(changed).toHaveLength(1);
    expect(changed[0]!.details).toMatchObject({ name: 'sixty days', rules: 2, version: 1, previousVersion: 0 });

    const plan = await t.api('GET', '/api/v1/retention/plan?sample=100', { token: admin });
    const planned = plan.body.firstAffected.map((a: { callId: string; decision: { action: string; ruleId: string } }) => [a.callId, a.decision.action, a.decision.ruleId]);
    const [march = '', december = ''] = await idsOf(['march', 'december']);
    expect(planned.sort()).toEqual([[march, 'delete', 'short'], [december, 'delete', 'short']].sort());
    expect(plan.body.byRule.short).toEqual({ keep: 1, archive: 0, delete: 2, held: 0 });
    // The dry run changed nothing.
    expect((await t.call('march')).status).toBe('stored');

    const march0 = await t.call('march');
    await t.retention.sweepNow();
    const deleted = [];
    for (const [name] of CALLS) if ((await t.call(name)).status === 'deleted') deleted.push((await t.call(name)).id);
    expect(deleted.sort()).toEqual((await idsOf(['march', 'december', 'last-year'])).sort());

    // Deleted: tombstone with the rule and audio digest, key destroyed, file gone, audio answers 410.
    const tombstone = await t.retention.store.getTombstone(TENANT, march);
    expect(tombstone).toMatchObject({ ruleId: 'short', basis: 'policy', audioSha256: march0.recording!.sha256 });
    expect(await t.hub.keys.hasDataKey(TENANT, march0.recording!.keyId)).toBe(false);
    expect(existsSync(fsAudioOf(t.hub).pathFor(TENANT, march))).toBe(false);
    const view = await t.api('GET', `/api/v1/calls/${march}`, { token: admin });
    expect(view.body).toMatchObject({ status: 'deleted', recording: null });
    const audio = await t.api('GET', `/api/v1/calls/${march}/audio`, { token: admin });
    expect(audio.status).toBe(410);
    expect(audio.body.error.code).toBe('RECORDING_GONE');

    // One deletion certificate per deleted call.
    const certificates = await t.hub.auditLog.query(TENANT, { action: 'retention_delete', limit: 100 });
    expect(certificates.map((e) => e.target).sort()).toEqual(deleted.map((id) => `call:${id}`).sort());
    expect(certificates.every((e) => (e.details as { certificate?: string }).certificate === 'deletion')).toBe(true);

    // What the policy keeps is untouched and still plays.
    const recent = await t.call('recent');
    expect(recent.status).toBe('stored');
    expect((await readAudio(t.hub, recent)).length).toBe(recent.recording!.bytes);
  });

  it('switches to a preset with options, e.g. medical years', async () => {
    const res = await t.api('PUT', '/api/v1/retention/policy', { token: admin, body: { preset: 'medical', options: { medicalYears: 2 } } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ source: 'preset', preset: 'medical', version: 2 });
    expect(res.body.policy.rules.find((r: { id: string }) => r.id === 'default').keepDays).toBe(731);
    const wrong = await t.api('PUT', '/api/v1/retention/policy', { token: admin, body: { preset: 'medical', options: { medicalYears: 9 } } });
    expect(wrong.status).toBe(400);
  });
});
