import type { FastifyRequest } from 'fastify';
import type { QualityUseCases } from '../../../app/quality';
import { scorecardVersionParamsSchema } from '../../../core/api/quality.api';
import { CallsightError } from '../../../core/shared/errors';
import { idParamsSchema } from '../../../core/shared/ids';
import type { HttpPlugin } from '../http.deps';

/**
 * The `:id` of a path, or `notFound` when it is not an id at all (such a path names nothing, so it answers as
 * an absent object does, before the caller is even authenticated).
 */
export function pathId(request: FastifyRequest, notFound: () => CallsightError): string {
  const parsed = idParamsSchema.safeParse(request.params);
  if (!parsed.success) throw notFound();
  return parsed.data.id;
}

/** Hands an unparsed request part (body, query, params) to a use-case, whose input schema validates it. */
export function unparsed(value: unknown): never {
  return value as never;
}

/** The JSON body with the path parameters added: what a use-case taking both validates as one input. */
export function bodyWith(body: unknown, params: Record<string, string>): never {
  if (body === undefined || body === null) return unparsed(params);
  return unparsed(typeof body === 'object' && !Array.isArray(body) ? { ...body, ...params } : body);
}

const callNotFound = () => new CallsightError('CALL_NOT_FOUND', 'No call with this id is visible to you');
const notFound = (what: string) => () => new CallsightError('NOT_FOUND', `No ${what} with this id is visible to you`);

/**
 * Scorecards (versioned), evaluations, the reviewer roster, sampling plans, calibration and disputes
 * (docs/api-quality.md, contract core/api/quality.api.ts). Each route authenticates and calls one use-case of
 * app/quality, which checks access and writes the audit event.
 */
export function qualityRoutes(quality: QualityUseCases): HttpPlugin {
  return (app, helpers) => {
    const actor = (request: FastifyRequest) => helpers.authenticate(request);

    app.get('/api/v1/scorecards', async (request) => quality.listScorecards(await actor(request), undefined));

    app.post('/api/v1/scorecards', async (request, reply) => reply.status(201).send(await quality.createScorecard(await actor(request), unparsed(request.body))));

    app.get('/api/v1/scorecards/:id', async (request) => {
      const id = pathId(request, notFound('scorecard'));
      return quality.getScorecard(await actor(request), { id });
    });

    app.get('/api/v1/scorecards/:id/versions/:version', async (request) => {
      const params = scorecardVersionParamsSchema.safeParse(request.params);
      if (!params.success) throw new CallsightError('NOT_FOUND', 'No such scorecard version');
      return quality.getScorecardVersion(await actor(request), params.data);
    });

    app.put('/api/v1/scorecards/:id', async (request) => {
      const id = pathId(request, notFound('scorecard'));
      return quality.reviseScorecard(await actor(request), bodyWith(request.body, { id }));
    });

    app.post('/api/v1/calls/:id/evaluations', async (request, reply) => {
      const callId = pathId(request, callNotFound);
      return reply.status(201).send(await quality.submitEvaluation(await actor(request), bodyWith(request.body, { callId })));
    });

    app.get('/api/v1/calls/:id/evaluations', async (request) => {
      const callId = pathId(request, callNotFound);
      return quality.listCallEvaluations(await actor(request), { callId });
    });

    app.get('/api/v1/evaluations/:id', async (request) => {
      const id = pathId(request, notFound('evaluation'));
      return quality.getEvaluation(await actor(request), { id });
    });

    app.get('/api/v1/sampling/reviewers', async (request) => quality.listReviewers(await actor(request), undefined));

    app.put('/api/v1/sampling/reviewers', async (request) => quality.setReviewers(await actor(request), unparsed(request.body)));

    app.post('/api/v1/sampling/plans', async (request, reply) => reply.status(201).send(await quality.planSample(await actor(request), unparsed(request.body))));

    app.get('/api/v1/sampling/plans/:period', async (request) => quality.getSamplePlan(await actor(request), unparsed(request.params)));

    app.get('/api/v1/reviews/mine', async (request) => quality.listMyReviews(await actor(request), unparsed(request.query)));

    app.get('/api/v1/calibration', async (request) => quality.reportCalibration(await actor(request), unparsed(request.query)));

    app.post('/api/v1/evaluations/:id/disputes', async (request, reply) => {
      const evaluationId = pathId(request, notFound('evaluation'));
      return reply.status(201).send(await quality.openDispute(await actor(request), bodyWith(request.body, { evaluationId })));
    });

    app.get('/api/v1/disputes', async (request) => quality.listDisputes(await actor(request), unparsed(request.query)));

    app.get('/api/v1/disputes/:id', async (request) => {
      const id = pathId(request, notFound('dispute'));
      return quality.getDispute(await actor(request), { id });
    });

    app.post('/api/v1/disputes/:id/resolve', async (request) => {
      const disputeId = pathId(request, notFound('dispute'));
      return quality.resolveDispute(await actor(request), bodyWith(request.body, { disputeId }));
    });
  };
}
