import {
  CrmAuthError,
  CrmRateLimitedError,
  CrmRejectedError,
  CrmUnavailableError,
  type CrmFailure,
} from '../../../core/crm/crm.errors';

/**
 * Salesforce errors as documented in "Status Codes and Error Responses"
 * (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm): a JSON array of
 * `{"message", "errorCode", "fields"}`; 401 with `INVALID_SESSION_ID` when the token expired; 403 with
 * `REQUEST_LIMIT_EXCEEDED` when the org's API allowance is spent; 503 when the server is unavailable.
 * Record-level results of sObject Collections carry `statusCode` instead of `errorCode`.
 */

/** What the REST API answered, as seen by the adapter's transport tap; null when no response arrived. */
export interface SalesforceResponseInfo {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
}

/** Used after a concurrent-request limit (`ConcurrentPerOrgLongTxn`): it clears within seconds, not hours. */
export const CONCURRENCY_LIMIT_RETRY_MS = 30_000;

/** Record-level error codes that say "try again later", not "this record is wrong". */
const TRANSIENT_RECORD_CODES = new Set(['UNABLE_TO_LOCK_ROW', 'SERVER_UNAVAILABLE', 'TXN_SECURITY_METERING_ERROR', 'QUERY_TIMEOUT']);

/** `api-usage=18/5000` (the `Sforce-Limit-Info` response header) as numbers; null when absent or unreadable. */
export function parseApiUsage(header: string | undefined | null): { readonly used: number; readonly limit: number } | null {
  if (typeof header !== 'string') return null;
  const match = /api-usage=(\d+)\/(\d+)/.exec(header);
  if (match === null) return null;
  const used = Number(match[1]);
  const limit = Number(match[2]);
  return limit > 0 ? { used, limit } : null;
}

/** A plain error code word (`FIELD_CUSTOM_VALIDATION_EXCEPTION`), or null: messages may echo submitted values. */
export function readErrorCode(value: unknown): string | null {
  return typeof value === 'string' && /^[A-Z][A-Z0-9_]{1,79}$/.test(value) ? value : null;
}

/**
 * Turns whatever a REST call threw (jsforce's `HttpApiError` with `errorCode`, or a network failure) into the
 * port's typed failures, keeping a redacted original as `cause`:
 * `REQUEST_LIMIT_EXCEEDED` -> CrmRateLimitedError (`limitPauseMs`, or 30 s for the concurrent-request limit);
 * 401 / `INVALID_SESSION_ID` -> CrmAuthError('unauthenticated') (the client re-authenticates once before that);
 * other 403 -> CrmAuthError('forbidden'); 5xx, 408, 409, no response -> CrmUnavailableError;
 * other 4xx -> CrmRejectedError with Salesforce's code in the message and `details.salesforceErrorCode`.
 */
export function translateSalesforceError(
  error: unknown,
  operation: string,
  response: SalesforceResponseInfo | null,
  limitPauseMs: number,
): CrmFailure | Error {
  const errorCode = readErrorCode((error as { errorCode?: unknown } | null)?.errorCode);
  const rawMessage = typeof (error as { message?: unknown } | null)?.message === 'string' ? (error as Error).message : '';
  const cause = error instanceof Error ? redactSalesforceError(error, errorCode) : error;
  if (response === null) {
    if (errorCode !== null && !errorCode.startsWith('ERROR_HTTP_')) {
      // An HttpApiError always follows a response; without one this is a bug in the caller, not Salesforce.
      return error instanceof Error ? error : new Error(`${operation} failed with a non-Error value`);
    }
    return new CrmUnavailableError('salesforce', operation, describeNetworkFailure(error), { cause, details: { status: null } });
  }
  const status = response.status;
  const details = { status, salesforceErrorCode: errorCode };
  const what = errorCode === null ? `HTTP ${status}` : `HTTP ${status} ${errorCode}`;
  if (errorCode === 'REQUEST_LIMIT_EXCEEDED' || status === 429) {
    const retryAfterMs = /concurrent/i.test(rawMessage) ? CONCURRENCY_LIMIT_RETRY_MS : limitPauseMs;
    return new CrmRateLimitedError('salesforce', operation, retryAfterMs, { cause, details: { ...details, retryAfterMs } });
  }
  if (status === 401 || errorCode === 'INVALID_SESSION_ID') return new CrmAuthError('salesforce', operation, 'unauthenticated', { cause, details });
  if (status === 403) return new CrmAuthError('salesforce', operation, 'forbidden', { cause, details });
  if (status === 408 || status === 409 || status >= 500) return new CrmUnavailableError('salesforce', operation, what, { cause, details });
  return new CrmRejectedError('salesforce', operation, what, { cause, details });
}

/**
 * Errors of the token endpoint (`{"error": "invalid_grant", "error_description": ...}`), which jsforce throws as
 * an Error named after `error`:
 * https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm (Salesforce grants new access
 * token / errors). invalid_grant, invalid_client(_id), unsupported_grant_type -> CrmAuthError; HTTP 5xx or no
 * response -> CrmUnavailableError; rate limits -> CrmRateLimitedError.
 */
export function translateTokenError(error: unknown, response: SalesforceResponseInfo | null, limitPauseMs: number): CrmFailure | Error {
  const operation = 'authenticate (JWT bearer)';
  const name = (error as { name?: unknown } | null)?.name;
  const oauthError = typeof name === 'string' && /^[a-z_]{3,64}$/.test(name) ? name : null;
  const cause = error instanceof Error ? redactSalesforceError(error, oauthError) : error;
  if (response === null) return new CrmUnavailableError('salesforce', operation, describeNetworkFailure(error), { cause, details: { status: null } });
  const details = { status: response.status, oauthError };
  if (response.status === 429) return new CrmRateLimitedError('salesforce', operation, limitPauseMs, { cause, details });
  if (response.status >= 500 || response.status === 408) {
    return new CrmUnavailableError('salesforce', operation, `HTTP ${response.status}`, { cause, details });
  }
  return new CrmAuthError('salesforce', operation, 'unauthenticated', { cause, details });
}

/** A Salesforce record-level error (`{"statusCode" | "errorCode", "message", "fields"}`). */
export interface SalesforceRecordError {
  readonly statusCode?: string;
  readonly errorCode?: string;
  readonly message?: string;
  readonly fields?: readonly string[];
}

/**
 * The failure for one record that Salesforce refused inside a 200 response (sObject Collections, Bulk API 2.0):
 * CrmRejectedError carrying the first error's code (`FIELD_CUSTOM_VALIDATION_EXCEPTION`, `DUPLICATES_DETECTED`),
 * so it is parked for an admin, never retried forever; a lock or limit error is transient instead.
 * Messages are not kept: validation messages are admin-written and may quote field values.
 */
export function translateRecordErrors(errors: readonly SalesforceRecordError[], operation: string, limitPauseMs: number): CrmFailure {
  const codes = errors.map((e) => readErrorCode(e.statusCode ?? e.errorCode) ?? 'UNKNOWN_ERROR');
  const code = codes[0] ?? 'UNKNOWN_ERROR';
  const fields = errors.flatMap((e) => (e.fields ?? []).filter((f) => /^[A-Za-z][A-Za-z0-9_.]{0,80}$/.test(f)));
  const details = { salesforceErrorCode: code, salesforceErrorCodes: codes, fields };
  if (code === 'REQUEST_LIMIT_EXCEEDED') return new CrmRateLimitedError('salesforce', operation, limitPauseMs, { details });
  if (TRANSIENT_RECORD_CODES.has(code)) return new CrmUnavailableError('salesforce', operation, code, { details });
  return new CrmRejectedError('salesforce', operation, fields.length > 0 ? `${code} on ${fields.join(', ')}` : code, { details });
}

/**
 * Strips what must never reach a log from a jsforce error, in place: the message and `data` (Salesforce echoes
 * search terms and field values in them, e.g. a malformed SOSL with the phone number), and the stack's first line,
 * which repeats the message. Keeps the error code and the stack frames.
 */
export function redactSalesforceError(error: Error, code: string | null): Error {
  const original = error.message;
  const replacement = `${code ?? error.name} (Salesforce's message withheld: it may echo submitted values)`;
  try {
    error.message = replacement;
    if (typeof error.stack === 'string') error.stack = error.stack.replace(original, replacement);
    if ('data' in error) (error as { data?: unknown }).data = code === null ? undefined : { errorCode: code };
  } catch {
    // A frozen error keeps its text; it is still only reachable through `cause`, never logged by the adapter.
  }
  return error;
}

function describeNetworkFailure(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[A-Z_]{3,40}$/.test(code)) return code;
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'AbortError') return 'timeout';
  return 'network error';
}
