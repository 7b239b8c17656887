/**
 * The coaching API contract (docs/api-quality.md): coaching tasks (assign, acknowledge, complete, follow-up
 * sample, before/after outcome) and problem finding. Task criteria are scorecard criterion ids or screening flags
 * (`flag:SENSITIVE_WORD`). Request schemas are strict; response schemas are loose (added fields break no reader).
 */
import * as z from 'zod/mini';
import { idSchema } from '../shared/ids';

/** POST /api/v1/coaching/tasks. */
export const assignCoachingTaskRequestSchema = z.strictObject({
  agentId: z.string().check(z.minLength(1), z.maxLength(128)),
  criterionIds: z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.minLength(1), z.maxLength(20)),
  clips: z._default(
    z
      .array(
        z.strictObject({
          callId: idSchema,
          startS: z.number().check(z.minimum(0)),
          endS: z.number().check(z.minimum(0)),
          label: z.enum(['good', 'bad']),
          note: z._default(z.string().check(z.maxLength(2000)), ''),
        }),
      )
      .check(z.maxLength(20)),
    [],
  ),
  advice: z.string().check(z.minLength(1), z.maxLength(4000)),
  dueAt: z.optional(z.iso.datetime({ offset: true })),
});
/** GET /api/v1/coaching/tasks query. */
export const listCoachingTasksQuerySchema = z.strictObject({
  agentId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  status: z.optional(z.enum(['assigned', 'acknowledged', 'completed'])),
});
/** GET /api/v1/coaching/tasks/:id/outcome query: days before assignment and after completion, the test and its level. */
export const coachingOutcomeQuerySchema = z.strictObject({
  beforeDays: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(365)), 90),
  afterDays: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(365))),
  alpha: z._default(z.coerce.number().check(z.gt(0), z.lt(1)), 0.05),
  scoreTest: z._default(z.enum(['welch', 'mann-whitney']), 'welch'),
});
/** POST /api/v1/coaching/tasks/:id/follow-up: how many calls after completion to assign to which reviewer. */
export const followUpRequestSchema = z.strictObject({
  count: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(200)), 10),
  seed: z.optional(z.union([z.number().check(z.int(), z.minimum(0)), z.string().check(z.minLength(1), z.maxLength(128))])),
  windowDays: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(365))),
  reviewerId: z.string().check(z.minLength(1), z.maxLength(128)),
});
/** GET /api/v1/coaching/problems query. */
export const coachingProblemsQuerySchema = z.strictObject({
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
  targetPassRate: z.optional(z.coerce.number().check(z.gt(0), z.maximum(1))),
  sharedAgentShare: z.optional(z.coerce.number().check(z.gt(0), z.maximum(1))),
  minCallsPerAgent: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(1000))),
  alpha: z.optional(z.coerce.number().check(z.gt(0), z.lt(1))),
});

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
  dueAt: z.nullable(z.string()),
  acknowledgedAt: z.nullable(z.string()),
  completedAt: z.nullable(z.string()),
  history: z.array(z.looseObject({ status: statusSchema, by: z.string(), at: z.string() })),
});
/** GET /api/v1/coaching/tasks. */
export const coachingTaskListResponseSchema = z.looseObject({ items: z.array(coachingTaskSchema) });
/** POST /api/v1/coaching/tasks/:id/follow-up: the calls assigned to the reviewer. */
export const followUpResponseSchema = z.looseObject({ taskId: z.string(), reviewerId: z.string(), callIds: z.array(z.string()) });
const beforeAfterSchema = z.looseObject({ nBefore: z.number().check(z.int()), nAfter: z.number().check(z.int()), significant: z.boolean() });
/** GET /api/v1/coaching/tasks/:id/outcome: before/after per criterion, and where the observations came from. */
export const coachingOutcomeResponseSchema = z.looseObject({
  taskId: z.string(),
  agentId: z.string(),
  criteria: z.array(z.looseObject({ criterionId: z.string(), passRate: beforeAfterSchema, score: z.nullable(beforeAfterSchema) })),
  status: statusSchema,
  beforeFrom: z.string(),
  afterTo: z.nullable(z.string()),
  sources: z.looseObject({ evaluations: z.number().check(z.int()), automatic: z.number().check(z.int()) }),
});
/** GET /api/v1/coaching/problems: criteria failed widely (shared) or by single agents (individual). */
export const coachingProblemsResponseSchema = z.looseObject({
  from: z.string(),
  to: z.string(),
  evaluations: z.number().check(z.int()),
  analysedCalls: z.number().check(z.int()),
  problems: z.array(
    z.looseObject({
      criterionId: z.string(),
      scope: z.enum(['shared', 'individual']),
      teamPassRate: z.number(),
      agentsEvaluated: z.number().check(z.int()),
      agentsBelowTarget: z.number().check(z.int()),
      agents: z.array(z.looseObject({ agentId: z.string() })),
    }),
  ),
});

export type AssignCoachingTaskRequest = z.input<typeof assignCoachingTaskRequestSchema>;
export type ListCoachingTasksQuery = z.input<typeof listCoachingTasksQuerySchema>;
export type CoachingOutcomeQuery = z.input<typeof coachingOutcomeQuerySchema>;
export type FollowUpRequest = z.input<typeof followUpRequestSchema>;
export type CoachingProblemsQuery = z.input<typeof coachingProblemsQuerySchema>;
