import { describe, expect, it } from 'vitest';
import { parseBuffer } from 'music-metadata';
import { ByteRangeAudioExcerpter } from '../../../adapters/audio/excerpt';
import { readWavLayout } from '../../../core/recordings/wav-layout';
import type { ByteRange } from '../../../core/recordings/audio-store.port';
import type { ExcerptSource } from '../../../core/training/clip-audio.port';
import { synthesizeCallWav, synthesizeSilentMp3 } from '../../support/audio-fixtures';

/** A source over bytes in memory that records which ranges were read. */
function sourceOf(bytes: Uint8Array, format: 'wav' | 'mp3', durationS: number): ExcerptSource & { reads: ByteRange[] } {
  const reads: ByteRange[] = [];
  return {
    format,
    bytes: bytes.length,
    durationS,
    reads,
    async read(range) {
      reads.push(range);
      return bytes.slice(range.start, range.end + 1);
    },
  };
}

const excerpter = new ByteRangeAudioExcerpter();

describe('audio excerpts', () => {
  it('cuts exactly the PCM frames of a WAV range under a header of the same format, reading only the header and those frames', async () => {
    const wav = synthesizeCallWav({ durationS: 30, seed: 'excerpt', sampleRate: 8000, bitsPerSample: 16 });
    const source = sourceOf(wav, 'wav', 30);
    const cut = await excerpter.excerpt(source, { startS: 12.5, endS: 20 });
    const whole = readWavLayout(wav);
    const part = readWavLayout(cut);
    expect([part.sampleRate, part.bitsPerSample, part.channels, part.formatTag]).toEqual([8000, 16, 1, 1]);
    expect(part.declaredDataBytes).toBe(7.5 * 8000 * 2);
    expect(new DataView(cut.buffer).getUint32(4, true)).toBe(cut.length - 8);
    const from = whole.dataOffset + 12.5 * 8000 * 2;
    expect(Buffer.from(cut.subarray(part.dataOffset)).equals(Buffer.from(wav.subarray(from, from + 7.5 * 8000 * 2)))).toBe(true);
    const meta = await parseBuffer(cut, { mimeType: 'audio/wav' });
    expect(meta.format.duration).toBeCloseTo(7.5, 3);
    // The header, then the range: not the whole recording.
    expect(source.reads.reduce((n, r) => n + r.end - r.start + 1, 0)).toBeLessThan(wav.length / 2);
  });

  it('keeps a range that runs past the end of a WAV to the frames there are', async () => {
    const wav = synthesizeCallWav({ durationS: 4, seed: 'end' });
    const cut = await excerpter.excerpt(sourceOf(wav, 'wav', 4), { startS: 3, endS: 9 });
    expect(readWavLayout(cut).declaredDataBytes).toBe(8000);
  });

  it('cuts an MP3 on frame boundaries around the range, reading only that part', async () => {
    const mp3 = synthesizeSilentMp3(60);
    const source = sourceOf(mp3, 'mp3', (Math.ceil((60 * 44_100) / 1152) * 1152) / 44_100);
    const cut = await excerpter.excerpt(source, { startS: 20, endS: 30 });
    expect(cut[0]).toBe(0xff);
    expect(cut.length % 417).toBe(0);
    const meta = await parseBuffer(cut, { mimeType: 'audio/mpeg' }, { duration: true });
    expect(meta.format.duration).toBeGreaterThan(9.9);
    expect(meta.format.duration).toBeLessThan(10.2);
    expect(source.reads.reduce((n, r) => n + r.end - r.start + 1, 0)).toBeLessThan(mp3.length / 2);
  });

  it('refuses a range that ends before it starts', async () => {
    const wav = synthesizeCallWav({ durationS: 2, seed: 'bad' });
    await expect(excerpter.excerpt(sourceOf(wav, 'wav', 2), { startS: 1, endS: 1 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
