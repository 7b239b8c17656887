import type * as z from 'zod/mini';
import type { RetentionUseCases } from '../../../app/retention';
import { legalHoldsQuerySchema, placeLegalHoldBodySchema, retentionPlanQuerySchema, retentionSweepBodySchema } from '../../../core/api/retention.api';
import type { HttpHelpers, HttpPlugin } from '../http.deps';

type RouteUseCases = Pick<RetentionUseCases, 'viewPolicy' | 'changePolicy' | 'plan' | 'sweep' | 'listHolds' | 'placeHold' | 'releaseHold' | 'deleteCall'>;

const param = (params: unknown, name: string): string => String((params as Record<string, unknown>)[name] ?? '');

/**
 * Retention and legal-hold routes (docs/retention.md, contract in core/api/retention.api.ts): the tenant policy,
 * the dry-run plan, the sweep, legal holds, and the admin deletion of a call. Each parses the transport and calls
 * one use-case of app/retention, which checks the role, validates (request schemas `retentionPlanQuerySchema`,
 * `legalHoldsQuerySchema`, `placeLegalHoldBodySchema`, `retentionSweepBodySchema`, `retentionPolicyBodySchema`)
 * and writes the one audit event.
 */
export function retentionRoutes(useCases: RouteUseCases): HttpPlugin {
  return (app, helpers: HttpHelpers) => {
    app.get('/api/v1/retention/policy', async (request) => useCases.viewPolicy(await helpers.authenticate(request), undefined));

    app.put('/api/v1/retention/policy', async (request) => (await useCases.changePolicy(await helpers.authenticate(request), request.body)).view);

    app.get<{ Querystring: z.input<typeof retentionPlanQuerySchema> }>('/api/v1/retention/plan', async (request) =>
      useCases.plan(await helpers.authenticate(request), request.query),
    );

    app.post<{ Body: z.input<typeof retentionSweepBodySchema> }>('/api/v1/retention/sweep', async (request) =>
      useCases.sweep(await helpers.authenticate(request), request.body ?? {}),
    );

    app.get<{ Querystring: z.input<typeof legalHoldsQuerySchema> }>('/api/v1/legal-holds', async (request) =>
      useCases.listHolds(await helpers.authenticate(request), request.query),
    );

    app.post<{ Body: z.input<typeof placeLegalHoldBodySchema> }>('/api/v1/legal-holds', async (request, reply) => {
      const hold = await useCases.placeHold(await helpers.authenticate(request), request.body);
      return reply.status(201).send(hold);
    });

    app.post('/api/v1/legal-holds/:id/release', async (request) =>
      useCases.releaseHold(await helpers.authenticate(request), { holdId: param(request.params, 'id') }),
    );

    app.delete('/api/v1/calls/:id', async (request) =>
      (await useCases.deleteCall(await helpers.authenticate(request), { callId: param(request.params, 'id') })).deletion,
    );
  };
}
