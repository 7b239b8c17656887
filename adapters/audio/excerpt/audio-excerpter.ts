import type { AudioExcerpter, ExcerptSource } from '../../../core/training/clip-audio.port';
import { CallsightError } from '../../../core/shared/errors';
import { readWavLayout } from '../../../core/recordings/wav-layout';
import { frameAt, id3v2Length } from '../../../core/recordings/mpeg-frames';

/** Enough of a WAV file's start to hold the chunks before its data (fmt, LIST/INFO, fact...). */
const WAV_HEAD_BYTES = 64 * 1024;
/** How far past an estimated byte offset an MP3 frame boundary is looked for. */
const MP3_SYNC_WINDOW = 16 * 1024;

/**
 * Cuts a time range out of a recording, reading only the bytes it needs from the store:
 * - WAV: the header, then exactly the PCM frames of the range, under a new header of the same format;
 * - MP3: the frames of the range. Their byte offsets are estimated from the recording's size and duration
 *   (exact for the constant bit rates that telephony recorders write, close for variable ones), then moved to the
 *   next frame boundary (a header followed by another header where its length says), so the cut decodes cleanly.
 */
export class ByteRangeAudioExcerpter implements AudioExcerpter {
  async excerpt(source: ExcerptSource, span: { readonly startS: number; readonly endS: number }): Promise<Uint8Array> {
    if (!(span.startS >= 0) || !(span.endS > span.startS)) throw new CallsightError('VALIDATION_FAILED', 'An excerpt needs a start before its end');
    return source.format === 'wav' ? wavExcerpt(source, span) : mp3Excerpt(source, span);
  }
}

async function wavExcerpt(source: ExcerptSource, span: { startS: number; endS: number }): Promise<Uint8Array> {
  const head = await source.read({ start: 0, end: Math.min(source.bytes, WAV_HEAD_BYTES) - 1 });
  const layout = readWavLayout(head);
  const frameBytes = (layout.bitsPerSample / 8) * layout.channels;
  if (!(frameBytes > 0) || !(layout.sampleRate > 0)) throw new CallsightError('AUDIO_CORRUPT', 'The WAV file declares no sample size or rate');
  const dataBytes = Math.min(layout.declaredDataBytes, source.bytes - layout.dataOffset);
  const frames = Math.floor(dataBytes / frameBytes);
  const first = Math.min(frames, Math.max(0, Math.floor(span.startS * layout.sampleRate)));
  const last = Math.min(frames, Math.ceil(span.endS * layout.sampleRate));
  const pcm =
    last > first ? await source.read({ start: layout.dataOffset + first * frameBytes, end: layout.dataOffset + last * frameBytes - 1 }) : new Uint8Array(0);
  // The original header up to the data chunk keeps the format exactly (extensible formats included).
  const out = new Uint8Array(layout.dataOffset + pcm.length);
  out.set(head.subarray(0, layout.dataOffset), 0);
  out.set(pcm, layout.dataOffset);
  const view = new DataView(out.buffer);
  view.setUint32(4, out.length - 8, true);
  view.setUint32(layout.dataOffset - 4, pcm.length, true);
  return out;
}

async function mp3Excerpt(source: ExcerptSource, span: { startS: number; endS: number }): Promise<Uint8Array> {
  const head = await source.read({ start: 0, end: Math.min(source.bytes, 16 * 1024) - 1 });
  const audioStart = Math.min(source.bytes, id3v2Length(head));
  const audioBytes = source.bytes - audioStart;
  const at = (seconds: number) => audioStart + Math.floor((Math.min(Math.max(seconds, 0), source.durationS) / Math.max(source.durationS, 1e-9)) * audioBytes);
  const start = at(span.startS);
  const end = Math.max(start, at(span.endS));
  if (end <= start) return new Uint8Array(0);
  const bytes = await source.read({ start, end: Math.min(source.bytes, end + MP3_SYNC_WINDOW) - 1 });
  const from = frameBoundary(bytes, 0, MP3_SYNC_WINDOW);
  if (from === null) throw new CallsightError('AUDIO_CORRUPT', 'No MPEG frame was found where the excerpt starts');
  const to = frameBoundary(bytes, end - start, MP3_SYNC_WINDOW) ?? bytes.length;
  return bytes.slice(from, Math.max(from, to));
}

/** The first offset in [from, from + window) where a frame starts and the next one follows it, or null. */
function frameBoundary(bytes: Uint8Array, from: number, window: number): number | null {
  for (let offset = from; offset < Math.min(bytes.length, from + window); offset++) {
    const frame = frameAt(bytes, offset);
    if (!frame) continue;
    const next = offset + frame.length;
    if (next >= bytes.length || frameAt(bytes, next) !== null) return offset;
  }
  return null;
}
