import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { OpenApiDocument } from './openapi.document';

/** One answer of the hub that the OpenAPI document does not describe. */
export interface ResponseViolation {
  readonly method: string;
  /** The concrete URL as requested (query removed; a signed playback token redacted). */
  readonly url: string;
  /** The document path it matched (`/api/v1/calls/{id}`), or null when none did. */
  readonly path: string | null;
  readonly status: number;
  /** What is wrong, e.g. `status 418 is not documented` or `/items/0: must have required property 'id'`. */
  readonly problem: string;
}

/** An answer to check: `body` is the JSON text (or already parsed value) for JSON answers, undefined otherwise. */
export interface CheckedResponse {
  readonly method: string;
  readonly url: string;
  /** The route pattern the router matched (`/api/v1/calls/:id`); when absent the path is found from `url`. */
  readonly route?: string | undefined;
  readonly status: number;
  readonly contentType?: string | undefined;
  readonly body?: unknown;
}

interface Template {
  readonly path: string;
  readonly segments: readonly string[];
  readonly literals: number;
  readonly wildcard: boolean;
}

const DOCUMENT_ID = 'https://callsight.invalid/openapi.json';

/**
 * Checks answers against an OpenAPI 3.1 document, as strictly as JSON Schema draft 2020-12 reads it (ajv): the
 * method and path must be documented (HEAD as GET), the status must be one of the operation's responses, a JSON
 * answer must be declared JSON for that status and match its schema (required fields, types, enums, formats,
 * `additionalProperties: false`), and a binary answer must carry one of the declared media types. An unknown
 * path answered 404 must still be the error envelope. Returns null when the answer matches, else what is wrong.
 */
export function createResponseChecker(document: OpenApiDocument): (response: CheckedResponse) => ResponseViolation | null {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema({ ...document, $id: DOCUMENT_ID } as object);
  const validators = new Map<string, ValidateFunction>();
  const validatorFor = (pointer: string): ValidateFunction => {
    let validate = validators.get(pointer);
    if (!validate) {
      validate = ajv.compile({ $ref: `${DOCUMENT_ID}#${pointer}` });
      validators.set(pointer, validate);
    }
    return validate;
  };
  const templates = Object.keys(document.paths).map(templateOf);

  return (response) => {
    const url = redact(response.url.split('?')[0] ?? response.url);
    const method = response.method.toUpperCase() === 'HEAD' ? 'get' : response.method.toLowerCase();
    const violation = (path: string | null, problem: string): ResponseViolation => ({ method: response.method.toUpperCase(), url, path, status: response.status, problem });
    const path =
      response.route !== undefined
        ? documentedPath(document, response.route, method)
        : matchPath(templates, url, (candidate) => document.paths[candidate]?.[method] !== undefined);

    if (path === null) {
      // No route matched (the not-found handler answers, after reading the body: 404, or 400/413/415 for a bad body).
      if (response.route !== undefined || response.status < 400 || response.status >= 500) {
        return violation(null, `${method.toUpperCase()} ${response.route ?? url} is not in the document`);
      }
      return checkJson(validatorFor('/components/schemas/ErrorBody'), response, (problem) => violation(null, problem));
    }
    const operation = document.paths[path]?.[method] as { responses?: Record<string, { content?: Record<string, unknown> }> } | undefined;
    const documented = operation?.responses?.[String(response.status)];
    if (!documented) return violation(path, `status ${response.status} is not documented for ${method.toUpperCase()} ${path}`);
    const content = documented.content ?? {};
    const types = Object.keys(content);
    if (types.length === 0) return response.body === undefined || response.body === '' ? null : violation(path, `status ${response.status} is documented without a body`);
    const mediaType = (response.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (types.includes('application/json') && (mediaType === 'application/json' || !types.includes(mediaType))) {
      if (mediaType !== 'application/json') return violation(path, `expected application/json, got "${mediaType || 'no content type'}"`);
      const pointer = `/paths/${escapePointer(path)}/${method}/responses/${response.status}/content/application~1json/schema`;
      return checkJson(validatorFor(pointer), response, (problem) => violation(path, problem));
    }
    if (!types.includes(mediaType)) return violation(path, `content type "${mediaType}" is not among ${types.join(', ')}`);
    return null;
  };
}

/** The document path of a Fastify route pattern, when that method is documented there. */
function documentedPath(document: OpenApiDocument, route: string, method: string): string | null {
  const path = route.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, '{path}');
  return document.paths[path]?.[method] !== undefined ? path : null;
}

function checkJson(validate: ValidateFunction, response: CheckedResponse, violation: (problem: string) => ResponseViolation): ResponseViolation | null {
  let body = response.body;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    try {
      body = JSON.parse(String(body));
    } catch {
      return violation('the body is not valid JSON');
    }
  }
  if (validate(body)) return null;
  return violation(describe(validate.errors ?? []));
}

function describe(errors: readonly ErrorObject[]): string {
  return errors
    .slice(0, 5)
    .map((e) => `${e.instancePath || '/'}: ${e.message ?? e.keyword}${e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : ''}`)
    .join('; ');
}

function templateOf(path: string): Template {
  const segments = path.split('/').filter((s) => s !== '');
  const wildcard = path.endsWith('/{path}') && path.startsWith('/api/v1/');
  return { path, segments, literals: segments.filter((s) => !s.startsWith('{')).length, wildcard };
}

/**
 * The documented path a concrete URL falls under, preferring the template with the most literal segments (as
 * Fastify prefers static routes), among those where `has` says the method is documented.
 */
export function matchPath(templates: readonly Template[], url: string, has: (path: string) => boolean): string | null {
  const segments = url.split('/').filter((s) => s !== '');
  const trailingSlash = url.length > 1 && url.endsWith('/');
  let best: Template | null = null;
  for (const t of templates) {
    if (!has(t.path)) continue;
    if (!matches(t, segments, trailingSlash)) continue;
    if (best === null || t.literals > best.literals || (t.literals === best.literals && !t.wildcard && best.wildcard)) best = t;
  }
  return best?.path ?? null;
}

function matches(t: Template, segments: readonly string[], trailingSlash: boolean): boolean {
  if (t.wildcard) {
    const fixed = t.segments.length - 1;
    return segments.length >= fixed && t.segments.slice(0, fixed).every((s, i) => s === segments[i]);
  }
  if (t.segments.length !== segments.length) return false;
  if (trailingSlash !== (t.path.length > 1 && t.path.endsWith('/'))) return false;
  return t.segments.every((s, i) => s.startsWith('{') || s === decodeSegment(segments[i] ?? ''));
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function escapePointer(path: string): string {
  return path.replace(/~/g, '~0').replace(/\//g, '~1');
}

function redact(url: string): string {
  return url.replace(/\/playback\/[^/?#]+/, '/playback/[redacted]');
}

/** Compiles the document's path templates for matchPath. */
export function templatesOf(document: OpenApiDocument): readonly Template[] {
  return Object.keys(document.paths).map(templateOf);
}
