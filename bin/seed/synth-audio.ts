import { createSeededRandom } from '../../core/shared/clock.port';

export interface SynthOptions {
  readonly durationS: number;
  readonly seed: number | string;
  readonly sampleRate?: number;
  /** 8-bit unsigned (compact, telephony-grade) or 16-bit signed PCM. */
  readonly bitsPerSample?: 8 | 16;
  readonly channels?: 1 | 2;
}

/**
 * Builds a playable PCM WAV of exactly `durationS` seconds that sounds like a two-party call: alternating
 * turns of voiced "syllables" at two pitches with pauses between them. Deterministic for a given seed.
 * Used for demo data and tests; real recordings come from telephony or uploads.
 */
export function synthesizeCallWav(options: SynthOptions): Uint8Array {
  const sampleRate = options.sampleRate ?? 8000;
  const bits = options.bitsPerSample ?? 8;
  const channels = options.channels ?? 1;
  const frames = Math.round(options.durationS * sampleRate);
  const bytesPerSample = bits / 8;
  const dataBytes = frames * channels * bytesPerSample;
  const out = new Uint8Array(44 + dataBytes);
  const view = new DataView(out.buffer);
  writeAscii(out, 0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  writeAscii(out, 8, 'WAVE');
  writeAscii(out, 12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * channels * bytesPerSample, true);
  view.setUint16(32, channels * bytesPerSample, true);
  view.setUint16(34, bits, true);
  writeAscii(out, 36, 'data');
  view.setUint32(40, dataBytes, true);

  const random = createSeededRandom(options.seed);
  let frame = 0;
  let speaker = 0;
  const silence = bits === 8 ? 128 : 0;
  const put = (index: number, channel: number, value: number) => {
    const offset = 44 + (index * channels + channel) * bytesPerSample;
    if (bits === 8) out[offset] = Math.max(0, Math.min(255, Math.round(128 + value * 100)));
    else view.setInt16(offset, Math.max(-32768, Math.min(32767, Math.round(value * 12000))), true);
  };
  while (frame < frames) {
    const turnFrames = Math.min(frames - frame, Math.round((1.5 + random.next() * 6) * sampleRate));
    const pitch = speaker === 0 ? 120 + random.next() * 20 : 210 + random.next() * 30;
    let t = 0;
    while (t < turnFrames) {
      const syllable = Math.min(turnFrames - t, Math.round((0.12 + random.next() * 0.18) * sampleRate));
      const formant = 500 + random.next() * 1500;
      for (let i = 0; i < syllable; i++) {
        const envelope = Math.sin((Math.PI * i) / syllable);
        const s = (frame + t + i) / sampleRate;
        const value =
          envelope * (0.55 * Math.sin(2 * Math.PI * pitch * s) + 0.25 * Math.sin(2 * Math.PI * formant * s) + 0.05 * (random.next() - 0.5));
        for (let ch = 0; ch < channels; ch++) put(frame + t + i, ch, channels === 2 && ch !== speaker ? value * 0.05 : value);
      }
      t += syllable;
      const gap = Math.min(turnFrames - t, Math.round(random.next() * 0.08 * sampleRate));
      for (let i = 0; i < gap; i++) for (let ch = 0; ch < channels; ch++) put(frame + t + i, ch, 0);
      t += gap;
    }
    frame += turnFrames;
    const pause = Math.min(frames - frame, Math.round((0.2 + random.next() * 0.8) * sampleRate));
    for (let i = 0; i < pause; i++) {
      for (let ch = 0; ch < channels; ch++) {
        const offset = 44 + ((frame + i) * channels + ch) * bytesPerSample;
        if (bits === 8) out[offset] = silence;
        else view.setInt16(offset, 0, true);
      }
    }
    frame += pause;
    speaker = 1 - speaker;
  }
  return out;
}

function writeAscii(target: Uint8Array, offset: number, text: string): void {
  for (let i = 0; i < text.length; i++) target[offset + i] = text.charCodeAt(i);
}

/** Pre-synthesised turns of the two voices that demo calls are assembled from (8 kHz, 8-bit). */
interface TurnBank {
  readonly voices: readonly (readonly Uint8Array[])[];
}

const BANK_SAMPLE_RATE = 8000;
let bank: TurnBank | null = null;

/** Turns of both voices cut from a few of synthesizeCallWav's own calls at their pauses, built once per process. */
function turnBank(): TurnBank {
  if (bank) return bank;
  const voices: Uint8Array[][] = [[], []];
  const minPause = Math.round(0.2 * BANK_SAMPLE_RATE);
  for (let i = 0; i < 4; i++) {
    const samples = synthesizeCallWav({ durationS: 40, seed: `bank-${i}`, sampleRate: BANK_SAMPLE_RATE, bitsPerSample: 8 }).subarray(44);
    let turnStart = 0;
    let silentRun = 0;
    let speaker = 0;
    for (let s = 0; s <= samples.length; s++) {
      if (s < samples.length && samples[s] === 128) {
        silentRun++;
        continue;
      }
      if (silentRun >= minPause) {
        const turnEnd = s - silentRun;
        if (turnEnd - turnStart >= BANK_SAMPLE_RATE) voices[speaker]!.push(samples.slice(turnStart, turnEnd));
        speaker = 1 - speaker;
        turnStart = s;
      }
      silentRun = 0;
    }
  }
  bank = { voices };
  return bank;
}

/**
 * A playable 8 kHz 8-bit WAV of exactly `durationS` seconds that sounds like a two-party call, assembled from a bank
 * of pre-synthesised turns of two voices with pauses between them: as real to a player as synthesizeCallWav and
 * about fifty times cheaper, so a demo of hundreds of five-minute calls seeds in seconds. Deterministic per seed.
 */
export function synthesizeDemoCallWav(options: { readonly durationS: number; readonly seed: number | string }): Uint8Array {
  const frames = Math.round(options.durationS * BANK_SAMPLE_RATE);
  const out = new Uint8Array(44 + frames);
  const view = new DataView(out.buffer);
  writeAscii(out, 0, 'RIFF');
  view.setUint32(4, 36 + frames, true);
  writeAscii(out, 8, 'WAVE');
  writeAscii(out, 12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, BANK_SAMPLE_RATE, true);
  view.setUint32(28, BANK_SAMPLE_RATE, true);
  view.setUint16(32, 1, true);
  view.setUint16(34, 8, true);
  writeAscii(out, 36, 'data');
  view.setUint32(40, frames, true);
  const { voices } = turnBank();
  const random = createSeededRandom(options.seed);
  out.fill(128, 44);
  let frame = 0;
  let voice = 0;
  while (frame < frames) {
    const turns = voices[voice]!;
    const turn = turns[Math.floor(random.next() * turns.length)]!;
    const length = Math.min(turn.length, frames - frame);
    out.set(turn.subarray(0, length), 44 + frame);
    frame += length + Math.round((0.2 + random.next() * 0.8) * BANK_SAMPLE_RATE);
    voice = 1 - voice;
  }
  return out;
}
