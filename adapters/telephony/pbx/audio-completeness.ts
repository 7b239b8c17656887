/**
 * Whether an MP3 file is whole. music-metadata measures an MP3's duration from its Xing/Info header or its size, so
 * a file cut short (a copy interrupted, a recorder killed) still "parses"; this walks the MPEG frames (ISO/IEC 11172-3
 * §2.4.2.3 header layout) and finds the cut: a last frame whose declared length runs past the end of the file, or
 * fewer frames than the Xing/Info header counts. WAV files are checked by the AudioProbe (data chunk vs header).
 */

import { frameAt, id3v2Length, type FrameHeader } from '../../../core/recordings/mpeg-frames';

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
