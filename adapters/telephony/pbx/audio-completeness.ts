/**
 * Whether an MP3 file is whole. music-metadata measures an MP3's duration from its Xing/Info header or its size, so
 * a file cut short (a copy interrupted, a recorder killed) still "parses"; this walks the MPEG frames (ISO/IEC 11172-3
 * §2.4.2.3 header layout) and finds the cut: a last frame whose declared length runs past the end of the file, or
 * fewer frames than the Xing/Info header counts. WAV files are checked by the AudioProbe (data chunk vs header).
 */

const BITRATES_KBPS: Readonly<Record<string, readonly number[]>> = {
  // [version 1 | 2][layer 1..3]: index 1..14 (0 free, 15 bad)
  '1-1': [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  '1-2': [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  '1-3': [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  '2-1': [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  '2-2': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  '2-3': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const SAMPLE_RATES: Readonly<Record<number, readonly number[]>> = {
  3: [44_100, 48_000, 32_000], // MPEG-1
  2: [22_050, 24_000, 16_000], // MPEG-2
  0: [11_025, 12_000, 8_000], // MPEG-2.5
};

interface FrameHeader {
  readonly length: number;
  readonly mpeg1: boolean;
  readonly mono: boolean;
}

function frameAt(bytes: Uint8Array, offset: number): FrameHeader | null {
  if (offset + 4 > bytes.length) return null;
  const b1 = bytes[offset + 1] ?? 0;
  const b2 = bytes[offset + 2] ?? 0;
  const b3 = bytes[offset + 3] ?? 0;
  if (bytes[offset] !== 0xff || (b1 & 0xe0) !== 0xe0) return null;
  const versionBits = (b1 >> 3) & 0x03;
  const layerBits = (b1 >> 1) & 0x03;
  const bitrateIndex = (b2 >> 4) & 0x0f;
  const rateIndex = (b2 >> 2) & 0x03;
  if (versionBits === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return null;
  const layer = 4 - layerBits;
  const mpeg1 = versionBits === 3;
  const kbps = BITRATES_KBPS[`${mpeg1 ? 1 : 2}-${layer}`]?.[bitrateIndex] ?? 0;
  const sampleRate = SAMPLE_RATES[versionBits]?.[rateIndex] ?? 0;
  if (kbps === 0 || sampleRate === 0) return null;
  const padding = (b2 >> 1) & 0x01;
  const bitrate = kbps * 1000;
  const length =
    layer === 1
      ? (Math.floor((12 * bitrate) / sampleRate) + padding) * 4
      : layer === 3 && !mpeg1
        ? Math.floor((72 * bitrate) / sampleRate) + padding
        : Math.floor((144 * bitrate) / sampleRate) + padding;
  return { length, mpeg1, mono: ((b3 >> 6) & 0x03) === 3 };
}

function id3v2Length(bytes: Uint8Array): number {
  if (bytes.length < 10 || bytes[0] !== 0x49 || bytes[1] !== 0x44 || bytes[2] !== 0x33) return 0;
  const size = (((bytes[6] ?? 0) & 0x7f) << 21) | (((bytes[7] ?? 0) & 0x7f) << 14) | (((bytes[8] ?? 0) & 0x7f) << 7) | ((bytes[9] ?? 0) & 0x7f);
  const footer = ((bytes[5] ?? 0) & 0x10) !== 0 ? 10 : 0;
  return 10 + size + footer;
}

function startsWithAscii(bytes: Uint8Array, offset: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (bytes[offset + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** The frame count a Xing/Info header in the first frame states, or null when it has none. */
function xingFrames(bytes: Uint8Array, offset: number, frame: FrameHeader): number | null {
  const sideInfo = frame.mpeg1 ? (frame.mono ? 17 : 32) : frame.mono ? 9 : 17;
  const at = offset + 4 + sideInfo;
  if (!startsWithAscii(bytes, at, 'Xing') && !startsWithAscii(bytes, at, 'Info')) return null;
  const flags = ((bytes[at + 7] ?? 0) & 0x01) !== 0;
  if (!flags || at + 12 > bytes.length) return null;
  return (((bytes[at + 8] ?? 0) << 24) | ((bytes[at + 9] ?? 0) << 16) | ((bytes[at + 10] ?? 0) << 8) | (bytes[at + 11] ?? 0)) >>> 0;
}

/**
 * Null when the MP3 stream is whole, else why not (`the last MPEG frame is cut off`, ...). Trailing ID3v1/APE tags
 * are allowed; a stream that loses frame sync midway is left to the decoder (some recorders pad), only a cut-off end
 * or a short frame count is refused.
 */
export function mp3TruncationOf(bytes: Uint8Array): string | null {
  let offset = id3v2Length(bytes);
  let frames = 0;
  let declared: number | null = null;
  while (offset < bytes.length) {
    const frame = frameAt(bytes, offset);
    if (!frame) break;
    if (frames === 0) declared = xingFrames(bytes, offset, frame);
    if (offset + frame.length > bytes.length) return 'the last MPEG frame is cut off (the file is truncated)';
    offset += frame.length;
    frames++;
  }
  if (frames === 0) return 'no MPEG audio frame was found';
  if (offset < bytes.length && bytes.length - offset < 4 && !startsWithAscii(bytes, offset, 'TAG')) {
    return 'the file ends inside an MPEG frame header (the file is truncated)';
  }
  // The Xing/Info frame itself is counted by some encoders and not by others.
  if (declared !== null && frames + 1 < declared) return `the header announces ${declared} MPEG frames but the file holds ${frames} (the file is truncated)`;
  return null;
}
