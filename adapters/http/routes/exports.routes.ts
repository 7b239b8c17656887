import { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import type { ExportListQueryInput } from '../../../core/api/exports.api';
import type { CallsightError } from '../../../core/shared/errors';
import type { ExportsUseCases } from '../../../app/exports';
import type { HttpHelpers, HttpPlugin } from '../http.deps';

const exportId = (request: FastifyRequest) => (request.params as { id: string }).id;

/** The body of a decision with the path's export id (the path wins over any `id` in the body). */
const decisionInput = (request: FastifyRequest) => {
  const body = request.body ?? {};
  return { ...(typeof body === 'object' && !Array.isArray(body) ? body : { body }), id: exportId(request) };
};

/**
 * Two-person export approval (R-ACC-3) over HTTP: `POST /api/v1/exports` (201), `GET /api/v1/exports[/:id]`,
 * `POST /api/v1/exports/:id/approve|reject` and `GET /api/v1/exports/:id/download` (a zip stream). Each route
 * authenticates and calls one use-case of app/exports, which authorises, validates with core/api/exports.api.ts
 * and writes the audit event. Requesting and downloading an export count against the expensive-route budgets
 * of the user and the tenant (server.ts, docs/decisions/rate-limits.md).
 */
export function exportsRoutes(exports: ExportsUseCases): HttpPlugin {
  return (app, helpers: HttpHelpers) => {
    app.post('/api/v1/exports', { config: { expensive: true } }, async (request, reply) => {
      const principal = await helpers.authenticate(request);
      return reply.status(201).send(await exports.request(principal, request.body));
    });

    app.get('/api/v1/exports', async (request) => exports.list(await helpers.authenticate(request), request.query as ExportListQueryInput));

    app.get('/api/v1/exports/:id', async (request) => exports.get(await helpers.authenticate(request), { id: exportId(request) }));

    app.post('/api/v1/exports/:id/approve', async (request) => exports.approve(await helpers.authenticate(request), decisionInput(request)));
    app.post('/api/v1/exports/:id/reject', async (request) => exports.reject(await helpers.authenticate(request), decisionInput(request)));

    app.get('/api/v1/exports/:id/download', { config: { expensive: true } }, async (request, reply) => {
      const download = await exports.download(await helpers.authenticate(request), { id: exportId(request) });
      const body = Readable.from(download.content);
      body.on('error', (error) => request.log.error({ err: error, code: (error as CallsightError).code }, 'export stream aborted'));
      return reply
        .header('Content-Type', 'application/zip')
        .header('Content-Disposition', `attachment; filename="${download.fileName}"`)
        .header('Cache-Control', 'private, no-store')
        .send(body);
    });
  };
}
