import { CallsightError } from '../../../core/shared/errors';

export interface TimeSpan {
  readonly startS: number;
  readonly endS: number;
}

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

/**
 * Returns a copy of a PCM WAV in which every span is replaced by a quiet 1 kHz tone, so that a listener hears
 * that something was removed (DOMAIN: redacted audio for roles that must not hear personal data). The header
 * and length are unchanged, so times in the transcript still line up.
 */
export function redactWav(wav: Uint8Array, spans: readonly TimeSpan[]): Uint8Array {
  const layout = readWavLayout(wav);
  if (layout.formatTag !== 1 || ![8, 16, 24, 32].includes(layout.bitsPerSample)) {
    throw new CallsightError('UNSUPPORTED_MEDIA_TYPE', 'Only integer PCM WAV audio can be redacted in place');
  }
  const out = new Uint8Array(wav);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const bytesPerSample = layout.bitsPerSample / 8;
  const frameBytes = bytesPerSample * layout.channels;
  const frames = Math.floor(layout.dataBytes / frameBytes);
  const amplitude = 0.1;
  for (const span of spans) {
    const first = Math.max(0, Math.floor(span.startS * layout.sampleRate));
    const last = Math.min(frames, Math.ceil(span.endS * layout.sampleRate));
    for (let frame = first; frame < last; frame++) {
      const value = amplitude * Math.sin((2 * Math.PI * 1000 * frame) / layout.sampleRate);
      for (let ch = 0; ch < layout.channels; ch++) {
        const at = layout.dataOffset + frame * frameBytes + ch * bytesPerSample;
        switch (layout.bitsPerSample) {
          case 8:
            out[at] = Math.round(128 + value * 127);
            break;
          case 16:
            view.setInt16(at, Math.round(value * 32767), true);
            break;
          case 24: {
            const v = Math.round(value * 8_388_607);
            out[at] = v & 0xff;
            out[at + 1] = (v >> 8) & 0xff;
            out[at + 2] = (v >> 16) & 0xff;
            break;
          }
          default:
            view.setInt32(at, Math.round(value * 2_147_483_647), true);
        }
      }
    }
  }
  return out;
}
