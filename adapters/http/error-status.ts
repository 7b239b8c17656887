import type { ErrorCode } from '../../core/shared/errors';

/** The one table mapping error codes to HTTP statuses. */
export const ERROR_STATUS: Readonly<Record<ErrorCode, number>> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  SIGNATURE_INVALID: 403,
  FORBIDDEN: 403,
  CALL_NOT_FOUND: 404,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RECORDING_GONE: 410,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RANGE_NOT_SATISFIABLE: 416,
  AUDIO_EMPTY: 422,
  AUDIO_CORRUPT: 422,
  LEGAL_HOLD: 423,
  RATE_LIMITED: 429,
  RECORDING_INTEGRITY: 500,
  INTERNAL: 500,
  UPSTREAM_FAILED: 502,
  CRM_AUTH_FAILED: 502,
  CRM_NOT_CONFIGURED: 409,
  CRM_RATE_LIMITED: 503,
  CRM_REJECTED: 502,
  CRM_UNAVAILABLE: 503,
};

export function statusFor(code: string): number {
  return (ERROR_STATUS as Record<string, number>)[code] ?? 500;
}
