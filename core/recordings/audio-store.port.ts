import type { AudioFormat } from './call';

/** A byte range of the plain audio, both ends inclusive (as in HTTP Range). */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

export interface StoredAudio {
  /** Plain (decrypted) size in bytes. */
  readonly bytes: number;
  /** SHA-256 hex of the plain audio. */
  readonly sha256: string;
  /** Identifies the wrapped data key; destroying it makes the stored audio unreadable. */
  readonly keyId: string;
}

export interface AudioLocation {
  readonly tenantId: string;
  readonly recordingId: string;
  readonly keyId: string;
  readonly bytes: number;
}

/**
 * Encrypted, seekable audio at rest. `write` resolves only once the ciphertext is durable (fsync).
 * `read` yields plain bytes and fails with RECORDING_INTEGRITY as soon as any chunk does not authenticate,
 * before that chunk's bytes are yielded.
 */
export interface AudioStore {
  write(tenantId: string, recordingId: string, audio: Uint8Array): Promise<StoredAudio>;
  read(location: AudioLocation, range?: ByteRange): AsyncIterable<Uint8Array>;
  exists(location: AudioLocation): Promise<boolean>;
  /** Removes the ciphertext file but keeps its data key (e.g. after a move to the archive); idempotent. */
  remove(location: AudioLocation): Promise<void>;
  /** Removes the ciphertext and destroys its data key: the audio is unreadable everywhere; idempotent. */
  discard(location: AudioLocation): Promise<void>;
}

export interface AudioFacts {
  readonly format: AudioFormat;
  readonly durationS: number;
  readonly channels: number;
  readonly sampleRate: number | null;
}

/** Reads format and duration from the audio bytes themselves; rejects empty, corrupt or unsupported audio. */
export interface AudioProbe {
  probe(audio: Uint8Array): Promise<AudioFacts>;
}

/**
 * One thing an audio store holds, as listed for crash recovery and garbage collection (nothing is decrypted).
 * `container`: a complete recording container, named by its call id (the recording id is the call id).
 * `partial`: what a crashed write leaves behind: a temp file, or an unfinished multipart upload.
 */
export interface StoredItem {
  readonly tenantId: string;
  readonly recordingId: string;
  readonly kind: 'container' | 'partial';
  /** Opaque to the caller: where the item is (a path relative to the store, an object key, an upload id). */
  readonly ref: string;
  /** When the item was last written, as the store reports it. */
  readonly modifiedAt: Date;
  readonly bytes: number;
  /** The tier the item is in (see AudioTiering); absent means the hot tier. */
  readonly tier?: AudioTier;
}

/**
 * Listing what an audio store holds, so that whatever a crash strands can be found and removed (the recovery pass at
 * start-up and the garbage-collection job). Every AudioStore of the hub implements it; the audio-store contract suite
 * (test/contracts/audio-store.contract.ts) checks it.
 */
export interface AudioStoreInventory {
  /** Every container and partial item of the tenant, in no particular order. */
  inventory(tenantId: string): AsyncIterable<StoredItem>;
  /** Removes one listed item (for a container: its ciphertext only; the data key is the key store's); idempotent. */
  removeItem(item: StoredItem): Promise<void>;
}

/** Where a recording's container is: `hot` (what AudioStore reads) or `archive` (cheaper, thawed back before play). */
export type AudioTier = 'hot' | 'archive';

/**
 * Archive tiering as each store does it (another folder; another key prefix and storage class on object storage), so
 * retention moves audio without knowing which store it has. A container moves as is: no decryption, no
 * re-encryption, its data key stays where it is.
 */
export interface AudioTiering {
  /**
   * Moves the container to `tier`. Crash-safe and idempotent: it is durable in `tier` before it leaves the other
   * tier, and when only `tier` holds it nothing is done. Throws RECORDING_GONE when neither tier holds it.
   */
  moveTo(location: AudioLocation, tier: AudioTier): Promise<void>;
  existsIn(location: AudioLocation, tier: AudioTier): Promise<boolean>;
  /** Removes the container from `tier` only (the data key stays); idempotent. */
  removeFrom(location: AudioLocation, tier: AudioTier): Promise<void>;
}

/** What the hub holds as its audio store (bin/wiring/audio-store.wiring.ts picks the data folder or object storage). */
export type HubAudioStore = AudioStore &
  AudioStoreInventory &
  AudioTiering & {
    /** Releases what the store holds open (an object-storage client's connections) when the hub stops. */
    close?(): void;
  };
