/**
 * The quality insights API contract (docs/api-quality.md): KPIs per agent, team, customer tag, inquiry type or
 * month, and call content compared across customer tags. Query schemas are strict; response schemas are loose.
 */
import { z } from 'zod';

/** GET /api/v1/kpis query; the range defaults to the 30 days before `to` (default now). */
export const kpiQuerySchema = z
  .object({
    groupBy: z.enum(['agent', 'team', 'tag', 'inquiryType', 'period', 'all']).default('agent'),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    fcrWindowDays: z.coerce.number().int().min(1).max(90).default(7),
    confidenceLevel: z.coerce.number().gt(0).lt(1).default(0.95),
  })
  .strict();
/** GET /api/v1/insights/segments query. */
export const segmentQuerySchema = z
  .object({
    tag: z.string().min(1).max(64),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    alpha: z.coerce.number().gt(0).lt(1).default(0.05),
    minCalls: z.coerce.number().int().min(1).max(10_000).default(1),
  })
  .strict();

// ---- responses ----

const ratioSchema = z.looseObject({ numerator: z.number(), denominator: z.number(), rate: z.number().nullable() });
/** GET /api/v1/kpis: one row per group, with the targets the widgets compare against. */
export const kpiResponseSchema = z.looseObject({
  groupBy: z.enum(['agent', 'team', 'tag', 'inquiryType', 'period', 'all']),
  from: z.string(),
  to: z.string(),
  fcrWindowDays: z.number().int(),
  targets: z.looseObject({}),
  rows: z.array(
    z.looseObject({
      group: z.string(),
      calls: z.number().int(),
      recordingCompleteness: ratioSchema,
      requiredScriptRate: ratioSchema,
      sensitiveWords: z.looseObject({ hits: z.number(), callsWithHits: z.number() }),
      durationInBand: ratioSchema,
      interruptionRate: ratioSchema,
      firstContactResolution: ratioSchema.extend({ repeatContacts: z.number().int(), windowDays: z.number().int() }),
      scoreCsat: z.looseObject({ n: z.number().int() }),
      averageScore: z.looseObject({ mean: z.number().nullable(), scored: z.number().int() }),
    }),
  ),
});
const shareSchema = z.looseObject({ count: z.number().int(), share: z.number().nullable() });
/** GET /api/v1/insights/segments: demands and flags among calls with the tag vs the rest, and the QA score difference. */
export const segmentResponseSchema = z.looseObject({
  from: z.string(),
  to: z.string(),
  analysedCalls: z.number().int(),
  callsInRange: z.number().int(),
  tag: z.string(),
  taggedCalls: z.number().int(),
  restCalls: z.number().int(),
  items: z.array(
    z.looseObject({
      kind: z.enum(['demand', 'flag']),
      key: z.string(),
      tagged: shareSchema,
      rest: shareSchema,
      lift: z.number().nullable(),
      test: z.enum(['fisher', 'z', 'none']),
      pValue: z.number().nullable(),
      significant: z.boolean(),
    }),
  ),
  score: z.looseObject({ taggedMean: z.number().nullable(), restMean: z.number().nullable(), significant: z.boolean() }),
});

export type KpiQuery = z.input<typeof kpiQuerySchema>;
export type SegmentQuery = z.input<typeof segmentQuerySchema>;
