import type { TryLexiconRequest, RetentionPreviewRequest } from '../../../core/api/admin.api';
import {
  connectionListSchema,
  connectionParamsSchema,
  connectionStatusSchema,
  crmUserListSchema,
  crmUserSearchQuerySchema,
  zendeskRolesQuerySchema,
  zendeskRolesSchema,
  zendeskRolesUpdateSchema,
  retentionPreviewRequestSchema,
  retentionPreviewSchema,
  scorecardCheckRequestSchema,
  scorecardCheckSchema,
  tryLexiconRequestSchema,
  tryLexiconResponseSchema,
} from '../../../core/api/admin.api';
import { idParamsSchema } from '../../../core/shared/ids';
import { samplePlanRequestSchema, samplePlanResponseSchema } from '../../../core/api/quality.api';
import * as z from 'zod/mini';
import type { RouteDoc } from '../openapi/openapi.routes-table';
import type { HttpHelpers, HttpPlugin } from '../http.deps';
import type { Principal } from '../../../core/access/access.policy';

/** The admin setup use-cases the routes call (bound in bin/wiring/admin.wiring.ts). */
export interface AdminRouteUseCases {
  previewRetentionPolicy(actor: Principal, input: unknown): Promise<unknown>;
  tryLexicon(actor: Principal, input: unknown): Promise<unknown>;
  listConnections(actor: Principal, input: unknown): Promise<unknown>;
  testConnection(actor: Principal, input: unknown): Promise<unknown>;
  searchCrmUsers(actor: Principal, input: unknown): Promise<unknown>;
  getZendeskRoles(actor: Principal, input: unknown): Promise<unknown>;
  updateZendeskRoles(actor: Principal, input: unknown): Promise<unknown>;
  /** The sampling plan the hub would draw for these settings, nothing stored (app/quality preview-sample-plan). */
  previewSamplePlan(actor: Principal, input: unknown): Promise<unknown>;
  /** A proposed scorecard revision checked as saving it would be, nothing stored. */
  checkScorecardRevision(actor: Principal, input: unknown): Promise<unknown>;
}

/**
 * The admin setup screen's routes (contract in core/api/admin.api.ts): the dry run of a proposed retention policy,
 * the "try a sentence" lexicon check, and the connection list and tests. Each parses the transport and calls one
 * use-case, which checks the role (admins), validates and writes the one audit event.
 */
export function adminRoutes(useCases: AdminRouteUseCases): HttpPlugin {
  return (app, helpers: HttpHelpers) => {
    app.post<{ Body: RetentionPreviewRequest }>('/api/v1/admin/retention/preview', async (request) =>
      useCases.previewRetentionPolicy(await helpers.authenticate(request), request.body ?? {}),
    );
    app.post<{ Body: TryLexiconRequest }>('/api/v1/admin/lexicon/try', async (request) =>
      useCases.tryLexicon(await helpers.authenticate(request), request.body ?? {}),
    );
    app.get('/api/v1/admin/connections', async (request) => useCases.listConnections(await helpers.authenticate(request), undefined));
    app.post('/api/v1/admin/connections/:kind/test', async (request) =>
      useCases.testConnection(await helpers.authenticate(request), { kind: String((request.params as Record<string, unknown>)['kind'] ?? '') }),
    );
    app.get('/api/v1/admin/crm-users', async (request) => useCases.searchCrmUsers(await helpers.authenticate(request), request.query ?? {}));
    app.get('/api/v1/admin/zendesk-roles', async (request) => useCases.getZendeskRoles(await helpers.authenticate(request), request.query ?? {}));
    app.put('/api/v1/admin/zendesk-roles', async (request) => useCases.updateZendeskRoles(await helpers.authenticate(request), request.body ?? {}));
    app.post('/api/v1/admin/sampling/preview', async (request) => useCases.previewSamplePlan(await helpers.authenticate(request), request.body ?? {}));
    app.post('/api/v1/admin/scorecards/:id/check', async (request) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      return useCases.checkScorecardRevision(await helpers.authenticate(request), { ...body, id: String((request.params as Record<string, unknown>)['id'] ?? '') });
    });
  };
}

const AUTHENTICATED = [400, 401, 403, 404, 429, 500] as const;
const WITH_BODY = [...AUTHENTICATED, 413, 415] as const;

/**
 * The OpenAPI entries of the admin routes, for adapters/http/openapi/openapi.routes-table.ts to list with
 * `...ADMIN_ROUTE_DOCS` (the route-coverage test requires every registered route to be documented).
 */
export const ADMIN_ROUTE_DOCS: readonly RouteDoc[] = [
  {
    method: 'POST', path: '/api/v1/admin/retention/preview', operationId: 'previewRetentionPolicy', summary: 'Dry run of a proposed retention policy (nothing saved)',
    tags: ['admin'], auth: 'bearer', body: { json: retentionPreviewRequestSchema }, responses: { 200: { description: 'OK', json: retentionPreviewSchema } }, errors: WITH_BODY,
  },
  {
    method: 'POST', path: '/api/v1/admin/lexicon/try', operationId: 'tryLexicon', summary: 'Screen one sentence with the saved or a proposed lexicon',
    tags: ['admin'], auth: 'bearer', body: { json: tryLexiconRequestSchema }, responses: { 200: { description: 'OK', json: tryLexiconResponseSchema } }, errors: WITH_BODY,
  },
  {
    method: 'GET', path: '/api/v1/admin/connections', operationId: 'listConnections', summary: 'Whether each outside service is configured',
    tags: ['admin'], auth: 'bearer', responses: { 200: { description: 'OK', json: connectionListSchema } }, errors: AUTHENTICATED,
  },
  {
    method: 'POST', path: '/api/v1/admin/connections/:kind/test', operationId: 'testConnection', summary: 'Run one cheap authenticated call to an outside service',
    tags: ['admin'], auth: 'bearer', params: connectionParamsSchema, responses: { 200: { description: 'OK', json: connectionStatusSchema } }, errors: AUTHENTICATED,
  },
  {
    method: 'GET', path: '/api/v1/admin/crm-users', operationId: 'searchCrmUsers', summary: "Search the CRM's staff for the role-mapping picker",
    tags: ['admin'], auth: 'bearer', query: crmUserSearchQuerySchema, responses: { 200: { description: 'OK', json: crmUserListSchema } }, errors: [...AUTHENTICATED, 409, 502, 503],
  },
  {
    method: 'GET', path: '/api/v1/admin/zendesk-roles', operationId: 'getZendeskRoles', summary: "How a Zendesk installation's users and roles map to Callsight roles",
    tags: ['admin'], auth: 'bearer', query: zendeskRolesQuerySchema, responses: { 200: { description: 'OK', json: zendeskRolesSchema } }, errors: AUTHENTICATED,
  },
  {
    method: 'PUT', path: '/api/v1/admin/zendesk-roles', operationId: 'updateZendeskRoles', summary: 'Grant, change or remove Zendesk users and roles',
    tags: ['admin'], auth: 'bearer', body: { json: zendeskRolesUpdateSchema }, responses: { 200: { description: 'OK', json: zendeskRolesSchema } }, errors: WITH_BODY,
  },
  {
    method: 'POST', path: '/api/v1/admin/sampling/preview', operationId: 'previewSamplePlan', summary: 'The sampling plan the hub would draw for these settings (nothing stored)',
    tags: ['admin'], auth: 'bearer', body: { json: z.omit(samplePlanRequestSchema, { replace: true }) }, responses: { 200: { description: 'OK', json: samplePlanResponseSchema } }, errors: WITH_BODY,
  },
  {
    method: 'POST', path: '/api/v1/admin/scorecards/:id/check', operationId: 'checkScorecardRevision', summary: 'Check a proposed scorecard revision as saving it would (nothing stored)',
    tags: ['admin'], auth: 'bearer', params: idParamsSchema, body: { json: scorecardCheckRequestSchema }, responses: { 200: { description: 'OK', json: scorecardCheckSchema } }, errors: WITH_BODY,
  },
];
