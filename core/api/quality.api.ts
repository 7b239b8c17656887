/**
 * The quality API contract (docs/api-quality.md): request and response schemas of scorecards, evaluations, the
 * reviewer roster, sampling plans, calibration and disputes. The hub validates requests with the request schemas
 * (through the use-cases in app/quality); widgets and the OpenAPI document read both. Request schemas are strict
 * (an unknown field is an error); response schemas are loose, so that a field added later breaks no reader.
 */
import { z } from 'zod';
import { idSchema } from '../shared/ids';

/** The scorecard the hub creates on first use, so that a tenant can score before designing its own. */
export const DEFAULT_SCORECARD_ID = 'default';

/** A month as YYYY-MM (UTC): sampling periods. */
export const periodSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected YYYY-MM');

const bilingualSchema = z.object({ zh: z.string().min(1).max(200), en: z.string().min(1).max(200) }).strict();
const scaleSchema = z.union([z.object({ kind: z.literal('pass_fail') }).strict(), z.object({ kind: z.literal('points'), max: z.number().int() }).strict()]);
const criterionRequestSchema = z
  .object({
    id: z.string().min(1).max(64),
    label: bilingualSchema,
    kind: z.enum(['manual', 'automatic']),
    source: z.string().min(1).max(100).optional(),
    critical: z.boolean().optional(),
    allowNa: z.boolean().optional(),
    scale: scaleSchema.optional(),
    weight: z.number().optional(),
  })
  .strict();
const sectionRequestSchema = z.object({ id: z.string().min(1).max(64), label: bilingualSchema, weight: z.number(), criteria: z.array(criterionRequestSchema).min(1).max(100) }).strict();

/** POST /api/v1/scorecards. */
export const createScorecardRequestSchema = z.object({ id: z.string().min(1).max(64), name: bilingualSchema, sections: z.array(sectionRequestSchema).min(1).max(50) }).strict();
/** PUT /api/v1/scorecards/:id: a new version with a change note. */
export const reviseScorecardRequestSchema = z
  .object({ name: bilingualSchema.optional(), sections: z.array(sectionRequestSchema).min(1).max(50).optional(), note: z.string().min(1).max(2000) })
  .strict();

/** One answer of an evaluation: pass / fail / na, or points. */
export const answerRequestSchema = z
  .object({
    criterionId: z.string().min(1).max(64),
    value: z.union([z.enum(['pass', 'fail', 'na']), z.number().int().min(0).max(100)]),
    comment: z.string().max(2000).optional(),
  })
  .strict();
/** A marked moment of the call (seconds), good or bad, optionally about one criterion. */
export const clipRequestSchema = z
  .object({
    startS: z.number().min(0),
    endS: z.number().min(0),
    label: z.enum(['good', 'bad']),
    note: z.string().max(2000).default(''),
    criterionId: z.string().min(1).max(64).optional(),
  })
  .strict();
/** POST /api/v1/calls/:id/evaluations. */
export const submitEvaluationRequestSchema = z
  .object({
    scorecardId: z.string().min(1).max(64).default(DEFAULT_SCORECARD_ID),
    version: z.number().int().min(1).optional(),
    answers: z.array(answerRequestSchema).max(200),
    clips: z.array(clipRequestSchema).max(50).default([]),
  })
  .strict();

/** A reviewer of the sampling roster; `agentId` when they also take calls (never assigned their own). */
export const reviewerSchema = z.object({ id: z.string().min(1).max(128), agentId: z.string().min(1).max(128).nullable().optional() }).strict();
/** PUT /api/v1/sampling/reviewers. */
export const setReviewersRequestSchema = z.object({ reviewers: z.array(reviewerSchema).max(1000) }).strict();

const shareSchema = z.number().min(0).max(1);
/** POST /api/v1/sampling/plans (and `callsight sample plan`, without `replace`). Omitted settings take the planner's defaults. */
export const samplePlanRequestSchema = z
  .object({
    period: periodSchema,
    seed: z.union([z.number().int().min(0).max(0xffffffff), z.string().min(1).max(128)]).optional(),
    quotas: z.object({ new: shareSchema, senior: shareSchema }).strict().optional(),
    riskFirst: z.boolean().optional(),
    controlShare: shareSchema.optional(),
    doubleScoreShare: shareSchema.optional(),
    minRiskScore: z.number().min(0).max(1).optional(),
    reviewers: z.array(reviewerSchema).min(1).max(1000).optional(),
    replace: z.boolean().default(false),
  })
  .strict();

/** GET /api/v1/calibration query. */
export const calibrationQuerySchema = z
  .object({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    scorecardId: z.string().min(1).max(64).optional(),
    version: z.coerce.number().int().min(1).optional(),
    pointsLevel: z.enum(['ordinal', 'interval']).default('ordinal'),
  })
  .strict();

/** POST /api/v1/evaluations/:id/disputes. */
export const openDisputeRequestSchema = z.object({ criterionId: z.string().min(1).max(64).optional(), reason: z.string().min(1).max(2000) }).strict();
/** POST /api/v1/disputes/:id/resolve: `changed` carries the corrected answers. */
export const resolveDisputeRequestSchema = z
  .object({
    outcome: z.enum(['upheld', 'changed']),
    note: z.string().min(1).max(2000),
    answers: z.array(answerRequestSchema).max(200).optional(),
    clips: z.array(clipRequestSchema).max(50).optional(),
  })
  .strict();
/** GET /api/v1/disputes query. */
export const listDisputesQuerySchema = z.object({ status: z.enum(['open', 'resolved']).optional() }).strict();

/** Path parameters of /api/v1/scorecards/:id/versions/:version. */
export const scorecardVersionParamsSchema = z.object({ id: idSchema, version: z.coerce.number().int().min(1) });
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
  version: z.number().int().min(1),
  name: bilingualOut,
  sections: z.array(z.looseObject({ id: z.string(), label: bilingualOut, weight: z.number(), criteria: z.array(criterionOut) })),
  createdAt: z.string(),
  createdBy: z.string(),
  changeNote: z.string().nullable(),
});
/** A version without its sections, as lists show it. */
export const scorecardSummarySchema = z.looseObject({
  id: z.string(),
  version: z.number().int(),
  name: bilingualOut,
  createdAt: z.string(),
  createdBy: z.string(),
  changeNote: z.string().nullable(),
});
/** GET /api/v1/scorecards: the latest version of each, with its number of versions. */
export const scorecardListResponseSchema = z.looseObject({ items: z.array(scorecardSummarySchema.extend({ versions: z.number().int() })) });
/** GET /api/v1/scorecards/:id: the latest version and every version's summary. */
export const scorecardResponseSchema = scorecardSchema.extend({ versions: z.array(scorecardSummarySchema) });

const scorecardRefSchema = z.looseObject({ scorecardId: z.string(), version: z.number().int() });
const answerValueOut = z.union([z.enum(['pass', 'fail', 'na']), z.number()]);
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
    criteria: z.array(z.looseObject({ criterionId: z.string(), sectionId: z.string(), value: answerValueOut, critical: z.boolean(), criticalFailed: z.boolean() })),
    sections: z.array(z.looseObject({ sectionId: z.string(), weight: z.number(), score: z.number().nullable() })),
    total: z.number().nullable(),
    totalBeforeCritical: z.number().nullable(),
    criticalFailed: z.boolean(),
    failedCriticalIds: z.array(z.string()),
  }),
  createdAt: z.string(),
});
/** POST /api/v1/calls/:id/evaluations: the evaluation and the call's published score. */
export const submitEvaluationResponseSchema = evaluationSchema.extend({ callScore: z.number().nullable() });
/** An evaluation as readers see it: whether it counts (not superseded by a dispute) and its disputes. */
export const evaluationViewSchema = evaluationSchema.extend({
  effective: z.boolean(),
  disputes: z.array(z.looseObject({ id: z.string(), status: z.enum(['open', 'resolved']), outcome: z.enum(['upheld', 'changed']).nullable(), revisedEvaluationId: z.string().nullable() })),
});
/** GET /api/v1/calls/:id/evaluations; `blind` while a blind second reviewer has not scored yet. */
export const callEvaluationsResponseSchema = z.looseObject({ callId: z.string(), blind: z.boolean(), callScore: z.number().nullable(), items: z.array(evaluationViewSchema) });

const reviewerOut = z.looseObject({ id: z.string(), agentId: z.string().nullable().optional() });
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
    z.looseObject({ callId: z.string(), agentId: z.string(), stratum: stratumSchema, riskScore: z.number(), reviewerIds: z.array(z.string()), doubleScored: z.boolean(), blind: z.boolean() }),
  ),
  agents: z.array(
    z.looseObject({
      agentId: z.string(),
      seniority: z.enum(['new', 'senior']),
      calls: z.number().int(),
      quotaShare: z.number(),
      quota: z.number().int(),
      sampled: z.number().int(),
      byStratum: z.looseObject({ risk: z.number().int(), control: z.number().int(), quota: z.number().int() }),
    }),
  ),
  reviewers: z.array(z.looseObject({ reviewerId: z.string(), assigned: z.number().int(), doubleScored: z.number().int() })),
  totals: z.looseObject({ callsInPeriod: z.number().int(), callsWithoutAgent: z.number().int(), sampled: z.number().int(), doubleScored: z.number().int(), unassigned: z.number().int() }),
  fingerprint: z.string(),
});
/** POST /api/v1/sampling/plans (201) and `callsight sample plan --json`: the plan and the agents sampled as new for lack of a record. */
export const samplePlanResponseSchema = samplePlanSchema.extend({ agentsAssumedNew: z.array(z.string()) });
/** GET /api/v1/sampling/plans/:period: the stored plan as far as the reader reaches it. */
export const storedSamplePlanResponseSchema = samplePlanSchema.extend({ filtered: z.boolean(), createdAt: z.string(), createdBy: z.string() });

/** GET /api/v1/calibration: one report per scorecard version, the most used first. */
export const calibrationResponseSchema = z.looseObject({
  from: z.string(),
  to: z.string(),
  reports: z.array(
    z.looseObject({
      scorecardId: z.string(),
      version: z.number().int(),
      evaluationsUsed: z.number().int(),
      evaluationsExcluded: z.number().int(),
      doubleScoredCalls: z.number().int(),
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
  criterionId: z.string().nullable(),
  status: z.enum(['open', 'resolved']),
  openedBy: z.string(),
  openedAt: z.string(),
  reason: z.string(),
  outcome: z.enum(['upheld', 'changed']).nullable(),
  resolvedBy: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  resolutionNote: z.string().nullable(),
  revisedEvaluationId: z.string().nullable(),
  history: z.array(z.looseObject({ action: z.enum(['opened', 'resolved']), by: z.string(), at: z.string(), note: z.string() })),
});
/** GET /api/v1/disputes. */
export const disputeListResponseSchema = z.looseObject({ items: z.array(disputeSchema) });
/** POST /api/v1/disputes/:id/resolve: the resolved dispute, the revised evaluation (outcome `changed`) and the call's new score. */
export const resolveDisputeResponseSchema = disputeSchema.extend({ revisedEvaluation: evaluationSchema.nullable(), callScore: z.number().nullable() });

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
