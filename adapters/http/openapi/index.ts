/**
 * The hub's OpenAPI 3.1 document (docs/decisions/openapi.md): the route table, the document generated from it and
 * the zod schemas of core/api, and the checker that holds answers to it.
 */
export { API_ROUTES, type ApiSchema, type HttpMethod, type NamedSchema, type RequestBodyDoc, type ResponseDoc, type RouteAuth, type RouteDoc } from './openapi.routes-table';
export { buildOpenApiDocument, openApiDocument, toOpenApiPath, type OpenApiDocument } from './openapi.document';
export { createResponseChecker, matchPath, templatesOf, type CheckedResponse, type ResponseViolation } from './openapi.response-check';
