import { AxiosError, AxiosHeaders } from 'axios';
import {
  CrmAuthError,
  CrmRateLimitedError,
  CrmRejectedError,
  CrmUnavailableError,
  type CrmFailure,
} from '../../../core/crm/crm.errors';

/** Used when a 429 comes without a usable Retry-After (Zendesk documents one; proxies may drop it). */
export const DEFAULT_RETRY_AFTER_MS = 60_000;

/**
 * Reads `Retry-After` as delay-seconds or as an HTTP-date (RFC 9110 section 10.2.3).
 * Returns ms to wait (>= 0), or null when absent or unreadable.
 */
export function parseRetryAfterMs(value: unknown, now: Date): number | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const text = String(value).trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at) || !/[a-z]/i.test(text)) return null;
  return Math.max(0, at - now.getTime());
}

/**
 * Turns whatever axios threw into the port's typed failures:
 * 429 -> CrmRateLimitedError (Retry-After honoured); 401 -> CrmAuthError('unauthenticated');
 * 403 -> CrmAuthError('forbidden'); 408, 409, 5xx, timeouts and network errors -> CrmUnavailableError;
 * other 4xx -> CrmRejectedError. The message names the operation, the status and Zendesk's error
 * code word (`RecordInvalid`), never the URL, body or credentials. The original error is kept as
 * `cause` after its credentials, query and bodies have been removed (see `redactAxiosError`).
 */
export function translateZendeskError(error: unknown, operation: string, now: Date): CrmFailure | Error {
  if (!(error instanceof AxiosError)) return error instanceof Error ? error : new Error(`${operation} failed with a non-Error value`);
  const status = error.response?.status;
  const zendeskCode = readZendeskErrorCode(error.response?.data);
  const retryAfter = readHeader(error.response?.headers, 'retry-after');
  const cause = redactAxiosError(error);
  const details = { status: status ?? null, zendeskError: zendeskCode };

  if (status === undefined) {
    return new CrmUnavailableError('zendesk', operation, describeNetworkFailure(error), { cause, details });
  }
  const what = zendeskCode === null ? `HTTP ${status}` : `HTTP ${status} ${zendeskCode}`;
  if (status === 429) {
    const retryAfterMs = parseRetryAfterMs(retryAfter, now) ?? DEFAULT_RETRY_AFTER_MS;
    return new CrmRateLimitedError('zendesk', operation, retryAfterMs, { cause, details: { ...details, retryAfterMs } });
  }
  if (status === 401) return new CrmAuthError('zendesk', operation, 'unauthenticated', { cause, details });
  if (status === 403) return new CrmAuthError('zendesk', operation, 'forbidden', { cause, details });
  if (status === 408 || status === 409 || status >= 500) return new CrmUnavailableError('zendesk', operation, what, { cause, details });
  return new CrmRejectedError('zendesk', operation, what, { cause, details });
}

/**
 * Zendesk errors look like `{"error": "RecordInvalid", "description": ...}`, `{"error": {"title", "message"}}`
 * or, on newer APIs such as custom objects, `{"errors": [{"code": "NotFound", ...}]}`. Only a plain
 * code word is kept: descriptions may echo submitted values.
 */
function readZendeskErrorCode(data: unknown): string | null {
  if (typeof data !== 'object' || data === null) return null;
  const body = data as { error?: unknown; errors?: unknown };
  const first = Array.isArray(body.errors) ? (body.errors[0] as { code?: unknown } | undefined) : undefined;
  const code = typeof body.error === 'string' ? body.error : first?.code;
  return typeof code === 'string' && /^[A-Za-z][A-Za-z_]{0,63}$/.test(code) ? code : null;
}

function readHeader(headers: unknown, name: string): unknown {
  if (headers instanceof AxiosHeaders) return headers.get(name);
  if (typeof headers === 'object' && headers !== null) return (headers as Record<string, unknown>)[name];
  return undefined;
}

function describeNetworkFailure(error: AxiosError): string {
  if (error.code === AxiosError.ECONNABORTED || error.code === AxiosError.ETIMEDOUT) return 'timeout';
  return error.code !== undefined && /^[A-Z_]+$/.test(error.code) ? error.code : 'network error';
}

/**
 * Strips what must never reach a log from an axios error, in place: the Authorization header and
 * basic-auth config, request params (a search carries the phone number), request and response
 * bodies, and the underlying ClientRequest (its raw header text holds the credentials).
 * Keeps method, path, status and response headers for diagnosis.
 */
export function redactAxiosError(error: AxiosError): AxiosError {
  const config = error.config;
  if (config !== undefined) {
    if (config.headers !== undefined) {
      config.headers = new AxiosHeaders(config.headers).set('Authorization', '[redacted]');
    }
    config.auth = undefined;
    config.params = undefined;
    config.data = undefined;
    if (typeof config.url === 'string') config.url = config.url.replace(/\?.*$/s, '?[redacted]');
  }
  error.request = undefined;
  if (error.response !== undefined) {
    error.response = { ...error.response, data: undefined, request: undefined, config: config ?? error.response.config };
  }
  return error;
}
