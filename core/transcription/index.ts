export type { AgentChannel, TranscribeAudioFormat, TranscribeInput, Transcriber, Transcript, TranscriptSegment } from './transcriber.port';
export {
  DEFAULT_MONO_SPEAKER_POLICY,
  DEFAULT_TOKEN_GROUPING,
  groupTokensIntoSegments,
  joinWords,
  labelChannelSegments,
  labelMonoSegments,
  mergeSegmentTimelines,
  normalizeLanguage,
  roundConfidence,
  speakerForChannel,
} from './timeline';
export type { MonoSpeakerPolicy, TimedToken, TokenGroupingOptions, UnlabelledSegment } from './timeline';
export { encodePcm16Wav, readWavLayout, splitWavChannels } from './wav-channels';
export type { WavLayout } from './wav-channels';
