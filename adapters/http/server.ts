import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { CallsightError, isCallsightError } from '../../core/shared/errors';
import { authorize, scopeFor, type Action, type Principal } from '../../core/access/access.policy';
import type { Call } from '../../core/recordings/call';
import type { CallFilter } from '../../core/recordings/call-repository.port';
import { normalizePhone } from '../../core/recordings/phone';
import { describeIssues } from '../../core/recordings/call-metadata.schema';
import { statusFor } from './error-status';
import { parseRange } from './range';
import { callFilterFields } from './call-filter.schema';
import { toCallView } from './call-view';
import { TokenRejectedError } from './token-service';
import { auditEntry, type AuditEntry, type HttpDeps, type HttpHelpers } from './http.deps';
import type { JsonValue } from '../../core/audit/canonical-json';

const CONTENT_TYPE = { wav: 'audio/wav', mp3: 'audio/mpeg' } as const;

const listQuerySchema = z
  .object({
    ...callFilterFields,
    status: z.enum(['stored', 'misdial', 'archived', 'deleted']).optional(),
    flag: z.string().min(1).max(64).optional(),
    scoreMin: z.coerce.number().finite().optional(),
    scoreMax: z.coerce.number().finite().optional(),
    q: z.string().trim().min(1).max(256).optional(),
    speaker: z.enum(['agent', 'customer']).optional(),
    sort: z.enum(['time', 'relevance']).default('time'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().min(1).max(512).optional(),
  })
  .strict()
  .refine((v) => v.scoreMin === undefined || v.scoreMax === undefined || v.scoreMin <= v.scoreMax, { message: 'scoreMin must not exceed scoreMax', path: ['scoreMin'] })
  .refine((v) => v.speaker === undefined || v.q !== undefined, { message: 'speaker needs q', path: ['speaker'] })
  .refine((v) => v.sort === 'time' || v.q !== undefined, { message: 'sort=relevance needs q', path: ['sort'] });

const idParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/) });

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
 * authenticates a bearer token; every call read goes through the access policy inside the repository query
 * and writes an audit event.
 */
export async function buildHttpApp(deps: HttpDeps): Promise<FastifyInstance> {
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
    if (code === 'RANGE_NOT_SATISFIABLE' && typeof size === 'number') void reply.header('Content-Range', `bytes */${size}`);
    if (!reply.sent) void reply.status(status).send({ error: { code, message } });
  });
  app.setNotFoundHandler((_request, reply) => {
    void reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'No such route' } });
  });

  const authenticate = async (request: FastifyRequest): Promise<Principal> => {
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

  /** Loads a call the principal may reach for `action`, or answers 404 (an unreachable call looks absent). */
  const loadCall = async (principal: Principal, action: Action, callId: string): Promise<Call> => {
    const call = await deps.calls.getCall(principal.tenantId, callId, scopeFor(principal, action));
    if (!call) {
      await deps.audit(auditOf(principal, action, callId, 'denied', 'not_found_or_out_of_scope'));
      throw new CallsightError('CALL_NOT_FOUND', 'No call with this id is visible to you');
    }
    return call;
  };

  const agentNames = async (tenantId: string) =>
    new Map((await deps.calls.listAgents(tenantId)).map((agent) => [agent.id, agent.name] as const));

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.post('/api/v1/calls', async (request, reply) => {
    const principal = await authenticate(request);
    if (principal.role !== 'admin') {
      await deps.audit(auditOf(principal, 'ingest', null, 'denied', 'role_not_permitted'));
      throw new CallsightError('FORBIDDEN', 'Only admins and telephony integrations may add calls');
    }
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
      const code = (error as { code?: string }).code;
      if (code === 'FST_REQ_FILE_TOO_LARGE') {
        throw new CallsightError('PAYLOAD_TOO_LARGE', `Audio larger than ${deps.config.maxAudioBytes} bytes is refused`);
      }
      throw new CallsightError('VALIDATION_FAILED', 'The multipart body could not be read', { cause: error });
    }
    if (metadataText === undefined) throw new CallsightError('VALIDATION_FAILED', 'The "metadata" field is missing');
    if (!audio) throw new CallsightError('VALIDATION_FAILED', 'The "audio" file is missing');
    let metadata: unknown;
    try {
      metadata = JSON.parse(metadataText);
    } catch {
      throw new CallsightError('VALIDATION_FAILED', 'The "metadata" field is not valid JSON');
    }
    const result = await deps.ingest(principal.tenantId, metadata, audio);
    await deps.audit(auditOf(principal, 'ingest', result.call.id, 'allowed', result.created ? 'created' : 'duplicate'));
    return reply
      .status(result.created ? 201 : 200)
      .send(toCallView(result.call, 'none', await agentNames(principal.tenantId)));
  });

  app.get('/api/v1/calls', async (request) => {
    const principal = await authenticate(request);
    const parsed = listQuerySchema.safeParse(request.query);
    if (!parsed.success) throw new CallsightError('VALIDATION_FAILED', `Invalid query: ${describeIssues(parsed.error)}`);
    const { limit, cursor, customerPhone, q, speaker, sort, ...rest } = parsed.data;
    const decision = authorize(principal, 'list');
    if (!decision.allowed) {
      await deps.audit(auditOf(principal, 'list', null, 'denied', decision.reason));
      throw new CallsightError('FORBIDDEN', 'Your role may not list calls');
    }
    const filter: CallFilter = { ...rest };
    if (customerPhone !== undefined) {
      const tenant = await deps.calls.getTenant(principal.tenantId);
      const e164 = normalizePhone(customerPhone, tenant?.defaultRegion ?? 'CN');
      if (!e164) throw new CallsightError('VALIDATION_FAILED', 'Invalid query: customerPhone: not a valid phone number');
      Object.assign(filter, { customerPhone: e164 });
    }
    const page = await deps.calls.searchCalls(
      principal.tenantId,
      { filter, sort, ...(q !== undefined ? { q } : {}), ...(speaker ? { speaker } : {}) },
      scopeFor(principal, 'list'),
      { limit, ...(cursor ? { cursor } : {}) },
    );
    const names = await agentNames(principal.tenantId);
    const ids = page.items.map((item) => item.call.id);
    const screening = deps.screening ? await deps.screening(principal.tenantId, ids) : undefined;
    await deps.audit(
      auditOf(principal, 'list', null, 'allowed', undefined, {
        returned: page.items.length,
        filters: Object.keys(filter),
        ...(q !== undefined ? { keywordSearch: true, sort } : {}),
      }),
    );
    // Masked roles see snippets only through the transcript route's redaction, so they get timestamps without text.
    const showSnippets = decision.mask === 'none';
    return {
      items: page.items.map(({ call, hits }) => ({
        ...toCallView(call, decision.mask, names, screening?.get(call.id)),
        ...(q !== undefined
          ? { hits: hits.map((h) => ({ segment: h.segment, speaker: h.speaker, startS: h.startS, snippet: showSnippets ? h.snippet : null })) }
          : {}),
      })),
      nextCursor: page.nextCursor,
    };
  });

  app.get('/api/v1/calls/:id', async (request) => {
    const principal = await authenticate(request);
    const { id } = parseParams(request.params);
    const call = await loadCall(principal, 'view', id);
    const decision = authorize(principal, 'view', callTarget(call));
    const screening = deps.screening ? await deps.screening(principal.tenantId, [call.id]) : undefined;
    await deps.audit(auditOf(principal, 'view', call.id, 'allowed'));
    return toCallView(call, decision.mask, await agentNames(principal.tenantId), screening?.get(call.id));
  });

  app.get('/api/v1/calls/:id/audio', async (request, reply) => {
    const principal = await authenticate(request);
    const { id } = parseParams(request.params);
    const call = await loadCall(principal, 'play', id);
    return streamAudio(call, principal, request, reply, 'play');
  });

  app.post('/api/v1/calls/:id/playback-url', async (request) => {
    const principal = await authenticate(request);
    const { id } = parseParams(request.params);
    const call = await loadCall(principal, 'play', id);
    const { token, expiresAt } = await deps.playback.issue(principal, call.id, deps.clock.now());
    await deps.audit(auditOf(principal, 'issue_playback_url', call.id, 'allowed', undefined, { expiresAt }));
    return { url: `${baseUrl(request)}/api/v1/playback/${token}`, expiresAt };
  });

  app.get('/api/v1/playback/:token', async (request, reply) => {
    const { token } = request.params as { token: string };
    const { principal, callId } = await deps.playback.verify(token, deps.clock.now());
    const call = await loadCall(principal, 'play', callId);
    return streamAudio(call, principal, request, reply, 'play');
  });

  app.post('/api/v1/webhooks/:provider/recording', async (request, reply) => {
    const { provider } = request.params as { provider: string };
    const handler = deps.telephony.get(provider);
    if (!handler) throw new CallsightError('NOT_FOUND', 'No such telephony provider');
    const form = Array.isArray(request.body) ? (request.body as [string, string][]) : [];
    const outcome = await handler.handle({
      url: `${baseUrl(request)}${request.url}`,
      headers: request.headers as Record<string, string | undefined>,
      form,
    });
    const status = outcome.kind === 'stored' ? 201 : 200;
    return reply.status(status).send(
      outcome.kind === 'ignored' ? { status: 'ignored', reason: outcome.reason } : { status: outcome.kind, callId: outcome.call.id },
    );
  });

  for (const plugin of deps.plugins ?? []) await plugin(app, helpers);

  async function streamAudio(stored: Call, principal: Principal, request: FastifyRequest, reply: FastifyReply, action: Action) {
    if (stored.status === 'deleted' || !stored.recording) {
      await deps.audit(auditOf(principal, action, stored.id, 'denied', 'recording_deleted'));
      throw new CallsightError('RECORDING_GONE', 'This recording was deleted under the retention policy');
    }
    // An archived recording is brought back to the main store before it is played.
    const call = deps.beforePlay ? await deps.beforePlay(stored, principal) : stored;
    if (!call.recording) throw new CallsightError('RECORDING_GONE', 'This recording was deleted under the retention policy');
    let source = { recordingId: call.id, keyId: call.recording.keyId, bytes: call.recording.bytes, format: call.recording.format };
    const { mask } = authorize(principal, action, callTarget(call));
    if (mask === 'pii' && deps.redactedAudio) {
      const redacted = await deps.redactedAudio(call);
      if (redacted === 'unavailable') {
        await deps.audit(auditOf(principal, action, call.id, 'denied', 'redaction_unavailable'));
        throw new CallsightError('REDACTION_UNAVAILABLE', 'This recording contains personal data and no redacted copy exists for your role');
      }
      if (redacted) source = redacted;
    }
    const recording = source;
    const range = parseRange(request.headers.range, recording.bytes);
    const iterator = deps.audio
      .read({ tenantId: call.tenantId, recordingId: source.recordingId, keyId: recording.keyId, bytes: recording.bytes }, range ?? undefined)
      [Symbol.asyncIterator]();
    // Decrypt the first chunk before any header goes out, so an integrity failure becomes an error response.
    const first = await iterator.next();
    await deps.audit(
      auditOf(principal, action, call.id, 'allowed', undefined, {
        ...(range ? { range: `${range.start}-${range.end}` } : {}),
        ...(source.recordingId !== call.id ? { redacted: true } : {}),
      }),
    );
    const body = Readable.from(
      (async function* () {
        try {
          if (!first.done) yield first.value;
          for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
        } finally {
          // A client that hangs up mid-stream must not leave the file handle and data key behind.
          await iterator.return?.();
        }
      })(),
    );
    body.on('error', (error) => request.log.error({ err: error, code: (error as CallsightError).code }, 'audio stream aborted'));
    void reply
      .header('Content-Type', CONTENT_TYPE[recording.format])
      .header('Accept-Ranges', 'bytes')
      .header('Cache-Control', 'private, no-store');
    if (range) {
      void reply
        .status(206)
        .header('Content-Range', `bytes ${range.start}-${range.end}/${recording.bytes}`)
        .header('Content-Length', range.end - range.start + 1);
    } else {
      void reply.status(200).header('Content-Length', recording.bytes);
    }
    return reply.send(body);
  }

  function baseUrl(request: FastifyRequest): string {
    if (deps.config.publicUrl) return deps.config.publicUrl.replace(/\/$/, '');
    return `${request.protocol}://${request.host}`;
  }

  return app;
}

function parseParams(params: unknown): { id: string } {
  const parsed = idParams.safeParse(params);
  if (!parsed.success) throw new CallsightError('CALL_NOT_FOUND', 'No call with this id is visible to you');
  return parsed.data;
}

function callTarget(call: Call) {
  return { kind: 'call' as const, tenantId: call.tenantId, agentId: call.agentId, team: call.team ?? null, queue: call.queue };
}

/** The audit entry for an access to one call (or to the call list when `callId` is null). */
function auditOf(
  principal: Principal,
  action: string,
  callId: string | null,
  outcome: AuditEntry['outcome'],
  reason?: string,
  details?: Record<string, JsonValue>,
): AuditEntry {
  return auditEntry(principal, action, callId ? `call:${callId}` : null, outcome, reason, details);
}

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
