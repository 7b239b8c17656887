/**
 * Stable, machine-readable error codes. The HTTP edge maps each code to a status in one table
 * (adapters/http/error-status.ts); messages never carry phone numbers, transcript text, tokens or keys.
 */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'CALL_NOT_FOUND'
  | 'NOT_FOUND'
  | 'RECORDING_GONE'
  | 'RECORDING_INTEGRITY'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'AUDIO_EMPTY'
  | 'AUDIO_CORRUPT'
  | 'PAYLOAD_TOO_LARGE'
  | 'RANGE_NOT_SATISFIABLE'
  | 'SIGNATURE_INVALID'
  | 'CONFLICT'
  | 'LEGAL_HOLD'
  | 'UPSTREAM_FAILED'
  | 'RATE_LIMITED'
  | 'INTERNAL'
  | 'TRANSCRIPT_NOT_FOUND'
  | 'REDACTION_UNAVAILABLE'
  | 'ANALYSIS_NOT_FOUND'
  | 'CRM_RATE_LIMITED'
  | 'CRM_AUTH_FAILED'
  | 'CRM_UNAVAILABLE'
  | 'CRM_REJECTED'
  | 'CRM_NOT_CONFIGURED'
  | 'EXPORT_EXPIRED'
  | 'WIDGETS_NOT_BUILT';

/** An expected failure with a stable code. `cause` keeps the original error for logs, never for clients. */
export class CallsightError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CallsightError';
    this.code = code;
    this.details = options?.details;
  }
}

export function isCallsightError(value: unknown): value is CallsightError {
  return value instanceof CallsightError;
}
