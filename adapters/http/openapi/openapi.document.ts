import * as z from 'zod/mini';
import { errorBodySchema } from '../../../core/api/common.api';
import { API_ROUTES, type ApiSchema, type NamedSchema, type RequestBodyDoc, type ResponseDoc, type RouteAuth, type RouteDoc } from './openapi.routes-table';

/** A JSON value as the document holds it. */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** The OpenAPI 3.1 document: plain JSON, ready to serialise. */
export type OpenApiDocument = JsonObject & { openapi: string; paths: Record<string, Record<string, JsonObject>>; components: JsonObject };

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad request: VALIDATION_FAILED and the like; nothing changed',
  401: 'UNAUTHENTICATED: no, expired or invalid token',
  403: 'FORBIDDEN (role or scope), SIGNATURE_INVALID or REDACTION_UNAVAILABLE',
  404: 'Not found, or outside the reader’s reach (they look alike)',
  409: 'CONFLICT or CRM_NOT_CONFIGURED: the request clashes with the current state',
  410: 'RECORDING_GONE or EXPORT_EXPIRED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  416: 'RANGE_NOT_SATISFIABLE (with `Content-Range: bytes */<size>`)',
  422: 'AUDIO_EMPTY or AUDIO_CORRUPT',
  423: 'LEGAL_HOLD',
  429: 'RATE_LIMITED (with `Retry-After`)',
  500: 'INTERNAL or RECORDING_INTEGRITY',
  502: 'UPSTREAM_FAILED and CRM errors from an outside API',
  503: 'A dependency is unavailable (CRM, widgets not built)',
};

const BODY_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'DELETE', 'OPTIONS']);

const SECURITY: Readonly<Record<RouteAuth, Json>> = {
  bearer: [{ hubToken: [] }],
  'zendesk-jwt': [{ zendeskJwt: [] }],
  'webhook-signature': [{ twilioSignature: [] }],
  'signed-url': [],
  none: [],
};

/** `/api/v1/calls/:id` -> `/api/v1/calls/{id}`; Fastify's wildcard `*` becomes `{path}`. */
export function toOpenApiPath(fastifyPath: string): string {
  return fastifyPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, '{path}');
}

/**
 * Builds the OpenAPI 3.1 document of the hub from the route table (openapi.routes-table.ts) and the zod schemas of
 * the API contract (core/api), converted with zod's own `toJSONSchema` (draft 2020-12, the dialect of OpenAPI 3.1):
 * request schemas as they are read (`io: 'input'`), response schemas as they are sent (`io: 'output'`, so an
 * object without a declared catch-all has `additionalProperties: false`). Deterministic: the same table and
 * schemas give the same document. Throws when two routes share a method and path or two different schemas claim
 * one component name.
 */
export function buildOpenApiDocument(routes: readonly RouteDoc[] = API_ROUTES): OpenApiDocument {
  const components: Record<string, Json> = {};
  const componentSources = new Map<string, ApiSchema>();
  const paths: Record<string, Record<string, JsonObject>> = {};

  const convert = (schema: ApiSchema, io: 'input' | 'output', hint: string): JsonObject => {
    const raw = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonObject;
    return hoistDefinitions(raw, hint, components);
  };
  const component = (named: NamedSchema, io: 'input' | 'output'): JsonObject => {
    const name = io === 'output' ? named.name : `${named.name}Input`;
    const seen = componentSources.get(name);
    if (seen !== undefined && seen !== named.schema) throw new Error(`OpenAPI component "${name}" is claimed by two different schemas; rename one in the route table`);
    if (seen === undefined) {
      componentSources.set(name, named.schema);
      components[name] = convert(named.schema, io, name);
    }
    return { $ref: `#/components/schemas/${name}` };
  };
  const schemaOf = (value: NamedSchema | ApiSchema, io: 'input' | 'output', hint: string): JsonObject =>
    isNamed(value) ? component(value, io) : convert(value, io, hint);

  components.ErrorBody = convert(errorBodySchema, 'output', 'ErrorBody');

  for (const route of routes) {
    const path = toOpenApiPath(route.path);
    const method = route.method.toLowerCase();
    const operations = (paths[path] ??= {});
    if (operations[method]) throw new Error(`Route ${route.method} ${route.path} is listed twice in the OpenAPI route table`);

    const parameters: Json[] = [
      ...parametersOf(route.params, 'path', convert, `${route.operationId}Path`),
      ...parametersOf(route.query, 'query', convert, `${route.operationId}Query`),
      ...(route.headers ?? []).map((h) => ({ name: h.name, in: 'header', required: false, description: h.description, schema: { type: 'string' } })),
    ];
    const responses: JsonObject = {};
    for (const [status, response] of Object.entries(route.responses)) responses[status] = responseOf(response, (s) => schemaOf(s, 'output', `${route.operationId}${status}`));
    // Fastify reads the body of every POST, PUT, DELETE and OPTIONS request, whatever the route takes, so each of them
    // may answer 400 (malformed), 413 (too large) or 415 (unsupported content type) before its handler runs.
    const transportErrors = BODY_METHODS.has(route.method) ? [400, 413, 415] : [];
    for (const status of [...new Set([...route.errors, ...transportErrors])].sort((a, b) => a - b)) {
      if (responses[String(status)]) throw new Error(`${route.operationId}: status ${status} is both a success and an error answer`);
      responses[String(status)] = {
        description: STATUS_TEXT[status] ?? `Error ${status}`,
        content: {
          'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } },
          ...(route.htmlErrors ? { 'text/html': {} } : {}),
        },
      };
    }

    operations[method] = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [...route.tags],
      security: SECURITY[route.auth],
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body ? { requestBody: requestBodyOf(route.body, (s) => schemaOf(s, 'input', `${route.operationId}Body`)) } : {}),
      responses,
    };
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Callsight hub API',
      version: '1.0.0',
      description:
        'The REST API of a Callsight hub (docs/api.md). Generated from the zod schemas of core/api by adapters/http/openapi. ' +
        'Every error answers `{"error": {"code", "message"}}`. Every GET also answers HEAD.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    tags: [...new Set(routes.flatMap((r) => r.tags))].sort().map((name) => ({ name })),
    security: [{ hubToken: [] }],
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        hubToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A hub token: HS256 with the tenant’s secret, `aud: "callsight"`, claims `tenant`, `sub`, `role`, optional `agentId`, `teams`, `queues`.',
        },
        zendeskJwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A JWT signed by Zendesk’s proxy with the installation’s shared secret (docs/zendesk.md).' },
        twilioSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Twilio-Signature',
          description: 'HMAC-SHA1 of the URL and form parameters with the account’s auth token (https://www.twilio.com/docs/usage/webhooks/webhooks-security).',
        },
      },
    },
  };
}

function isNamed(value: NamedSchema | ApiSchema): value is NamedSchema {
  return typeof (value as NamedSchema).name === 'string' && (value as NamedSchema).schema !== undefined;
}

function parametersOf(
  schema: ApiSchema | undefined,
  where: 'path' | 'query',
  convert: (schema: ApiSchema, io: 'input' | 'output', hint: string) => JsonObject,
  hint: string,
): Json[] {
  if (schema === undefined) return [];
  const json = convert(schema, 'input', hint);
  const properties = json.properties;
  if (json.type !== 'object' || typeof properties !== 'object' || properties === null || Array.isArray(properties)) {
    throw new Error(`${hint}: ${where} parameters must be described by an object schema`);
  }
  const required = new Set(Array.isArray(json.required) ? (json.required as string[]) : []);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property as JsonObject;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

function requestBodyOf(body: RequestBodyDoc, schemaOf: (schema: NamedSchema | ApiSchema) => JsonObject): JsonObject {
  if ('json' in body) return { required: body.required ?? true, content: { 'application/json': { schema: schemaOf(body.json) } } };
  if ('form' in body) return { required: true, content: { 'application/x-www-form-urlencoded': { schema: schemaOf(body.form) } } };
  const { metadata, fileField, fileTypes } = body.multipart;
  return {
    required: true,
    content: {
      'multipart/form-data': {
        schema: {
          type: 'object',
          properties: {
            metadata: { type: 'string', contentMediaType: 'application/json', contentSchema: schemaOf(metadata), description: 'The call metadata, as JSON text' },
            [fileField]: { type: 'string', contentMediaType: 'application/octet-stream', description: `The recording (${fileTypes.join(' or ')})` },
          },
          required: ['metadata', fileField],
        },
        encoding: { metadata: { contentType: 'application/json' }, [fileField]: { contentType: fileTypes.join(', ') } },
      },
    },
  };
}

function responseOf(response: ResponseDoc, schemaOf: (schema: NamedSchema | ApiSchema) => JsonObject): JsonObject {
  if ('json' in response) return { description: response.description, content: { 'application/json': { schema: schemaOf(response.json) } } };
  if ('binary' in response) {
    return { description: response.description, content: Object.fromEntries(response.binary.map((type) => [type, {}])) };
  }
  return { description: response.description };
}

/**
 * Drops `$schema` and moves the `$defs` zod emits for recursive or reused parts into `components.schemas`
 * (`<hint>_<def>`), rewriting their `$ref`s, so that every reference resolves inside the document. A schema that
 * refers to itself (`$ref: "#"`) becomes a component of its own.
 */
function hoistDefinitions(raw: JsonObject, hint: string, components: Record<string, Json>): JsonObject {
  const { $schema: _dialect, $defs, ...schema } = raw;
  const defs = ($defs ?? {}) as JsonObject;
  const selfName = `${hint}_self`;
  let selfReferenced = false;
  const rewrite = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node === null || typeof node !== 'object') return node;
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        if (value === '#') {
          selfReferenced = true;
          out[key] = `#/components/schemas/${selfName}`;
        } else if (value.startsWith('#/$defs/')) {
          out[key] = `#/components/schemas/${hint}_${value.slice('#/$defs/'.length)}`;
        } else {
          out[key] = value;
        }
      } else {
        out[key] = rewrite(value);
      }
    }
    return out;
  };
  for (const [name, def] of Object.entries(defs)) components[`${hint}_${name}`] = rewrite(def);
  const body = rewrite(schema) as JsonObject;
  if (!selfReferenced) return body;
  components[selfName] = body;
  return { $ref: `#/components/schemas/${selfName}` };
}

let cached: OpenApiDocument | undefined;

/** The hub's OpenAPI document, built once per process from API_ROUTES. */
export function openApiDocument(): OpenApiDocument {
  cached ??= buildOpenApiDocument();
  return cached;
}
