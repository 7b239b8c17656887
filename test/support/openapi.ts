import type { FastifyInstance } from 'fastify';
import { createResponseChecker, openApiDocument, type ResponseViolation } from '../../adapters/http/openapi';
import { openApiViolationsOf, takeUnreportedOpenApiViolations } from '../../adapters/http/routes/openapi.routes';

let check: ReturnType<typeof createResponseChecker> | undefined;

/**
 * Fails unless the answer `status` + `body` to `method url` is one the OpenAPI document describes: a documented
 * path, method and status, and a JSON body valid under that response's schema (required fields, types, enums,
 * no undeclared fields where the schema closes the object). `body` may be the JSON text or the parsed value.
 */
export function assertMatchesOpenApi(method: string, url: string, status: number, body: unknown, contentType = 'application/json'): void {
  check ??= createResponseChecker(openApiDocument());
  const violation = check({ method, url, status, contentType, body });
  if (violation) throw new Error(`The answer does not match the OpenAPI document: ${formatViolation(violation)}`);
}

/** One line per violation: `GET /api/v1/calls 200 (/api/v1/calls): /items/0: must have required property 'id'`. */
export function formatViolation(v: ResponseViolation): string {
  return `${v.method} ${v.url} ${v.status}${v.path ? ` (${v.path})` : ''}: ${v.problem}`;
}

/**
 * Throws listing every answer of `app` that did not match the document (the hub must have been built with
 * CALLSIGHT_OPENAPI_CHECK=1, which test/support/hub.ts sets). Test harnesses call it when a suite's hub closes.
 */
export function assertNoOpenApiViolations(app: FastifyInstance, label = 'hub'): void {
  const violations = openApiViolationsOf(app);
  if (violations.length === 0) return;
  takeUnreportedOpenApiViolations();
  throw violationError(violations, label);
}

function violationError(violations: readonly ResponseViolation[], label: string): Error {
  const unique = [...new Set(violations.map(formatViolation))];
  return new Error(
    `${violations.length} answer(s) of the ${label} did not match the OpenAPI document (adapters/http/openapi): fix the route or its ` +
      `entry in openapi.routes-table.ts / its schema in core/api.\n  ${unique.slice(0, 30).join('\n  ')}`,
  );
}

// Every suite that loads the harness ends by asserting that no hub it built (startTestHub, or buildHubHttp with
// CALLSIGHT_OPENAPI_CHECK=1) answered outside the document. Registered first, so it runs after the suite's own
// afterAll hooks have closed its hubs. Only under Vitest: benchmarks start test hubs through this harness too.
if (process.env.VITEST) {
  const { afterAll } = await import('vitest');
  afterAll(() => {
    const violations = takeUnreportedOpenApiViolations();
    if (violations.length > 0) throw violationError(violations, 'hubs of this suite');
  });
}
