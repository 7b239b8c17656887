/**
 * The layout of a RIFF/WAVE file (its fmt chunk and where its data chunk lies), read without decoding: enough to
 * silence spans in place or to cut a time range out of PCM audio.
 */
import { CallsightError } from '../shared/errors';

export interface WavLayout {
  readonly formatTag: number;
  readonly channels: number;
  readonly sampleRate: number;
  readonly bitsPerSample: number;
  readonly dataOffset: number;
  /** Bytes of the data chunk present in `bytes` (its declared size, cut at the end of what was read). */
  readonly dataBytes: number;
  /** The data chunk's size as its header declares it. */
  readonly declaredDataBytes: number;
}

/** The format and data chunk of a WAV file (or of its first bytes, enough to hold the chunks before the data). */
export function readWavLayout(bytes: Uint8Array): WavLayout {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ascii = (o: number) => String.fromCharCode(bytes[o] ?? 0, bytes[o + 1] ?? 0, bytes[o + 2] ?? 0, bytes[o + 3] ?? 0);
  if (bytes.length < 12 || ascii(0) !== 'RIFF' || ascii(8) !== 'WAVE') {
    throw new CallsightError('UNSUPPORTED_MEDIA_TYPE', 'Only WAV audio can be redacted in place');
  }
  let offset = 12;
  let fmt: Omit<WavLayout, 'dataOffset' | 'dataBytes' | 'declaredDataBytes'> | null = null;
  while (offset + 8 <= bytes.length) {
    const id = ascii(offset);
    const size = view.getUint32(offset + 4, true);
    if (id === 'fmt ') {
      const tag = view.getUint16(offset + 8, true);
      fmt = {
        formatTag: tag === 0xfffe ? view.getUint16(offset + 8 + 24, true) : tag,
        channels: view.getUint16(offset + 10, true),
        sampleRate: view.getUint32(offset + 12, true),
        bitsPerSample: view.getUint16(offset + 22, true),
      };
    } else if (id === 'data') {
      if (!fmt) break;
      return { ...fmt, dataOffset: offset + 8, dataBytes: Math.min(size, bytes.length - offset - 8), declaredDataBytes: size };
    }
    offset += 8 + size + (size % 2);
  }
  throw new CallsightError('AUDIO_CORRUPT', 'The WAV file has no readable fmt and data chunks');
}
