import { describe, expect, it } from 'vitest';
import { acknowledgeCoachingTask, completeCoachingTask, createCoachingTask, type CoachingTask } from '../../../core/coaching/coaching-task';
import { compareCoachingOutcome, compareRatesBeforeAfter, compareScoresBeforeAfter, pickFollowUpCalls } from '../../../core/coaching/coaching-verification';
import { findProblems, type CriterionObservation } from '../../../core/coaching/problems';
import { createSeededRandom, type RandomSource } from '../../../core/shared/clock.port';
import { CallsightError } from '../../../core/shared/errors';

function observe(random: RandomSource, agentId: string, criterionId: string, passRate: number, n: number, startDay = 1): CriterionObservation[] {
  return Array.from({ length: n }, (_, i) => ({
    agentId,
    callId: `${agentId}-${criterionId}-${startDay}-${i}`,
    startedAt: new Date(Date.UTC(2025, 0, startDay) + i * 3_600_000).toISOString(),
    criterionId,
    pass: random.next() < passRate,
  }));
}

describe('finding problems', () => {
  const random = createSeededRandom('problems');
  const agents = Array.from({ length: 10 }, (_, i) => `agent-${i}`);
  const observations = agents.flatMap((agent, i) => [
    // greeting: half the team struggles -> shared
    ...observe(random, agent, 'greeting', i < 5 ? 0.5 : 0.95, 40),
    // empathy: only agent-9 struggles -> individual
    ...observe(random, agent, 'empathy', agent === 'agent-9' ? 0.3 : 0.95, 40),
  ]);
  const problems = findProblems(observations);

  it('reports a problem many agents share as shared', () => {
    const shared = problems.filter((p) => p.scope === 'shared');
    expect(shared.map((p) => p.criterionId)).toEqual(['greeting']);
    expect(shared[0]!.agents.map((a) => a.agentId)).toEqual(['agent-0', 'agent-1', 'agent-2', 'agent-3', 'agent-4']);
  });

  it('reports one agent clearly below the team as individual, and nobody else', () => {
    const individual = problems.filter((p) => p.scope === 'individual' && p.criterionId === 'empathy');
    expect(individual).toHaveLength(1);
    expect(individual[0]!.agents[0]!.agentId).toBe('agent-9');
    expect(individual[0]!.agents[0]!.pValue!).toBeLessThan(0.001);
    expect(problems.some((p) => p.scope === 'shared' && p.criterionId === 'empathy')).toBe(false);
  });

  it('does not judge agents with too few observations', () => {
    const few = observe(createSeededRandom(1), 'new-agent', 'empathy', 0, 3);
    expect(findProblems([...observations, ...few]).some((p) => p.agents.some((a) => a.agentId === 'new-agent'))).toBe(false);
  });
});

describe('coaching task lifecycle', () => {
  const assigned = createCoachingTask({
    id: 'task-1',
    agentId: 'agent-9',
    criterionIds: ['empathy'],
    clips: [{ callId: 'c-1', startS: 30, endS: 55, label: 'bad', note: 'no acknowledgement of the complaint' }],
    advice: 'Acknowledge the feeling before the fix: 理解您的心情.',
    by: 'coach-1',
    at: '2025-02-01T09:00:00.000Z',
    dueAt: '2025-02-15T09:00:00.000Z',
  });

  it('moves assigned -> acknowledged -> completed and records each step', () => {
    const acknowledged = acknowledgeCoachingTask(assigned, { by: 'agent-9', at: '2025-02-02T09:00:00.000Z' });
    const completed = completeCoachingTask(acknowledged, { by: 'coach-1', at: '2025-02-10T09:00:00.000Z' });
    expect(completed).toMatchObject({ status: 'completed', acknowledgedAt: '2025-02-02T09:00:00.000Z', completedAt: '2025-02-10T09:00:00.000Z' });
    expect(completed.history.map((h) => h.status)).toEqual(['assigned', 'acknowledged', 'completed']);
    expect(assigned.status).toBe('assigned');
  });

  it.each([
    ['someone else acknowledging', () => acknowledgeCoachingTask(assigned, { by: 'agent-1', at: '2025-02-02T09:00:00.000Z' }), 'FORBIDDEN'],
    ['completing before acknowledging', () => completeCoachingTask(assigned, { by: 'agent-9', at: '2025-02-02T09:00:00.000Z' }), 'CONFLICT'],
    ['acknowledging twice', () => acknowledgeCoachingTask(acknowledgeCoachingTask(assigned, { by: 'agent-9', at: '2025-02-02T09:00:00.000Z' }), { by: 'agent-9', at: '2025-02-03T09:00:00.000Z' }), 'CONFLICT'],
    ['acknowledging before the assignment', () => acknowledgeCoachingTask(assigned, { by: 'agent-9', at: '2025-01-02T09:00:00.000Z' }), 'VALIDATION_FAILED'],
    ['verifying an unfinished task', () => pickFollowUpCalls({ task: assigned, calls: [], count: 5, seed: 1 }), 'CONFLICT'],
  ])('refuses %s', (_name, attempt, code) => {
    expect(attempt).toThrow(CallsightError);
    try {
      attempt();
    } catch (error) {
      expect((error as CallsightError).code).toBe(code);
    }
  });
});

function completedTask(agentId: string): CoachingTask {
  const task = createCoachingTask({ id: `task-${agentId}`, agentId, criterionIds: ['empathy'], clips: [], advice: 'Slow down and acknowledge.', by: 'coach-1', at: '2025-02-01T00:00:00.000Z' });
  return completeCoachingTask(acknowledgeCoachingTask(task, { by: agentId, at: '2025-02-02T00:00:00.000Z' }), { by: agentId, at: '2025-02-14T00:00:00.000Z' });
}

/** An agent's calls: 80 in January (before), 20 during the training, 120 in March (after); pass odds per phase. */
function generateAgent(agentId: string, seed: number, passBefore: number, passAfter: number) {
  const random = createSeededRandom(seed);
  const calls: { id: string; agentId: string; startedAt: string; phase: 'before' | 'during' | 'after' }[] = [];
  const add = (phase: 'before' | 'during' | 'after', month: number, day0: number, n: number) => {
    for (let i = 0; i < n; i++) {
      calls.push({ id: `${agentId}-${phase}-${i}`, agentId, startedAt: new Date(Date.UTC(2025, month, day0) + i * 5 * 3_600_000).toISOString(), phase });
    }
  };
  add('before', 0, 1, 80);
  add('during', 1, 3, 20);
  add('after', 2, 1, 120);
  const outcome = new Map(calls.map((c) => {
    const p = c.phase === 'after' ? passAfter : passBefore;
    return [c.id, { pass: random.next() < p, score: Math.min(1, Math.max(0, p + (random.next() - 0.5) * 0.6)) }] as const;
  }));
  return { calls, outcome };
}

describe('before/after verification', () => {
  function verify(agentId: string, seed: number, passBefore: number, passAfter: number) {
    const task = completedTask(agentId);
    const { calls, outcome } = generateAgent(agentId, seed, passBefore, passAfter);
    const followUp = pickFollowUpCalls({ task, calls, count: 60, seed: 11 });
    expect(followUp).toHaveLength(60);
    expect(followUp.every((c) => c.phase === 'after')).toBe(true);
    const reviewed = [...calls.filter((c) => c.phase !== 'after'), ...followUp];
    const observations: CriterionObservation[] = reviewed.map((c) => ({ agentId, callId: c.id, startedAt: c.startedAt, criterionId: 'empathy', ...outcome.get(c.id)! }));
    return compareCoachingOutcome({ task, observations });
  }

  it('shows a real change as significant', () => {
    const result = verify('agent-improves', 5, 0.45, 0.85).criteria[0]!;
    expect(result.passRate.nBefore).toBe(80);
    expect(result.passRate.nAfter).toBe(60);
    expect(result.passRate.diff!).toBeGreaterThan(0.2);
    expect(result.passRate.significant).toBe(true);
    expect(result.passRate.pValue!).toBeLessThan(0.001);
    expect(result.score!.significant).toBe(true);
    expect(result.score!.test).toBe('welch');
  });

  // One unchanged agent is flagged with probability alpha by construction, so the claim is checked over many.
  it('shows no change as not significant (false-positive rate near alpha over 200 generated agents)', () => {
    let flagged = 0;
    let scoreFlagged = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const result = verify(`agent-same-${seed}`, seed, 0.6, 0.6).criteria[0]!;
      expect(Math.abs(result.passRate.diff!)).toBeLessThan(0.35);
      if (result.passRate.significant) flagged++;
      if (result.score!.significant) scoreFlagged++;
    }
    expect(flagged / 200).toBeLessThanOrEqual(0.09);
    expect(scoreFlagged / 200).toBeLessThanOrEqual(0.09);
  });

  it('detects a real change in nearly every generated agent (power)', () => {
    let flagged = 0;
    for (let seed = 1; seed <= 100; seed++) if (verify(`agent-up-${seed}`, seed, 0.5, 0.85).criteria[0]!.passRate.significant) flagged++;
    expect(flagged / 100).toBeGreaterThanOrEqual(0.95);
  });

  it('picks the same follow-up calls for the same seed, whatever the input order', () => {
    const task = completedTask('agent-x');
    const { calls } = generateAgent('agent-x', 1, 0.5, 0.5);
    const a = pickFollowUpCalls({ task, calls, count: 10, seed: 3 });
    const b = pickFollowUpCalls({ task, calls: [...calls].reverse(), count: 10, seed: 3 });
    expect(b).toEqual(a);
    expect(pickFollowUpCalls({ task, calls, count: 10, seed: 4 })).not.toEqual(a);
  });

  it('compares rates and scores directly', () => {
    expect(compareRatesBeforeAfter({ passes: 30, n: 100 }, { passes: 45, n: 100 })).toMatchObject({ before: 0.3, after: 0.45, test: 'z', significant: true });
    expect(compareRatesBeforeAfter({ passes: 3, n: 10 }, { passes: 0, n: 0 })).toMatchObject({ test: 'none', pValue: null, significant: false });
    const mw = compareScoresBeforeAfter([60, 62, 65, 58, 61, 63], [80, 78, 85, 82, 79, 81], 'mann-whitney');
    expect(mw).toMatchObject({ test: 'mann-whitney', significant: true });
    expect(mw.diff!).toBeCloseTo(80.8333333 - 61.5, 5);
  });
});
