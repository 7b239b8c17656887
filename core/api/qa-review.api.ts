/**
 * The QA review panel's reading of the hub (issue 15 item 1), written with `zod/mini` so that no classic zod reaches
 * a widget chunk. The panel reads a call's analysis (`GET /api/v1/calls/:id/analysis`) only as far as the review
 * needs it: script results with their segment, sensitive-word hits with their times, conversation metrics, the
 * customer's emotion timeline and trajectory, flags and risk. The objects are loose: a newer hub that adds fields
 * breaks no panel. The hub's full contract of that answer stays `analysisResponseSchema` in analysis.api.ts.
 */
import * as z from 'zod/mini';
import { callViewSchema } from './call-views.api';

const span = { startS: z.number(), endS: z.number() };
const emotionLabelSchema = z.string();

/** One customer segment's emotion on the call timeline (seconds). */
export const emotionPointReadSchema = z.looseObject({ segment: z.number(), ...span, label: emotionLabelSchema, score: z.number() });

/** A stretch of the customer's emotion trajectory (start, end, lowest). */
const trajectoryStretchSchema = z.looseObject({ label: emotionLabelSchema, valence: z.number(), ...span, fromSegment: z.number(), toSegment: z.number() });

/** `GET /api/v1/calls/:id/analysis` as the QA review panel reads it. */
export const reviewAnalysisReadSchema = z.looseObject({
  callId: z.string(),
  masked: z.boolean(),
  language: z.string(),
  sensitive: z.array(
    z.looseObject({ term: z.string(), segment: z.number(), start: z.number(), end: z.number(), startS: z.number(), endS: z.number(), speaker: z.optional(z.string()), category: z.optional(z.string()), severity: z.optional(z.string()) }),
  ),
  scripts: z.array(z.looseObject({ id: z.string(), required: z.boolean(), found: z.boolean(), segment: z.nullable(z.number()), score: z.number() })),
  pii: z.array(z.looseObject({ kind: z.string(), segment: z.number(), start: z.number(), end: z.number() })),
  metrics: z.looseObject({
    durationS: z.number(),
    customerTurns: z.number(),
    customerTurnsInterrupted: z.optional(z.number()),
    interruptionRate: z.number(),
    durationBand: z.looseObject({ minS: z.number(), maxS: z.number() }),
  }),
  emotion: z.looseObject({
    timeline: z.array(emotionPointReadSchema),
    trajectory: z.optional(z.looseObject({ start: trajectoryStretchSchema, end: trajectoryStretchSchema, lowest: trajectoryStretchSchema })),
  }),
  flags: z.array(z.looseObject({ code: z.string() })),
  risk: z.number(),
});
export type ReviewAnalysis = z.output<typeof reviewAnalysisReadSchema>;
export type EmotionPointRead = z.output<typeof emotionPointReadSchema>;

const bilingualRead = z.looseObject({ zh: z.string(), en: z.string() });
const scorecardRefRead = z.looseObject({ scorecardId: z.string(), version: z.number() });
const disputeStatusRead = z.enum(['open', 'resolved']);
const disputeOutcomeRead = z.nullable(z.enum(['upheld', 'changed']));

const scoreRead = z.looseObject({ total: z.nullable(z.number()), criticalFailed: z.boolean() });

/** `GET /api/v1/calls/:id/evaluations` as the panel reads it (`callEvaluationsResponseSchema` in quality.api.ts). */
export const reviewEvaluationsReadSchema = z.looseObject({
  callId: z.string(),
  blind: z.boolean(),
  callScore: z.nullable(z.number()),
  items: z.array(
    z.looseObject({
      id: z.string(),
      reviewerId: z.string(),
      scorecard: scorecardRefRead,
      score: scoreRead,
      createdAt: z.string(),
      disputes: z.array(z.looseObject({ id: z.string(), status: disputeStatusRead, outcome: disputeOutcomeRead })),
    }),
  ),
});
export type ReviewEvaluations = z.output<typeof reviewEvaluationsReadSchema>;

/** A scorecard version as the form reads it (`scorecardSchema` in quality.api.ts); `source` names an automatic criterion's rule. */
export const reviewScorecardReadSchema = z.looseObject({
  id: z.string(),
  version: z.number(),
  name: bilingualRead,
  sections: z.array(
    z.looseObject({
      id: z.string(),
      label: bilingualRead,
      weight: z.number(),
      criteria: z.array(
        z.looseObject({
          id: z.string(),
          label: bilingualRead,
          kind: z.enum(['manual', 'automatic']),
          source: z.optional(z.string()),
          critical: z.boolean(),
          allowNa: z.boolean(),
          scale: z.looseObject({ kind: z.enum(['pass_fail', 'points']), max: z.optional(z.number()) }),
          weight: z.number(),
        }),
      ),
    }),
  ),
});
export type ReviewScorecard = z.output<typeof reviewScorecardReadSchema>;

/** `POST /api/v1/calls/:id/evaluations` (201) as the panel reads it (`submitEvaluationResponseSchema`). */
export const submittedEvaluationReadSchema = z.looseObject({ id: z.string(), callId: z.string(), score: scoreRead, callScore: z.nullable(z.number()) });
export type SubmittedEvaluationRead = z.output<typeof submittedEvaluationReadSchema>;

/** `POST /api/v1/clips` (201) as the panel reads it (`clipSchema` in training.api.ts): the saved training example. */
export const savedClipReadSchema = z.looseObject({ id: z.string(), callId: z.string(), startS: z.number(), endS: z.number(), label: z.enum(['good', 'bad']) });
export type SavedClipRead = z.output<typeof savedClipReadSchema>;

/**
 * `GET /api/v1/reviews/mine` as the panel reads it (the hub's full shape: `myReviewsResponseSchema` in quality.api.ts):
 * the reader's assignments of a month with their calls, whether they scored each and the disputes on their evaluations.
 */
export const reviewMineReadSchema = z.looseObject({
  period: z.string(),
  reviewerId: z.string(),
  planned: z.boolean(),
  total: z.number(),
  items: z.array(
    z.looseObject({
      call: callViewSchema,
      stratum: z.enum(['risk', 'control', 'quota']),
      riskScore: z.number(),
      doubleScored: z.boolean(),
      blind: z.boolean(),
      done: z.boolean(),
      disputes: z.array(z.looseObject({ id: z.string(), evaluationId: z.string(), status: disputeStatusRead, outcome: disputeOutcomeRead })),
    }),
  ),
});
export type ReviewMine = z.output<typeof reviewMineReadSchema>;
