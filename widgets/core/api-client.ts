import * as z from 'zod/mini';
import { errorDetailSchema } from '../../core/api/common.api';
import type { HubSession } from './host-bridge';
import {
  callPageReadSchema,
  callViewReadSchema,
  playbackUrlReadSchema,
  transcriptReadSchema,
  type CallPage,
  type CallView,
  type ListCallsQuery,
  type PlaybackUrl,
  type Transcript,
} from './api-types';

/**
 * Codes the client itself produces, next to the hub's own error codes (`CALL_NOT_FOUND`, `FORBIDDEN`...):
 * `NETWORK` (no answer), `BAD_RESPONSE` (answer not in the documented shape), `SESSION_FAILED` (the host
 * could not produce a token).
 */
export type ClientErrorCode = 'NETWORK' | 'BAD_RESPONSE' | 'SESSION_FAILED';

/**
 * A failed hub call. `code` is the hub's stable error code or a ClientErrorCode; `status` is the HTTP
 * status (0 when there was none). The message never contains tokens or personal data.
 */
export class HubApiError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, status: number, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HubApiError';
    this.code = code;
    this.status = status;
  }
}

export interface HubClient {
  /** Newest first; `customerPhone` narrows to one customer (the hub applies the reader's permissions). */
  listCalls(query: ListCallsQuery): Promise<CallPage>;
  getCall(callId: string): Promise<CallView>;
  /** A short-lived audio URL bound to this user and call; ask again once it has expired. */
  createPlaybackUrl(callId: string): Promise<PlaybackUrl>;
  /** `null` when the call has no transcript yet (404 `TRANSCRIPT_NOT_FOUND`). */
  getTranscript(callId: string): Promise<Transcript | null>;
  /**
   * Any other hub call, for a feature's own client (`features/<feature>/<feature>.client.ts`): sends `method path`
   * with an optional JSON `body` and checks the answer against the contract's `schema`. Fails with HubApiError: the
   * hub's code, or BAD_RESPONSE when the answer is not in that shape.
   */
  request<S extends z.ZodMiniType>(method: HubMethod, path: string, schema: S, body?: unknown): Promise<z.output<S>>;
}

/** HTTP methods `HubClient.request` sends. */
export type HubMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HubClientOptions {
  readonly fetchToken: () => Promise<HubSession>;
  /** Injected for tests; defaults to the global fetch. */
  readonly fetch?: typeof fetch;
}

/**
 * The widgets' one typed HTTP client for the hub. The session from `fetchToken` is reused until the hub
 * answers 401; then one fresh session is fetched and the request retried once. Concurrent callers share a
 * single pending `fetchToken`.
 */
export function createHubClient(options: HubClientOptions): HubClient {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  let session: Promise<HubSession> | null = null;

  function obtainSession(): Promise<HubSession> {
    if (session === null) {
      const pending = options.fetchToken().then(validateSession, (error: unknown) => {
        throw new HubApiError('SESSION_FAILED', 0, 'The host could not open a hub session', { cause: error });
      });
      pending.catch(() => {
        if (session === pending) session = null;
      });
      session = pending;
    }
    return session;
  }

  async function send(method: HubMethod, path: string, allowRetry = true, body?: unknown): Promise<Response> {
    const current = await obtainSession();
    let response: Response;
    try {
      const headers: Record<string, string> = { Authorization: `Bearer ${current.token}`, Accept: 'application/json' };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      response = await fetchImpl(joinUrl(current.hubUrl, path), {
        method,
        headers,
        credentials: 'omit',
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (error) {
      throw new HubApiError('NETWORK', 0, `The hub did not answer ${method} ${stripQuery(path)}`, { cause: error });
    }
    if (response.status === 401 && allowRetry) {
      if (session !== null && (await session.catch(() => null)) === current) session = null;
      return send(method, path, false, body);
    }
    return response;
  }

  /** Sends the request and checks the answer against the contract's response schema (BAD_RESPONSE otherwise). */
  async function requestJson<S extends z.ZodMiniType>(method: HubMethod, path: string, schema: S, body?: unknown): Promise<z.output<S>> {
    const response = await send(method, path, true, body);
    const answer = await readJson(response);
    if (!response.ok) throw toApiError(response.status, answer, method, path);
    const parsed = schema.safeParse(answer);
    if (!parsed.success) {
      throw new HubApiError('BAD_RESPONSE', response.status, `The hub answered ${method} ${stripQuery(path)} in an unexpected shape`);
    }
    return parsed.data;
  }

  return {
    request: requestJson,
    listCalls(query) {
      const params = new URLSearchParams();
      if (query.customerPhone !== undefined) params.set('customerPhone', query.customerPhone);
      if (query.agentId !== undefined) params.set('agentId', query.agentId);
      if (query.limit !== undefined) params.set('limit', String(query.limit));
      if (query.cursor !== undefined) params.set('cursor', query.cursor);
      const search = params.toString();
      return requestJson('GET', `/api/v1/calls${search === '' ? '' : `?${search}`}`, callPageReadSchema);
    },
    getCall(callId) {
      return requestJson('GET', `/api/v1/calls/${encodeURIComponent(callId)}`, callViewReadSchema);
    },
    async createPlaybackUrl(callId) {
      const playback = await requestJson('POST', `/api/v1/calls/${encodeURIComponent(callId)}/playback-url`, playbackUrlReadSchema);
      const { hubUrl } = await obtainSession();
      return { url: new URL(playback.url, `${hubUrl}/`).toString(), expiresAt: playback.expiresAt };
    },
    async getTranscript(callId) {
      try {
        return await requestJson('GET', `/api/v1/calls/${encodeURIComponent(callId)}/transcript`, transcriptReadSchema);
      } catch (error) {
        if (error instanceof HubApiError && error.code === 'TRANSCRIPT_NOT_FOUND') return null;
        throw error;
      }
    },
  };
}

function validateSession(value: HubSession): HubSession {
  if (typeof value?.token !== 'string' || value.token === '' || typeof value.hubUrl !== 'string' || value.hubUrl === '') {
    throw new HubApiError('SESSION_FAILED', 0, 'The host returned a session without a token or hub URL');
  }
  return { token: value.token, hubUrl: value.hubUrl.replace(/\/+$/, '') };
}

function joinUrl(hubUrl: string, path: string): string {
  return `${hubUrl}${path}`;
}

/** Query strings may carry phone numbers: keep them out of messages. */
function stripQuery(path: string): string {
  const index = path.indexOf('?');
  return index === -1 ? path : path.slice(0, index);
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** The hub's error envelope, read leniently: a code is enough to know what failed. */
const errorEnvelopeReadSchema = z.object({ error: z.partial(errorDetailSchema, { message: true }) });

function toApiError(status: number, body: unknown, method: string, path: string): HubApiError {
  const envelope = errorEnvelopeReadSchema.safeParse(body);
  const stated = envelope.success ? envelope.data.error.code : null;
  const code = stated !== null && /^[A-Z][A-Z0-9_]*$/.test(stated) ? stated : fallbackCode(status);
  return new HubApiError(code, status, `The hub refused ${method} ${stripQuery(path)} with ${status} ${code}`);
}

function fallbackCode(status: number): string {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 429) return 'RATE_LIMITED';
  if (status >= 500) return 'UPSTREAM_FAILED';
  return 'BAD_RESPONSE';
}
