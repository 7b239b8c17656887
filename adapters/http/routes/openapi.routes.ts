import type { FastifyInstance } from 'fastify';
import { createResponseChecker, openApiDocument, type ResponseViolation } from '../openapi';
import type { HttpPlugin } from '../http.deps';

export interface OpenApiRoutesOptions {
  /**
   * Check every answer of the hub against the document and record what does not match (openApiViolationsOf).
   * For hubs built by tests only: it parses and validates every JSON body.
   */
  readonly checkResponses?: boolean;
}

const violationsByApp = new WeakMap<FastifyInstance, ResponseViolation[]>();
/** Violations of every checking app not yet handed to a harness (takeUnreportedOpenApiViolations). */
const unreported: ResponseViolation[] = [];

/**
 * What the response check recorded on this app since it was built (empty when the check is off). Test harnesses
 * assert it is empty when a suite ends, so that docs and behaviour cannot drift apart.
 */
export function openApiViolationsOf(app: FastifyInstance): readonly ResponseViolation[] {
  return violationsByApp.get(app) ?? [];
}

/**
 * Every violation any checking app of this process recorded since the last call, once: a harness asserts it is
 * empty after each suite, whichever way the suite built its hubs.
 */
export function takeUnreportedOpenApiViolations(): ResponseViolation[] {
  return unreported.splice(0, unreported.length);
}

/** Whether this app checks its answers against the document. */
export function checksResponses(app: FastifyInstance): boolean {
  return violationsByApp.has(app);
}

/**
 * `GET /api/v1/openapi.json`: the hub's OpenAPI 3.1 document (adapters/http/openapi), public and cacheable for an
 * hour; it holds no tenant data. With `checkResponses`, an onSend hook checks every answer of every route against
 * it and records violations without changing the answer.
 */
export function openApiRoutes(options: OpenApiRoutesOptions = {}): HttpPlugin {
  return (app) => {
    app.get('/api/v1/openapi.json', async (_request, reply) => {
      void reply.header('Cache-Control', 'public, max-age=3600');
      return openApiDocument();
    });

    if (!options.checkResponses) return;
    const violations: ResponseViolation[] = [];
    violationsByApp.set(app, violations);
    const check = createResponseChecker(openApiDocument());
    app.addHook('onSend', async (request, reply, payload) => {
      const contentType = reply.getHeader('content-type');
      const json = typeof contentType === 'string' && contentType.startsWith('application/json');
      const violation = check({
        method: request.method,
        url: request.url,
        route: request.is404 ? undefined : request.routeOptions.url,
        status: reply.statusCode,
        contentType: typeof contentType === 'string' ? contentType : undefined,
        body: json ? payload : typeof payload === 'string' || payload === null || payload === undefined ? payload ?? undefined : '[stream]',
      });
      if (violation) {
        violations.push(violation);
        unreported.push(violation);
      }
      return payload;
    });
  };
}
