import { describe, expect, it } from 'vitest';
import type { LegalHold } from '../../../core/retention/legal-hold';
import { createRetentionPlanner, NO_RULE, planRetention, planRetentionAsync } from '../../../core/retention/retention.plan';
import { parseRetentionPolicy } from '../../../core/retention/retention.policy';
import { buildPreset } from '../../../core/retention/retention.presets';
import { makeCall } from './fixtures';

const education = buildPreset('education');
const now = new Date('2024-06-01T00:00:00Z');
// Started 2023-03-01: ordinary calls are due 2024-03-02 (delete), refund calls in 2026, misdials long due.
const calls = [
  makeCall({ id: 'c-ordinary-1', startedAt: '2023-03-01T08:00:00Z' }),
  makeCall({ id: 'c-refund', startedAt: '2023-03-01T08:00:00Z', inquiryType: '退费' }),
  makeCall({ id: 'c-misdial', startedAt: '2023-03-01T08:00:00Z', durationS: 2 }),
  makeCall({ id: 'c-recent', startedAt: '2024-05-01T08:00:00Z' }),
  makeCall({ id: 'c-held', startedAt: '2023-03-01T08:00:00Z' }),
  makeCall({ id: 'c-gone', status: 'deleted' }),
  makeCall({ id: 'c-ordinary-2', startedAt: '2023-02-01T08:00:00Z' }),
];
const holds: LegalHold[] = [{ id: 'h-1', tenantId: 't-1', by: { kind: 'calls', callIds: ['c-held'] }, reason: 'dispute', author: 'u-legal', createdAt: '2024-01-01T00:00:00Z' }];

describe('planRetention', () => {
  const plan = planRetention(calls, education, holds, now);

  it('counts calls per action', () => {
    expect(plan.total).toBe(7);
    expect(plan.counts).toEqual({ keep: 3, archive: 0, delete: 3, held: 1 });
    expect(plan.heldBack).toEqual({ archive: 0, delete: 1 });
  });

  it('counts calls per rule and action', () => {
    expect(plan.byRule).toEqual({
      default: { keep: 1, archive: 0, delete: 2, held: 1 },
      'refund-enrolment-type': { keep: 1, archive: 0, delete: 0, held: 0 },
      misdial: { keep: 0, archive: 0, delete: 1, held: 0 },
      [NO_RULE]: { keep: 1, archive: 0, delete: 0, held: 0 },
    });
  });

  it('lists the affected calls in input order, held-back ones included', () => {
    expect(plan.firstAffected.map((a) => [a.callId, a.decision.action])).toEqual([
      ['c-ordinary-1', 'delete'],
      ['c-misdial', 'delete'],
      ['c-held', 'held'],
      ['c-ordinary-2', 'delete'],
    ]);
  });

  it('stops listing at the sample limit but keeps counting', () => {
    const limited = planRetention(calls, education, holds, now, { sampleLimit: 2 });
    expect(limited.firstAffected.map((a) => a.callId)).toEqual(['c-ordinary-1', 'c-misdial']);
    expect(limited.counts.delete).toBe(3);
  });

  it('shows exactly the calls a shortened policy would now delete', () => {
    const longer = parseRetentionPolicy({ name: 'long', rules: [{ id: 'all', match: {}, keepDays: 1000, then: 'delete' }] });
    const shorter = parseRetentionPolicy({ name: 'short', rules: [{ id: 'all', match: {}, keepDays: 480, then: 'delete' }] });
    expect(planRetention(calls, longer, [], now).counts.delete).toBe(0);
    expect(planRetention(calls, shorter, [], now).firstAffected.map((a) => a.callId)).toEqual(['c-ordinary-2']);
  });

  it('gives the same plan from an async cursor', async () => {
    async function* cursor() {
      for (const c of calls) yield c;
    }
    expect(await planRetentionAsync(cursor(), education, holds, now)).toEqual(plan);
  });

  it('lets a sweep act on each decision as it counts', () => {
    const planner = createRetentionPlanner(education, holds, now);
    expect(planner.add(calls[0]!)).toMatchObject({ action: 'delete', ruleId: 'default' });
    expect(planner.result().total).toBe(1);
  });
});
