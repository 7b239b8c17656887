/**
 * The quality API contract (docs/api-quality.md): request and response schemas of scorecards, evaluations, the
 * reviewer roster, sampling plans, calibration and disputes. The hub validates requests with the request schemas
 * (through the use-cases in app/quality); widgets and the OpenAPI document read both. Request schemas are strict
 * (an unknown field is an error); response schemas are loose, so that a field added later breaks no reader.
 */
import * as z from 'zod/mini';
import { idSchema } from '../shared/ids';
import { callViewSchema } from './call-views.api';

/** The scorecard the hub creates on first use, so that a tenant can score before designing its own. */
export const DEFAULT_SCORECARD_ID = 'default';

/** A month as YYYY-MM (UTC): sampling periods. */
export const periodSchema = z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected YYYY-MM'));

const shortIdSchema = z.string().check(z.minLength(1), z.maxLength(64));
const noteSchema = z.string().check(z.minLength(1), z.maxLength(2000));
const bilingualSchema = z.strictObject({ zh: z.string().check(z.minLength(1), z.maxLength(200)), en: z.string().check(z.minLength(1), z.maxLength(200)) });
const scaleSchema = z.union([
  z.strictObject({ kind: z.literal('pass_fail') }),
  z.strictObject({ kind: z.literal('points'), max: z.number().check(z.int()) }),
]);
const criterionRequestSchema = z.strictObject({
  id: shortIdSchema,
  label: bilingualSchema,
  kind: z.enum(['manual', 'automatic']),
  source: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
  critical: z.optional(z.boolean()),
  allowNa: z.optional(z.boolean()),
  scale: z.optional(scaleSchema),
  weight: z.optional(z.number()),
});
const sectionRequestSchema = z.strictObject({
  id: shortIdSchema,
  label: bilingualSchema,
  weight: z.number(),
  criteria: z.array(criterionRequestSchema).check(z.minLength(1), z.maxLength(100)),
});
const sectionsRequestSchema = z.array(sectionRequestSchema).check(z.minLength(1), z.maxLength(50));

/** POST /api/v1/scorecards. */
export const createScorecardRequestSchema = z.strictObject({ id: shortIdSchema, name: bilingualSchema, sections: sectionsRequestSchema });
/** PUT /api/v1/scorecards/:id: a new version with a change note. */
export const reviseScorecardRequestSchema = z.strictObject({
  name: z.optional(bilingualSchema),
  sections: z.optional(sectionsRequestSchema),
  note: noteSchema,
});

/** One answer of an evaluation: pass / fail / na, or points. */
export const answerRequestSchema = z.strictObject({
  criterionId: shortIdSchema,
  value: z.union([z.enum(['pass', 'fail', 'na']), z.number().check(z.int(), z.minimum(0), z.maximum(100))]),
  comment: z.optional(z.string().check(z.maxLength(2000))),
});
/** A marked moment of the call (seconds), good or bad, optionally about one criterion. */
export const clipRequestSchema = z.strictObject({
  startS: z.number().check(z.minimum(0)),
  endS: z.number().check(z.minimum(0)),
  label: z.enum(['good', 'bad']),
  note: z._default(z.string().check(z.maxLength(2000)), ''),
  criterionId: z.optional(shortIdSchema),
});
/** POST /api/v1/calls/:id/evaluations. */
export const submitEvaluationRequestSchema = z.strictObject({
  scorecardId: z._default(shortIdSchema, DEFAULT_SCORECARD_ID),
  version: z.optional(z.number().check(z.int(), z.minimum(1))),
  answers: z.array(answerRequestSchema).check(z.maxLength(200)),
  clips: z._default(z.array(clipRequestSchema).check(z.maxLength(50)), []),
});

const rosterIdSchema = z.string().check(z.minLength(1), z.maxLength(128));
/** A reviewer of the sampling roster; `agentId` when they also take calls (never assigned their own). */
export const reviewerSchema = z.strictObject({ id: rosterIdSchema, agentId: z.optional(z.nullable(rosterIdSchema)) });
/** PUT /api/v1/sampling/reviewers. */
export const setReviewersRequestSchema = z.strictObject({ reviewers: z.array(reviewerSchema).check(z.maxLength(1000)) });

const shareSchema = z.number().check(z.minimum(0), z.maximum(1));
/** POST /api/v1/sampling/plans (and `callsight sample plan`, without `replace`). Omitted settings take the planner's defaults. */
export const samplePlanRequestSchema = z.strictObject({
  period: periodSchema,
  seed: z.optional(z.union([z.number().check(z.int(), z.minimum(0), z.maximum(0xffffffff)), z.string().check(z.minLength(1), z.maxLength(128))])),
  quotas: z.optional(z.strictObject({ new: shareSchema, senior: shareSchema })),
  riskFirst: z.optional(z.boolean()),
  controlShare: z.optional(shareSchema),
  doubleScoreShare: z.optional(shareSchema),
  minRiskScore: z.optional(z.number().check(z.minimum(0), z.maximum(1))),
  reviewers: z.optional(z.array(reviewerSchema).check(z.minLength(1), z.maxLength(1000))),
  replace: z._default(z.boolean(), false),
});

/** GET /api/v1/calibration query. */
export const calibrationQuerySchema = z.strictObject({
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
  scorecardId: z.optional(shortIdSchema),
  version: z.optional(z.coerce.number().check(z.int(), z.minimum(1))),
  pointsLevel: z._default(z.enum(['ordinal', 'interval']), 'ordinal'),
});

/** POST /api/v1/evaluations/:id/disputes. */
export const openDisputeRequestSchema = z.strictObject({ criterionId: z.optional(shortIdSchema), reason: noteSchema });
/** POST /api/v1/disputes/:id/resolve: `changed` carries the corrected answers. */
export const resolveDisputeRequestSchema = z.strictObject({
  outcome: z.enum(['upheld', 'changed']),
  note: noteSchema,
  answers: z.optional(z.array(answerRequestSchema).check(z.maxLength(200))),
  clips: z.optional(z.array(clipRequestSchema).check(z.maxLength(50))),
});
/** GET /api/v1/disputes query. */
export const listDisputesQuerySchema = z.strictObject({ status: z.optional(z.enum(['open', 'resolved'])) });

/** Path parameters of /api/v1/scorecards/:id/versions/:version. */
export const scorecardVersionParamsSchema = z.object({ id: idSchema, version: z.coerce.number().check(z.int(), z.minimum(1)) });
/** Path parameters of /api/v1/sampling/plans/:period (checked by the use-case, so the CLI gets the same error). */
export const periodParamsSchema = z.object({ period: z.string() });

// ---- responses ----

const bilingualOut = z.looseObject({ zh: z.string(), en: z.string() });
const criterionOut = z.looseObject({
  id: z.string(),
  label: bilingualOut,
  kind: z.enum(['manual', 'automatic']),
  critical: z.boolean(),
  allowNa: z.boolean(),
  scale: z.looseObject({ kind: z.enum(['pass_fail', 'points']) }),
  weight: z.number(),
});
/** A stored scorecard version. */
export const scorecardSchema = z.looseObject({
  id: z.string(),
  version: z.number().check(z.int(), z.minimum(1)),
  name: bilingualOut,
  sections: z.array(z.looseObject({ id: z.string(), label: bilingualOut, weight: z.number(), criteria: z.array(criterionOut) })),
  createdAt: z.string(),
  createdBy: z.string(),
  changeNote: z.nullable(z.string()),
});
/** A version without its sections, as lists show it. */
export const scorecardSummarySchema = z.looseObject({
  id: z.string(),
  version: z.number().check(z.int()),
  name: bilingualOut,
  createdAt: z.string(),
  createdBy: z.string(),
  changeNote: z.nullable(z.string()),
});
/** GET /api/v1/scorecards: the latest version of each, with its number of versions. */
export const scorecardListResponseSchema = z.looseObject({
  items: z.array(z.extend(scorecardSummarySchema, { versions: z.number().check(z.int()) })),
});
/** GET /api/v1/scorecards/:id: the latest version and every version's summary. */
export const scorecardResponseSchema = z.extend(scorecardSchema, { versions: z.array(scorecardSummarySchema) });

const scorecardRefSchema = z.looseObject({ scorecardId: z.string(), version: z.number().check(z.int()) });
const answerValueOut = z.union([z.enum(['pass', 'fail', 'na']), z.number()]);
const openOrResolvedSchema = z.enum(['open', 'resolved']);
const disputeOutcomeSchema = z.enum(['upheld', 'changed']);
/** A stored, immutable evaluation with its computed score. */
export const evaluationSchema = z.looseObject({
  id: z.string(),
  callId: z.string(),
  agentId: z.string(),
  reviewerId: z.string(),
  callStartedAt: z.string(),
  scorecard: scorecardRefSchema,
  answers: z.array(z.looseObject({ criterionId: z.string(), value: answerValueOut })),
  clips: z.array(z.looseObject({ startS: z.number(), endS: z.number(), label: z.enum(['good', 'bad']), note: z.string() })),
  score: z.looseObject({
    scorecard: scorecardRefSchema,
    criteria: z.array(
      z.looseObject({ criterionId: z.string(), sectionId: z.string(), value: answerValueOut, critical: z.boolean(), criticalFailed: z.boolean() }),
    ),
    sections: z.array(z.looseObject({ sectionId: z.string(), weight: z.number(), score: z.nullable(z.number()) })),
    total: z.nullable(z.number()),
    totalBeforeCritical: z.nullable(z.number()),
    criticalFailed: z.boolean(),
    failedCriticalIds: z.array(z.string()),
  }),
  createdAt: z.string(),
});
/** POST /api/v1/calls/:id/evaluations: the evaluation and the call's published score. */
export const submitEvaluationResponseSchema = z.extend(evaluationSchema, { callScore: z.nullable(z.number()) });
/** An evaluation as readers see it: whether it counts (not superseded by a dispute) and its disputes. */
export const evaluationViewSchema = z.extend(evaluationSchema, {
  effective: z.boolean(),
  disputes: z.array(
    z.looseObject({
      id: z.string(),
      status: openOrResolvedSchema,
      outcome: z.nullable(disputeOutcomeSchema),
      revisedEvaluationId: z.nullable(z.string()),
    }),
  ),
});
/** GET /api/v1/calls/:id/evaluations; `blind` while a blind second reviewer has not scored yet. */
export const callEvaluationsResponseSchema = z.looseObject({
  callId: z.string(),
  blind: z.boolean(),
  callScore: z.nullable(z.number()),
  items: z.array(evaluationViewSchema),
});

const reviewerOut = z.looseObject({ id: z.string(), agentId: z.optional(z.nullable(z.string())) });
/** GET and PUT /api/v1/sampling/reviewers. */
export const reviewersResponseSchema = z.looseObject({ reviewers: z.array(reviewerOut) });

const stratumSchema = z.enum(['risk', 'control', 'quota']);
/** A month's sampling plan (core/sampling/sample-plan.ts). */
export const samplePlanSchema = z.looseObject({
  period: z.string(),
  seed: z.string(),
  settings: z.looseObject({
    quotas: z.looseObject({ new: z.number(), senior: z.number() }),
    riskFirst: z.boolean(),
    controlShare: z.number(),
    doubleScoreShare: z.number(),
    minRiskScore: z.number(),
  }),
  items: z.array(
    z.looseObject({
      callId: z.string(),
      agentId: z.string(),
      stratum: stratumSchema,
      riskScore: z.number(),
      reviewerIds: z.array(z.string()),
      doubleScored: z.boolean(),
      blind: z.boolean(),
    }),
  ),
  agents: z.array(
    z.looseObject({
      agentId: z.string(),
      seniority: z.enum(['new', 'senior']),
      calls: z.number().check(z.int()),
      quotaShare: z.number(),
      quota: z.number().check(z.int()),
      sampled: z.number().check(z.int()),
      byStratum: z.looseObject({ risk: z.number().check(z.int()), control: z.number().check(z.int()), quota: z.number().check(z.int()) }),
    }),
  ),
  reviewers: z.array(z.looseObject({ reviewerId: z.string(), assigned: z.number().check(z.int()), doubleScored: z.number().check(z.int()) })),
  totals: z.looseObject({
    callsInPeriod: z.number().check(z.int()),
    callsWithoutAgent: z.number().check(z.int()),
    sampled: z.number().check(z.int()),
    doubleScored: z.number().check(z.int()),
    unassigned: z.number().check(z.int()),
  }),
  fingerprint: z.string(),
});
/** POST /api/v1/sampling/plans (201) and `callsight sample plan --json`: the plan and the agents sampled as new for lack of a record. */
export const samplePlanResponseSchema = z.extend(samplePlanSchema, { agentsAssumedNew: z.array(z.string()) });
/** GET /api/v1/sampling/plans/:period: the stored plan as far as the reader reaches it. */
export const storedSamplePlanResponseSchema = z.extend(samplePlanSchema, { filtered: z.boolean(), createdAt: z.string(), createdBy: z.string() });

/** GET /api/v1/calibration: one report per scorecard version, the most used first. */
export const calibrationResponseSchema = z.looseObject({
  from: z.string(),
  to: z.string(),
  reports: z.array(
    z.looseObject({
      scorecardId: z.string(),
      version: z.number().check(z.int()),
      evaluationsUsed: z.number().check(z.int()),
      evaluationsExcluded: z.number().check(z.int()),
      doubleScoredCalls: z.number().check(z.int()),
      overall: z.looseObject({}),
      criteria: z.array(z.looseObject({})),
      reviewers: z.array(z.looseObject({ reviewerId: z.string() })),
      automaticVsHuman: z.looseObject({}),
    }),
  ),
});

/** A dispute of an evaluation with its history. */
export const disputeSchema = z.looseObject({
  id: z.string(),
  evaluationId: z.string(),
  callId: z.string(),
  criterionId: z.nullable(z.string()),
  status: openOrResolvedSchema,
  openedBy: z.string(),
  openedAt: z.string(),
  reason: z.string(),
  outcome: z.nullable(disputeOutcomeSchema),
  resolvedBy: z.nullable(z.string()),
  resolvedAt: z.nullable(z.string()),
  resolutionNote: z.nullable(z.string()),
  revisedEvaluationId: z.nullable(z.string()),
  history: z.array(z.looseObject({ action: z.enum(['opened', 'resolved']), by: z.string(), at: z.string(), note: z.string() })),
});
/** GET /api/v1/disputes. */
export const disputeListResponseSchema = z.looseObject({ items: z.array(disputeSchema) });
/** POST /api/v1/disputes/:id/resolve: the resolved dispute, the revised evaluation (outcome `changed`) and the call's new score. */
export const resolveDisputeResponseSchema = z.extend(disputeSchema, { revisedEvaluation: z.nullable(evaluationSchema), callScore: z.nullable(z.number()) });

export type CreateScorecardRequest = z.input<typeof createScorecardRequestSchema>;
export type ReviseScorecardRequest = z.input<typeof reviseScorecardRequestSchema>;
export type SubmitEvaluationRequest = z.input<typeof submitEvaluationRequestSchema>;
export type SetReviewersRequest = z.input<typeof setReviewersRequestSchema>;
export type SamplePlanRequest = z.input<typeof samplePlanRequestSchema>;
export type CalibrationQuery = z.input<typeof calibrationQuerySchema>;
export type OpenDisputeRequest = z.input<typeof openDisputeRequestSchema>;
export type ResolveDisputeRequest = z.input<typeof resolveDisputeRequestSchema>;
export type ListDisputesQuery = z.input<typeof listDisputesQuerySchema>;
export type SamplePlanResponse = z.output<typeof samplePlanResponseSchema>;

/** GET /api/v1/reviews/mine: the month as YYYY-MM (default: the current UTC month) and at most `limit` assignments. */
export const myReviewsQuerySchema = z.strictObject({
  period: z.optional(periodSchema),
  limit: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(500))),
});
export type MyReviewsQuery = z.input<typeof myReviewsQuerySchema>;

/**
 * GET /api/v1/reviews/mine: the reader's review assignments of a month in one answer, each with the call as the
 * reader may see it, whether they scored it, their score and the disputes on their evaluations; to review first, the
 * riskiest first. `planned` is false before the month has a plan.
 */
export const myReviewsResponseSchema = z.looseObject({
  period: z.string(),
  reviewerId: z.string(),
  planned: z.boolean(),
  total: z.number().check(z.int()),
  items: z.array(
    z.looseObject({
      call: callViewSchema,
      stratum: stratumSchema,
      riskScore: z.number(),
      doubleScored: z.boolean(),
      blind: z.boolean(),
      done: z.boolean(),
      evaluationId: z.nullable(z.string()),
      score: z.nullable(z.number()),
      disputes: z.array(
        z.looseObject({ id: z.string(), evaluationId: z.string(), status: openOrResolvedSchema, outcome: z.nullable(disputeOutcomeSchema) }),
      ),
    }),
  ),
});
export type MyReviews = z.output<typeof myReviewsResponseSchema>;
