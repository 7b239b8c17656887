import { CallsightError } from '../shared/errors';

/** WAVE format tags whose samples have a fixed size and can be split channel by channel. */
const SPLITTABLE_FORMATS: Readonly<Record<number, string>> = {
  0x0001: 'PCM',
  0x0003: 'IEEE float',
  0x0006: 'A-law',
  0x0007: 'mu-law',
};
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/** The layout of a WAV file, as read from its header. */
export interface WavLayout {
  /** The effective format tag (the sub-format for WAVE_FORMAT_EXTENSIBLE). */
  readonly formatTag: number;
  readonly channels: number;
  readonly sampleRateHz: number;
  readonly bitsPerSample: number;
  /** Bytes per frame (one sample of every channel). */
  readonly blockAlign: number;
  readonly dataOffset: number;
  /** Bytes of whole frames in the data chunk (a trailing partial frame is ignored). */
  readonly dataBytes: number;
  readonly durationS: number;
}

/**
 * Reads a WAV header. Accepts a data chunk whose declared size runs past the end of the file (streamed
 * recorders write 0 or 0xFFFFFFFF there) by using the bytes actually present.
 * Throws CallsightError AUDIO_CORRUPT when the bytes are not a readable WAV file.
 */
export function readWavLayout(bytes: Uint8Array): WavLayout {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 12 || ascii(bytes, 0, 4) !== 'RIFF' || ascii(bytes, 8, 4) !== 'WAVE') {
    throw corrupt('it does not start with a RIFF/WAVE header');
  }
  let offset = 12;
  let fmt: { formatTag: number; channels: number; sampleRateHz: number; blockAlign: number; bitsPerSample: number } | null = null;
  while (offset + 8 <= bytes.byteLength) {
    const id = ascii(bytes, offset, 4);
    const declared = view.getUint32(offset + 4, true);
    const bodyOffset = offset + 8;
    if (id === 'fmt ') {
      if (declared < 16 || bodyOffset + 16 > bytes.byteLength) throw corrupt('its fmt chunk is truncated');
      let formatTag = view.getUint16(bodyOffset, true);
      if (formatTag === WAVE_FORMAT_EXTENSIBLE) {
        if (declared < 40 || bodyOffset + 40 > bytes.byteLength) throw corrupt('its extensible fmt chunk is truncated');
        formatTag = view.getUint16(bodyOffset + 24, true);
      }
      fmt = {
        formatTag,
        channels: view.getUint16(bodyOffset + 2, true),
        sampleRateHz: view.getUint32(bodyOffset + 4, true),
        blockAlign: view.getUint16(bodyOffset + 12, true),
        bitsPerSample: view.getUint16(bodyOffset + 14, true),
      };
    } else if (id === 'data') {
      if (!fmt) throw corrupt('its data chunk comes before the fmt chunk');
      if (fmt.channels < 1 || fmt.blockAlign < 1 || fmt.sampleRateHz < 1 || fmt.blockAlign % fmt.channels !== 0) {
        throw corrupt('its fmt chunk declares an impossible layout');
      }
      const available = bytes.byteLength - bodyOffset;
      const size = declared === 0 || declared > available ? available : declared;
      const dataBytes = size - (size % fmt.blockAlign);
      return { ...fmt, dataOffset: bodyOffset, dataBytes, durationS: dataBytes / fmt.blockAlign / fmt.sampleRateHz };
    }
    offset = bodyOffset + declared + (declared % 2);
  }
  throw corrupt(fmt ? 'it has no data chunk' : 'it has no fmt chunk');
}

/**
 * Splits a multi-channel WAV file into one mono WAV file per channel, byte for byte (no resampling,
 * no conversion). Works for PCM of any width, IEEE float, A-law and mu-law.
 * Throws AUDIO_CORRUPT for an unreadable file and UNSUPPORTED_MEDIA_TYPE for compressed encodings
 * (ADPCM, GSM...) whose samples cannot be separated without decoding.
 */
export function splitWavChannels(bytes: Uint8Array): Uint8Array[] {
  const layout = readWavLayout(bytes);
  if (!(layout.formatTag in SPLITTABLE_FORMATS)) {
    throw new CallsightError(
      'UNSUPPORTED_MEDIA_TYPE',
      `WAV encoding 0x${layout.formatTag.toString(16)} cannot be split into channels; convert it to 16-bit PCM first`,
      { details: { formatTag: layout.formatTag } },
    );
  }
  const sampleBytes = layout.blockAlign / layout.channels;
  const frames = layout.dataBytes / layout.blockAlign;
  const outputs: Uint8Array[] = [];
  for (let channel = 0; channel < layout.channels; channel++) {
    const out = encodeWavHeader(
      { formatTag: layout.formatTag, channels: 1, sampleRateHz: layout.sampleRateHz, bitsPerSample: layout.bitsPerSample, blockAlign: sampleBytes },
      frames * sampleBytes,
    );
    let target = WAV_HEADER_BYTES;
    let source = layout.dataOffset + channel * sampleBytes;
    for (let frame = 0; frame < frames; frame++) {
      for (let b = 0; b < sampleBytes; b++) out[target + b] = bytes[source + b] ?? 0;
      target += sampleBytes;
      source += layout.blockAlign;
    }
    outputs.push(out);
  }
  return outputs;
}

/**
 * Builds a 16-bit PCM WAV file from per-channel samples in [-1, 1] (clipped), channels interleaved.
 * All channels must have the same length.
 */
export function encodePcm16Wav(channels: ReadonlyArray<ArrayLike<number>>, sampleRateHz: number): Uint8Array {
  const channelCount = channels.length;
  const frames = channels[0]?.length ?? 0;
  if (channelCount < 1 || channels.some((c) => c.length !== frames)) {
    throw new CallsightError('VALIDATION_FAILED', 'encodePcm16Wav needs at least one channel and equal channel lengths');
  }
  const blockAlign = 2 * channelCount;
  const out = encodeWavHeader({ formatTag: 1, channels: channelCount, sampleRateHz, bitsPerSample: 16, blockAlign }, frames * blockAlign);
  const view = new DataView(out.buffer);
  let offset = WAV_HEADER_BYTES;
  for (let frame = 0; frame < frames; frame++) {
    for (let c = 0; c < channelCount; c++) {
      const value = Math.max(-1, Math.min(1, channels[c]?.[frame] ?? 0));
      view.setInt16(offset, Math.round(value < 0 ? value * 0x8000 : value * 0x7fff), true);
      offset += 2;
    }
  }
  return out;
}

const WAV_HEADER_BYTES = 44;

function encodeWavHeader(
  fmt: { formatTag: number; channels: number; sampleRateHz: number; bitsPerSample: number; blockAlign: number },
  dataBytes: number,
): Uint8Array {
  const out = new Uint8Array(WAV_HEADER_BYTES + dataBytes + (dataBytes % 2));
  const view = new DataView(out.buffer);
  writeAscii(out, 0, 'RIFF');
  view.setUint32(4, out.byteLength - 8, true);
  writeAscii(out, 8, 'WAVE');
  writeAscii(out, 12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, fmt.formatTag, true);
  view.setUint16(22, fmt.channels, true);
  view.setUint32(24, fmt.sampleRateHz, true);
  view.setUint32(28, fmt.sampleRateHz * fmt.blockAlign, true);
  view.setUint16(32, fmt.blockAlign, true);
  view.setUint16(34, fmt.bitsPerSample, true);
  writeAscii(out, 36, 'data');
  view.setUint32(40, dataBytes, true);
  return out;
}

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

function writeAscii(bytes: Uint8Array, offset: number, text: string): void {
  for (let i = 0; i < text.length; i++) bytes[offset + i] = text.charCodeAt(i);
}

function corrupt(why: string): CallsightError {
  return new CallsightError('AUDIO_CORRUPT', `The audio is not a readable WAV file: ${why}`);
}
