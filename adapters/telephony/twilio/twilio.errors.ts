import { CallsightError } from '../../../core/shared/errors';

/** Translates a failed Twilio REST call into UPSTREAM_FAILED, keeping the status (never credentials). */
export function twilioRequestFailed(what: string, status: number | null, cause?: unknown): CallsightError {
  return new CallsightError('UPSTREAM_FAILED', `Twilio ${what} failed${status ? ` with HTTP ${status}` : ''}`, {
    cause,
    details: status ? { status } : undefined,
  });
}
