import { parseBuffer } from 'music-metadata';
import { CallsightError } from '../../../core/shared/errors';
import type { AudioFacts, AudioProbe } from '../../../core/recordings/audio-store.port';
import type { AudioFormat } from '../../../core/recordings/call';

/** Recognises WAV (RIFF/WAVE) and MP3 (ID3 tag or MPEG audio frame sync) from the leading bytes. */
export function sniffAudioFormat(bytes: Uint8Array): AudioFormat | null {
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WAVE') return 'wav';
  if (bytes.length >= 10 && ascii(bytes, 0, 3) === 'ID3') return 'mp3';
  if (bytes.length >= 4 && bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0) {
    const layer = ((bytes[1] ?? 0) >> 1) & 0x03;
    const bitrate = ((bytes[2] ?? 0) >> 4) & 0x0f;
    if (layer === 0x01 && bitrate !== 0x0f && bitrate !== 0) return 'mp3';
  }
  return null;
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, to));
}

/** AudioProbe backed by music-metadata: duration and channels come from the audio itself. */
export class MusicMetadataAudioProbe implements AudioProbe {
  async probe(audio: Uint8Array): Promise<AudioFacts> {
    if (audio.byteLength === 0) throw new CallsightError('AUDIO_EMPTY', 'The audio file is empty');
    const format = sniffAudioFormat(audio);
    if (!format) {
      throw new CallsightError('UNSUPPORTED_MEDIA_TYPE', 'Audio must be WAV or MP3 (recognised from the file bytes)');
    }
    let metadata;
    try {
      metadata = await parseBuffer(audio, { mimeType: format === 'wav' ? 'audio/wav' : 'audio/mpeg', size: audio.byteLength }, { duration: true, skipCovers: true });
    } catch (cause) {
      throw new CallsightError('AUDIO_CORRUPT', `The ${format.toUpperCase()} audio could not be decoded`, { cause });
    }
    const durationS = metadata.format.duration;
    if (durationS === undefined || !Number.isFinite(durationS) || durationS <= 0) {
      throw new CallsightError('AUDIO_CORRUPT', `The ${format.toUpperCase()} audio has no measurable duration`);
    }
    if (format === 'wav' && !wavDataIsComplete(audio)) {
      throw new CallsightError('AUDIO_CORRUPT', 'The WAV data chunk is shorter than its header states');
    }
    return {
      format,
      durationS,
      channels: metadata.format.numberOfChannels ?? 1,
      sampleRate: metadata.format.sampleRate ?? null,
    };
  }
}

/** True when the WAV `data` chunk holds at least the bytes its header declares (catches truncated uploads). */
function wavDataIsComplete(bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = ascii(bytes, offset, offset + 4);
    const size = view.getUint32(offset + 4, true);
    if (id === 'data') return size > 0 && offset + 8 + size <= bytes.length;
    offset += 8 + size + (size % 2);
  }
  return false;
}
