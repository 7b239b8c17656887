import { CallsightError } from '../../../core/shared/errors';

/**
 * Translates a failed S3 call into UPSTREAM_FAILED, keeping the S3 error name and HTTP status (never credentials,
 * bucket keys or object contents); the original stays as `cause`.
 */
export function s3RequestFailed(what: string, cause: unknown): CallsightError {
  const name = (cause as { name?: unknown })?.name;
  const status = (cause as { $metadata?: { httpStatusCode?: unknown } })?.$metadata?.httpStatusCode;
  const details: Record<string, string | number> = {};
  if (typeof name === 'string') details.s3Error = name.slice(0, 64);
  if (typeof status === 'number') details.status = status;
  return new CallsightError(
    'UPSTREAM_FAILED',
    `Amazon S3 ${what} failed${typeof name === 'string' ? ` (${name.slice(0, 64)})` : ''}${typeof status === 'number' ? ` with HTTP ${status}` : ''}`,
    { cause, details },
  );
}

/** Whether an S3 error means the object (or bucket listing entry) is not there yet. */
export function isS3NotFound(error: unknown): boolean {
  const name = (error as { name?: unknown })?.name;
  const status = (error as { $metadata?: { httpStatusCode?: unknown } })?.$metadata?.httpStatusCode;
  return name === 'NoSuchKey' || name === 'NotFound' || status === 404;
}
