import type { Segment, Transcript } from './transcript.types';
import type { AnalysisConfig } from './analysis.config';
import { prepareSegments } from './text/segment-text';
import { FoldBuffer } from './text/normalize';
import { findSensitiveWords, type ClearedHit, type SensitiveHit } from './lexicon/sensitive-words';
import { checkScripts, type ScriptResult } from './scripts/required-scripts';
import { computeRedactionSpans, detectPii, redactSegments, type PiiHit, type RedactionSpan } from './pii/pii.detector';
import { computeConversationMetrics, detectLanguage, type ConversationMetrics } from './metrics/conversation.metrics';
import { analyzeCustomerEmotion, DEFAULT_MIN_POLAR_PROBABILITY, type CallEmotion } from './emotion/emotion.analysis';
import { matchTopics, type TopicHit } from './demands/demands';
import { computeRiskScore, raiseFlags, type Flag } from './risk/risk.score';
import { checkKnowledge, type KnowledgeCheck } from './knowledge/knowledge.check';

export interface AnalyzeOptions {
  /** Inquiry type (咨询类型) choosing the duration band; falls back to the "default" band. */
  readonly inquiryType?: string;
  /** Call length from the recording, when longer than the last segment. */
  readonly durationS?: number;
  /** Padding (s) around each PII span for audio redaction (default 0.3). */
  readonly redactionPaddingS?: number;
}

/** Everything the analysis finds in one call; plain JSON, deterministic for the same input. */
export interface CallAnalysis {
  readonly language: 'zh' | 'en';
  readonly sensitive: readonly SensitiveHit[];
  /** Hits that are not violations: negated ("不保本") or inside a disclaimer; never flagged or counted. */
  readonly clearedSensitive?: readonly ClearedHit[];
  readonly scripts: readonly ScriptResult[];
  readonly pii: readonly PiiHit[];
  readonly redactedSegments: readonly Segment[];
  /** Audio spans (s) to silence for roles that must not hear PII. */
  readonly redactionSpans: readonly RedactionSpan[];
  readonly metrics: ConversationMetrics;
  readonly emotion: CallEmotion;
  readonly topics: readonly TopicHit[];
  /** Agent statements checked against the tenant's knowledge facts (none configured: all zero). */
  readonly knowledge?: KnowledgeCheck;
  readonly flags: readonly Flag[];
  readonly risk: number;
}

const sharedFoldBuffer = new FoldBuffer(1 << 14);
/** Transcripts longer than this (code units) get their own buffer, so the shared one stays small. */
const SHARED_BUFFER_MAX_UNITS = 1 << 20;

/**
 * Analyses one transcript against a compiled configuration: sensitive words, required scripts,
 * PII with a redacted copy, conversation metrics, customer emotion, demand topics, flags and a
 * risk score. Pure: no I/O, no clock; the same transcript and config give the same result.
 * Expects a validated Transcript (see parseTranscript).
 */
export function analyzeTranscript(transcript: Transcript, config: AnalysisConfig, options: AnalyzeOptions = {}): CallAnalysis {
  const segments = transcript.segments;
  // The normalised text never leaves this call (results copy offsets out), so one buffer serves
  // every analysis; JavaScript runs this synchronously, so no two analyses share it at once.
  let textUnits = 0;
  for (const s of segments) textUnits += s.text.length;
  const prepared = prepareSegments(segments, textUnits <= SHARED_BUFFER_MAX_UNITS ? sharedFoldBuffer : undefined);
  const language = detectLanguage(segments, transcript.language, prepared.units);
  const clearedSensitive: ClearedHit[] = [];
  const sensitive = findSensitiveWords(config.lexicon, prepared, undefined, clearedSensitive);
  const scripts = checkScripts(config.scripts, prepared);
  const pii = detectPii(segments, prepared);
  const band =
    (options.inquiryType !== undefined ? config.durationBands[options.inquiryType] : undefined) ??
    (config.durationBands['default'] as NonNullable<(typeof config.durationBands)[string]>);
  const metrics = computeConversationMetrics(segments, {
    durationS: options.durationS,
    band,
    minOverlapS: config.interruptionMinOverlapS,
    language,
    units: prepared.units,
  });
  const emotion = analyzeCustomerEmotion(config.emotionModel, segments, DEFAULT_MIN_POLAR_PROBABILITY, prepared.units);
  const topics = matchTopics(config.categories, prepared);
  const knowledge = checkKnowledge(config.knowledge, segments, 'agent', prepared);
  const flags = raiseFlags({ sensitive, scripts, pii, metrics, emotion, thresholds: config.flagThresholds, knowledge });
  return {
    language,
    sensitive,
    clearedSensitive,
    scripts,
    pii,
    redactedSegments: redactSegments(segments, pii),
    redactionSpans: computeRedactionSpans(segments, pii, options.redactionPaddingS),
    metrics,
    emotion,
    topics,
    knowledge,
    flags,
    risk: computeRiskScore(flags),
  };
}
