/**
 * What the agent view ("my calls", issue 15 item 3) reads from the hub beyond the shared contracts, as lean read
 * schemas (zod/mini only): the before/after figures of `GET /api/v1/coaching/tasks/:id/outcome`. The hub's full
 * contract (./coaching.api.ts) stays the source of truth; these read only the fields the screen shows.
 */
import * as z from 'zod/mini';

const side = z.looseObject({
  before: z.nullable(z.number()),
  after: z.nullable(z.number()),
  nBefore: z.number().check(z.int()),
  nAfter: z.number().check(z.int()),
  significant: z.boolean(),
});

/** `GET /api/v1/coaching/tasks/:id/outcome`: per criterion, the pass rate (0..1) and the score before and after. */
export const coachingOutcomeReadSchema = z.looseObject({
  taskId: z.string(),
  criteria: z.array(z.looseObject({ criterionId: z.string(), passRate: side, score: z.nullable(side) })),
  status: z.enum(['assigned', 'acknowledged', 'completed']),
  sources: z.looseObject({ evaluations: z.number().check(z.int()), automatic: z.number().check(z.int()) }),
});
export type CoachingOutcomeRead = z.infer<typeof coachingOutcomeReadSchema>;
