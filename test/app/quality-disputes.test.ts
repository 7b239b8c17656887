import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { calibrationResponseSchema, disputeListResponseSchema, disputeSchema, resolveDisputeResponseSchema } from '../../core/api/quality.api';
import { principal } from './support/audit-spy';
import { ANSWERS, once, qualityFixture, transcriptOf, type QualityFixture } from './quality-fixtures';

let fx: QualityFixture;
let evaluationId: string;
const qaNorth = principal('qa', { userId: 'qa-1', teams: ['north'] });
const agent1 = principal('agent', { userId: 'u-a1', agentId: 'a-1' });
const managerNorth = principal('manager', { userId: 'm-n', teams: ['north'] });
const managerSouth = principal('manager', { userId: 'm-s', teams: ['south'] });

beforeEach(async () => {
  fx = await qualityFixture();
  await fx.addCall('c-1', { agentId: 'a-1', transcript: transcriptOf({ turns: 3, interrupted: 0 }) });
  evaluationId = (await fx.quality.submitEvaluation(qaNorth, { callId: 'c-1', answers: ANSWERS.map((a) => (a.criterionId === 'empathy' ? { ...a, value: 0 } : a)) })).id;
});
afterEach(() => fx.close());

describe('disputes', () => {
  it('open-dispute: the agent disputes their own evaluation once; another agent gets NOT_FOUND; a manager is refused', async () => {
    const opened = await once(fx, () => fx.quality.openDispute(agent1, { evaluationId, criterionId: 'empathy', reason: '我安抚了客户' }));
    const dispute = disputeSchema.parse(opened.result);
    expect(dispute).toMatchObject({ status: 'open', criterionId: 'empathy', openedBy: 'u-a1' });
    expect(opened.event).toMatchObject({ action: 'open_dispute', target: `dispute:${dispute.id}`, outcome: 'allowed', details: { evaluationId, callId: 'c-1' } });
    expect(JSON.stringify(opened.event)).not.toContain('安抚');
    const twice = await once(fx, () => fx.quality.openDispute(agent1, { evaluationId, reason: 'again' }));
    expect(twice.error).toMatchObject({ code: 'CONFLICT' });
    const other = await once(fx, () => fx.quality.openDispute(principal('agent', { agentId: 'a-2' }), { evaluationId, reason: 'x' }));
    expect(other.error).toMatchObject({ code: 'NOT_FOUND' });
    expect(other.event).toMatchObject({ outcome: 'denied', reason: 'not_own_evaluation' });
    const manager = await once(fx, () => fx.quality.openDispute(managerNorth, { evaluationId, reason: 'x' }));
    expect(manager.error).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('list-disputes and get-dispute: the agent and the team manager read it; QA is refused; another team sees nothing', async () => {
    const dispute = await fx.quality.openDispute(agent1, { evaluationId, reason: 'x' });
    const own = await once(fx, () => fx.quality.listDisputes(agent1, {}));
    expect(disputeListResponseSchema.parse(own.result).items.map((d) => d.id)).toEqual([dispute.id]);
    expect(own.event).toMatchObject({ action: 'view_disputes', outcome: 'allowed', details: { returned: 1 } });
    expect((await fx.quality.listDisputes(managerSouth, { status: 'open' })).items).toEqual([]);
    const qa = await once(fx, () => fx.quality.listDisputes(qaNorth, {}));
    expect(qa.error).toMatchObject({ code: 'FORBIDDEN', message: 'Your role (qa) may not read disputes' });
    expect(qa.event).toMatchObject({ outcome: 'denied', reason: 'role_not_permitted' });
    const read = await once(fx, () => fx.quality.getDispute(managerNorth, { id: dispute.id }));
    expect(read.result).toMatchObject({ id: dispute.id });
    expect(read.event).toMatchObject({ target: `dispute:${dispute.id}`, outcome: 'allowed' });
    const hidden = await once(fx, () => fx.quality.getDispute(managerSouth, { id: dispute.id }));
    expect(hidden.error).toMatchObject({ code: 'NOT_FOUND' });
    expect(hidden.event).toMatchObject({ outcome: 'denied', reason: 'not_found_or_out_of_scope' });
  });

  it('resolve-dispute: a changed outcome needs answers; the revision replaces the score and the call score follows; twice is a CONFLICT', async () => {
    const dispute = await fx.quality.openDispute(agent1, { evaluationId, reason: 'x' });
    const south = await once(fx, () => fx.quality.resolveDispute(managerSouth, { disputeId: dispute.id, outcome: 'upheld', note: 'no' }));
    expect(south.error).toMatchObject({ code: 'NOT_FOUND' });
    const noAnswers = await once(fx, () => fx.quality.resolveDispute(managerNorth, { disputeId: dispute.id, outcome: 'changed', note: 'ok' }));
    expect(noAnswers.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    const resolved = await once(fx, () => fx.quality.resolveDispute(managerNorth, { disputeId: dispute.id, outcome: 'changed', note: 'ok', answers: [...ANSWERS] }));
    const body = resolveDisputeResponseSchema.parse(resolved.result);
    expect(body).toMatchObject({ status: 'resolved', outcome: 'changed', resolvedBy: 'm-n', revisedEvaluationId: body.revisedEvaluation!.id });
    expect(body.callScore).toBe(body.revisedEvaluation!.score.total);
    expect(resolved.event).toMatchObject({ action: 'resolve_dispute', reason: 'changed', outcome: 'allowed', details: { evaluationId, revisedEvaluationId: body.revisedEvaluation!.id } });
    const twice = await once(fx, () => fx.quality.resolveDispute(managerNorth, { disputeId: dispute.id, outcome: 'upheld', note: 'again' }));
    expect(twice.error).toMatchObject({ code: 'CONFLICT' });
  });
});

describe('calibration', () => {
  it('report-calibration measures two reviewers on the same calls; an empty range is VALIDATION_FAILED; QA is refused', async () => {
    const qaOther = principal('qa', { userId: 'qa-2', teams: ['north'] });
    await fx.quality.submitEvaluation(qaOther, { callId: 'c-1', answers: [...ANSWERS] });
    for (let i = 2; i < 5; i++) {
      await fx.addCall(`c-${i}`, { agentId: 'a-1', startedAt: `2026-03-0${i}T09:00:00.000Z`, transcript: transcriptOf({ turns: 3, interrupted: 0 }) });
      await fx.quality.submitEvaluation(qaNorth, { callId: `c-${i}`, answers: ANSWERS.map((a) => (typeof a.value === 'number' ? { ...a, value: i } : a)) });
      await fx.quality.submitEvaluation(qaOther, { callId: `c-${i}`, answers: ANSWERS.map((a) => (typeof a.value === 'number' ? { ...a, value: i + 1 } : a)) });
    }
    const range = { from: '2026-02-01T00:00:00Z', to: '2026-04-01T00:00:00Z' };
    const report = await once(fx, () => fx.quality.reportCalibration(managerNorth, range));
    const body = calibrationResponseSchema.parse(report.result);
    expect(body.reports).toHaveLength(1);
    expect(body.reports[0]).toMatchObject({ scorecardId: 'default', version: 1, doubleScoredCalls: 4, evaluationsUsed: 8 });
    expect(report.event).toMatchObject({ action: 'calibrate', target: 'calibration', outcome: 'allowed', details: { reports: 1, evaluationsUsed: 8 } });
    expect((await fx.quality.reportCalibration(managerSouth, range)).reports).toEqual([]);
    const empty = await once(fx, () => fx.quality.reportCalibration(managerNorth, { from: range.to, to: range.from }));
    expect(empty.error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'from must be before to' });
    const qa = await once(fx, () => fx.quality.reportCalibration(qaNorth, range));
    expect(qa.event).toMatchObject({ outcome: 'denied', reason: 'role_not_permitted' });
  });
});
