import { CallsightError } from '../../../core/shared/errors';
import { readWavLayout } from '../../../core/recordings/wav-layout';

export interface TimeSpan {
  readonly startS: number;
  readonly endS: number;
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
