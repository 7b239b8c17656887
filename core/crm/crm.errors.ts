import { CallsightError } from '../shared/errors';
import type { CrmName } from '../recordings/call';

interface CrmErrorOptions {
  readonly cause?: unknown;
  readonly details?: Record<string, unknown>;
}

/** The CRM asked us to slow down; nothing was written by the refused request. */
export class CrmRateLimitedError extends CallsightError {
  override readonly name = 'CrmRateLimitedError';
  /** Wait at least this long before the next request to this tenant's CRM. */
  readonly retryAfterMs: number;

  constructor(
    readonly crm: CrmName,
    operation: string,
    retryAfterMs: number,
    options?: CrmErrorOptions,
  ) {
    super('CRM_RATE_LIMITED', `${crm} rate limit reached during ${operation}; retry after ${Math.ceil(retryAfterMs / 1000)} s`, options);
    this.retryAfterMs = retryAfterMs;
  }
}

/** The credentials were refused or lack a permission; an admin must fix the connection. */
export class CrmAuthError extends CallsightError {
  override readonly name = 'CrmAuthError';

  constructor(
    readonly crm: CrmName,
    operation: string,
    reason: 'unauthenticated' | 'forbidden',
    options?: CrmErrorOptions,
  ) {
    super(
      'CRM_AUTH_FAILED',
      reason === 'unauthenticated'
        ? `${crm} refused the credentials during ${operation}; check the tenant's ${crm} connection`
        : `${crm} credentials lack a permission needed for ${operation}; grant it or use another account`,
      options,
    );
  }
}

/** The CRM could not be reached or failed on its side (5xx, timeout, reset); retrying later is expected to work. */
export class CrmUnavailableError extends CallsightError {
  override readonly name = 'CrmUnavailableError';

  constructor(
    readonly crm: CrmName,
    operation: string,
    what: string,
    options?: CrmErrorOptions,
  ) {
    super('CRM_UNAVAILABLE', `${crm} unavailable during ${operation} (${what}); will retry`, options);
  }
}

/** The CRM refused this input (validation, missing object); the same request will keep failing. */
export class CrmRejectedError extends CallsightError {
  override readonly name = 'CrmRejectedError';

  constructor(
    readonly crm: CrmName,
    operation: string,
    what: string,
    options?: CrmErrorOptions,
  ) {
    super('CRM_REJECTED', `${crm} rejected ${operation} (${what})`, options);
  }
}

/** The tenant has no connection to this CRM. */
export class CrmNotConfiguredError extends CallsightError {
  override readonly name = 'CrmNotConfiguredError';

  constructor(readonly crm: CrmName) {
    super('CRM_NOT_CONFIGURED', `no ${crm} connection is configured for this tenant; add one before syncing calls`);
  }
}

/** Any of the failures a `CrmAdapter` may report. */
export type CrmFailure = CrmRateLimitedError | CrmAuthError | CrmUnavailableError | CrmRejectedError | CrmNotConfiguredError;

export function isCrmFailure(value: unknown): value is CrmFailure {
  return (
    value instanceof CrmRateLimitedError ||
    value instanceof CrmAuthError ||
    value instanceof CrmUnavailableError ||
    value instanceof CrmRejectedError ||
    value instanceof CrmNotConfiguredError
  );
}
