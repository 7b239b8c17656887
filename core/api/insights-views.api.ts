/**
 * What the manager insights screen reads from the hub, as lean read schemas for the widgets (zod/mini only): the
 * demand categories of `GET /api/v1/insights/demands` and a call's evaluations from `GET /api/v1/calls/:id/evaluations`.
 * The hub's full contracts (./analysis.api.ts, ./quality.api.ts) stay the source of truth: these read only the fields
 * the screen shows and let the rest through, so a richer answer never breaks the screen.
 */
import * as z from 'zod/mini';

const count = z.number().check(z.int(), z.minimum(0));

/**
 * `GET /api/v1/insights/demands`: demand categories with the calls that raised each, and the demands mined from the
 * customers' own words with the ones emerging this week (absent from hubs that do not mine them yet).
 */
export const demandCategoriesReadSchema = z.looseObject({
  totalCalls: count,
  categories: z.array(z.looseObject({ id: z.string(), label: z.string(), calls: count, callIds: z.array(z.string()) })),
  demands: z.optional(
    z.array(
      z.looseObject({
        id: z.string(),
        label: z.string(),
        calls: count,
        callIds: z.array(z.string()),
        examples: z.array(z.looseObject({ callId: z.string(), text: z.string() })),
      }),
    ),
  ),
  emerging: z.optional(z.array(z.looseObject({ id: z.string(), thisWeek: count, lastWeek: count, growth: z.number() }))),
  truncated: z.boolean(),
});
export type DemandCategories = z.infer<typeof demandCategoriesReadSchema>;

/** `GET /api/v1/calls/:id/evaluations` as the drill-down shows it: who scored, when, the total and dispute states. */
export const callEvaluationsReadSchema = z.looseObject({
  callId: z.string(),
  blind: z.boolean(),
  callScore: z.nullable(z.number()),
  items: z.array(
    z.looseObject({
      id: z.string(),
      reviewerId: z.string(),
      createdAt: z.string(),
      effective: z.boolean(),
      score: z.looseObject({ total: z.nullable(z.number()), criticalFailed: z.boolean() }),
      disputes: z.array(z.looseObject({ id: z.string(), status: z.string() })),
    }),
  ),
});
export type CallEvaluationsRead = z.infer<typeof callEvaluationsReadSchema>;
