/**
 * The coaching API contract (docs/api-quality.md): coaching tasks (assign, acknowledge, complete, follow-up
 * sample, before/after outcome) and problem finding. Task criteria are scorecard criterion ids or screening flags
 * (`flag:SENSITIVE_WORD`). Request schemas are strict; response schemas are loose (added fields break no reader).
 */
import { z } from 'zod';
import { idSchema } from '../shared/ids';

/** POST /api/v1/coaching/tasks. */
export const assignCoachingTaskRequestSchema = z
  .object({
    agentId: z.string().min(1).max(128),
    criterionIds: z.array(z.string().min(1).max(64)).min(1).max(20),
    clips: z
      .array(z.object({ callId: idSchema, startS: z.number().min(0), endS: z.number().min(0), label: z.enum(['good', 'bad']), note: z.string().max(2000).default('') }).strict())
      .max(20)
      .default([]),
    advice: z.string().min(1).max(4000),
    dueAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
/** GET /api/v1/coaching/tasks query. */
export const listCoachingTasksQuerySchema = z
  .object({ agentId: z.string().min(1).max(128).optional(), status: z.enum(['assigned', 'acknowledged', 'completed']).optional() })
  .strict();
/** GET /api/v1/coaching/tasks/:id/outcome query: days before assignment and after completion, the test and its level. */
export const coachingOutcomeQuerySchema = z
  .object({
    beforeDays: z.coerce.number().int().min(1).max(365).default(90),
    afterDays: z.coerce.number().int().min(1).max(365).optional(),
    alpha: z.coerce.number().gt(0).lt(1).default(0.05),
    scoreTest: z.enum(['welch', 'mann-whitney']).default('welch'),
  })
  .strict();
/** POST /api/v1/coaching/tasks/:id/follow-up: how many calls after completion to assign to which reviewer. */
export const followUpRequestSchema = z
  .object({
    count: z.number().int().min(1).max(200).default(10),
    seed: z.union([z.number().int().min(0), z.string().min(1).max(128)]).optional(),
    windowDays: z.number().int().min(1).max(365).optional(),
    reviewerId: z.string().min(1).max(128),
  })
  .strict();
/** GET /api/v1/coaching/problems query. */
export const coachingProblemsQuerySchema = z
  .object({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    targetPassRate: z.coerce.number().gt(0).max(1).optional(),
    sharedAgentShare: z.coerce.number().gt(0).max(1).optional(),
    minCallsPerAgent: z.coerce.number().int().min(1).max(1000).optional(),
    alpha: z.coerce.number().gt(0).lt(1).optional(),
  })
  .strict();

// ---- responses ----

const statusSchema = z.enum(['assigned', 'acknowledged', 'completed']);
/** A coaching task with its history. */
export const coachingTaskSchema = z.looseObject({
  id: z.string(),
  agentId: z.string(),
  criterionIds: z.array(z.string()),
  clips: z.array(z.looseObject({ callId: z.string(), startS: z.number(), endS: z.number(), label: z.enum(['good', 'bad']), note: z.string() })),
  advice: z.string(),
  status: statusSchema,
  assignedBy: z.string(),
  assignedAt: z.string(),
  dueAt: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  history: z.array(z.looseObject({ status: statusSchema, by: z.string(), at: z.string() })),
});
/** GET /api/v1/coaching/tasks. */
export const coachingTaskListResponseSchema = z.looseObject({ items: z.array(coachingTaskSchema) });
/** POST /api/v1/coaching/tasks/:id/follow-up: the calls assigned to the reviewer. */
export const followUpResponseSchema = z.looseObject({ taskId: z.string(), reviewerId: z.string(), callIds: z.array(z.string()) });
const beforeAfterSchema = z.looseObject({ nBefore: z.number().int(), nAfter: z.number().int(), significant: z.boolean() });
/** GET /api/v1/coaching/tasks/:id/outcome: before/after per criterion, and where the observations came from. */
export const coachingOutcomeResponseSchema = z.looseObject({
  taskId: z.string(),
  agentId: z.string(),
  criteria: z.array(z.looseObject({ criterionId: z.string(), passRate: beforeAfterSchema, score: beforeAfterSchema.nullable() })),
  status: statusSchema,
  beforeFrom: z.string(),
  afterTo: z.string().nullable(),
  sources: z.looseObject({ evaluations: z.number().int(), automatic: z.number().int() }),
});
/** GET /api/v1/coaching/problems: criteria failed widely (shared) or by single agents (individual). */
export const coachingProblemsResponseSchema = z.looseObject({
  from: z.string(),
  to: z.string(),
  evaluations: z.number().int(),
  analysedCalls: z.number().int(),
  problems: z.array(
    z.looseObject({
      criterionId: z.string(),
      scope: z.enum(['shared', 'individual']),
      teamPassRate: z.number(),
      agentsEvaluated: z.number().int(),
      agentsBelowTarget: z.number().int(),
      agents: z.array(z.looseObject({ agentId: z.string() })),
    }),
  ),
});

export type AssignCoachingTaskRequest = z.input<typeof assignCoachingTaskRequestSchema>;
export type ListCoachingTasksQuery = z.input<typeof listCoachingTasksQuerySchema>;
export type CoachingOutcomeQuery = z.input<typeof coachingOutcomeQuerySchema>;
export type FollowUpRequest = z.input<typeof followUpRequestSchema>;
export type CoachingProblemsQuery = z.input<typeof coachingProblemsQuerySchema>;
