import { CallsightError, isCallsightError } from '../../../core/shared/errors';

/**
 * Turns a pg error into a CallsightError with the original as `cause`: unreachable server -> UPSTREAM_FAILED,
 * unique violation -> CONFLICT, anything else -> INTERNAL. Messages carry no SQL parameters (no PII).
 */
export function translatePgError(error: unknown): Error {
  if (isCallsightError(error)) return error;
  if (!(error instanceof Error)) return new CallsightError('INTERNAL', 'PostgreSQL failed', { cause: error });
  const code = (error as { code?: string }).code;
  // Errors without a code are not PostgreSQL's (a caller's own error rethrown through a transaction): unchanged.
  if (code === undefined) return error;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === '57P01' || code === '08006' || code === '08001') {
    return new CallsightError('UPSTREAM_FAILED', 'PostgreSQL is not reachable: check DATABASE_URL and that the server runs', { cause: error });
  }
  if (code === '23505') return new CallsightError('CONFLICT', 'A row with this key already exists', { cause: error });
  if (code === '3D000') return new CallsightError('UPSTREAM_FAILED', 'The PostgreSQL database named in DATABASE_URL does not exist', { cause: error });
  return new CallsightError('INTERNAL', `PostgreSQL failed (${code})`, { cause: error });
}
