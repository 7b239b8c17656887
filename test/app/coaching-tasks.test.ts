import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { coachingOutcomeResponseSchema, coachingProblemsResponseSchema, coachingTaskListResponseSchema, coachingTaskSchema, followUpResponseSchema } from '../../core/api/coaching.api';
import { DAY_MS } from '../../core/shared/time';
import { principal } from './support/audit-spy';
import { NOW, once, qualityFixture, transcriptOf, type QualityFixture } from './quality-fixtures';

let fx: QualityFixture;
const managerNorth = principal('manager', { userId: 'm-n', teams: ['north'] });
const managerSouth = principal('manager', { userId: 'm-s', teams: ['south'] });
const agent1 = principal('agent', { userId: 'u-a1', agentId: 'a-1' });
const at = (daysFromNow: number) => new Date(Date.parse(NOW) + daysFromNow * DAY_MS).toISOString();

beforeEach(async () => {
  fx = await qualityFixture();
  for (let i = 0; i < 12; i++) {
    await fx.addCall(`b-${i}`, { agentId: 'a-1', startedAt: at(-30 + i), transcript: transcriptOf({ turns: 3, interrupted: i % 2 ? 1 : 0 }) });
    await fx.addCall(`s-${i}`, { agentId: 'a-2', startedAt: at(-30 + i), transcript: transcriptOf({ turns: 3, interrupted: 0 }) });
  }
});
afterEach(() => fx.close());

const task = { agentId: 'a-1', criterionIds: ['no_interruptions', 'flag:HIGH_INTERRUPTION'], clips: [{ callId: 'b-1', startS: 10, endS: 16, label: 'bad' as const }], advice: '等客户说完' };

describe('coaching tasks', () => {
  it('assign-coaching-task: the team manager assigns; another team is NOT_FOUND on the agent; a clip of another agent is VALIDATION_FAILED', async () => {
    const created = await once(fx, () => fx.coaching.assignCoachingTask(managerNorth, task));
    const body = coachingTaskSchema.parse(created.result);
    expect(body).toMatchObject({ agentId: 'a-1', status: 'assigned', assignedBy: 'm-n' });
    expect(created.event).toMatchObject({ action: 'coach_assign', target: `coaching:${body.id}`, outcome: 'allowed', details: { agentId: 'a-1', criteria: 2, clips: 1 } });
    const south = await once(fx, () => fx.coaching.assignCoachingTask(managerSouth, task));
    expect(south.error).toMatchObject({ code: 'NOT_FOUND', message: 'No agent with this id is visible to you' });
    expect(south.event).toMatchObject({ outcome: 'denied', reason: 'not_found_or_out_of_scope', target: 'agent:a-1' });
    const foreign = await once(fx, () => fx.coaching.assignCoachingTask(managerNorth, { ...task, clips: [{ callId: 's-1', startS: 0, endS: 5, label: 'bad' }] }));
    expect(foreign.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    const agent = await once(fx, () => fx.coaching.assignCoachingTask(agent1, task));
    expect(agent.event).toMatchObject({ outcome: 'denied', reason: 'role_not_permitted' });
  });

  it('list-coaching-tasks and get-coaching-task: the agent and the team see it, another agent does not', async () => {
    const created = await fx.coaching.assignCoachingTask(managerNorth, task);
    const listed = await once(fx, () => fx.coaching.listCoachingTasks(agent1, {}));
    expect(coachingTaskListResponseSchema.parse(listed.result).items.map((t) => t.id)).toEqual([created.id]);
    expect(listed.event).toMatchObject({ action: 'view_coaching', target: 'coaching', details: { returned: 1 } });
    expect((await fx.coaching.listCoachingTasks(principal('agent', { agentId: 'a-2' }), { agentId: 'a-1' })).items).toEqual([]);
    const read = await once(fx, () => fx.coaching.getCoachingTask(managerNorth, { id: created.id }));
    expect(read.result).toMatchObject({ id: created.id });
    const hidden = await once(fx, () => fx.coaching.getCoachingTask(principal('agent', { agentId: 'a-2' }), { id: created.id }));
    expect(hidden.error).toMatchObject({ code: 'NOT_FOUND', message: 'No coaching task with this id is visible to you' });
    expect(hidden.event).toMatchObject({ outcome: 'denied', reason: 'not_found_or_out_of_scope' });
  });

  it('acknowledge and complete: the agent steps the task as their agent id; completing first is a CONFLICT', async () => {
    const created = await fx.coaching.assignCoachingTask(managerNorth, task);
    const early = await once(fx, () => fx.coaching.completeCoachingTask(agent1, { id: created.id }));
    expect(early.error).toMatchObject({ code: 'CONFLICT' });
    expect(early.event).toMatchObject({ action: 'coach_complete', outcome: 'error', reason: 'conflict' });
    const acknowledged = await once(fx, () => fx.coaching.acknowledgeCoachingTask(agent1, { id: created.id }));
    expect(acknowledged.result).toMatchObject({ status: 'acknowledged' });
    expect(acknowledged.event).toMatchObject({ action: 'coach_acknowledge', outcome: 'allowed', details: { agentId: 'a-1', status: 'acknowledged' } });
    const completed = await once(fx, () => fx.coaching.completeCoachingTask(agent1, { id: created.id }));
    expect(completed.result!.history.map((h) => [h.status, h.by])).toEqual([
      ['assigned', 'm-n'],
      ['acknowledged', 'a-1'],
      ['completed', 'a-1'],
    ]);
  });

  it('plan-follow-up assigns calls after completion, the same for the same seed; before completion CONFLICT; the agent may not review', async () => {
    const created = await fx.coaching.assignCoachingTask(managerNorth, task);
    const before = await once(fx, () => fx.coaching.planFollowUp(managerNorth, { taskId: created.id, reviewerId: 'qa-1' }));
    expect(before.error).toMatchObject({ code: 'CONFLICT' });
    await fx.coaching.acknowledgeCoachingTask(agent1, { id: created.id });
    await fx.coaching.completeCoachingTask(agent1, { id: created.id });
    for (let i = 0; i < 6; i++) await fx.addCall(`after-${i}`, { agentId: 'a-1', startedAt: at(i + 1), transcript: transcriptOf({ turns: 3, interrupted: 0 }) });
    const picked = await once(fx, () => fx.coaching.planFollowUp(managerNorth, { taskId: created.id, reviewerId: 'qa-1', count: 3, seed: 7 }));
    const body = followUpResponseSchema.parse(picked.result);
    expect(body.callIds).toHaveLength(3);
    expect(body.callIds.every((id) => id.startsWith('after-'))).toBe(true);
    expect(picked.event).toMatchObject({ action: 'coach_follow_up', outcome: 'allowed', details: { assigned: 3, reviewerId: 'qa-1' } });
    expect((await fx.coaching.planFollowUp(managerNorth, { taskId: created.id, reviewerId: 'qa-1', count: 3, seed: 7 })).callIds).toEqual(body.callIds);
    const self = await once(fx, () => fx.coaching.planFollowUp(managerNorth, { taskId: created.id, reviewerId: 'a-1' }));
    expect(self.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    const south = await once(fx, () => fx.coaching.planFollowUp(managerSouth, { taskId: created.id, reviewerId: 'qa-1' }));
    expect(south.error).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('get-coaching-outcome compares before and after on automatic criteria; CONFLICT before completion', async () => {
    const created = await fx.coaching.assignCoachingTask(managerNorth, task);
    const early = await once(fx, () => fx.coaching.getCoachingOutcome(managerNorth, { id: created.id }));
    expect(early.error).toMatchObject({ code: 'CONFLICT' });
    await fx.coaching.acknowledgeCoachingTask(agent1, { id: created.id });
    await fx.coaching.completeCoachingTask(agent1, { id: created.id });
    for (let i = 0; i < 6; i++) await fx.addCall(`after-${i}`, { agentId: 'a-1', startedAt: at(i + 1), transcript: transcriptOf({ turns: 3, interrupted: 0 }) });
    const outcome = await once(fx, () => fx.coaching.getCoachingOutcome(managerNorth, { id: created.id, beforeDays: '60' }));
    const body = coachingOutcomeResponseSchema.parse(outcome.result);
    expect(body.sources).toEqual({ evaluations: 0, automatic: 36 });
    expect(body.criteria.find((c) => c.criterionId === 'no_interruptions')!.passRate).toMatchObject({ nBefore: 12, nAfter: 6 });
    expect(outcome.event).toMatchObject({ action: 'view_coaching', reason: 'outcome', outcome: 'allowed', details: { observations: 36 } });
    const bad = await once(fx, () => fx.coaching.getCoachingOutcome(managerNorth, { id: created.id, alpha: '2' }));
    expect(bad.error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/^Invalid query: alpha: /) });
  });

  it('find-coaching-problems reports over the analysed calls of the range; an empty range is VALIDATION_FAILED', async () => {
    const range = { from: at(-40), to: at(0) };
    const found = await once(fx, () => fx.coaching.findCoachingProblems(principal('admin'), { ...range, minCallsPerAgent: '5' }));
    const body = coachingProblemsResponseSchema.parse(found.result);
    expect(body.analysedCalls).toBe(24);
    expect(found.event).toMatchObject({ action: 'view_coaching', target: 'coaching:problems', outcome: 'allowed', details: { problems: body.problems.length } });
    const empty = await once(fx, () => fx.coaching.findCoachingProblems(managerNorth, { from: range.to, to: range.from }));
    expect(empty.error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'from must be before to' });
    const agent = await once(fx, () => fx.coaching.findCoachingProblems(agent1, range));
    expect(agent.event).toMatchObject({ outcome: 'denied', reason: 'role_not_permitted' });
  });
});
