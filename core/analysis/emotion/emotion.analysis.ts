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
  /** The customer's emotion over the call: start, end, lowest point and turns (see EmotionTrajectory). */
  readonly trajectory?: EmotionTrajectory;
}

/** A stretch of the call: the customer segments it spans, their times and mean valence. */
export interface TrajectoryStretch {
  readonly label: EmotionLabel;
  /** Mean signed confidence over the stretch: +score for positive, -score for negative, 0 for neutral segments (-1..1). */
  readonly valence: number;
  readonly startS: number;
  readonly endS: number;
  /** Transcript segment indices of the first and last customer segment of the stretch. */
  readonly fromSegment: number;
  readonly toSegment: number;
}

/** A moment where the customer's smoothed emotion changes band (e.g. neutral -> negative). */
export interface EmotionTurn {
  readonly segment: number;
  readonly atS: number;
  readonly from: EmotionLabel;
  readonly to: EmotionLabel;
  readonly direction: 'worse' | 'better';
}

/**
 * The customer's emotion over the call, from the segment labels of the timeline (after the polar
 * gate, so only confident segments move it). `start` and `end` cover the first and last
 * min(3, ceil(n / 3)) scored customer segments; `lowest` is the stretch of min(3, n) consecutive
 * segments with the lowest valence (the first such, on ties); `turns` are the segments where the
 * 3-segment moving valence enters another band (negative <= -BAND < neutral < BAND <= positive).
 * `recovered` is true when the call starts negative and ends neutral or positive (情绪应对), false
 * when it starts negative and ends negative, null when it does not start negative or fewer than
 * two customer segments were scored.
 */
export interface EmotionTrajectory {
  readonly start: TrajectoryStretch;
  readonly end: TrajectoryStretch;
  readonly lowest: TrajectoryStretch;
  readonly turns: readonly EmotionTurn[];
  readonly recovered: boolean | null;
}

/** Valence band edge: one confident negative segment among three (about -0.27..-0.33) counts as negative. */
export const TRAJECTORY_BAND = 0.25;

const bandOf = (v: number): EmotionLabel => (v <= -TRAJECTORY_BAND ? 'negative' : v >= TRAJECTORY_BAND ? 'positive' : 'neutral');
const RANK_OF: Readonly<Record<EmotionLabel, number>> = { negative: 0, neutral: 1, positive: 2 };

/**
 * Builds the trajectory from customer points in call order (analyzeCustomerEmotion passes the
 * segments long enough to score, so "嗯" and "ok" do not dilute the start); undefined when empty.
 */
export function computeTrajectory(timeline: readonly EmotionPoint[]): EmotionTrajectory | undefined {
  const n = timeline.length;
  if (n === 0) return undefined;
  const v = timeline.map((p) => (p.label === 'negative' ? -p.score : p.label === 'positive' ? p.score : 0));
  const stretch = (from: number, to: number): TrajectoryStretch => {
    let sum = 0;
    for (let i = from; i <= to; i++) sum += v[i] as number;
    const valence = r3(sum / (to - from + 1));
    const first = timeline[from] as EmotionPoint;
    const last = timeline[to] as EmotionPoint;
    return { label: bandOf(valence), valence, startS: first.startS, endS: last.endS, fromSegment: first.segment, toSegment: last.segment };
  };
  const k = Math.min(3, Math.ceil(n / 3));
  const start = stretch(0, k - 1);
  const end = stretch(n - k, n - 1);
  const w = Math.min(3, n);
  // Moving sums, no allocation per window: the lowest window and the band of each trailing window.
  let windowSum = 0;
  for (let i = 0; i < w; i++) windowSum += v[i] as number;
  let lowestAt = 0;
  let lowestSum = windowSum;
  for (let i = 1; i + w <= n; i++) {
    windowSum += (v[i + w - 1] as number) - (v[i - 1] as number);
    if (windowSum < lowestSum - 1e-12) {
      lowestSum = windowSum;
      lowestAt = i;
    }
  }
  const lowest = stretch(lowestAt, lowestAt + w - 1);
  const turns: EmotionTurn[] = [];
  let band: EmotionLabel | null = null;
  let trailing = 0;
  for (let i = 0; i < n; i++) {
    trailing += v[i] as number;
    if (i >= 3) trailing -= v[i - 3] as number;
    const next = bandOf(trailing / Math.min(3, i + 1));
    if (band !== null && next !== band) {
      const p = timeline[i] as EmotionPoint;
      turns.push({ segment: p.segment, atS: p.startS, from: band, to: next, direction: RANK_OF[next] > RANK_OF[band] ? 'better' : 'worse' });
    }
    band = next;
  }
  const recovered = n < 2 || start.label !== 'negative' ? null : end.label !== 'negative';
  return { start, end, lowest, turns, recovered };
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
  /** Points of segments long enough to carry a signal: the trajectory reads only these. */
  const scored: EmotionPoint[] = [];
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
    const point = { segment: index, startS: segment.startS, endS: segment.endS, label: s.label, score: r3(s.score) };
    timeline.push(point);
    if (!neutral) scored.push(point);
  });
  if (weightSum === 0) {
    const empty = {
      customer: { label: 'neutral' as const, score: 1 },
      probabilities: { negative: 0, neutral: 1, positive: 0 },
      peakNegative: 0,
      negativeShare: 0,
      trend: 0,
      timeline,
    };
    const trajectory = computeTrajectory(scored);
    return trajectory ? { ...empty, trajectory } : empty;
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
    ...(scored.length > 0 ? { trajectory: computeTrajectory(scored) as EmotionTrajectory } : {}),
  };
}
