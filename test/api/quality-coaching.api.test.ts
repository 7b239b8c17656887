import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coachingOutcomeResponseSchema, coachingProblemsResponseSchema, coachingTaskListResponseSchema, coachingTaskSchema, followUpResponseSchema } from '../../core/api/coaching.api';
import { createSeededRandom } from '../../core/shared/clock.port';
import { startTestHub, type TestHub } from '../support/hub';
import { api, inOneTransaction, insertCall, makeTranscript, storeAnalysis } from './quality-fixtures';

const T = 'coach';
import { DAY_MS } from '../../core/shared/time';
let hub: TestHub;
let manager: string;

/**
 * Generated behaviour: each call has three customer turns; a call where the agent talks over the customer
 * fails the automatic criterion `no_interruptions` (rate 1/3 is above the 20% target).
 */
async function generateCalls(agentId: string, phase: 'before' | 'after', count: number, talkOverShare: number, seed: string) {
  const random = createSeededRandom(seed);
  const now = Date.now();
  await inOneTransaction(hub, async () => {
    for (let i = 0; i < count; i++) {
      // Before: the last 40 days. After: the hours after completion (the test hub runs on the real clock).
      const at = phase === 'before' ? now - (40 - i) * DAY_MS : now + (i + 1) * 3_600_000;
      const call = await insertCall(hub, T, { id: `${agentId}-${phase}-${i}`, agentId, team: 'north', startedAt: new Date(at).toISOString() });
      storeAnalysis(hub, call, makeTranscript({ turns: 3, interrupted: random.next() < talkOverShare ? 1 : 0 }));
    }
  });
}

async function coach(agentId: string): Promise<string> {
  const created = await api(hub, 'POST', '/api/v1/coaching/tasks', manager, {
    agentId,
    criterionIds: ['no_interruptions', 'flag:HIGH_INTERRUPTION'],
    clips: [{ callId: `${agentId}-before-0`, startS: 10, endS: 16, label: 'bad', note: '抢话' }],
    advice: '等客户说完再回应；Let the customer finish before answering.',
  });
  expect(created.status).toBe(201);
  coachingTaskSchema.parse(created.body);
  const agent = await hub.token('agent', { tenant: T, user: `u-${agentId}`, agentId });
  expect((await api(hub, 'POST', `/api/v1/coaching/tasks/${created.body.id}/complete`, agent)).status).toBe(409);
  const acknowledged = await api(hub, 'POST', `/api/v1/coaching/tasks/${created.body.id}/acknowledge`, agent);
  expect(acknowledged.body.status).toBe('acknowledged');
  const completed = await api(hub, 'POST', `/api/v1/coaching/tasks/${created.body.id}/complete`, agent);
  expect(completed.body.status).toBe('completed');
  expect(completed.body.history.map((h: any) => [h.status, h.by])).toEqual([
    ['assigned', 'm-1'],
    ['acknowledged', agentId],
    ['completed', agentId],
  ]);
  return created.body.id;
}

beforeAll(async () => {
  hub = await startTestHub();
  await hub.hub.ensureTenant({ id: T, name: 'Coaching', defaultRegion: 'CN', industry: 'general' });
  for (const id of ['a-change', 'a-same']) {
    await hub.hub.calls.upsertAgent({ tenantId: T, id, name: id, team: 'north', seniority: 'senior', hiredAt: '2020-01-01' });
  }
  await hub.hub.calls.upsertAgent({ tenantId: T, id: 'a-south', name: 'south', team: 'south', seniority: 'senior', hiredAt: '2020-01-01' });
  manager = await hub.token('manager', { tenant: T, user: 'm-1', teams: ['north'] });
  await generateCalls('a-change', 'before', 40, 0.7, 'change-before');
  await generateCalls('a-same', 'before', 40, 0.3, 'same-before');
});
afterAll(async () => hub.close());

describe('the coaching loop', () => {
  it('shows a significant before/after change for an agent who changed and none for one who did not', async () => {
    const changed = await coach('a-change');
    const same = await coach('a-same');
    await generateCalls('a-change', 'after', 40, 0.05, 'change-after');
    await generateCalls('a-same', 'after', 40, 0.3, 'same-after');

    const outcome = await api(hub, 'GET', `/api/v1/coaching/tasks/${changed}/outcome`, manager);
    expect(outcome.status).toBe(200);
    coachingOutcomeResponseSchema.parse(outcome.body);
    expect(outcome.body.sources).toEqual({ evaluations: 0, automatic: 160 });
    const criterion = outcome.body.criteria.find((c: any) => c.criterionId === 'no_interruptions');
    expect(criterion.passRate).toMatchObject({ nBefore: 40, nAfter: 40, significant: true });
    expect(criterion.passRate.diff).toBeGreaterThan(0.4);
    expect(criterion.passRate.pValue).toBeLessThan(0.001);

    const flat = await api(hub, 'GET', `/api/v1/coaching/tasks/${same}/outcome`, manager);
    const flatCriterion = flat.body.criteria.find((c: any) => c.criterionId === 'no_interruptions');
    expect(flatCriterion.passRate).toMatchObject({ nBefore: 40, nAfter: 40, significant: false });
    expect(flatCriterion.passRate.pValue).toBeGreaterThan(0.05);
  });

  it('keeps tasks to the agent and the team\'s managers, assigns follow-up calls, and finds problems', async () => {
    const tasks = await api(hub, 'GET', '/api/v1/coaching/tasks', manager);
    expect(coachingTaskListResponseSchema.parse(tasks.body).items).toHaveLength(2);
    const task = tasks.body.items.find((t: any) => t.agentId === 'a-change');
    const other = await hub.token('agent', { tenant: T, agentId: 'a-same' });
    expect((await api(hub, 'GET', `/api/v1/coaching/tasks/${task.id}`, other)).status).toBe(404);
    expect((await api(hub, 'GET', '/api/v1/coaching/tasks', other)).body.items.map((t: any) => t.agentId)).toEqual(['a-same']);
    const southManager = await hub.token('manager', { tenant: T, user: 'm-2', teams: ['south'] });
    expect((await api(hub, 'GET', `/api/v1/coaching/tasks/${task.id}/outcome`, southManager)).status).toBe(404);
    const denied = await api(hub, 'POST', '/api/v1/coaching/tasks', southManager, { agentId: 'a-change', criterionIds: ['x'], advice: 'x' });
    expect(denied.status).toBe(404);
    const foreignClip = await api(hub, 'POST', '/api/v1/coaching/tasks', manager, {
      agentId: 'a-same',
      criterionIds: ['no_interruptions'],
      clips: [{ callId: 'a-change-before-1', startS: 0, endS: 5, label: 'bad', note: '' }],
      advice: 'x',
    });
    expect(foreignClip.status).toBe(400);

    const followUp = await api(hub, 'POST', `/api/v1/coaching/tasks/${task.id}/follow-up`, manager, { count: 5, reviewerId: 'qa-1', seed: 3 });
    expect(followUpResponseSchema.parse(followUp.body).callIds).toHaveLength(5);
    expect(followUp.body.callIds.every((id: string) => id.startsWith('a-change-after-'))).toBe(true);
    const qa = await hub.token('qa', { tenant: T, user: 'qa-1' });
    expect((await api(hub, 'GET', `/api/v1/calls/${followUp.body.callIds[0]}`, qa)).status).toBe(200);
    const again = await api(hub, 'POST', `/api/v1/coaching/tasks/${task.id}/follow-up`, manager, { count: 5, reviewerId: 'qa-1', seed: 3 });
    expect(again.body.callIds).toEqual(followUp.body.callIds);

    const from = new Date(Date.now() - 45 * DAY_MS).toISOString();
    const to = new Date(Date.now() - 60_000).toISOString();
    const problems = await api(hub, 'GET', `/api/v1/coaching/problems?from=${from}&to=${to}&minCallsPerAgent=5`, manager);
    expect(problems.status).toBe(200);
    coachingProblemsResponseSchema.parse(problems.body);
    expect(problems.body.analysedCalls).toBe(80);
    const individual = problems.body.problems.filter((p: any) => p.criterionId === 'flag:HIGH_INTERRUPTION' && p.scope === 'individual');
    expect(individual.map((p: any) => p.agents[0].agentId)).toEqual(['a-change']);

    // One event per use-case invocation: the two assignments, the other team's manager refused (agent out of
    // reach) and the foreign clip rejected (an error), all under the use-case's action.
    const audit = await hub.hub.auditLog.query(T, { action: 'coach_assign', limit: 100 });
    expect(audit.map((e) => `${e.outcome}:${e.reason ?? ''}:${e.target}`).sort()).toEqual([
      'allowed::coaching:' + tasks.body.items[0].id,
      'allowed::coaching:' + tasks.body.items[1].id,
      'denied:not_found_or_out_of_scope:agent:a-change',
      'error:validation_failed:coaching',
    ].sort());
  });
});
