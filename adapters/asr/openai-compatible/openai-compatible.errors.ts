import { CallsightError } from '../../../core/shared/errors';
import { errorBodySchema } from './verbose-json.schema';

/** The upstream's own error type/code, when it sent a JSON error body. Its message is never kept: it may echo a masked key. */
export function readUpstreamErrorCode(bodyText: string): { type?: string; code?: string } {
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(bodyText));
    if (!parsed.success) return {};
    const { type, code } = parsed.data.error;
    return {
      ...(type ? { type: String(type).slice(0, 64) } : {}),
      ...(code !== null && code !== undefined ? { code: String(code).slice(0, 64) } : {}),
    };
  } catch {
    return {};
  }
}

/**
 * Whether a status is worth another attempt: 408, 409 (OpenAI's "engine overloaded" on some deployments),
 * 429 and every 5xx. OpenAI also answers 429 when the account is out of credit (`insufficient_quota`);
 * waiting does not fix that, so it is not retried.
 */
export function isRetryable(status: number, bodyText: string): boolean {
  if (status === 429) return readUpstreamErrorCode(bodyText).code !== 'insufficient_quota';
  return status === 408 || status === 409 || status >= 500;
}

/** Maps a final non-2xx answer to a CallsightError carrying the status and the vendor's error code, never its message. */
export function translateHttpFailure(status: number, bodyText: string, attempts: number): CallsightError {
  const upstream = readUpstreamErrorCode(bodyText);
  const details = { status, attempts, ...upstream };
  if (status === 429 && upstream.code !== 'insufficient_quota') {
    return new CallsightError('RATE_LIMITED', `The transcription server kept rate-limiting after ${attempts} attempt(s); try again later`, { details });
  }
  if (status === 429) {
    return new CallsightError('UPSTREAM_FAILED', 'The transcription account has no quota left; top it up or change the tenant key', { details });
  }
  if (status === 401 || status === 403) {
    return new CallsightError('UPSTREAM_FAILED', `The transcription server refused the credentials (HTTP ${status}); check the tenant's API key`, { details });
  }
  if (status === 413) {
    return new CallsightError('PAYLOAD_TOO_LARGE', 'The transcription server refused the audio as too large; lower its bit rate or split the call', { details });
  }
  if (status >= 500 || status === 408 || status === 409) {
    return new CallsightError('UPSTREAM_FAILED', `The transcription server failed with HTTP ${status} after ${attempts} attempt(s)`, { details });
  }
  return new CallsightError('UPSTREAM_FAILED', `The transcription server rejected the request with HTTP ${status}; check the model name and settings`, { details });
}

/** A 2xx body that is not the documented verbose_json object. */
export function malformedResponse(cause: unknown, why: string): CallsightError {
  return new CallsightError('UPSTREAM_FAILED', `The transcription server returned a malformed verbose_json response: ${why}`, {
    cause,
    details: { reason: 'malformed_response' },
  });
}

/** No HTTP answer at all (DNS, refused connection, reset, timeout) after every attempt. */
export function networkFailure(cause: unknown, attempts: number, timedOut: boolean): CallsightError {
  return new CallsightError(
    'UPSTREAM_FAILED',
    timedOut
      ? `The transcription server did not answer in time after ${attempts} attempt(s)`
      : `The transcription server could not be reached after ${attempts} attempt(s)`,
    { cause, details: { reason: timedOut ? 'timeout' : 'network', attempts } },
  );
}
