import SwaggerParser from '@apidevtools/swagger-parser';
import type { FastifyInstance } from 'fastify';
import type { OpenAPIV3_1 } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES, buildOpenApiDocument, openApiDocument, toOpenApiPath } from '../../adapters/http/openapi';
import { openApiViolationsOf, takeUnreportedOpenApiViolations } from '../../adapters/http/routes/openapi.routes';
import { buildHubHttp } from '../../bin/hub';
import { startTestHub, type TestHub } from '../support/hub';
import { assertMatchesOpenApi } from '../support/openapi';

/**
 * The method + path pairs a Fastify app registers, read from `printRoutes({ commonPrefix: false })` (a tree whose
 * lines are `├── /segment (GET, HEAD)` indented four columns a level). HEAD routes Fastify adds for every GET are
 * left out: the document's GET operations stand for them. The printer loses the prefix of a wildcard (`/api/v1/*`
 * prints as `*`), so a wildcard's prefix is found among the printed paths' prefixes with `hasRoute`.
 */
function registeredRoutes(app: FastifyInstance): Set<string> {
  const parsed: { method: string; path: string }[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    stack.length = depth;
    stack.push(match[2] ?? '');
    const joined = stack.join('').replace(/\/\//g, '/');
    const path = joined.startsWith('/') ? joined : `/${joined}`;
    for (const method of (match[3] ?? '').split(', ').filter((m) => m !== '' && m !== 'HEAD')) parsed.push({ method, path });
  }
  const prefixes = new Set(parsed.flatMap(({ path }) => path.split('/').slice(0, -1).map((_, i, parts) => `${parts.slice(0, i + 1).join('/')}/`)));
  const routes = new Set<string>();
  for (const { method, path } of parsed) {
    if (app.hasRoute({ method: method as 'GET', url: path }) || !path.endsWith('*')) {
      routes.add(`${method} ${path}`);
      continue;
    }
    const found = [...prefixes].filter((prefix) => app.hasRoute({ method: method as 'GET', url: `${prefix}*` }));
    for (const prefix of found.length > 0 ? found : ['?/']) routes.add(`${method} ${prefix}*`);
  }
  return routes;
}

describe('OpenAPI document', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub({ demoCalls: 13 });
  });
  afterAll(async () => {
    await hub.close();
  });

  it('is a valid OpenAPI 3.1 document under swagger-parser', async () => {
    const document = structuredClone(openApiDocument()) as unknown as OpenAPIV3_1.Document;
    const validated = (await SwaggerParser.validate(document)) as OpenAPIV3_1.Document;
    expect(validated.openapi).toBe('3.1.0');
    expect(Object.keys(validated.paths ?? {})).toContain('/api/v1/calls/{id}');
  });

  it('is served at GET /api/v1/openapi.json without a token', async () => {
    const response = await fetch(`${hub.url}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });

  it('documents every route the hub registers, and registers every route it documents', () => {
    const live = registeredRoutes(hub.app);
    expect(live.size).toBeGreaterThan(40);
    const documented = new Set(API_ROUTES.map((r) => `${r.method} ${r.path}`));
    expect([...live].filter((route) => !documented.has(route)), 'routes missing from adapters/http/openapi/openapi.routes-table.ts').toEqual([]);
    expect([...documented].filter((route) => !live.has(route)), 'documented routes the hub does not register').toEqual([]);
    for (const route of API_ROUTES) expect(hub.app.hasRoute({ method: route.method, url: route.path }), `${route.method} ${route.path}`).toBe(true);
  });

  it('gives every operation a unique operationId, a summary, tags and the error envelope for its error statuses', () => {
    const document = openApiDocument();
    const ids = new Set<string>();
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const op = operation as { operationId: string; summary: string; tags: string[]; responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }> };
        expect(ids.has(op.operationId), `${method} ${path}`).toBe(false);
        ids.add(op.operationId);
        expect(op.summary.length).toBeGreaterThan(3);
        expect(op.tags.length).toBeGreaterThan(0);
        for (const [status, response] of Object.entries(op.responses)) {
          if (Number(status) >= 400) expect(response.content?.['application/json']?.schema?.$ref, `${method} ${path} ${status}`).toBe('#/components/schemas/ErrorBody');
        }
      }
    }
    expect(document.paths['/api/v1/calls/{id}']?.get).toBeDefined();
    expect(toOpenApiPath('/api/v1/*')).toBe('/api/v1/{path}');
  });

  it('is generated deterministically from the route table', () => {
    expect(JSON.stringify(buildOpenApiDocument())).toBe(JSON.stringify(openApiDocument()));
  });

  it('accepts a real answer and refuses one with a missing required field, a wrong type, an extra field or an undocumented status', async () => {
    const token = await hub.token('admin');
    const response = await fetch(`${hub.url}/api/v1/calls?limit=2`, { headers: { authorization: `Bearer ${token}` } });
    const page = (await response.json()) as { items: Record<string, unknown>[]; nextCursor: string | null };
    expect(page.items.length).toBe(2);
    assertMatchesOpenApi('GET', '/api/v1/calls?limit=2', 200, page);

    const call = page.items[0] as Record<string, unknown>;
    const { id: _id, ...withoutId } = call;
    expect(() => assertMatchesOpenApi('GET', `/api/v1/calls/${String(call.id)}`, 200, withoutId)).toThrow(/required property 'id'/);
    expect(() => assertMatchesOpenApi('GET', `/api/v1/calls/${String(call.id)}`, 200, { ...call, durationS: '12' })).toThrow(/durationS: must be number/);
    expect(() => assertMatchesOpenApi('GET', `/api/v1/calls/${String(call.id)}`, 200, { ...call, keyId: 'k1' })).toThrow(/additional properties \(keyId\)/);
    expect(() => assertMatchesOpenApi('GET', `/api/v1/calls/${String(call.id)}`, 200, { ...call, status: 'lost' })).toThrow(/status: must be equal to one of the allowed values/);
    expect(() => assertMatchesOpenApi('GET', `/api/v1/calls/${String(call.id)}`, 418, { error: { code: 'TEAPOT', message: 'x' } })).toThrow(/status 418 is not documented/);
    expect(() => assertMatchesOpenApi('GET', '/api/v1/calls/x', 404, { error: { code: 'CALL_NOT_FOUND' } })).toThrow(/required property 'message'/);
    expect(() => assertMatchesOpenApi('GET', '/api/v1/nothing-here', 200, {})).toThrow(/is not in the document/);
    assertMatchesOpenApi('GET', '/api/v1/nothing-here', 404, { error: { code: 'NOT_FOUND', message: 'No such route' } });
  });

  it('records, on a hub built for tests, an answer the document does not describe', async () => {
    const app = await buildHubHttp(hub.hub, [
      (instance) => {
        instance.get('/api/v1/undocumented', async () => ({ hello: 'world' }));
        instance.get('/api/v1/settings/analysis-shadow', async () => ({ nope: true }));
      },
    ]);
    try {
      const token = await hub.token('admin');
      const good = await app.inject({ method: 'GET', url: '/api/v1/calls?limit=1', headers: { authorization: `Bearer ${token}` } });
      expect(good.statusCode).toBe(200);
      expect(openApiViolationsOf(app)).toEqual([]);
      expect((await app.inject({ method: 'GET', url: '/api/v1/undocumented' })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/api/v1/settings/analysis-shadow' })).statusCode).toBe(200);
      const problems = openApiViolationsOf(app).map((v) => `${v.url} ${v.problem}`);
      expect(problems[0]).toMatch(/\/api\/v1\/undocumented .*not in the document/);
      // Checked as the route the router matched, not as the documented /api/v1/settings/{key} its URL resembles.
      expect(problems[1]).toMatch(/\/api\/v1\/settings\/analysis-shadow .*GET \/api\/v1\/settings\/analysis-shadow is not in the document/);
      expect(problems).toHaveLength(2);
      expect(takeUnreportedOpenApiViolations().map((v) => v.url)).toEqual(['/api/v1/undocumented', '/api/v1/settings/analysis-shadow']);
    } finally {
      await app.close();
    }
  });
});
