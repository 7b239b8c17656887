import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import { Readable } from 'node:stream';
import { CallsightError, isCallsightError } from '../../core/shared/errors';
import type { Principal } from '../../core/access/access.policy';
import { callParamsSchema, type ListCallsQueryInput } from '../../core/api/calls.api';
import type { ErrorBody } from '../../core/api/common.api';
import type { RecordingCallbackResponse } from '../../core/api/recordings.api';
import { callNotVisible, type AudioStream } from '../../app/calls';
import type { ReceivedCall } from '../../app/ingest';
import { statusFor } from './error-status';
import { rangeOf, sendAudio } from './send-audio';
import { TokenRejectedError } from './token-service';
import type { HttpDeps, HttpHelpers } from './http.deps';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Marks an expensive route (search, playback links, exports): each request counts against its user's and its
     * tenant's budgets (ExpensiveRouteLimits). A function decides per request (e.g. only a list searched with `q`).
     */
    expensive?: boolean | ((request: FastifyRequest) => boolean);
  }
}

/**
 * Budgets of the expensive routes (docs/decisions/rate-limits.md), counted per verified principal, not per
 * address: a user's requests count against their own budget and, once admitted, against their tenant's; a
 * request over either is refused with 429 RATE_LIMITED and Retry-After, before its use-case runs.
 */
export interface ExpensiveRouteLimits {
  /** Expensive requests one user may make per window. */
  readonly perUser: number;
  /** Expensive requests all users of one tenant may make together per window. */
  readonly perTenant: number;
  /** The window, in milliseconds (one minute by default). */
  readonly windowMs?: number;
}

/** Generous enough for any person at a screen and for the test suites; RATE_LIMIT_* settings lower them. */
export const DEFAULT_EXPENSIVE_ROUTE_LIMITS: ExpensiveRouteLimits = Object.freeze({ perUser: 600, perTenant: 3000, windowMs: 60_000 });

/** Query parameters whose values never carry personal data or secrets, so they stay readable in logs. */
const LOGGABLE_QUERY_KEYS = new Set(['limit', 'sort', 'speaker', 'direction', 'channel', 'status', 'from', 'to', 'period', 'format']);

/**
 * The URL as it may appear in a log line: signed playback tokens removed, and every query value outside
 * LOGGABLE_QUERY_KEYS replaced, since search text, phone numbers, agent ids and cursors can identify people.
 */
export function redactUrl(url: string): string {
  const path = url.replace(/\/playback\/[^/?#]+/, '/playback/[redacted]');
  const q = path.indexOf('?');
  if (q < 0) return path;
  const params = new URLSearchParams(path.slice(q + 1));
  const kept = [...params].map(([key, value]) => `${encodeURIComponent(key)}=${LOGGABLE_QUERY_KEYS.has(key) ? encodeURIComponent(value) : '[redacted]'}`);
  return `${path.slice(0, q)}?${kept.join('&')}`;
}

/**
 * Builds the hub's REST API (docs/api.md). Every route but /healthz, webhooks and signed playback URLs
 * authenticates a bearer token; each then calls one use-case (app/), which checks the access policy and writes
 * the audit event, and serialises what it answers.
 */
export async function buildHttpApp(deps: HttpDeps & { readonly expensiveLimits?: ExpensiveRouteLimits }): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: deps.config.logLevel,
      redact: ['req.headers.authorization', 'req.headers["x-twilio-signature"]'],
      serializers: {
        req: (req: FastifyRequest) => ({ method: req.method, url: redactUrl(req.url), id: req.id }),
      },
    },
    bodyLimit: 1024 * 1024,
    // Signed playback URLs carry a JWT (~400 characters) as one path parameter.
    routerOptions: { maxParamLength: 2048 },
    trustProxy: true,
  });

  await app.register(rateLimit, { max: deps.config.rateLimitPerMinute, timeWindow: '1 minute' });
  const limits = deps.expensiveLimits ?? DEFAULT_EXPENSIVE_ROUTE_LIMITS;
  const principals = new WeakMap<FastifyRequest, Promise<Principal>>();
  const limitWindowMs = limits.windowMs ?? 60_000;
  const limiters = [
    {
      scope: 'user',
      check: app.createRateLimit({ max: limits.perUser, timeWindow: limitWindowMs, keyGenerator: async (request) => {
        const principal = await principals.get(request)!;
        return `user:${principal.tenantId}:${principal.userId}`;
      } }),
    },
    {
      scope: 'tenant',
      check: app.createRateLimit({ max: limits.perTenant, timeWindow: limitWindowMs, keyGenerator: async (request) => `tenant:${(await principals.get(request)!).tenantId}` }),
    },
  ] as const;
  const limitExpensive = async (request: FastifyRequest) => {
    const expensive = request.routeOptions.config.expensive;
    if (!expensive || (typeof expensive === 'function' && !expensive(request))) return;
    await authenticate(request);
    for (const limiter of limiters) {
      const outcome = await limiter.check(request);
      if (!outcome.isAllowed && outcome.isExceeded) {
        const retryAfterS = Math.max(1, outcome.ttlInSeconds);
        throw new CallsightError(
          'RATE_LIMITED',
          limiter.scope === 'user'
            ? `Too many searches, playback links or exports from this user; retry after ${retryAfterS} s`
            : `Too many searches, playback links or exports from this organisation; retry after ${retryAfterS} s`,
          { details: { retryAfterS, scope: limiter.scope } },
        );
      }
    }
  };
  app.addHook('onRoute', (route) => {
    if (!route.config?.expensive) return;
    const existing = route.preHandler === undefined ? [] : Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler];
    route.preHandler = [limitExpensive, ...existing];
  });
  await app.register(multipart, {
    limits: { fileSize: deps.config.maxAudioBytes, files: 1, fields: 4, fieldSize: 64 * 1024 },
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, [...new URLSearchParams(body as string).entries()]);
  });

  app.setErrorHandler((error: unknown, request, reply) => {
    const { status, code, message } = describeError(error);
    if (status >= 500) request.log.error({ err: error, code }, 'request failed');
    const size = isCallsightError(error) ? error.details?.size : undefined;
    const retryAfterS = isCallsightError(error) ? error.details?.retryAfterS : undefined;
    if (code === 'RATE_LIMITED' && typeof retryAfterS === 'number') void reply.header('Retry-After', String(retryAfterS));
    if (code === 'RANGE_NOT_SATISFIABLE' && typeof size === 'number') void reply.header('Content-Range', `bytes */${size}`);
    const body: ErrorBody = { error: { code, message } };
    if (!reply.sent) void reply.status(status).send(body);
  });
  app.setNotFoundHandler((_request, reply) => {
    const body: ErrorBody = { error: { code: 'NOT_FOUND', message: 'No such route' } };
    void reply.status(404).send(body);
  });

  /**
   * The principal of the bearer token, verified once per request (the expensive-route limits key on it before the
   * handler runs); a refused token claiming a known tenant is audited there (no use-case ran).
   */
  const authenticate = (request: FastifyRequest): Promise<Principal> => {
    let principal = principals.get(request);
    if (!principal) {
      principal = verifyBearer(request);
      principals.set(request, principal);
    }
    return principal;
  };
  const verifyBearer = async (request: FastifyRequest): Promise<Principal> => {
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    try {
      return await deps.tokens.verify(token);
    } catch (error) {
      if (error instanceof TokenRejectedError && error.claimedTenant && error.reason !== 'unknown_tenant') {
        await deps.audit({
          tenantId: error.claimedTenant,
          actor: null,
          role: null,
          action: 'token_rejected',
          target: null,
          outcome: 'denied',
          reason: `token_${error.reason}`,
        });
      }
      throw error;
    }
  };
  const helpers: HttpHelpers = { authenticate, audit: deps.audit };

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.post('/api/v1/calls', async (request, reply) => {
    const principal = await authenticate(request);
    const result = await deps.ingest.ingestCall(principal, { receive: () => readUpload(request, deps.config.maxAudioBytes) });
    return reply.status(result.created ? 201 : 200).send(result.view);
  });

  app.get('/api/v1/calls', { config: { expensive: isSearch } }, async (request) => {
    const principal = await authenticate(request);
    return deps.calls.listCalls(principal, request.query as ListCallsQueryInput);
  });

  app.get('/api/v1/calls/:id', async (request) => {
    const principal = await authenticate(request);
    return deps.calls.getCall(principal, callParams(request));
  });

  app.get('/api/v1/calls/:id/audio', async (request, reply) => {
    const principal = await authenticate(request);
    const audio = await deps.calls.playCall(principal, { ...callParams(request), ...rangeOf(request) });
    return sendAudio(request, reply, audio);
  });

  app.post('/api/v1/calls/:id/playback-url', { config: { expensive: true } }, async (request) => {
    const principal = await authenticate(request);
    const { token, expiresAt } = await deps.calls.issuePlaybackLink(principal, callParams(request));
    return { url: `${baseUrl(request)}/api/v1/playback/${token}`, expiresAt };
  });

  app.get('/api/v1/playback/:token', async (request, reply) => {
    const { token } = request.params as { token: string };
    const { principal, callId } = await deps.playback.verify(token, deps.clock.now());
    const audio = await deps.calls.playCall(principal, { id: callId, ...rangeOf(request) });
    return sendAudio(request, reply, audio);
  });

  app.post('/api/v1/webhooks/:provider/recording', async (request, reply) => {
    const { provider } = request.params as { provider: string };
    const handler = deps.telephony.get(provider);
    if (!handler) throw new CallsightError('NOT_FOUND', 'No such telephony provider');
    const form = isFormPairs(request.body) ? request.body : [];
    const outcome = await handler.handle({
      url: `${baseUrl(request)}${request.url}`,
      headers: request.headers as Record<string, string | undefined>,
      form,
    });
    const body: RecordingCallbackResponse =
      outcome.kind === 'ignored'
        ? { status: 'ignored', reason: outcome.reason }
        : outcome.kind === 'accepted'
          ? { status: 'accepted', pendingId: outcome.pendingId, duplicate: !outcome.created }
          : { status: outcome.kind, callId: outcome.call.id };
    return reply.status(outcome.kind === 'stored' ? 201 : outcome.kind === 'accepted' ? 202 : 200).send(body);
  });

  for (const plugin of deps.plugins ?? []) await plugin(app, helpers);

  function baseUrl(request: FastifyRequest): string {
    if (deps.config.publicUrl) return deps.config.publicUrl.replace(/\/$/, '');
    return `${request.protocol}://${request.host}`;
  }

  return app;
}

/** A call list searched with transcript words (`q`), the expensive kind of list. */
function isSearch(request: FastifyRequest): boolean {
  const q = (request.query as { q?: unknown } | undefined)?.q;
  return typeof q === 'string' ? q.trim() !== '' : Array.isArray(q) && q.length > 0;
}

/** The `:id` of a call route; a malformed id is answered like an unknown call. */
function callParams(request: FastifyRequest): { id: string } {
  const parsed = callParamsSchema.safeParse(request.params);
  if (!parsed.success) throw callNotVisible();
  return parsed.data;
}

/**
 * A form body as the urlencoded parser hands it over (`[name, value]` pairs). A JSON array sent instead is not
 * one, and is read as an empty form (so the signature check refuses it) rather than crashing the handler.
 */
function isFormPairs(body: unknown): body is [string, string][] {
  return Array.isArray(body) && body.every((pair) => Array.isArray(pair) && pair.length === 2 && typeof pair[0] === 'string' && typeof pair[1] === 'string');
}


/**
 * Reads an upload's multipart body: a `metadata` field (JSON) and an `audio` file. VALIDATION_FAILED for a body
 * in another shape, PAYLOAD_TOO_LARGE for audio over `maxAudioBytes`.
 */
async function readUpload(request: FastifyRequest, maxAudioBytes: number): Promise<ReceivedCall> {
  if (!request.isMultipart()) {
    throw new CallsightError('VALIDATION_FAILED', 'Send multipart/form-data with a "metadata" field and an "audio" file');
  }
  let metadataText: string | undefined;
  let audio: Buffer | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'audio') throw new CallsightError('VALIDATION_FAILED', `Unexpected file field "${part.fieldname}"`);
        audio = await part.toBuffer();
      } else if (part.fieldname === 'metadata') {
        metadataText = String(part.value);
      }
    }
  } catch (error) {
    if (isCallsightError(error)) throw error;
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new CallsightError('PAYLOAD_TOO_LARGE', `Audio larger than ${maxAudioBytes} bytes is refused`);
    }
    throw new CallsightError('VALIDATION_FAILED', 'The multipart body could not be read', { cause: error });
  }
  if (metadataText === undefined) throw new CallsightError('VALIDATION_FAILED', 'The "metadata" field is missing');
  if (!audio) throw new CallsightError('VALIDATION_FAILED', 'The "audio" file is missing');
  try {
    return { metadata: JSON.parse(metadataText) as unknown, audio };
  } catch {
    throw new CallsightError('VALIDATION_FAILED', 'The "metadata" field is not valid JSON');
  }
}

/** Sends decrypted audio: 206 with Content-Range for a range, 200 otherwise; never cached. */

function describeError(error: unknown): { status: number; code: string; message: string } {
  if (isCallsightError(error)) return { status: statusFor(error.code), code: error.code, message: error.message };
  const fastifyError = error as { statusCode?: number; code?: string; message?: string };
  if (fastifyError.statusCode === 429) return { status: 429, code: 'RATE_LIMITED', message: 'Too many requests; slow down' };
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'Body too large' };
  if (fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Unsupported content type' };
  }
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return { status: fastifyError.statusCode, code: 'VALIDATION_FAILED', message: fastifyError.message ?? 'Bad request' };
  }
  return { status: 500, code: 'INTERNAL', message: 'Internal error' };
}
