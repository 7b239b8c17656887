/**
 * Storage of tenants' CRM connections, implemented by adapters/storage/sqlite/sqlite.crm-connections.ts and
 * adapters/storage/postgres/postgres.crm-connections.ts; both pass test/contracts/access-stores.contract.ts.
 * Results may be returned directly or as a promise, so that embedded (synchronous) and networked stores both fit.
 */
import type { Awaitable } from '../shared/awaitable';
import type { CrmName } from '../recordings/call';

export type { Awaitable };

/** One tenant's connection to a CRM: the account, its credential sealed by the tenant key, and plain settings. */
export interface CrmConnectionRow {
  readonly tenantId: string;
  readonly crm: CrmName;
  /** The CRM account (Zendesk subdomain, Salesforce org id). */
  readonly accountId: string;
  /** The API credential, sealed with `keys.sealSecret(tenantId, purpose, ...)`; never stored or returned in clear. */
  readonly sealedSecret: Uint8Array;
  readonly settings: Record<string, unknown>;
}

/** At most one connection per tenant and CRM. */
export interface CrmConnectionStore {
  /** Saves the connection, replacing account, secret and settings when it exists. NOT_FOUND when the tenant does not exist. */
  save(row: CrmConnectionRow, now: Date): Awaitable<void>;
  get(tenantId: string, crm: CrmName): Awaitable<CrmConnectionRow | null>;
  has(tenantId: string, crm: CrmName): Awaitable<boolean>;
  /** Removes the connection; returns whether there was one. Messages already queued then dead-letter as not configured. */
  remove(tenantId: string, crm: CrmName): Awaitable<boolean>;
}
