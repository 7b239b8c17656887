import type { DataKeyInventory, KeyRotation, KeyVault } from '../../core/recordings/key-vault.port';

/**
 * Everything the hub asks of its key store (`hub.keys`), whichever store it is: the file vault under DATA_DIR/keys
 * (KEY_STORE=file, one machine) or the database vault in the hub's SQLite or PostgreSQL database (KEY_STORE=database,
 * any number of processes). Both pass test/contracts/key-vault.contract.ts.
 *
 * The tenant-secret methods are synchronous because token checks are (adapters/http/token-service.ts resolves a
 * tenant's secret synchronously); see docs/decisions/database-key-store.md for how the database vault keeps them so.
 */
export interface HubKeyStore extends KeyVault, KeyRotation, DataKeyInventory {
  readonly kind: 'file' | 'database';
  /** Creates the tenant master secret if it does not exist yet; idempotent, also across processes. */
  ensureTenant(tenantId: string): void;
  /** Whether the tenant has keys in this store (a tenant created by another process is found too). */
  hasTenant(tenantId: string): boolean;
  /** A 32-byte secret for one purpose (`jwt`, `playback-url`, ...), derived from the tenant master secret; NOT_FOUND for an unknown tenant. */
  deriveSecret(tenantId: string, purpose: string): Uint8Array;
  /** Seals a small tenant secret (a provider credential) for storage in the metadata database. */
  sealSecret(tenantId: string, purpose: string, plaintext: string): Uint8Array;
  /** Opens `sealSecret`'s output; throws when it was not sealed for this tenant and purpose. */
  openSecret(tenantId: string, purpose: string, sealed: Uint8Array): string;
  close(): void | Promise<void>;
}
