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

/** Where a tenant's key-encryption keys stand: the generation new keys are wrapped under and the ones being retired. */
export interface KeyGenerationStatus {
  readonly tenantId: string;
  /** The generation every new data key (and sealing key) is wrapped under. Generation 0 is the legacy derived key. */
  readonly current: number;
  /** Older generations still holding wrapped keys: a rotation is under way while this is not empty. */
  readonly retiring: readonly number[];
  /** Generations destroyed by earlier rotations; their key material is gone from the key store. */
  readonly destroyed: readonly number[];
  /** Wrapped data keys still under a retiring generation. */
  readonly remaining: number;
  /** Every wrapped data key of the tenant. */
  readonly total: number;
}

/**
 * Rotation of a tenant's key-encryption key (KEK), implemented by the key vault. Data keys are re-wrapped, never
 * changed, so the audio is not re-encrypted. Every step is atomic and idempotent, so a rotation interrupted anywhere
 * resumes where it stopped, and a data key is readable under whichever generation wraps it at that moment.
 */
export interface KeyRotation {
  /**
   * Starts a rotation: a new KEK generation is stored durably and becomes current (new keys are wrapped under it);
   * the previous one is retiring. When a rotation is already under way, changes nothing and returns it (resume).
   */
  beginRotation(tenantId: string): Promise<KeyGenerationStatus & { readonly started: boolean }>;
  /** Re-wraps up to `limit` data keys still under a retiring generation, each atomically; returns how many. */
  rewrapBatch(tenantId: string, limit: number): Promise<{ readonly rewrapped: number; readonly remaining: number }>;
  /**
   * Re-seals a secret sealed in the legacy format (directly under generation 0) into the current format, whose
   * sealing key is a wrapped data key like the others; returns null when it is already current.
   */
  resealSecret(tenantId: string, purpose: string, sealed: Uint8Array): Promise<Uint8Array | null>;
  /**
   * Destroys every retiring generation: CONFLICT, with nothing changed, while any data key is still wrapped under
   * one. Afterwards the old key material opens nothing in the key store. Returns the generations destroyed.
   */
  destroyRetired(tenantId: string): Promise<readonly number[]>;
  keyStatus(tenantId: string): Promise<KeyGenerationStatus>;
}

/** A provider or CRM credential sealed by the tenant key, as stored in the metadata database. */
export interface SealedSecretRecord {
  /** Where it is stored, e.g. `provider_accounts:twilio:AC123`; opaque to the caller. */
  readonly ref: string;
  /** The purpose it was sealed for (the sealing AAD): `twilio`, `zendesk`, `zendesk-api-token`, `asr-api-key`. */
  readonly purpose: string;
  readonly sealed: Uint8Array;
}

/** The sealed secrets of a tenant wherever the metadata database keeps them, so a key rotation can re-seal them. */
export interface SealedSecretStore {
  listSealed(tenantId: string): Promise<readonly SealedSecretRecord[]>;
  /** Replaces the sealed bytes only while they are still `previous` (compare-and-swap); returns whether it did. */
  replaceSealed(tenantId: string, ref: string, previous: Uint8Array, resealed: Uint8Array): Promise<boolean>;
}

/** A recording's data key as listed for garbage collection (never its bytes). */
export interface DataKeyEntry {
  readonly keyId: string;
  readonly createdAt: Date;
}

/**
 * Listing the data keys of recordings (sealing keys of provider credentials, `secret:<purpose>`, are never listed),
 * so that a key no call uses can be found after a crash and destroyed.
 */
export interface DataKeyInventory {
  /** The tenant's recording data keys created before `createdBefore`, in no particular order. */
  listDataKeys(tenantId: string, createdBefore: Date): AsyncIterable<DataKeyEntry>;
}
