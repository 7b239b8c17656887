import { describe, expect, it } from 'vitest';
import { CallsightError } from '../../../core/shared/errors';
import { encodePcm16Wav, readWavLayout, splitWavChannels } from '../../../core/transcription/wav-channels';

function samples16(wav: Uint8Array): number[] {
  const layout = readWavLayout(wav);
  const view = new DataView(wav.buffer, wav.byteOffset + layout.dataOffset, layout.dataBytes);
  return Array.from({ length: layout.dataBytes / 2 }, (_, i) => view.getInt16(i * 2, true));
}

function codeOf(run: () => unknown): string | null {
  try {
    run();
    return null;
  } catch (error) {
    return error instanceof CallsightError ? error.code : 'not a CallsightError';
  }
}

describe('WAV channel splitting', () => {
  it('splits interleaved 16-bit PCM into one mono file per channel, sample for sample', () => {
    const stereo = encodePcm16Wav([[0.5, -0.5, 1, 0], [-1, 0.25, 0, 0.75]], 8_000);
    const [left, right] = splitWavChannels(stereo);
    expect(readWavLayout(left!)).toMatchObject({ channels: 1, sampleRateHz: 8_000, bitsPerSample: 16, blockAlign: 2, dataBytes: 8 });
    expect(samples16(left!)).toEqual([16384, -16384, 32767, 0]);
    expect(samples16(right!)).toEqual([-32768, 8192, 0, 24575]);
  });

  it('splits 8-bit mu-law telephony audio byte for byte, skipping extra chunks', () => {
    const header = new Uint8Array(12 + 26 + 12 + 8 + 6);
    const view = new DataView(header.buffer);
    const put = (offset: number, text: string) => [...text].forEach((c, i) => (header[offset + i] = c.charCodeAt(0)));
    put(0, 'RIFF');
    view.setUint32(4, header.byteLength - 8, true);
    put(8, 'WAVE');
    put(12, 'fmt ');
    view.setUint32(16, 18, true);
    view.setUint16(20, 7, true);
    view.setUint16(22, 2, true);
    view.setUint32(24, 8_000, true);
    view.setUint32(28, 16_000, true);
    view.setUint16(32, 2, true);
    view.setUint16(34, 8, true);
    put(38, 'LIST');
    view.setUint32(42, 4, true);
    put(46, 'INFO');
    put(50, 'data');
    view.setUint32(54, 6, true);
    header.set([1, 2, 3, 4, 5, 6], 58);
    const [a, b] = splitWavChannels(header);
    expect(readWavLayout(a!)).toMatchObject({ formatTag: 7, channels: 1, bitsPerSample: 8 });
    expect([...a!.subarray(44, 47)]).toEqual([1, 3, 5]);
    expect([...b!.subarray(44, 47)]).toEqual([2, 4, 6]);
    expect(a!.byteLength % 2).toBe(0);
  });

  it('reads a streamed WAV whose data size was never filled in', () => {
    const wav = encodePcm16Wav([[0.1, 0.2, 0.3]], 16_000);
    new DataView(wav.buffer).setUint32(40, 0xffffffff, true);
    expect(readWavLayout(wav)).toMatchObject({ dataBytes: 6, durationS: 3 / 16_000 });
  });

  it.each([
    ['random bytes', new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]), 'AUDIO_CORRUPT'],
    ['a header with no chunks', new TextEncoder().encode('RIFF\u0004\u0000\u0000\u0000WAVE'), 'AUDIO_CORRUPT'],
  ])('refuses %s', (_name, bytes, code) => {
    expect(codeOf(() => splitWavChannels(bytes))).toBe(code);
  });

  it('refuses compressed encodings it cannot split', () => {
    const wav = encodePcm16Wav([[0], [0]], 8_000);
    new DataView(wav.buffer).setUint16(20, 0x11, true);
    expect(codeOf(() => splitWavChannels(wav))).toBe('UNSUPPORTED_MEDIA_TYPE');
  });
});
