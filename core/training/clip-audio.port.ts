import type { ByteRange } from '../recordings/audio-store.port';
import type { AudioFormat } from '../recordings/call';

/** A stored recording read by byte ranges (decrypted), with what is known of it. */
export interface ExcerptSource {
  readonly format: AudioFormat;
  /** Size of the recording in bytes. */
  readonly bytes: number;
  /** Length of the recording in seconds. */
  readonly durationS: number;
  read(range: ByteRange): Promise<Uint8Array>;
}

/**
 * Cuts a time range out of a recording into a playable file of the same format, reading only the bytes it needs
 * (adapters/audio/excerpt). Times are seconds from the start of the recording.
 */
export interface AudioExcerpter {
  excerpt(source: ExcerptSource, span: { readonly startS: number; readonly endS: number }): Promise<Uint8Array>;
}
