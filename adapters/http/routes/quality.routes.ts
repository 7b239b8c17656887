import type { Awaitable } from '../../../core/shared/awaitable';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CallsightError } from '../../../core/shared/errors';
import type { Principal } from '../../../core/access/access.policy';
import type { CallAnalysis } from '../../../core/analysis/analyze-transcript';
import type { Clock, IdGenerator } from '../../../core/shared/clock.port';
import type { Call } from '../../../core/recordings/call';
import type { CallRepository } from '../../../core/recordings/call-repository.port';
import { describeIssues } from '../../../core/recordings/call-metadata.schema';
import type { KpiOptions } from '../../../core/insights/kpis';
import { summarizeAnalysisForQuality } from '../../../core/quality/analysis-summary';
import { computeCalibration } from '../../../core/quality/calibration';
import { computeCallScores, selectEffectiveEvaluations } from '../../../core/quality/call-score';
import { monthRange } from '../../../core/quality/call-source';
import { openDispute, resolveDispute, type Dispute } from '../../../core/quality/dispute';
import { createEvaluation, type CriterionAnswer, type Evaluation } from '../../../core/quality/evaluation';
import type { QualityStore } from '../../../core/quality/quality-store.port';
import { createDefaultScorecard, createScorecard, reviseScorecard, type Scorecard } from '../../../core/quality/scorecard';
import { collectSampleInput, defaultSampleSeed } from '../../../core/sampling/sample-input';
import { planSample, type SamplePlan } from '../../../core/sampling/sample-plan';
import type { HttpHelpers, HttpPlugin } from '../http.deps';
import { auditEntry, qualityAgentIds, qualityCallScope, qualityCondition, requireQualityAction } from './quality-access';

/** What the quality, coaching and quality-insights routes need from the hub; wired in bin/wiring/quality.wiring.ts. */
export interface QualityRoutesDeps {
  readonly calls: CallRepository;
  readonly store: QualityStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  getAnalysis(tenantId: string, callId: string): Awaitable<CallAnalysis | null>;
  /** The analyses of many calls at once, by call id (calls without one are absent). */
  getAnalyses(tenantId: string, callIds: readonly string[]): Awaitable<ReadonlyMap<string, CallAnalysis>>;
  /** Flags and risk per analysed call. */
  screening(tenantId: string, callIds: readonly string[]): Awaitable<ReadonlyMap<string, { readonly flags: readonly string[]; readonly risk: number }>>;
  /** The tenant's duration bands (default and per inquiry type), as the analysis uses them. */
  durationBands(tenantId: string): Awaitable<NonNullable<KpiOptions['durationBands']>>;
  /** Publishes a call's QA score (call_scores, read by search filters); null removes it. */
  recordCallScore(tenantId: string, callId: string, score: number | null, at: string): Promise<void>;
}

/** The scorecard the hub creates on first use, so that a tenant can score before designing its own. */
export const DEFAULT_SCORECARD_ID = 'default';

const ID = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/);
const bilingual = z.object({ zh: z.string().min(1).max(200), en: z.string().min(1).max(200) }).strict();
const criterionSchema = z
  .object({
    id: z.string().min(1).max(64),
    label: bilingual,
    kind: z.enum(['manual', 'automatic']),
    source: z.string().min(1).max(100).optional(),
    critical: z.boolean().optional(),
    allowNa: z.boolean().optional(),
    scale: z.union([z.object({ kind: z.literal('pass_fail') }).strict(), z.object({ kind: z.literal('points'), max: z.number().int() }).strict()]).optional(),
    weight: z.number().optional(),
  })
  .strict();
const sectionSchema = z.object({ id: z.string().min(1).max(64), label: bilingual, weight: z.number(), criteria: z.array(criterionSchema).min(1).max(100) }).strict();
const scorecardSchema = z.object({ id: z.string().min(1).max(64), name: bilingual, sections: z.array(sectionSchema).min(1).max(50) }).strict();
const revisionSchema = z.object({ name: bilingual.optional(), sections: z.array(sectionSchema).min(1).max(50).optional(), note: z.string().min(1).max(2000) }).strict();
const answerSchema = z
  .object({
    criterionId: z.string().min(1).max(64),
    value: z.union([z.enum(['pass', 'fail', 'na']), z.number().int().min(0).max(100)]),
    comment: z.string().max(2000).optional(),
  })
  .strict();
const clipSchema = z
  .object({
    startS: z.number().min(0),
    endS: z.number().min(0),
    label: z.enum(['good', 'bad']),
    note: z.string().max(2000).default(''),
    criterionId: z.string().min(1).max(64).optional(),
  })
  .strict();
const evaluationSchema = z
  .object({
    scorecardId: z.string().min(1).max(64).default(DEFAULT_SCORECARD_ID),
    version: z.number().int().min(1).optional(),
    answers: z.array(answerSchema).max(200),
    clips: z.array(clipSchema).max(50).default([]),
  })
  .strict();
const reviewerSchema = z.object({ id: z.string().min(1).max(128), agentId: z.string().min(1).max(128).nullable().optional() }).strict();
const reviewersSchema = z.object({ reviewers: z.array(reviewerSchema).max(1000) }).strict();
const share = z.number().min(0).max(1);
const planSchema = z
  .object({
    period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected YYYY-MM'),
    seed: z.union([z.number().int().min(0).max(0xffffffff), z.string().min(1).max(128)]).optional(),
    quotas: z.object({ new: share, senior: share }).strict().optional(),
    riskFirst: z.boolean().optional(),
    controlShare: share.optional(),
    doubleScoreShare: share.optional(),
    minRiskScore: z.number().min(0).max(1).optional(),
    reviewers: z.array(reviewerSchema).min(1).max(1000).optional(),
    replace: z.boolean().default(false),
  })
  .strict();
const calibrationQuery = z
  .object({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    scorecardId: z.string().min(1).max(64).optional(),
    version: z.coerce.number().int().min(1).optional(),
    pointsLevel: z.enum(['ordinal', 'interval']).default('ordinal'),
  })
  .strict();
const disputeSchema = z.object({ criterionId: z.string().min(1).max(64).optional(), reason: z.string().min(1).max(2000) }).strict();
const resolveSchema = z
  .object({
    outcome: z.enum(['upheld', 'changed']),
    note: z.string().min(1).max(2000),
    answers: z.array(answerSchema).max(200).optional(),
    clips: z.array(clipSchema).max(50).optional(),
  })
  .strict();
const disputeListQuery = z.object({ status: z.enum(['open', 'resolved']).optional() }).strict();

/** Parses with zod; VALIDATION_FAILED naming every bad field. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) throw new CallsightError('VALIDATION_FAILED', `Invalid ${what}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

function idParam(request: FastifyRequest, notFound: () => CallsightError): string {
  const parsed = z.object({ id: ID }).safeParse(request.params);
  if (!parsed.success) throw notFound();
  return parsed.data.id;
}

/**
 * Shared by the quality route modules: scorecard lookup (creating the default card on first use), call
 * loading within a quality scope, effective evaluations and the per-call score.
 */
export function createQualityHelpers(deps: QualityRoutesDeps, helpers: HttpHelpers) {
  const now = () => deps.clock.now().toISOString();

  const ensureDefaultScorecard = async (tenantId: string): Promise<void> => {
    if (await deps.store.getScorecard(tenantId, DEFAULT_SCORECARD_ID)) return;
    const card = createDefaultScorecard({ by: 'system', at: now() }, DEFAULT_SCORECARD_ID);
    try {
      await deps.store.insertScorecard(tenantId, card);
    } catch (error) {
      // Two first requests may race to create it; the loser finds it there.
      if (!(error instanceof CallsightError && error.code === 'CONFLICT')) throw error;
    }
  };

  const loadScorecard = async (tenantId: string, id: string, version?: number): Promise<Scorecard> => {
    if (id === DEFAULT_SCORECARD_ID) await ensureDefaultScorecard(tenantId);
    const card = await deps.store.getScorecard(tenantId, id, version);
    if (!card) throw new CallsightError('NOT_FOUND', version === undefined ? 'No scorecard with this id' : 'No such scorecard version');
    return card;
  };

  const loadCall = async (principal: Principal, action: Parameters<typeof qualityCallScope>[1], callId: string, auditAction: string = action): Promise<Call> => {
    const call = await deps.calls.getCall(principal.tenantId, callId, qualityCallScope(principal, action));
    if (!call) {
      await helpers.audit(auditEntry(principal, auditAction, `call:${callId}`, 'denied', 'not_found_or_out_of_scope'));
      throw new CallsightError('CALL_NOT_FOUND', 'No call with this id is visible to you');
    }
    return call;
  };

  const effectiveFor = async (tenantId: string, evaluations: readonly Evaluation[]): Promise<Evaluation[]> => {
    const callIds = [...new Set(evaluations.map((e) => e.callId))];
    return selectEffectiveEvaluations(evaluations, await deps.store.listDisputesForCalls(tenantId, callIds));
  };

  const publishCallScore = async (tenantId: string, callId: string): Promise<number | null> => {
    const effective = await effectiveFor(tenantId, await deps.store.listEvaluationsForCall(tenantId, callId));
    const score = computeCallScores(effective).get(callId) ?? null;
    await deps.recordCallScore(tenantId, callId, score, now());
    return score;
  };

  const summaryOf = async (call: Call) => {
    const analysis = await deps.getAnalysis(call.tenantId, call.id);
    return analysis ? summarizeAnalysisForQuality(analysis, { callDurationS: call.durationS }) : null;
  };

  return { now, ensureDefaultScorecard, loadScorecard, loadCall, effectiveFor, publishCallScore, summaryOf };
}

function scorecardSummary(card: Scorecard) {
  return { id: card.id, version: card.version, name: card.name, createdAt: card.createdAt, createdBy: card.createdBy, changeNote: card.changeNote };
}

function filterPlan(plan: SamplePlan, principal: Principal, agentIds: readonly string[] | null): SamplePlan & { readonly filtered: boolean } {
  if (qualityCondition(principal, 'view_sample') === 'all') return { ...plan, filtered: false };
  const items =
    qualityCondition(principal, 'view_sample') === 'scope'
      ? plan.items.filter((i) => i.reviewerIds.includes(principal.userId))
      : plan.items.filter((i) => agentIds?.includes(i.agentId));
  const agents = new Set(items.map((i) => i.agentId));
  return {
    ...plan,
    items,
    agents: qualityCondition(principal, 'view_sample') === 'scope' ? [] : plan.agents.filter((a) => agentIds?.includes(a.agentId) || agents.has(a.agentId)),
    reviewers: plan.reviewers.filter((r) => qualityCondition(principal, 'view_sample') !== 'scope' || r.reviewerId === principal.userId),
    filtered: true,
  };
}

/**
 * Scorecards (versioned), evaluations, the reviewer roster, sampling plans, calibration and disputes
 * (docs/api-quality.md). Access follows QUALITY_POLICY (quality-access.ts); every access is audited.
 */
export function qualityRoutes(deps: QualityRoutesDeps): HttpPlugin {
  return (app, helpers) => {
    const q = createQualityHelpers(deps, helpers);
    const callNotFound = () => new CallsightError('CALL_NOT_FOUND', 'No call with this id is visible to you');
    const notFound = (what: string) => () => new CallsightError('NOT_FOUND', `No ${what} with this id is visible to you`);

    // ---- scorecards ----
    app.get('/api/v1/scorecards', async (request) => {
      const principal = await requireQualityAction(helpers, request, 'view_scorecards', 'scorecards');
      await q.ensureDefaultScorecard(principal.tenantId);
      const all = await deps.store.listAllScorecards(principal.tenantId);
      const latest = new Map<string, Scorecard>();
      for (const card of all) latest.set(card.id, card);
      await helpers.audit(auditEntry(principal, 'view_scorecards', 'scorecards', 'allowed'));
      return { items: [...latest.values()].map((card) => ({ ...scorecardSummary(card), versions: card.version })) };
    });

    app.post('/api/v1/scorecards', async (request, reply) => {
      const principal = await requireQualityAction(helpers, request, 'manage_scorecards', 'scorecards');
      const input = parseInput(scorecardSchema, request.body, 'scorecard');
      const card = createScorecard(input, { by: principal.userId, at: q.now() });
      if ((await deps.store.listScorecardVersions(principal.tenantId, card.id)).length > 0) {
        throw new CallsightError('CONFLICT', `scorecard "${card.id}" exists; PUT /api/v1/scorecards/${card.id} makes a new version`);
      }
      await deps.store.insertScorecard(principal.tenantId, card);
      await helpers.audit(auditEntry(principal, 'create_scorecard', `scorecard:${card.id}`, 'allowed', undefined, { version: 1 }));
      return reply.status(201).send(card);
    });

    app.get('/api/v1/scorecards/:id', async (request) => {
      const id = idParam(request, notFound('scorecard'));
      const principal = await requireQualityAction(helpers, request, 'view_scorecards', `scorecard:${id}`);
      const card = await q.loadScorecard(principal.tenantId, id);
      const versions = await deps.store.listScorecardVersions(principal.tenantId, id);
      await helpers.audit(auditEntry(principal, 'view_scorecards', `scorecard:${id}`, 'allowed'));
      return { ...card, versions: versions.map(scorecardSummary) };
    });

    app.get('/api/v1/scorecards/:id/versions/:version', async (request) => {
      const params = z.object({ id: ID, version: z.coerce.number().int().min(1) }).safeParse(request.params);
      if (!params.success) throw new CallsightError('NOT_FOUND', 'No such scorecard version');
      const principal = await requireQualityAction(helpers, request, 'view_scorecards', `scorecard:${params.data.id}`);
      const card = await q.loadScorecard(principal.tenantId, params.data.id, params.data.version);
      await helpers.audit(auditEntry(principal, 'view_scorecards', `scorecard:${card.id}`, 'allowed', undefined, { version: card.version }));
      return card;
    });

    app.put('/api/v1/scorecards/:id', async (request) => {
      const id = idParam(request, notFound('scorecard'));
      const principal = await requireQualityAction(helpers, request, 'manage_scorecards', `scorecard:${id}`);
      const changes = parseInput(revisionSchema, request.body, 'scorecard revision');
      const current = await q.loadScorecard(principal.tenantId, id);
      const next = reviseScorecard(current, changes, { by: principal.userId, at: q.now() });
      await deps.store.insertScorecard(principal.tenantId, next);
      await helpers.audit(auditEntry(principal, 'revise_scorecard', `scorecard:${id}`, 'allowed', undefined, { version: next.version }));
      return next;
    });

    // ---- evaluations ----
    app.post('/api/v1/calls/:id/evaluations', async (request, reply) => {
      const callId = idParam(request, callNotFound);
      const principal = await requireQualityAction(helpers, request, 'evaluate', `call:${callId}`);
      const call = await q.loadCall(principal, 'evaluate', callId);
      const body = parseInput(evaluationSchema, request.body, 'evaluation');
      if (call.agentId === null) throw new CallsightError('VALIDATION_FAILED', 'IVR and bot calls have no agent to score');
      if (principal.agentId !== undefined && principal.agentId === call.agentId) {
        await helpers.audit(auditEntry(principal, 'evaluate', `call:${call.id}`, 'denied', 'own_call'));
        throw new CallsightError('FORBIDDEN', 'a reviewer may not score their own call');
      }
      const card = await q.loadScorecard(principal.tenantId, body.scorecardId, body.version);
      const evaluation = createEvaluation({
        id: deps.ids.newId('ev'),
        callId: call.id,
        agentId: call.agentId,
        reviewerId: principal.userId,
        callStartedAt: call.startedAt,
        scorecard: card,
        answers: body.answers as CriterionAnswer[],
        clips: body.clips,
        analysis: await q.summaryOf(call),
        at: q.now(),
      });
      await deps.store.insertEvaluation(principal.tenantId, evaluation);
      const callScore = await q.publishCallScore(principal.tenantId, call.id);
      await helpers.audit(
        auditEntry(principal, 'evaluate', `call:${call.id}`, 'allowed', undefined, {
          evaluationId: evaluation.id,
          scorecardId: card.id,
          version: card.version,
          total: evaluation.score.total,
        }),
      );
      return reply.status(201).send({ ...evaluation, callScore });
    });

    /** Blind double scoring: a reviewer assigned a blind call sees no other score of it until theirs is in. */
    const hideOthers = async (principal: Principal, callId: string, evaluations: readonly Evaluation[]): Promise<boolean> => {
      if (principal.role !== 'qa') return false;
      const items = await deps.store.sampleItemsForCall(principal.tenantId, callId);
      const blind = items.some((i) => i.blind && i.reviewerIds.includes(principal.userId));
      return blind && !evaluations.some((e) => e.reviewerId === principal.userId);
    };

    const viewEvaluations = async (principal: Principal, callId: string, evaluations: readonly Evaluation[]) => {
      const disputes = await deps.store.listDisputesForCalls(principal.tenantId, [callId]);
      const effective = new Set(selectEffectiveEvaluations(evaluations, disputes).map((e) => e.id));
      return evaluations.map((e) => ({
        ...e,
        effective: effective.has(e.id),
        disputes: disputes.filter((d) => d.evaluationId === e.id).map((d) => ({ id: d.id, status: d.status, outcome: d.outcome, revisedEvaluationId: d.revisedEvaluationId })),
      }));
    };

    app.get('/api/v1/calls/:id/evaluations', async (request) => {
      const callId = idParam(request, callNotFound);
      const principal = await requireQualityAction(helpers, request, 'view_evaluations', `call:${callId}`);
      const call = await q.loadCall(principal, 'view_evaluations', callId);
      const evaluations = await deps.store.listEvaluationsForCall(principal.tenantId, call.id);
      const blind = await hideOthers(principal, call.id, evaluations);
      const visible = blind ? [] : evaluations;
      const callScore = blind ? null : (computeCallScores(await q.effectiveFor(principal.tenantId, evaluations)).get(call.id) ?? null);
      await helpers.audit(auditEntry(principal, 'view_evaluations', `call:${call.id}`, 'allowed', blind ? 'blind_until_scored' : undefined, { returned: visible.length }));
      return { callId: call.id, blind, callScore, items: await viewEvaluations(principal, call.id, visible) };
    });

    app.get('/api/v1/evaluations/:id', async (request) => {
      const id = idParam(request, notFound('evaluation'));
      const principal = await requireQualityAction(helpers, request, 'view_evaluations', `evaluation:${id}`);
      const evaluation = await deps.store.getEvaluation(principal.tenantId, id);
      const call = evaluation ? await deps.calls.getCall(principal.tenantId, evaluation.callId, qualityCallScope(principal, 'view_evaluations')) : null;
      if (!evaluation || !call || (await hideOthers(principal, call.id, await deps.store.listEvaluationsForCall(principal.tenantId, call.id)))) {
        await helpers.audit(auditEntry(principal, 'view_evaluations', `evaluation:${id}`, 'denied', 'not_found_or_out_of_scope'));
        throw notFound('evaluation')();
      }
      await helpers.audit(auditEntry(principal, 'view_evaluations', `evaluation:${id}`, 'allowed'));
      const [view] = await viewEvaluations(principal, call.id, [evaluation]);
      return view;
    });

    // ---- reviewer roster and sampling ----
    app.get('/api/v1/sampling/reviewers', async (request) => {
      const principal = await requireQualityAction(helpers, request, 'manage_reviewers', 'sampling:reviewers');
      await helpers.audit(auditEntry(principal, 'view_reviewers', 'sampling:reviewers', 'allowed'));
      return { reviewers: await deps.store.listReviewers(principal.tenantId) };
    });

    app.put('/api/v1/sampling/reviewers', async (request) => {
      const principal = await requireQualityAction(helpers, request, 'manage_reviewers', 'sampling:reviewers');
      const body = parseInput(reviewersSchema, request.body, 'reviewer roster');
      const ids = new Set<string>();
      for (const r of body.reviewers) {
        if (ids.has(r.id)) throw new CallsightError('VALIDATION_FAILED', 'reviewer ids must be unique; one appears twice');
        ids.add(r.id);
      }
      const reviewers = body.reviewers.map((r) => ({ id: r.id, ...(r.agentId ? { agentId: r.agentId } : {}) }));
      await deps.store.setReviewers(principal.tenantId, reviewers);
      await helpers.audit(auditEntry(principal, 'change_settings', 'sampling:reviewers', 'allowed', undefined, { reviewers: reviewers.length }));
      return { reviewers };
    });

    app.post('/api/v1/sampling/plans', async (request, reply) => {
      const principal = await requireQualityAction(helpers, request, 'plan_sample', 'sampling:plan');
      const body = parseInput(planSchema, request.body, 'sampling plan');
      const reviewers = body.reviewers?.map((r) => ({ id: r.id, ...(r.agentId ? { agentId: r.agentId } : {}) })) ?? (await deps.store.listReviewers(principal.tenantId));
      if (reviewers.length === 0) {
        throw new CallsightError('VALIDATION_FAILED', 'no reviewers: pass "reviewers" or set the roster with PUT /api/v1/sampling/reviewers');
      }
      const input = await collectSampleInput({ calls: deps.calls, screening: deps.screening }, principal.tenantId, body.period);
      const plan = planSample({
        period: body.period,
        calls: input.calls,
        agents: input.agents,
        reviewers,
        ...(body.quotas ? { quotas: body.quotas } : {}),
        ...(body.riskFirst !== undefined ? { riskFirst: body.riskFirst } : {}),
        ...(body.controlShare !== undefined ? { controlShare: body.controlShare } : {}),
        ...(body.doubleScoreShare !== undefined ? { doubleScoreShare: body.doubleScoreShare } : {}),
        ...(body.minRiskScore !== undefined ? { minRiskScore: body.minRiskScore } : {}),
        seed: body.seed ?? defaultSampleSeed(body.period),
      });
      await deps.store.savePlan(principal.tenantId, plan, principal.userId, q.now(), body.replace);
      await helpers.audit(
        auditEntry(principal, 'plan_sample', `sampling:${plan.period}`, 'allowed', body.replace ? 'replace' : undefined, {
          sampled: plan.totals.sampled,
          doubleScored: plan.totals.doubleScored,
          fingerprint: plan.fingerprint,
        }),
      );
      return reply.status(201).send({ ...plan, agentsAssumedNew: input.agentsAssumedNew });
    });

    app.get('/api/v1/sampling/plans/:period', async (request) => {
      const params = z.object({ period: z.string() }).parse(request.params);
      monthRange(params.period);
      const principal = await requireQualityAction(helpers, request, 'view_sample', `sampling:${params.period}`);
      const stored = await deps.store.getPlan(principal.tenantId, params.period);
      if (!stored) {
        await helpers.audit(auditEntry(principal, 'view_sample', `sampling:${params.period}`, 'denied', 'not_found'));
        throw new CallsightError('NOT_FOUND', `No sampling plan for ${params.period} yet; POST /api/v1/sampling/plans makes one`);
      }
      const agentIds = qualityAgentIds(principal, 'view_sample', await deps.calls.listAgents(principal.tenantId));
      const view = filterPlan(stored.plan, principal, agentIds);
      await helpers.audit(auditEntry(principal, 'view_sample', `sampling:${params.period}`, 'allowed', undefined, { returned: view.items.length }));
      return { ...view, createdAt: stored.createdAt, createdBy: stored.createdBy };
    });

    // ---- calibration ----
    app.get('/api/v1/calibration', async (request) => {
      const principal = await requireQualityAction(helpers, request, 'calibrate', 'calibration');
      const query = parseInput(calibrationQuery, request.query, 'query');
      if (Date.parse(query.from) >= Date.parse(query.to)) throw new CallsightError('VALIDATION_FAILED', 'from must be before to');
      const agentIds = qualityAgentIds(principal, 'calibrate', await deps.calls.listAgents(principal.tenantId));
      const evaluations = await deps.store.listEvaluations(principal.tenantId, {
        from: new Date(query.from).toISOString(),
        to: new Date(query.to).toISOString(),
        ...(agentIds ? { agentIds } : {}),
      });
      const versions = new Map<string, { scorecardId: string; version: number; n: number }>();
      for (const e of evaluations) {
        if (query.scorecardId !== undefined && e.scorecard.scorecardId !== query.scorecardId) continue;
        if (query.version !== undefined && e.scorecard.version !== query.version) continue;
        const key = `${e.scorecard.scorecardId}\u0000${e.scorecard.version}`;
        const entry = versions.get(key) ?? { ...e.scorecard, n: 0 };
        entry.n += 1;
        versions.set(key, entry);
      }
      const reports = [];
      for (const v of [...versions.values()].sort((a, b) => b.n - a.n || (a.scorecardId < b.scorecardId ? -1 : 1) || a.version - b.version)) {
        const card = await q.loadScorecard(principal.tenantId, v.scorecardId, v.version);
        reports.push(computeCalibration(card, evaluations, { pointsLevel: query.pointsLevel }));
      }
      await helpers.audit(auditEntry(principal, 'calibrate', 'calibration', 'allowed', undefined, { evaluations: evaluations.length }));
      return { from: query.from, to: query.to, reports };
    });

    // ---- disputes ----
    const disputeAgents = async (principal: Principal): Promise<string[] | null> => {
      if (qualityCondition(principal, 'dispute') === 'own') return principal.agentId ? [principal.agentId] : [];
      if (qualityCondition(principal, 'resolve_dispute') === 'none') return [];
      return qualityAgentIds(principal, 'resolve_dispute', await deps.calls.listAgents(principal.tenantId));
    };

    app.post('/api/v1/evaluations/:id/disputes', async (request, reply) => {
      const id = idParam(request, notFound('evaluation'));
      const principal = await requireQualityAction(helpers, request, 'dispute', `evaluation:${id}`);
      const body = parseInput(disputeSchema, request.body, 'dispute');
      const evaluation = await deps.store.getEvaluation(principal.tenantId, id);
      if (!evaluation || evaluation.agentId !== principal.agentId) {
        await helpers.audit(auditEntry(principal, 'open_dispute', `evaluation:${id}`, 'denied', 'not_own_evaluation'));
        throw notFound('evaluation')();
      }
      const open = (await deps.store.listDisputesForCalls(principal.tenantId, [evaluation.callId])).find((d) => d.evaluationId === id && d.status === 'open');
      if (open) throw new CallsightError('CONFLICT', 'this evaluation already has an open dispute', { details: { disputeId: open.id } });
      const dispute = openDispute({
        id: deps.ids.newId('dsp'),
        evaluation,
        ...(body.criterionId !== undefined ? { criterionId: body.criterionId } : {}),
        by: principal.userId,
        reason: body.reason,
        at: q.now(),
      });
      await deps.store.insertDispute(principal.tenantId, dispute, evaluation.agentId);
      await helpers.audit(
        auditEntry(principal, 'open_dispute', `dispute:${dispute.id}`, 'allowed', undefined, { evaluationId: id, callId: evaluation.callId, criterionId: dispute.criterionId }),
      );
      return reply.status(201).send(dispute);
    });

    const loadDispute = async (principal: Principal, id: string, action: string): Promise<Dispute> => {
      const dispute = await deps.store.getDispute(principal.tenantId, id);
      const agents = await disputeAgents(principal);
      const evaluation = dispute ? await deps.store.getEvaluation(principal.tenantId, dispute.evaluationId) : null;
      if (!dispute || !evaluation || (agents !== null && !agents.includes(evaluation.agentId))) {
        await helpers.audit(auditEntry(principal, action, `dispute:${id}`, 'denied', 'not_found_or_out_of_scope'));
        throw notFound('dispute')();
      }
      return dispute;
    };

    app.get('/api/v1/disputes', async (request) => {
      const principal = await helpers.authenticate(request);
      const query = parseInput(disputeListQuery, request.query, 'query');
      const agents = await disputeAgents(principal);
      if (agents !== null && agents.length === 0 && qualityCondition(principal, 'dispute') === 'none' && qualityCondition(principal, 'resolve_dispute') === 'none') {
        await helpers.audit(auditEntry(principal, 'view_disputes', 'disputes', 'denied', 'role_not_permitted'));
        throw new CallsightError('FORBIDDEN', `Your role (${principal.role}) may not read disputes`);
      }
      const items = await deps.store.listDisputes(principal.tenantId, { ...(query.status ? { status: query.status } : {}), ...(agents ? { agentIds: agents } : {}) });
      await helpers.audit(auditEntry(principal, 'view_disputes', 'disputes', 'allowed', undefined, { returned: items.length }));
      return { items };
    });

    app.get('/api/v1/disputes/:id', async (request) => {
      const id = idParam(request, notFound('dispute'));
      const principal = await helpers.authenticate(request);
      const dispute = await loadDispute(principal, id, 'view_disputes');
      await helpers.audit(auditEntry(principal, 'view_disputes', `dispute:${id}`, 'allowed'));
      return dispute;
    });

    app.post('/api/v1/disputes/:id/resolve', async (request) => {
      const id = idParam(request, notFound('dispute'));
      const principal = await requireQualityAction(helpers, request, 'resolve_dispute', `dispute:${id}`);
      const body = parseInput(resolveSchema, request.body, 'resolution');
      const dispute = await loadDispute(principal, id, 'resolve_dispute');
      const original = (await deps.store.getEvaluation(principal.tenantId, dispute.evaluationId))!;
      let revised: Evaluation | null = null;
      if (body.outcome === 'changed') {
        if (!body.answers) throw new CallsightError('VALIDATION_FAILED', 'a changed outcome needs "answers": the corrected scoring of the call');
        const call = await deps.calls.getCall(principal.tenantId, dispute.callId, { kind: 'all' });
        if (!call) throw new CallsightError('CALL_NOT_FOUND', 'The disputed call no longer exists');
        const card = await q.loadScorecard(principal.tenantId, original.scorecard.scorecardId, original.scorecard.version);
        revised = createEvaluation({
          id: deps.ids.newId('ev'),
          callId: call.id,
          agentId: original.agentId,
          reviewerId: principal.userId,
          callStartedAt: original.callStartedAt,
          scorecard: card,
          answers: body.answers as CriterionAnswer[],
          clips: body.clips ?? [],
          analysis: await q.summaryOf(call),
          at: q.now(),
        });
      } else if (body.answers || body.clips) {
        throw new CallsightError('VALIDATION_FAILED', 'an upheld score takes no answers or clips');
      }
      const resolved = resolveDispute(dispute, {
        by: principal.userId,
        at: q.now(),
        outcome: body.outcome,
        note: body.note,
        originalReviewerId: original.reviewerId,
        ...(revised ? { revisedEvaluation: revised } : {}),
      });
      await deps.store.resolveDispute(principal.tenantId, resolved, revised);
      const callScore = await q.publishCallScore(principal.tenantId, dispute.callId);
      await helpers.audit(
        auditEntry(principal, 'resolve_dispute', `dispute:${id}`, 'allowed', body.outcome, {
          evaluationId: dispute.evaluationId,
          revisedEvaluationId: revised?.id ?? null,
          total: revised ? revised.score.total : original.score.total,
        }),
      );
      return { ...resolved, revisedEvaluation: revised, callScore };
    });
  };
}
