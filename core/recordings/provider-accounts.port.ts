/**
 * Storage of provider accounts (a Twilio account SID, a Zendesk subdomain) mapped to tenants, implemented by
 * adapters/storage/sqlite/sqlite.provider-accounts.ts and adapters/storage/postgres/postgres.provider-accounts.ts;
 * both pass test/contracts/access-stores.contract.ts. Results may be returned directly or as a promise, so that
 * embedded (synchronous) and networked stores both fit.
 */
import type { Awaitable } from '../shared/awaitable';

export type { Awaitable };

export interface ProviderAccountRow {
  readonly provider: string;
  readonly accountId: string;
  readonly tenantId: string;
  /** The provider's secret sealed with the tenant key; never stored or returned in clear. */
  readonly sealedSecret: Uint8Array;
  readonly settings: Record<string, unknown>;
}

/** One account per (provider, accountId), wherever the request that names it comes from. */
export interface ProviderAccountStore {
  /**
   * Saves the account, replacing its tenant, secret and settings when it exists (its creation time stays).
   * NOT_FOUND, with nothing changed, when the tenant does not exist.
   */
  save(row: ProviderAccountRow, now: Date): Awaitable<void>;
  find(provider: string, accountId: string): Awaitable<ProviderAccountRow | null>;
}
