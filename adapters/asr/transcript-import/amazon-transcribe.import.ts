import type { Speaker, TranscriptLanguage } from '../../../core/analysis/transcript.types';
import type { Transcript, TranscriptSegment } from '../../../core/transcription/transcriber.port';
import {
  DEFAULT_MONO_SPEAKER_POLICY,
  DEFAULT_TOKEN_GROUPING,
  groupTokensIntoSegments,
  labelMonoSegments,
  mergeSegmentTimelines,
  normalizeLanguage,
  type MonoSpeakerPolicy,
  type TimedToken,
} from '../../../core/transcription/timeline';
import { amazonTranscribeSchema, type AmazonItem } from './amazon-transcribe.schema';
import { invalidDocument, unmappedLabel } from './transcript-import.errors';

/** Amazon's speaker (spk_N) and channel (ch_N) labels to our speakers. */
export type SpeakerMap = Readonly<Record<string, Speaker>>;

/** The usual contact-centre layout: the first voice / first channel is the agent. */
export const DEFAULT_SPEAKER_MAP: SpeakerMap = { spk_0: 'agent', spk_1: 'customer', ch_0: 'agent', ch_1: 'customer' };

export interface AmazonImportOptions {
  readonly speakerMap?: SpeakerMap;
  /** Cut a speaker's turn at pauses at least this long (seconds); default 2. */
  readonly maxGapS?: number;
  /** Used when the job did not record `results.language_code`; default `auto`. */
  readonly language?: TranscriptLanguage;
  /** Speakers for a job run with neither speaker nor channel labels. */
  readonly unlabelledSpeakers?: MonoSpeakerPolicy;
}

/**
 * Converts an Amazon Transcribe batch transcript into segments grouped per speaker turn.
 * With channel identification each channel is one speaker (`ch_0`, `ch_1`); with diarization each
 * `spk_N` label is mapped through `speakerMap`; with neither, turns are cut at pauses and labelled by
 * `unlabelledSpeakers`. Punctuation is attached to the word before it; Chinese is joined without spaces.
 * Throws CallsightError VALIDATION_FAILED for a document that does not match the documented shape or a
 * label missing from the map.
 */
export function importAmazonTranscribe(document: unknown, options: AmazonImportOptions = {}): Transcript {
  const parsed = amazonTranscribeSchema.safeParse(document);
  if (!parsed.success) throw invalidDocument('Amazon Transcribe', parsed.error);
  const { results } = parsed.data;
  const speakerMap = options.speakerMap ?? DEFAULT_SPEAKER_MAP;
  const grouping = { maxGapS: options.maxGapS ?? DEFAULT_TOKEN_GROUPING.maxGapS };
  const speakerOf = (label: string): Speaker => {
    const speaker = speakerMap[label];
    if (!speaker) throw unmappedLabel(label, Object.keys(speakerMap));
    return speaker;
  };
  const language = results.language_code ? normalizeLanguage(results.language_code) : (options.language ?? 'auto');

  if (results.channel_labels) {
    const perChannel = results.channel_labels.channels.map((channel) => {
      const speaker = speakerOf(channel.channel_label);
      return groupTokensIntoSegments(channel.items.map((item) => toToken(item, speaker)), grouping);
    });
    return { language, segments: mergeSegmentTimelines(...perChannel) };
  }

  if (results.speaker_labels) {
    const labelAt = new Map<string, string>();
    for (const segment of results.speaker_labels.segments) {
      for (const item of segment.items) labelAt.set(timeKey(item.start_time, item.end_time), item.speaker_label);
    }
    let previous: string | undefined;
    const tokens = results.items.map((item) => {
      const label =
        item.speaker_label ??
        (item.start_time !== undefined && item.end_time !== undefined ? labelAt.get(timeKey(item.start_time, item.end_time)) : undefined) ??
        previous;
      if (label === undefined) throw unmappedLabel('(none)', Object.keys(speakerMap));
      previous = label;
      return toToken(item, speakerOf(label));
    });
    return { language, segments: groupTokensIntoSegments(tokens, grouping) };
  }

  const unlabelled: TranscriptSegment[] = groupTokensIntoSegments(results.items.map((item) => toToken(item, 'agent')), grouping);
  return { language, segments: labelMonoSegments(unlabelled, options.unlabelledSpeakers ?? DEFAULT_MONO_SPEAKER_POLICY) };
}

function toToken(item: AmazonItem, speaker: Speaker): TimedToken {
  const best = item.alternatives[0];
  return {
    speaker,
    text: best?.content ?? '',
    kind: item.type === 'punctuation' ? 'punctuation' : 'word',
    ...(item.start_time !== undefined ? { startS: item.start_time } : {}),
    ...(item.end_time !== undefined ? { endS: item.end_time } : {}),
    ...(item.type === 'pronunciation' && best?.confidence !== undefined ? { confidence: best.confidence } : {}),
  };
}

function timeKey(startS: number, endS: number): string {
  return `${startS}/${endS}`;
}
