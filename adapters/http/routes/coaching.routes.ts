import { z } from 'zod';
import { CallsightError } from '../../../core/shared/errors';
import type { Principal } from '../../../core/access/access.policy';
import type { Call } from '../../../core/recordings/call';
import { acknowledgeCoachingTask, completeCoachingTask, createCoachingTask, type CoachingTask } from '../../../core/coaching/coaching-task';
import { compareCoachingOutcome, pickFollowUpCalls } from '../../../core/coaching/coaching-verification';
import { extractObservations, findProblems, type CriterionObservation } from '../../../core/coaching/problems';
import { summarizeAnalysisForQuality } from '../../../core/quality/analysis-summary';
import { collectCalls } from '../../../core/quality/call-source';
import { decideAutomaticCriterion } from '../../../core/quality/evaluation';
import { listCriteria, type Criterion, type Scorecard } from '../../../core/quality/scorecard';
import type { HttpPlugin } from '../http.deps';
import { auditEntry, qualityAgentIds, qualityCallScope, qualityCondition, requireQualityAction } from './quality-access';
import { createQualityHelpers, parseInput, type QualityRoutesDeps } from './quality.routes';

const DAY_MS = 86_400_000;
const ID = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/);
const FLAG_PREFIX = 'flag:';

const taskSchema = z
  .object({
    agentId: z.string().min(1).max(128),
    criterionIds: z.array(z.string().min(1).max(64)).min(1).max(20),
    clips: z
      .array(z.object({ callId: ID, startS: z.number().min(0), endS: z.number().min(0), label: z.enum(['good', 'bad']), note: z.string().max(2000).default('') }).strict())
      .max(20)
      .default([]),
    advice: z.string().min(1).max(4000),
    dueAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
const listQuery = z.object({ agentId: z.string().min(1).max(128).optional(), status: z.enum(['assigned', 'acknowledged', 'completed']).optional() }).strict();
const outcomeQuery = z
  .object({
    beforeDays: z.coerce.number().int().min(1).max(365).default(90),
    afterDays: z.coerce.number().int().min(1).max(365).optional(),
    alpha: z.coerce.number().gt(0).lt(1).default(0.05),
    scoreTest: z.enum(['welch', 'mann-whitney']).default('welch'),
  })
  .strict();
const followUpSchema = z
  .object({
    count: z.number().int().min(1).max(200).default(10),
    seed: z.union([z.number().int().min(0), z.string().min(1).max(128)]).optional(),
    windowDays: z.number().int().min(1).max(365).optional(),
    reviewerId: z.string().min(1).max(128),
  })
  .strict();
const problemsQuery = z
  .object({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    targetPassRate: z.coerce.number().gt(0).max(1).optional(),
    sharedAgentShare: z.coerce.number().gt(0).max(1).optional(),
    minCallsPerAgent: z.coerce.number().int().min(1).max(1000).optional(),
    alpha: z.coerce.number().gt(0).lt(1).optional(),
  })
  .strict();

/** Latest definition of each criterion id over the tenant's scorecards (a later version or card wins). */
function latestCriteria(cards: readonly Scorecard[]): Map<string, Criterion> {
  const byId = new Map<string, { criterion: Criterion; at: string }>();
  for (const card of cards) {
    for (const { criterion } of listCriteria(card)) {
      const seen = byId.get(criterion.id);
      if (!seen || seen.at <= card.createdAt) byId.set(criterion.id, { criterion, at: card.createdAt });
    }
  }
  return new Map([...byId].map(([id, v]) => [id, v.criterion]));
}

/**
 * Coaching tasks (assign, acknowledge, complete, follow-up sample, before/after outcome) and problem finding
 * (docs/api-quality.md). Task criteria are scorecard criterion ids or screening flags (`flag:SENSITIVE_WORD`).
 */
export function coachingRoutes(deps: QualityRoutesDeps): HttpPlugin {
  return (app, helpers) => {
    const q = createQualityHelpers(deps, helpers);
    const taskNotFound = () => new CallsightError('NOT_FOUND', 'No coaching task with this id is visible to you');

    const allowedAgents = async (principal: Principal, action: 'coach' | 'view_coaching') =>
      qualityAgentIds(principal, action, await deps.calls.listAgents(principal.tenantId));

    const loadTask = async (principal: Principal, id: string, action: string): Promise<CoachingTask> => {
      const task = await deps.store.getCoachingTask(principal.tenantId, id);
      const agents = await allowedAgents(principal, 'view_coaching');
      if (!task || (agents !== null && !agents.includes(task.agentId))) {
        await helpers.audit(auditEntry(principal, action, `coaching:${id}`, 'denied', 'not_found_or_out_of_scope'));
        throw taskNotFound();
      }
      return task;
    };

    /**
     * Observations of the task's agent on the task's criteria: human scores from the effective evaluations
     * first; for calls without one, automatic criteria decided from the analysis and flags from screening.
     */
    const observationsFor = async (tenantId: string, agentId: string, criterionIds: readonly string[], calls: readonly Call[]) => {
      const wanted = new Set(criterionIds);
      const evaluations = await q.effectiveFor(tenantId, await deps.store.listEvaluations(tenantId, { agentIds: [agentId] }));
      const callIds = new Set(calls.map((c) => c.id));
      const human = extractObservations(evaluations.filter((e) => callIds.has(e.callId))).filter((o) => wanted.has(o.criterionId));
      const covered = new Set(human.map((o) => `${o.callId}\u0000${o.criterionId}`));
      await q.ensureDefaultScorecard(tenantId);
      const criteria = latestCriteria(await deps.store.listAllScorecards(tenantId));
      const automatic: CriterionObservation[] = [];
      const analyses = await deps.getAnalyses(tenantId, calls.map((c) => c.id));
      for (const call of calls) {
        const analysis = analyses.get(call.id);
        if (!analysis || call.agentId === null) continue;
        const summary = summarizeAnalysisForQuality(analysis, { callDurationS: call.durationS });
        const flags = new Set<string>(analysis.flags.map((f) => f.code));
        for (const id of wanted) {
          if (covered.has(`${call.id}\u0000${id}`)) continue;
          if (id.startsWith(FLAG_PREFIX)) {
            const pass = !flags.has(id.slice(FLAG_PREFIX.length));
            automatic.push({ agentId: call.agentId, callId: call.id, startedAt: call.startedAt, criterionId: id, pass, score: pass ? 1 : 0 });
            continue;
          }
          const criterion = criteria.get(id);
          if (!criterion || criterion.kind !== 'automatic') continue;
          let decided;
          try {
            decided = decideAutomaticCriterion(criterion, summary);
          } catch (error) {
            // Undecidable on this call (e.g. no customer turns) and N/A not allowed: no observation.
            if (error instanceof CallsightError && error.code === 'VALIDATION_FAILED') continue;
            throw error;
          }
          if (decided.value === 'na') continue;
          const max = criterion.scale.kind === 'points' ? criterion.scale.max : 1;
          const ratio = decided.value === 'pass' ? 1 : decided.value === 'fail' ? 0 : (decided.value as number) / max;
          automatic.push({ agentId: call.agentId, callId: call.id, startedAt: call.startedAt, criterionId: id, pass: ratio >= 1, score: ratio });
        }
      }
      return { observations: [...human, ...automatic], human: human.length, automatic: automatic.length };
    };

    app.post('/api/v1/coaching/tasks', async (request, reply) => {
      const principal = await requireQualityAction(helpers, request, 'coach', 'coaching');
      const body = parseInput(taskSchema, request.body, 'coaching task');
      const agents = await allowedAgents(principal, 'coach');
      const agent = (await deps.calls.listAgents(principal.tenantId)).find((a) => a.id === body.agentId);
      if (!agent || (agents !== null && !agents.includes(agent.id))) {
        await helpers.audit(auditEntry(principal, 'coach', `agent:${body.agentId}`, 'denied', 'not_found_or_out_of_scope'));
        throw new CallsightError('NOT_FOUND', 'No agent with this id is visible to you');
      }
      for (const clip of body.clips) {
        const call = await deps.calls.getCall(principal.tenantId, clip.callId, qualityCallScope(principal, 'coach'));
        if (!call || call.agentId !== agent.id) throw new CallsightError('VALIDATION_FAILED', 'every clip must come from a call of the coached agent that you can reach');
        if (clip.endS > call.durationS) throw new CallsightError('VALIDATION_FAILED', 'a clip must end within its call');
      }
      const task = createCoachingTask({
        id: deps.ids.newId('coach'),
        agentId: agent.id,
        criterionIds: body.criterionIds,
        clips: body.clips,
        advice: body.advice,
        by: principal.userId,
        at: q.now(),
        ...(body.dueAt ? { dueAt: new Date(body.dueAt).toISOString() } : {}),
      });
      await deps.store.insertCoachingTask(principal.tenantId, task);
      await helpers.audit(auditEntry(principal, 'coach_assign', `coaching:${task.id}`, 'allowed', undefined, { agentId: agent.id, criteria: task.criterionIds.length, clips: task.clips.length }));
      return reply.status(201).send(task);
    });

    app.get('/api/v1/coaching/tasks', async (request) => {
      const principal = await requireQualityAction(helpers, request, 'view_coaching', 'coaching');
      const query = parseInput(listQuery, request.query, 'query');
      const agents = await allowedAgents(principal, 'view_coaching');
      const agentIds = query.agentId ? (agents === null || agents.includes(query.agentId) ? [query.agentId] : []) : agents;
      const items = await deps.store.listCoachingTasks(principal.tenantId, { ...(agentIds ? { agentIds } : {}), ...(query.status ? { status: query.status } : {}) });
      await helpers.audit(auditEntry(principal, 'view_coaching', 'coaching', 'allowed', undefined, { returned: items.length }));
      return { items };
    });

    app.get('/api/v1/coaching/tasks/:id', async (request) => {
      const id = ID.safeParse((request.params as { id?: unknown }).id);
      if (!id.success) throw taskNotFound();
      const principal = await requireQualityAction(helpers, request, 'view_coaching', `coaching:${id.data}`);
      const task = await loadTask(principal, id.data, 'view_coaching');
      await helpers.audit(auditEntry(principal, 'view_coaching', `coaching:${task.id}`, 'allowed'));
      return task;
    });

    for (const step of ['acknowledge', 'complete'] as const) {
      app.post(`/api/v1/coaching/tasks/:id/${step}`, async (request) => {
        const id = ID.safeParse((request.params as { id?: unknown }).id);
        if (!id.success) throw taskNotFound();
        const principal = await requireQualityAction(helpers, request, 'view_coaching', `coaching:${id.data}`);
        const task = await loadTask(principal, id.data, `coach_${step}`);
        // Agents act as their telephony agent id (the task's subject); coaches as their user id.
        const by = principal.agentId !== undefined && principal.agentId === task.agentId ? principal.agentId : principal.userId;
        let next: CoachingTask;
        try {
          next = step === 'acknowledge' ? acknowledgeCoachingTask(task, { by, at: q.now() }) : completeCoachingTask(task, { by, at: q.now() });
        } catch (error) {
          if (error instanceof CallsightError && error.code === 'FORBIDDEN') await helpers.audit(auditEntry(principal, `coach_${step}`, `coaching:${task.id}`, 'denied', 'not_permitted'));
          throw error;
        }
        await deps.store.updateCoachingTask(principal.tenantId, task, next);
        await helpers.audit(auditEntry(principal, `coach_${step}`, `coaching:${task.id}`, 'allowed', undefined, { agentId: task.agentId, status: next.status }));
        return next;
      });
    }

    app.post('/api/v1/coaching/tasks/:id/follow-up', async (request) => {
      const id = ID.safeParse((request.params as { id?: unknown }).id);
      if (!id.success) throw taskNotFound();
      const principal = await requireQualityAction(helpers, request, 'coach', `coaching:${id.data}`);
      const body = parseInput(followUpSchema, request.body, 'follow-up');
      const task = await loadTask(principal, id.data, 'coach_follow_up');
      if (qualityCondition(principal, 'coach') !== 'all' && !(await allowedAgents(principal, 'coach'))?.includes(task.agentId)) throw taskNotFound();
      if (body.reviewerId === task.agentId || (await deps.store.listReviewers(principal.tenantId)).some((r) => r.id === body.reviewerId && r.agentId === task.agentId)) {
        throw new CallsightError('VALIDATION_FAILED', 'the coached agent cannot review their own follow-up calls');
      }
      if (task.completedAt === null) throw new CallsightError('CONFLICT', 'a coaching task is followed up only after it is completed');
      const calls = await collectCalls(deps.calls, principal.tenantId, { agentId: task.agentId, from: task.completedAt }, { kind: 'all' });
      const picked = pickFollowUpCalls({
        task,
        calls: calls.filter((c) => c.status !== 'misdial' && c.status !== 'deleted'),
        count: body.count,
        seed: body.seed ?? `followup:${task.id}`,
        ...(body.windowDays ? { windowDays: body.windowDays } : {}),
      });
      await deps.store.assignReviews(principal.tenantId, picked.map((c) => ({ callId: c.id, reviewerId: body.reviewerId })), q.now());
      await helpers.audit(auditEntry(principal, 'coach_follow_up', `coaching:${task.id}`, 'allowed', undefined, { assigned: picked.length, reviewerId: body.reviewerId }));
      return { taskId: task.id, reviewerId: body.reviewerId, callIds: picked.map((c) => c.id) };
    });

    app.get('/api/v1/coaching/tasks/:id/outcome', async (request) => {
      const id = ID.safeParse((request.params as { id?: unknown }).id);
      if (!id.success) throw taskNotFound();
      const principal = await requireQualityAction(helpers, request, 'view_coaching', `coaching:${id.data}`);
      const query = parseInput(outcomeQuery, request.query, 'query');
      const task = await loadTask(principal, id.data, 'view_coaching');
      if (task.completedAt === null) throw new CallsightError('CONFLICT', 'the before/after view exists once the task is completed');
      const beforeFrom = new Date(Date.parse(task.assignedAt) - query.beforeDays * DAY_MS).toISOString();
      const afterTo = query.afterDays === undefined ? undefined : new Date(Date.parse(task.completedAt) + query.afterDays * DAY_MS).toISOString();
      const calls = await collectCalls(deps.calls, principal.tenantId, { agentId: task.agentId, from: beforeFrom, ...(afterTo ? { to: afterTo } : {}) }, { kind: 'all' });
      const { observations, human, automatic } = await observationsFor(principal.tenantId, task.agentId, task.criterionIds, calls);
      const outcome = compareCoachingOutcome({ task, observations, beforeFrom, alpha: query.alpha, scoreTest: query.scoreTest });
      await helpers.audit(auditEntry(principal, 'view_coaching', `coaching:${task.id}`, 'allowed', 'outcome', { observations: observations.length }));
      return { ...outcome, status: task.status, beforeFrom, afterTo: afterTo ?? null, sources: { evaluations: human, automatic } };
    });

    app.get('/api/v1/coaching/problems', async (request) => {
      const principal = await requireQualityAction(helpers, request, 'coach', 'coaching:problems');
      const query = parseInput(problemsQuery, request.query, 'query');
      const from = new Date(query.from).toISOString();
      const to = new Date(query.to).toISOString();
      if (from >= to) throw new CallsightError('VALIDATION_FAILED', 'from must be before to');
      const agents = await allowedAgents(principal, 'coach');
      const evaluations = await q.effectiveFor(principal.tenantId, await deps.store.listEvaluations(principal.tenantId, { from, to, ...(agents ? { agentIds: agents } : {}) }));
      const calls = (await collectCalls(deps.calls, principal.tenantId, { from, to }, qualityCallScope(principal, 'coach'))).filter((c) => c.agentId !== null);
      const flagObservations: CriterionObservation[] = [];
      const screening = await deps.screening(principal.tenantId, calls.map((c) => c.id));
      const codes = new Set([...screening.values()].flatMap((s) => s.flags));
      for (const call of calls) {
        const row = screening.get(call.id);
        if (!row) continue;
        for (const code of codes) flagObservations.push({ agentId: call.agentId!, callId: call.id, startedAt: call.startedAt, criterionId: `${FLAG_PREFIX}${code}`, pass: !row.flags.includes(code) });
      }
      const problems = findProblems([...extractObservations(evaluations), ...flagObservations], {
        ...(query.targetPassRate !== undefined ? { targetPassRate: query.targetPassRate } : {}),
        ...(query.sharedAgentShare !== undefined ? { sharedAgentShare: query.sharedAgentShare } : {}),
        ...(query.minCallsPerAgent !== undefined ? { minCallsPerAgent: query.minCallsPerAgent } : {}),
        ...(query.alpha !== undefined ? { alpha: query.alpha } : {}),
      });
      await helpers.audit(auditEntry(principal, 'view_coaching', 'coaching:problems', 'allowed', undefined, { problems: problems.length }));
      return { from, to, evaluations: evaluations.length, analysedCalls: screening.size, problems };
    });
  };
}
