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
