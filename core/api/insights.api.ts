/**
 * The quality insights API contract (docs/api-quality.md): KPIs per agent, team, customer tag, inquiry type or
 * month, and call content compared across customer tags. Query schemas are strict; response schemas are loose.
 */
import * as z from 'zod/mini';

const groupBySchema = z.enum(['agent', 'team', 'tag', 'inquiryType', 'period', 'all']);

/** GET /api/v1/kpis query; the range defaults to the 30 days before `to` (default now). */
export const kpiQuerySchema = z.strictObject({
  groupBy: z._default(groupBySchema, 'agent'),
  from: z.optional(z.iso.datetime({ offset: true })),
  to: z.optional(z.iso.datetime({ offset: true })),
  fcrWindowDays: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(90)), 7),
  confidenceLevel: z._default(z.coerce.number().check(z.gt(0), z.lt(1)), 0.95),
});
/** GET /api/v1/insights/segments query. */
export const segmentQuerySchema = z.strictObject({
  tag: z.string().check(z.minLength(1), z.maxLength(64)),
  from: z.optional(z.iso.datetime({ offset: true })),
  to: z.optional(z.iso.datetime({ offset: true })),
  alpha: z._default(z.coerce.number().check(z.gt(0), z.lt(1)), 0.05),
  minCalls: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(10_000)), 1),
});

// ---- responses ----

const ratioSchema = z.looseObject({ numerator: z.number(), denominator: z.number(), rate: z.nullable(z.number()) });
/** GET /api/v1/kpis: one row per group, with the targets the widgets compare against. */
export const kpiResponseSchema = z.looseObject({
  groupBy: groupBySchema,
  from: z.string(),
  to: z.string(),
  fcrWindowDays: z.number().check(z.int()),
  targets: z.looseObject({}),
  rows: z.array(
    z.looseObject({
      group: z.string(),
      calls: z.number().check(z.int()),
      recordingCompleteness: ratioSchema,
      requiredScriptRate: ratioSchema,
      sensitiveWords: z.looseObject({ hits: z.number(), callsWithHits: z.number() }),
      durationInBand: ratioSchema,
      interruptionRate: ratioSchema,
      firstContactResolution: z.extend(ratioSchema, { repeatContacts: z.number().check(z.int()), windowDays: z.number().check(z.int()) }),
      scoreCsat: z.looseObject({ n: z.number().check(z.int()) }),
      averageScore: z.looseObject({ mean: z.nullable(z.number()), scored: z.number().check(z.int()) }),
      /** Customers who started negative and did not end negative / those who started negative (情绪应对), with its interval. */
      emotionHandling: z.optional(
        z.extend(ratioSchema, {
          interval: z.nullable(z.object({ level: z.number(), low: z.number(), high: z.number() })),
          unknown: z.number().check(z.int(), z.minimum(0)),
        }),
      ),
    }),
  ),
});
const shareSchema = z.looseObject({ count: z.number().check(z.int()), share: z.nullable(z.number()) });
/** GET /api/v1/insights/segments: demands and flags among calls with the tag vs the rest, and the QA score difference. */
export const segmentResponseSchema = z.looseObject({
  from: z.string(),
  to: z.string(),
  analysedCalls: z.number().check(z.int()),
  callsInRange: z.number().check(z.int()),
  tag: z.string(),
  taggedCalls: z.number().check(z.int()),
  restCalls: z.number().check(z.int()),
  items: z.array(
    z.looseObject({
      kind: z.enum(['demand', 'flag']),
      key: z.string(),
      tagged: shareSchema,
      rest: shareSchema,
      lift: z.nullable(z.number()),
      test: z.enum(['fisher', 'z', 'none']),
      pValue: z.nullable(z.number()),
      significant: z.boolean(),
    }),
  ),
  score: z.looseObject({ taggedMean: z.nullable(z.number()), restMean: z.nullable(z.number()), significant: z.boolean() }),
});

export type KpiQuery = z.input<typeof kpiQuerySchema>;
export type SegmentQuery = z.input<typeof segmentQuerySchema>;
