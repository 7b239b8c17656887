import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../../core/shared/clock.port';
import { planSample, type SampleAgentInput, type SampleCallInput, type SampleReviewerInput } from '../../../core/sampling/sample-plan';
import { shuffleSeeded } from '../../../core/sampling/seeded-order';

interface GeneratedMonth {
  period: string;
  calls: SampleCallInput[];
  agents: SampleAgentInput[];
  reviewers: SampleReviewerInput[];
}

/** A month of calls: 14 agents (5 new), 5-80 calls each, ~30% flagged, IVR calls and calls in the neighbouring months. */
function generateMonth(seed: number, period = '2025-03'): GeneratedMonth {
  const random = createSeededRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(random.next() * (hi - lo + 1));
  const agents: SampleAgentInput[] = Array.from({ length: 14 }, (_, i) => ({ id: `agent-${String(i).padStart(2, '0')}`, seniority: i < 5 ? 'new' : 'senior' }));
  const [year, month] = period.split('-').map(Number) as [number, number];
  const calls: SampleCallInput[] = [];
  let n = 0;
  const at = (monthOffset: number) => new Date(Date.UTC(year, month - 1 + monthOffset, int(1, 28), int(0, 23), int(0, 59))).toISOString();
  for (const agent of agents) {
    const count = int(5, 80);
    for (let i = 0; i < count; i++) {
      calls.push({ id: `call-${seed}-${n++}`, agentId: agent.id, startedAt: at(0), riskScore: random.next() < 0.3 ? Math.round(random.next() * 100) / 100 + 0.01 : 0 });
    }
    calls.push({ id: `call-${seed}-${n++}`, agentId: agent.id, startedAt: at(-1), riskScore: 0.9 });
    calls.push({ id: `call-${seed}-${n++}`, agentId: agent.id, startedAt: at(1), riskScore: 0.9 });
  }
  for (let i = 0; i < 10; i++) calls.push({ id: `call-${seed}-${n++}`, agentId: null, startedAt: at(0), riskScore: 0.5 });
  const reviewers: SampleReviewerInput[] = [{ id: 'qa-1' }, { id: 'qa-2' }, { id: 'qa-3' }, { id: 'qa-4', agentId: 'agent-07' }];
  return { period, calls, agents, reviewers };
}

const SEEDS = [1, 2, 3, 42, 2025];

describe('sampling plan on generated months', () => {
  it.each(SEEDS)('meets every agent quota (seed %i)', (seed) => {
    const month = generateMonth(seed);
    const plan = planSample({ ...month, seed });
    const inPeriod = month.calls.filter((c) => c.startedAt.startsWith(month.period) && c.agentId !== null);
    for (const agent of month.agents) {
      const own = inPeriod.filter((c) => c.agentId === agent.id);
      const share = agent.seniority === 'new' ? 0.5 : 0.1;
      const sampled = plan.items.filter((i) => i.agentId === agent.id);
      expect(sampled.length).toBe(Math.ceil(share * own.length - 1e-9));
      expect(sampled.length).toBeGreaterThanOrEqual(share * own.length);
      const ownIds = new Set(own.map((c) => c.id));
      expect(sampled.every((i) => ownIds.has(i.callId))).toBe(true);
      expect(plan.agents.find((a) => a.agentId === agent.id)).toMatchObject({ calls: own.length, sampled: sampled.length });
    }
    expect(new Set(plan.items.map((i) => i.callId)).size).toBe(plan.items.length);
    expect(plan.totals.callsWithoutAgent).toBe(10);
  });

  it.each(SEEDS)('puts the riskiest calls first and keeps a random control stratum (seed %i)', (seed) => {
    const month = generateMonth(seed);
    const plan = planSample({ ...month, seed });
    const strata = new Set(plan.items.map((i) => i.stratum));
    expect(strata.has('risk')).toBe(true);
    expect(strata.has('control')).toBe(true);
    expect(plan.items.filter((i) => i.stratum === 'control').length).toBe(Math.round(0.2 * plan.items.length));
    const sampledIds = new Set(plan.items.map((i) => i.callId));
    for (const agent of month.agents) {
      const risk = plan.items.filter((i) => i.agentId === agent.id && i.stratum === 'risk');
      if (risk.length === 0) continue;
      const leftOut = month.calls.filter((c) => c.agentId === agent.id && c.startedAt.startsWith(month.period) && !sampledIds.has(c.id));
      const minPicked = Math.min(...risk.map((i) => i.riskScore));
      expect(leftOut.every((c) => c.riskScore <= minPicked)).toBe(true);
    }
  });

  it('gives the same plan for the same seed whatever the input order, and another plan for another seed', () => {
    const month = generateMonth(7);
    const first = planSample({ ...month, seed: 99 });
    const reordered = planSample({
      ...month,
      calls: shuffleSeeded(month.calls, createSeededRandom('x')),
      agents: [...month.agents].reverse(),
      reviewers: [...month.reviewers].reverse(),
      seed: 99,
    });
    expect(reordered).toEqual(first);
    expect(planSample({ ...month, seed: 100 }).fingerprint).not.toBe(first.fingerprint);
  });

  it.each(SEEDS)('balances reviewer load, never assigns own calls, double-scores blindly (seed %i)', (seed) => {
    const month = generateMonth(seed);
    const plan = planSample({ ...month, seed });
    const loads = plan.reviewers.map((r) => r.assigned);
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
    expect(loads.reduce((a, b) => a + b, 0)).toBe(plan.items.reduce((a, i) => a + i.reviewerIds.length, 0));
    expect(plan.items.filter((i) => i.agentId === 'agent-07').some((i) => i.reviewerIds.includes('qa-4'))).toBe(false);
    const doubles = plan.items.filter((i) => i.doubleScored);
    expect(doubles.length).toBe(Math.round(0.1 * plan.items.length));
    for (const item of doubles) {
      expect(item.blind).toBe(true);
      expect(new Set(item.reviewerIds).size).toBe(2);
    }
    expect(plan.items.every((i) => i.reviewerIds.length >= 1)).toBe(true);
  });

  it('fills the quota at random without risk-first, and honours custom quotas', () => {
    const month = generateMonth(3);
    const plan = planSample({ ...month, seed: 3, riskFirst: false, quotas: { new: 1, senior: 0.25 } });
    expect(plan.items.some((i) => i.stratum === 'risk')).toBe(false);
    for (const a of plan.agents) expect(a.sampled).toBe(Math.ceil(a.quotaShare * a.calls - 1e-9));
    expect(plan.agents.filter((a) => a.seniority === 'new').every((a) => a.sampled === a.calls)).toBe(true);
  });

  it('reports calls nobody may review instead of assigning them to their own agent', () => {
    const plan = planSample({
      period: '2025-03',
      calls: [{ id: 'c1', agentId: 'a1', startedAt: '2025-03-02T10:00:00Z', riskScore: 1 }],
      agents: [{ id: 'a1', seniority: 'new' }],
      reviewers: [{ id: 'r1', agentId: 'a1' }],
      seed: 1,
    });
    expect(plan.items[0]!.reviewerIds).toEqual([]);
    expect(plan.totals.unassigned).toBe(1);
  });

  it.each([
    ['a bad period', { period: '2025-13' }, /YYYY-MM/],
    ['a share above 1', { controlShare: 1.5 }, /controlShare/],
    ['calls of an unknown agent', { agents: [] }, /missing from the agent list/],
    ['a duplicate call id', { calls: [{ id: 'c', agentId: 'a', startedAt: '2025-03-01T00:00:00Z', riskScore: 0 }, { id: 'c', agentId: 'a', startedAt: '2025-03-01T00:00:00Z', riskScore: 0 }] }, /unique/],
  ])('rejects %s', (_name, override, message) => {
    const base = {
      period: '2025-03',
      calls: [{ id: 'c', agentId: 'a', startedAt: '2025-03-01T00:00:00Z', riskScore: 0 }],
      agents: [{ id: 'a', seniority: 'new' as const }],
      reviewers: [{ id: 'r' }],
      seed: 1,
    };
    expect(() => planSample({ ...base, ...override })).toThrow(message);
  });
});
