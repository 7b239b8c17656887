export { synthesizeCallWav } from '../../bin/seed/synth-audio';

/**
 * A valid MPEG-1 Layer III stream of `durationS` seconds: 128 kbit/s, 44.1 kHz, mono frames whose side
 * information and main data are all zero, which every decoder plays as silence. Built by hand so tests need no
 * MP3 encoder; the frame layout follows ISO/IEC 11172-3 §2.4.1.3.
 */
export function synthesizeSilentMp3(durationS: number): Uint8Array {
  const samplesPerFrame = 1152;
  const sampleRate = 44_100;
  const bitrate = 128_000;
  const frames = Math.ceil((durationS * sampleRate) / samplesPerFrame);
  const frameBytes = Math.floor((144 * bitrate) / sampleRate); // 417 without padding
  const out = new Uint8Array(frames * frameBytes);
  for (let i = 0; i < frames; i++) {
    const offset = i * frameBytes;
    out[offset] = 0xff;
    out[offset + 1] = 0xfb; // MPEG-1, Layer III, no CRC
    out[offset + 2] = 0x90; // 128 kbit/s, 44.1 kHz, no padding
    out[offset + 3] = 0xc4; // mono
  }
  return out;
}
