import type { Segment } from '../transcript.types';
import { countSegmentUnits, type SegmentUnits } from '../metrics/conversation.metrics';
import { scoreFeatures, type EmotionLabel, type EmotionModel, type EmotionScore } from './emotion.model';

/** Emotion of one customer segment on the call timeline. */
export interface EmotionPoint {
  readonly segment: number;
  readonly startS: number;
  readonly endS: number;
  readonly label: EmotionLabel;
  readonly score: number;
}

/**
 * The customer's emotion over a call. `customer` is the argmax of the speech-time-weighted mean
 * probabilities (neutral when no segment passes the polar gate for that label); `peakNegative` the highest mean negative probability over any three consecutive
 * customer segments, counting only segments labelled negative (how agitated the customer got); `trend` the change of (positive - negative)
 * from the first to the last third of the customer's segments (> 0: the customer calmed down).
 */
export interface CallEmotion {
  readonly customer: { readonly label: EmotionLabel; readonly score: number };
  readonly probabilities: Readonly<Record<EmotionLabel, number>>;
  readonly peakNegative: number;
  readonly negativeShare: number;
  readonly trend: number;
  readonly timeline: readonly EmotionPoint[];
}

/** Utterances this short ("嗯", "ok") carry no usable signal and are scored neutral. */
function isTooShort(units: SegmentUnits, index: number): boolean {
  return (units.han[index] as number) < 2 && (units.words[index] as number) < 2;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** Applies the polar gate; a gated segment's score is the probability it is not polar-as-claimed. */
export function gatePolar(score: EmotionScore, minPolarProbability: number): EmotionScore {
  if (score.label === 'neutral' || score.score >= minPolarProbability) return score;
  return { label: 'neutral', score: 1 - score.score, probabilities: score.probabilities };
}

/**
 * Customer-service speech is mostly matter-of-fact, while the training data (reviews, posts) is
 * mostly polar: a segment is labelled negative or positive only when the model is at least this
 * sure, otherwise neutral. Probabilities are reported unchanged.
 */
export const DEFAULT_MIN_POLAR_PROBABILITY = 0.8;

/** Scores every customer segment and summarises the call. Deterministic. `units` when already counted. */
export function analyzeCustomerEmotion(
  model: EmotionModel,
  segments: readonly Segment[],
  minPolarProbability = DEFAULT_MIN_POLAR_PROBABILITY,
  units: SegmentUnits = countSegmentUnits(segments),
): CallEmotion {
  const timeline: EmotionPoint[] = [];
  const probs: Array<Record<EmotionLabel, number>> = [];
  const sums = { negative: 0, neutral: 0, positive: 0 };
  let weightSum = 0;
  segments.forEach((segment, index) => {
    if (segment.speaker !== 'customer') return;
    const neutral = isTooShort(units, index);
    const s = neutral
      ? { label: 'neutral' as const, score: 1, probabilities: { negative: 0, neutral: 1, positive: 0 } }
      : gatePolar(scoreFeatures(model, segment.text), minPolarProbability);
    const weight = Math.max(0.5, segment.endS - segment.startS) * (neutral ? 0.25 : 1);
    sums.negative += s.probabilities.negative * weight;
    sums.neutral += s.probabilities.neutral * weight;
    sums.positive += s.probabilities.positive * weight;
    weightSum += weight;
    probs.push(s.probabilities);
    timeline.push({ segment: index, startS: segment.startS, endS: segment.endS, label: s.label, score: r3(s.score) });
  });
  if (weightSum === 0) {
    return {
      customer: { label: 'neutral', score: 1 },
      probabilities: { negative: 0, neutral: 1, positive: 0 },
      peakNegative: 0,
      negativeShare: 0,
      trend: 0,
      timeline,
    };
  }
  const mean = { negative: sums.negative / weightSum, neutral: sums.neutral / weightSum, positive: sums.positive / weightSum };
  const counts = { negative: 0, neutral: 0, positive: 0 };
  for (const p of timeline) counts[p.label] += 1;
  const raw: EmotionLabel =
    mean.negative >= mean.neutral && mean.negative >= mean.positive ? 'negative' : mean.positive > mean.neutral ? 'positive' : 'neutral';
  // A call is polar only when at least one segment is confidently so; many lukewarm segments are not.
  const label: EmotionLabel = raw !== 'neutral' && counts[raw] === 0 ? 'neutral' : raw;
  let peakNegative = 0;
  const window = Math.min(3, probs.length);
  for (let i = 0; i + window <= probs.length; i++) {
    let sum = 0;
    // Only segments that pass the polar gate as negative count: lukewarm ones are not agitation.
    for (let k = i; k < i + window; k++) sum += timeline[k]?.label === 'negative' ? (probs[k] as Record<EmotionLabel, number>).negative : 0;
    peakNegative = Math.max(peakNegative, sum / window);
  }
  const third = Math.max(1, Math.floor(probs.length / 3));
  const valence = (list: ReadonlyArray<Record<EmotionLabel, number>>) =>
    list.reduce((acc, p) => acc + p.positive - p.negative, 0) / Math.max(1, list.length);
  return {
    customer: { label, score: r3(mean[label]) },
    probabilities: { negative: r3(mean.negative), neutral: r3(mean.neutral), positive: r3(mean.positive) },
    peakNegative: r3(peakNegative),
    negativeShare: r3(timeline.filter((p) => p.label === 'negative').length / timeline.length),
    trend: r3(valence(probs.slice(-third)) - valence(probs.slice(0, third))),
    timeline,
  };
}
