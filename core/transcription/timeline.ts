import type { Speaker, TranscriptLanguage } from '../analysis/transcript.types';
import type { AgentChannel, TranscriptSegment } from './transcriber.port';

/** A segment before it has a speaker: what an engine returns for one channel. */
export interface UnlabelledSegment {
  readonly startS: number;
  readonly endS: number;
  readonly text: string;
  readonly confidence?: number;
}

/** The speaker on `channel` of two-channel audio, one speaker per channel (default: channel 0 is the agent). */
export function speakerForChannel(channel: 0 | 1, agentChannel: AgentChannel = 0): Speaker {
  return channel === agentChannel ? 'agent' : 'customer';
}

/** Labels every segment of one channel with that channel's speaker; segments with no text are dropped. */
export function labelChannelSegments(
  segments: readonly UnlabelledSegment[],
  channel: 0 | 1,
  agentChannel: AgentChannel = 0,
): TranscriptSegment[] {
  const speaker = speakerForChannel(channel, agentChannel);
  return segments.filter((s) => s.text.trim() !== '').map((s) => withSpeaker(s, speaker));
}

/**
 * Merges per-channel (or per-speaker) segment lists into one timeline ordered by start time, then end
 * time. Ties keep the order of the lists given, so the result is deterministic. Inputs are not mutated
 * and need not be sorted.
 */
export function mergeSegmentTimelines(...lists: ReadonlyArray<readonly TranscriptSegment[]>): TranscriptSegment[] {
  const tagged = lists.flatMap((list, listIndex) => list.map((segment, index) => ({ segment, listIndex, index })));
  tagged.sort(
    (a, b) =>
      a.segment.startS - b.segment.startS ||
      a.segment.endS - b.segment.endS ||
      a.listIndex - b.listIndex ||
      a.index - b.index,
  );
  return tagged.map((t) => t.segment);
}

/**
 * How to give speakers to segments of one mixed (mono) channel, where the engine cannot tell voices apart:
 * - `agent` / `customer`: every segment is that speaker;
 * - `alternate-on-pause`: a heuristic for two-party calls. The agent speaks first and the speaker changes
 *   whenever the pause before a segment is at least `pauseS`; segments closer than that stay with the
 *   current speaker. It is right for clean turn-taking and wrong for overlapping speech.
 */
export type MonoSpeakerPolicy =
  | { readonly kind: 'agent' }
  | { readonly kind: 'customer' }
  | { readonly kind: 'alternate-on-pause'; readonly pauseS: number };

/** The default for mixed audio: alternate speakers on pauses of at least 0.6 s. */
export const DEFAULT_MONO_SPEAKER_POLICY: MonoSpeakerPolicy = { kind: 'alternate-on-pause', pauseS: 0.6 };

/** Labels segments of one mixed channel by `policy`; the output is ordered by time and drops empty segments. */
export function labelMonoSegments(
  segments: readonly UnlabelledSegment[],
  policy: MonoSpeakerPolicy = DEFAULT_MONO_SPEAKER_POLICY,
): TranscriptSegment[] {
  const ordered = [...segments].filter((s) => s.text.trim() !== '').sort((a, b) => a.startS - b.startS || a.endS - b.endS);
  if (policy.kind !== 'alternate-on-pause') return ordered.map((s) => withSpeaker(s, policy.kind));
  let speaker: Speaker = 'agent';
  let previousEndS: number | null = null;
  return ordered.map((s) => {
    if (previousEndS !== null && s.startS - previousEndS >= policy.pauseS) speaker = speaker === 'agent' ? 'customer' : 'agent';
    previousEndS = Math.max(previousEndS ?? s.endS, s.endS);
    return withSpeaker(s, speaker);
  });
}

/** One recognised token (word or punctuation mark) with its speaker. Punctuation may lack times. */
export interface TimedToken {
  readonly speaker: Speaker;
  readonly text: string;
  readonly kind: 'word' | 'punctuation';
  readonly startS?: number;
  readonly endS?: number;
  readonly confidence?: number;
}

/** How tokens are cut into segments: always at a change of speaker, and at pauses of at least `maxGapS`. */
export interface TokenGroupingOptions {
  readonly maxGapS: number;
}

export const DEFAULT_TOKEN_GROUPING: TokenGroupingOptions = { maxGapS: 2 };

/**
 * Groups tokens, in spoken order, into speaker turns. Words are joined with spaces except between two
 * CJK tokens (Chinese is written without spaces); punctuation attaches to the word before it. A segment's
 * confidence is the mean of its words' confidences, when every word has one. Leading punctuation with no
 * word before it is dropped.
 */
export function groupTokensIntoSegments(
  tokens: readonly TimedToken[],
  options: TokenGroupingOptions = DEFAULT_TOKEN_GROUPING,
): TranscriptSegment[] {
  const segments: TranscriptSegment[] = [];
  let current: { speaker: Speaker; startS: number; endS: number; text: string; confidences: number[]; words: number } | null =
    null;
  const flush = () => {
    if (current && current.text.trim() !== '') {
      const base = { speaker: current.speaker, startS: current.startS, endS: current.endS, text: current.text };
      segments.push(
        current.confidences.length === current.words && current.words > 0
          ? { ...base, confidence: roundConfidence(mean(current.confidences)) }
          : base,
      );
    }
    current = null;
  };
  for (const token of tokens) {
    const text = token.text.trim();
    if (text === '') continue;
    if (token.kind === 'punctuation') {
      if (current && current.speaker === token.speaker) current.text += text;
      continue;
    }
    if (token.startS === undefined || token.endS === undefined) continue;
    if (current && (current.speaker !== token.speaker || token.startS - current.endS >= options.maxGapS)) flush();
    if (!current) {
      current = { speaker: token.speaker, startS: token.startS, endS: token.endS, text, confidences: [], words: 0 };
    } else {
      current.text = joinWords(current.text, text);
      current.endS = Math.max(current.endS, token.endS);
    }
    current.words += 1;
    if (token.confidence !== undefined) current.confidences.push(token.confidence);
  }
  flush();
  return segments;
}

const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]/u;

/** Joins two pieces of recognised text with a space unless both sides are CJK. */
export function joinWords(left: string, right: string): string {
  if (left === '') return right;
  const last = left.at(-1) ?? '';
  const first = right[0] ?? '';
  return CJK.test(last) && CJK.test(first) ? left + right : `${left} ${right}`;
}

/**
 * Maps an engine's language name or tag ("english", "en", "en-US", "chinese", "zh-CN", "cmn", "mandarin")
 * to the transcript language; anything else becomes `auto` (not one of the languages we analyse).
 */
export function normalizeLanguage(value: string | null | undefined): TranscriptLanguage {
  const tag = (value ?? '').trim().toLowerCase();
  if (tag === '') return 'auto';
  const primary = tag.split(/[-_]/)[0] ?? '';
  if (primary === 'en' || primary === 'eng' || tag === 'english') return 'en';
  if (['zh', 'zho', 'chi', 'cmn', 'yue'].includes(primary) || ['chinese', 'mandarin', 'cantonese'].includes(tag)) return 'zh';
  return 'auto';
}

function withSpeaker(s: UnlabelledSegment, speaker: Speaker): TranscriptSegment {
  const base = { speaker, startS: s.startS, endS: s.endS, text: s.text.trim() };
  return s.confidence === undefined ? base : { ...base, confidence: s.confidence };
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** Clamps to [0, 1] and keeps three decimals, enough for a confidence and stable across runs. */
export function roundConfidence(value: number): number {
  const clamped = Math.min(1, Math.max(0, value));
  return Math.round(clamped * 1000) / 1000;
}
