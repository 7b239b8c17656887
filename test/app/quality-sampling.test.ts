import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliActor } from '../../app/shared/actor';
import { myReviewsResponseSchema, reviewersResponseSchema, samplePlanResponseSchema, storedSamplePlanResponseSchema } from '../../core/api/quality.api';
import { principal } from './support/audit-spy';
import { ANSWERS, once, qualityFixture, transcriptOf, type QualityFixture } from './quality-fixtures';

let fx: QualityFixture;
const admin = principal('admin');
beforeEach(async () => {
  fx = await qualityFixture();
  for (let i = 0; i < 12; i++) {
    const agentId = i % 2 ? 'a-1' : 'a-2';
    await fx.addCall(`s-${i}`, { agentId, startedAt: `2026-03-${String(i + 1).padStart(2, '0')}T09:00:00.000Z`, transcript: transcriptOf({ turns: 3, interrupted: i % 3 === 0 ? 2 : 0, sensitive: i === 4 }) });
  }
  await fx.addCall('s-new', { agentId: 'a-9', startedAt: '2026-03-20T09:00:00.000Z' });
});
afterEach(() => fx.close());

describe('reviewer roster', () => {
  it('set-reviewers replaces the roster and list-reviewers reads it; a duplicate id is VALIDATION_FAILED', async () => {
    const set = await once(fx, () => fx.quality.setReviewers(admin, { reviewers: [{ id: 'qa-1' }, { id: 'qa-2', agentId: 'a-2' }] }));
    expect(set.event).toMatchObject({ action: 'change_settings', target: 'sampling:reviewers', outcome: 'allowed', details: { reviewers: 2 } });
    const list = await once(fx, () => fx.quality.listReviewers(admin, undefined));
    expect(reviewersResponseSchema.parse(list.result).reviewers).toEqual([{ id: 'qa-1' }, { id: 'qa-2', agentId: 'a-2' }]);
    expect(list.event).toMatchObject({ action: 'view_reviewers', outcome: 'allowed' });
    const twice = await once(fx, () => fx.quality.setReviewers(admin, { reviewers: [{ id: 'qa-1' }, { id: 'qa-1' }] }));
    expect(twice.error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'reviewer ids must be unique; one appears twice' });
    const manager = await once(fx, () => fx.quality.listReviewers(principal('manager'), undefined));
    expect(manager.event).toMatchObject({ outcome: 'denied', reason: 'role_not_permitted' });
  });
});

describe('sampling plans', () => {
  it('plan-sample needs reviewers: VALIDATION_FAILED without a roster or a list', async () => {
    const { error, event } = await once(fx, () => fx.quality.planSample(admin, { period: '2026-03' }));
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/^no reviewers/) });
    expect(event).toMatchObject({ action: 'plan_sample', target: 'sampling:2026-03', outcome: 'error' });
  });

  it('plan-sample stores the plan with its assignments; again is a CONFLICT; replace gives the same plan for the same seed', async () => {
    await fx.quality.setReviewers(admin, { reviewers: [{ id: 'qa-1' }, { id: 'qa-2' }] });
    const first = await once(fx, () => fx.quality.planSample(admin, { period: '2026-03', seed: 5 }));
    const plan = samplePlanResponseSchema.parse(first.result);
    expect(plan.agentsAssumedNew).toEqual(['a-9']);
    expect(plan.totals.callsInPeriod).toBe(13);
    expect(first.event).toMatchObject({ outcome: 'allowed', details: { sampled: plan.totals.sampled, fingerprint: plan.fingerprint } });
    expect(await fx.ports.store.reviewersOfCall('t1', plan.items[0]!.callId)).toEqual(plan.items[0]!.reviewerIds);
    const again = await once(fx, () => fx.quality.planSample(admin, { period: '2026-03', seed: 5 }));
    expect(again.error).toMatchObject({ code: 'CONFLICT' });
    const replaced = await once(fx, () => fx.quality.planSample(admin, { period: '2026-03', seed: 5, replace: true }));
    expect(replaced.result!.fingerprint).toBe(plan.fingerprint);
    expect(replaced.event).toMatchObject({ reason: 'replace' });
  });

  it('plan-sample takes minRiskScore and the shares; a share above 1 is VALIDATION_FAILED naming it', async () => {
    await fx.quality.setReviewers(admin, { reviewers: [{ id: 'qa-1' }] });
    const { result } = await once(fx, () => fx.quality.planSample(admin, { period: '2026-03', minRiskScore: 0.99, controlShare: 0, quotas: { new: 1, senior: 1 } }));
    expect(result!.settings).toMatchObject({ minRiskScore: 0.99, controlShare: 0, quotas: { new: 1, senior: 1 } });
    expect(result!.items.filter((i) => i.stratum === 'risk')).toEqual([]);
    const bad = await once(fx, () => fx.quality.planSample(admin, { period: '2026-03', controlShare: 1.5 }));
    expect(bad.error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/^Invalid sampling plan: controlShare: /) });
    expect(bad.event).toMatchObject({ outcome: 'error', reason: 'validation_failed' });
  });

  it('preview-sample-plan gives the plan plan-sample stores, for the operator, and stores nothing', async () => {
    await fx.quality.setReviewers(admin, { reviewers: [{ id: 'qa-1' }, { id: 'qa-2' }] });
    const preview = await once(fx, () => fx.quality.previewSamplePlan(cliActor('t1'), { period: '2026-03', seed: 5 }));
    expect(preview.event).toMatchObject({ action: 'plan_sample', actor: 'cli', role: null, reason: 'preview', outcome: 'allowed' });
    expect(await fx.ports.store.getPlan('t1', '2026-03')).toBeNull();
    const stored = await fx.quality.planSample(admin, { period: '2026-03', seed: 5 });
    expect(preview.result).toEqual(stored);
    const bad = await once(fx, () => fx.quality.previewSamplePlan(cliActor('t1'), { period: '2026-3' }));
    expect(bad.error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'Invalid sampling plan: period: expected YYYY-MM.' });
  });

  it('get-sample-plan cuts the plan to the reader: reviewers see their assignments; NOT_FOUND before planning', async () => {
    const none = await once(fx, () => fx.quality.getSamplePlan(admin, { period: '2026-03' }));
    expect(none.error).toMatchObject({ code: 'NOT_FOUND' });
    expect(none.event).toMatchObject({ outcome: 'denied', reason: 'not_found' });
    await fx.quality.setReviewers(admin, { reviewers: [{ id: 'qa-1' }, { id: 'qa-2' }] });
    const plan = await fx.quality.planSample(admin, { period: '2026-03', seed: 5 });
    const all = await once(fx, () => fx.quality.getSamplePlan(admin, { period: '2026-03' }));
    expect(storedSamplePlanResponseSchema.parse(all.result)).toMatchObject({ filtered: false, createdBy: 'u-admin' });
    const mine = await once(fx, () => fx.quality.getSamplePlan(principal('qa', { userId: 'qa-1' }), { period: '2026-03' }));
    expect(mine.result!.items.length).toBe(plan.items.filter((i) => i.reviewerIds.includes('qa-1')).length);
    expect(mine.result!.items.every((i) => i.reviewerIds.includes('qa-1'))).toBe(true);
    expect(mine.event).toMatchObject({ outcome: 'allowed', details: { returned: mine.result!.items.length } });
    const team = await fx.quality.getSamplePlan(principal('manager', { teams: ['north'] }), { period: '2026-03' });
    expect(team.items.every((i) => i.agentId === 'a-1')).toBe(true);
    const badPeriod = await once(fx, () => fx.quality.getSamplePlan(admin, { period: 'March' }));
    expect(badPeriod.error).toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe('my reviews', () => {
  it("list-my-reviews gives a reviewer their month's assignments with the call, done and disputes, to review first, riskiest first", async () => {
    const qa1 = principal('qa', { userId: 'qa-1' });
    const before = await once(fx, () => fx.quality.listMyReviews(qa1, { period: '2026-03' }));
    expect(myReviewsResponseSchema.parse(before.result)).toEqual({ period: '2026-03', reviewerId: 'qa-1', planned: false, total: 0, items: [] });
    await fx.quality.setReviewers(admin, { reviewers: [{ id: 'qa-1' }, { id: 'qa-2' }] });
    const plan = await fx.quality.planSample(admin, { period: '2026-03', seed: 5, doubleScoreShare: 1 });
    const assigned = plan.items.filter((item) => item.reviewerIds.includes('qa-1'));
    expect(assigned.length).toBeGreaterThan(2);

    const scored = assigned[0]!;
    const evaluation = await fx.quality.submitEvaluation(qa1, { callId: scored.callId, answers: [...ANSWERS] });
    await fx.quality.openDispute(principal('agent', { userId: 'u-agent', agentId: scored.agentId }), { evaluationId: evaluation.id, reason: 'I did greet the customer' });

    const { result, event } = await once(fx, () => fx.quality.listMyReviews(qa1, { period: '2026-03' }));
    const mine = myReviewsResponseSchema.parse(result);
    expect(event).toMatchObject({ action: 'view_sample', target: 'reviews:2026-03', outcome: 'allowed', details: { returned: assigned.length, total: assigned.length } });
    expect(mine).toMatchObject({ period: '2026-03', reviewerId: 'qa-1', planned: true, total: assigned.length });
    expect(new Set(mine.items.map((item) => item.call.id))).toEqual(new Set(assigned.map((item) => item.callId)));
    // Unscored first, then by risk (highest first): the scored call comes last.
    expect(mine.items.at(-1)).toMatchObject({ call: { id: scored.callId }, done: true, evaluationId: evaluation.id, score: evaluation.score.total });
    expect(mine.items.at(-1)!.disputes).toEqual([{ id: expect.any(String), evaluationId: evaluation.id, status: 'open', outcome: null }]);
    const open = mine.items.filter((item) => !item.done);
    expect(open.map((item) => item.riskScore)).toEqual([...open.map((item) => item.riskScore)].sort((a, b) => b - a));
    // The phone is masked for QA, as the call views always are.
    expect(mine.items.every((item) => item.call.customerPhone === null || item.call.customerPhone.includes('*'))).toBe(true);

    const limited = await fx.quality.listMyReviews(qa1, { period: '2026-03', limit: 1 });
    expect(limited.items).toHaveLength(1);
    expect(limited.total).toBe(assigned.length);
    const someoneElse = await fx.quality.listMyReviews(principal('qa', { userId: 'qa-3' }), { period: '2026-03' });
    expect(someoneElse).toMatchObject({ planned: true, total: 0, items: [] });
    const agent = await once(fx, () => fx.quality.listMyReviews(principal('agent'), { period: '2026-03' }));
    expect(agent.error).toMatchObject({ code: 'FORBIDDEN' });
    const bad = await once(fx, () => fx.quality.listMyReviews(qa1, { period: '2026-13' }));
    expect(bad.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    // Without a period: the clock's month.
    const current = await fx.quality.listMyReviews(qa1, {});
    expect(current.period).toMatch(/^\d{4}-\d{2}$/);
  });
});
