/**
 * Per-tenant key management. Each recording gets its own random data key, stored only wrapped by the
 * tenant key. Destroying a data key crypto-shreds its recording everywhere, backups included, because
 * no copy of the unwrapped key exists.
 */
export interface KeyVault {
  /** Creates and durably stores a fresh wrapped data key; returns it unwrapped for immediate use. */
  createDataKey(tenantId: string, keyId: string): Promise<Uint8Array>;
  /** Unwraps a data key; fails with RECORDING_GONE when the key was destroyed. */
  getDataKey(tenantId: string, keyId: string): Promise<Uint8Array>;
  /** Destroys the wrapped data key; idempotent. */
  destroyDataKey(tenantId: string, keyId: string): Promise<void>;
  hasDataKey(tenantId: string, keyId: string): Promise<boolean>;
}
