import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliActor } from '../../app/shared/actor';
import { callEvaluationsResponseSchema, evaluationViewSchema, submitEvaluationResponseSchema } from '../../core/api/quality.api';
import { principal } from './support/audit-spy';
import { ANSWERS, once, qualityFixture, transcriptOf, type QualityFixture } from './quality-fixtures';

let fx: QualityFixture;
beforeEach(async () => {
  fx = await qualityFixture();
  await fx.addCall('c-1', { agentId: 'a-1', transcript: transcriptOf({ turns: 3, interrupted: 1, sensitive: true }) });
  await fx.addCall('c-2', { agentId: 'a-2', transcript: transcriptOf({ turns: 3, interrupted: 0 }) });
  await fx.addCall('c-ivr', { agentId: null });
});
afterEach(() => fx.close());

const qaNorth = principal('qa', { userId: 'qa-1', teams: ['north'] });
const qaOther = principal('qa', { userId: 'qa-2', teams: ['north'] });

describe('evaluations', () => {
  it('submit-evaluation scores a call in scope with the automatic criteria from its analysis and publishes the call score', async () => {
    const { result, event } = await once(fx, () => fx.quality.submitEvaluation(qaNorth, { callId: 'c-1', answers: [...ANSWERS] }));
    const evaluation = submitEvaluationResponseSchema.parse(result);
    expect(evaluation).toMatchObject({ callId: 'c-1', agentId: 'a-1', reviewerId: 'qa-1', scorecard: { scorecardId: 'default', version: 1 } });
    expect(evaluation.score.failedCriticalIds).toEqual(['no_sensitive_words']);
    expect(evaluation.callScore).toBe(evaluation.score.total);
    expect(event).toMatchObject({ action: 'evaluate', target: 'call:c-1', outcome: 'allowed', details: { evaluationId: evaluation.id, scorecardId: 'default', version: 1 } });
  });

  it('submit-evaluation: a call out of scope is CALL_NOT_FOUND, recorded as denied', async () => {
    const { error, event } = await once(fx, () => fx.quality.submitEvaluation(qaNorth, { callId: 'c-2', answers: [...ANSWERS] }));
    expect(error).toMatchObject({ code: 'CALL_NOT_FOUND' });
    expect(event).toMatchObject({ outcome: 'denied', reason: 'not_found_or_out_of_scope', target: 'call:c-2' });
  });

  it('submit-evaluation: a reviewer who takes calls may not score their own; agents may not score at all', async () => {
    const own = await once(fx, () => fx.quality.submitEvaluation(principal('manager', { teams: ['north'], agentId: 'a-1' }), { callId: 'c-1', answers: [...ANSWERS] }));
    expect(own.error).toMatchObject({ code: 'FORBIDDEN', message: 'a reviewer may not score their own call' });
    expect(own.event).toMatchObject({ outcome: 'denied', reason: 'own_call' });
    const agent = await once(fx, () => fx.quality.submitEvaluation(principal('agent', { agentId: 'a-1' }), { callId: 'c-1', answers: [...ANSWERS] }));
    expect(agent.event).toMatchObject({ outcome: 'denied', reason: 'role_not_permitted' });
  });

  it('submit-evaluation: an IVR call, a missing answer or points out of range are VALIDATION_FAILED', async () => {
    const ivr = await once(fx, () => fx.quality.submitEvaluation(cliActor('t1'), { callId: 'c-ivr', answers: [...ANSWERS] }));
    expect(ivr.error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'IVR and bot calls have no agent to score' });
    expect(ivr.event).toMatchObject({ outcome: 'error', reason: 'validation_failed', actor: 'cli' });
    const missing = await once(fx, () => fx.quality.submitEvaluation(qaNorth, { callId: 'c-1', answers: ANSWERS.slice(1) }));
    expect(missing.error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/identity_verified/) });
    expect(missing.event).toMatchObject({ outcome: 'error', reason: 'validation_failed' });
    const points = await once(fx, () => fx.quality.submitEvaluation(qaNorth, { callId: 'c-1', answers: [{ criterionId: 'greeting', value: 500 }] }));
    expect(points.error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/^Invalid evaluation: answers\.0\.value: /) });
    expect(points.event).toMatchObject({ outcome: 'error', reason: 'validation_failed', target: null });
  });

  it('list-call-evaluations shows the evaluations with the call score; a blind second reviewer sees none until theirs is in', async () => {
    const first = (await fx.quality.submitEvaluation(qaNorth, { callId: 'c-1', answers: [...ANSWERS] })).id;
    await fx.ports.store.savePlan(
      't1',
      {
        period: '2026-03',
        seed: 's',
        settings: { quotas: { new: 0.5, senior: 0.1 }, riskFirst: true, controlShare: 0.2, doubleScoreShare: 0.1, minRiskScore: 0 },
        items: [{ callId: 'c-1', agentId: 'a-1', stratum: 'risk', riskScore: 1, reviewerIds: ['qa-1', 'qa-2'], doubleScored: true, blind: true }],
        agents: [],
        reviewers: [],
        totals: { callsInPeriod: 1, callsWithoutAgent: 0, sampled: 1, doubleScored: 1, unassigned: 0 },
        fingerprint: 'f',
      },
      'u-admin',
      '2026-04-01T00:00:00Z',
      false,
    );
    const blind = await once(fx, () => fx.quality.listCallEvaluations(qaOther, { callId: 'c-1' }));
    expect(callEvaluationsResponseSchema.parse(blind.result)).toMatchObject({ blind: true, callScore: null, items: [] });
    expect(blind.event).toMatchObject({ outcome: 'allowed', reason: 'blind_until_scored', details: { returned: 0 } });
    const hidden = await once(fx, () => fx.quality.getEvaluation(qaOther, { id: first }));
    expect(hidden.error).toMatchObject({ code: 'NOT_FOUND' });
    expect(hidden.event).toMatchObject({ outcome: 'denied', reason: 'not_found_or_out_of_scope', target: `evaluation:${first}` });

    await fx.quality.submitEvaluation(qaOther, { callId: 'c-1', answers: [...ANSWERS] });
    const seen = await once(fx, () => fx.quality.listCallEvaluations(qaOther, { callId: 'c-1' }));
    expect(seen.result).toMatchObject({ blind: false, items: [{ id: first, effective: true, disputes: [] }, expect.anything()] });
    expect(seen.event).toMatchObject({ outcome: 'allowed', details: { returned: 2 } });
  });

  it('get-evaluation reads one evaluation in scope; an agent reads only their own', async () => {
    const id = (await fx.quality.submitEvaluation(qaNorth, { callId: 'c-1', answers: [...ANSWERS] })).id;
    const own = await once(fx, () => fx.quality.getEvaluation(principal('agent', { agentId: 'a-1' }), { id }));
    expect(evaluationViewSchema.parse(own.result)).toMatchObject({ id, effective: true });
    expect(own.event).toMatchObject({ action: 'view_evaluations', outcome: 'allowed', target: `evaluation:${id}` });
    const other = await once(fx, () => fx.quality.getEvaluation(principal('agent', { agentId: 'a-2' }), { id }));
    expect(other.error).toMatchObject({ code: 'NOT_FOUND' });
    const outside = await once(fx, () => fx.quality.listCallEvaluations(principal('agent', { agentId: 'a-2' }), { callId: 'c-1' }));
    expect(outside.error).toMatchObject({ code: 'CALL_NOT_FOUND' });
  });
});
