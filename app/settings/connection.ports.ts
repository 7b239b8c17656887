import type { ConnectionKind } from '../../core/api/admin.api';

/**
 * What a connection probe reports: `not_configured` (no credentials stored for this tenant), `ok` (a cheap
 * authenticated call succeeded), or `error` with a stable code (`CRM_AUTH_EXPIRED`, `UPSTREAM_FAILED`...).
 * `target` names what was reached without any credential (a subdomain, an org id, a host name).
 */
export interface ConnectionProbeResult {
  readonly status: 'ok' | 'error' | 'not_configured';
  readonly code: string | null;
  readonly target: string | null;
}

/**
 * One probe per outside service, built in bin/ over the adapters. `configured` reads stored settings only;
 * `test` runs one cheap authenticated call through the adapter. Neither throws for an outside failure: it is an
 * `error` result with the adapter's code. Secrets never leave the probe.
 */
export interface ConnectionProbe {
  configured(tenantId: string): Promise<ConnectionProbeResult>;
  test(tenantId: string): Promise<ConnectionProbeResult>;
}

/** The probes of the hub, by connection kind. */
export type ConnectionProbes = Readonly<Record<ConnectionKind, ConnectionProbe>>;
