import type { FastifyRequest } from 'fastify';
import type { AnalysisUseCases, ImportTranscriptInput } from '../../../app/analysis/index';
import type { AnalysisSettingsInput, DemandsQueryInput } from '../../../core/api/analysis.api';
import type { HttpHelpers, HttpPlugin } from '../http.deps';

/** The analysis use-cases the routes call; bound in bin/wiring/analysis.wiring.ts. */
export type AnalysisRoutesDeps = Pick<AnalysisUseCases, 'getTranscript' | 'getAnalysis' | 'importTranscript' | 'getSettings' | 'saveSettings' | 'getDemandInsights'>;

/** The `:id` path parameter as sent; the use-case answers CALL_NOT_FOUND for one that is not a call id. */
function callId(request: FastifyRequest): string {
  const { id } = request.params as { id?: unknown };
  return typeof id === 'string' ? id : '';
}

/** A JSON body as an object to spread the path's id into (anything else is left for the use-case to refuse). */
function bodyObject(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

/**
 * Transcript, analysis, transcript import, tenant analysis settings and demand insights (docs/api.md); request
 * and response shapes in core/api/analysis.api.ts. Each route authenticates, calls its use-case (which
 * authorises, audits and does the work) and serialises the answer.
 */
export function analysisRoutes(analysis: AnalysisRoutesDeps): HttpPlugin {
  return (app, helpers: HttpHelpers) => {
    app.get('/api/v1/calls/:id/transcript', async (request) => {
      const principal = await helpers.authenticate(request);
      return analysis.getTranscript(principal, { id: callId(request) });
    });

    app.get('/api/v1/calls/:id/analysis', async (request) => {
      const principal = await helpers.authenticate(request);
      return analysis.getAnalysis(principal, { id: callId(request) });
    });

    app.post('/api/v1/calls/:id/transcript', async (request, reply) => {
      const principal = await helpers.authenticate(request);
      const imported = await analysis.importTranscript(principal, { ...bodyObject(request), id: callId(request) } as ImportTranscriptInput);
      return reply.status(202).send(imported);
    });

    app.get('/api/v1/settings/analysis', async (request) => {
      const principal = await helpers.authenticate(request);
      return analysis.getSettings(principal, undefined);
    });

    app.put('/api/v1/settings/analysis', async (request) => {
      const principal = await helpers.authenticate(request);
      return analysis.saveSettings(principal, request.body as AnalysisSettingsInput);
    });

    app.get('/api/v1/insights/demands', async (request) => {
      const principal = await helpers.authenticate(request);
      return analysis.getDemandInsights(principal, request.query as DemandsQueryInput);
    });
  };
}
