/**
 * The learner behind the shipped emotion model, shared by tools/emotion/train.ts (selection and the
 * final fit) and bench/emotion.bench.ts (leave-one-domain-out figures): multinomial logistic
 * regression (negative / neutral / positive) over the hashed features of
 * core/analysis/emotion/emotion.features.ts, AdaGrad SGD, optionally NB-weighted (NBSVM-style),
 * with domain balancing and a cross-domain feature filter. Deterministic: seeded shuffles, no clock.
 */
import { hashEmotionFeatures } from '../../core/analysis/emotion/emotion.features';
import type { EmotionLabel } from '../../core/analysis/emotion/emotion.model';
import type { LabelledText } from './emotion.dataset';

/** Class index of each label in the model's weight triples. */
export const CLASS_INDEX: Readonly<Record<EmotionLabel, number>> = { negative: 0, neutral: 1, positive: 2 };
const K = 3;

/** One hashed text: bucket indices, class index and domain index. */
export interface Example {
  /** Bucket indices (duplicates summed by repetition). */
  readonly buckets: Uint32Array;
  readonly y: number;
  readonly domain: number;
}

/** Settings of one fit; every field is chosen by leave-one-domain-out accuracy in train.ts. */
export interface FitSettings {
  readonly buckets: number;
  readonly epochs: number;
  readonly learningRate: number;
  readonly l2: number;
  /** NB smoothing alpha; 0 = plain logistic regression. */
  readonly nbAlpha: number;
  /**
   * Domain balance: each example weighs (N / (D n_domain))^power, so 1 gives every domain the same
   * total weight and 0 leaves the large domains dominant.
   */
  readonly domainPower: number;
  /** Class weight (N / (K n_class))^power within the fitting data. */
  readonly classPower: number;
  /**
   * A feature is learned only when it occurs in at least this many of the fitting domains (in at
   * least 2 documents each): product names and domain jargon, which do not carry to a new domain,
   * are left out. 1 keeps every feature.
   */
  readonly minDomains: number;
  /**
   * With minDomains > 1: a feature is learned only when, in at least this share of the domains it
   * occurs in, it leans the same way (its documents are more often negative than the domain's
   * documents overall, or less often): words whose polarity depends on the product are left out.
   * 0 turns the check off.
   */
  readonly minAgreement: number;
  /**
   * Each example's features are scaled by 1 / count^lengthPower (0.5: inverse square root, 1: the
   * mean); the shipped model stores it and scoreFeatures applies the same.
   */
  readonly lengthPower: number;
  readonly seed: number;
  /**
   * Fits this many times with different shuffles and averages the weights (optional, default 1):
   * for a linear model the averaged weights give exactly the averaged logits, so inference is unchanged.
   */
  readonly seeds?: number;
}

/** Float weights and biases of one fit, before quantisation. */
export interface FittedModel {
  /** Effective weights (NB scaling folded in), `buckets * 3`. */
  readonly w: Float32Array;
  readonly b: Float64Array;
}

/** Hashes each text once into `buckets` buckets. */
export function featurise(rows: readonly LabelledText[], buckets: number, domains: readonly string[]): Example[] {
  const mask = buckets - 1;
  const domainIndex = new Map(domains.map((d, i) => [d, i]));
  return rows.map((r) => {
    const { hashes } = hashEmotionFeatures(r.text);
    const out = new Uint32Array(hashes.length);
    for (let i = 0; i < hashes.length; i++) out[i] = ((hashes[i] as number) & mask) >>> 0;
    return { buckets: out, y: CLASS_INDEX[r.label], domain: domainIndex.get(r.domain) ?? 0 };
  });
}

/** Deterministic uniform [0, 1) generator (mulberry32) for the shuffles. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** NB log-count ratios |r[f * 3 + k]| of class k vs the other two, from document frequencies. */
function nbScales(examples: readonly Example[], buckets: number, alpha: number): Float32Array {
  const df = [new Float32Array(buckets), new Float32Array(buckets), new Float32Array(buckets)];
  const seen = new Int32Array(buckets).fill(-1);
  examples.forEach((ex, i) => {
    for (const f of ex.buckets) {
      if (seen[f] === i) continue;
      seen[f] = i;
      df[ex.y]![f]! += 1;
    }
  });
  const totals = df.map((d) => d.reduce((a, b) => a + b, 0));
  const out = new Float32Array(buckets * K);
  for (let k = 0; k < K; k++) {
    const rest = [0, 1, 2].filter((j) => j !== k);
    const restTotal = totals[rest[0]!]! + totals[rest[1]!]!;
    for (let f = 0; f < buckets; f++) {
      const p = (df[k]![f]! + alpha) / (totals[k]! + alpha * buckets);
      const q = (df[rest[0]!]![f]! + df[rest[1]!]![f]! + alpha) / (restTotal + alpha * buckets);
      out[f * K + k] = Math.abs(Math.log(p / q));
    }
  }
  return out;
}

/**
 * 1 for buckets seen (in >= 2 documents) in at least `minDomains` distinct domains and, with
 * `minAgreement` > 0, leaning the same way (negative or not) in at least that share of them; else 0.
 */
function domainSpread(examples: readonly Example[], buckets: number, minDomains: number, minAgreement: number): Uint8Array | null {
  if (minDomains <= 1) return null;
  const domains = Math.max(...examples.map((e) => e.domain)) + 1;
  const counts = new Uint16Array(buckets * domains);
  const negatives = new Uint16Array(buckets * domains);
  const domainDocs = new Float64Array(domains);
  const domainNeg = new Float64Array(domains);
  const seen = new Int32Array(buckets).fill(-1);
  examples.forEach((ex, i) => {
    domainDocs[ex.domain]! += 1;
    if (ex.y === 0) domainNeg[ex.domain]! += 1;
    for (const f of ex.buckets) {
      if (seen[f] === i) continue;
      seen[f] = i;
      const at = f * domains + ex.domain;
      if (counts[at]! < 65535) {
        counts[at]! += 1;
        if (ex.y === 0) negatives[at]! += 1;
      }
    }
  });
  const keep = new Uint8Array(buckets);
  for (let f = 0; f < buckets; f++) {
    let n = 0;
    let leanNeg = 0;
    for (let d = 0; d < domains; d++) {
      const c = counts[f * domains + d]!;
      if (c < 2) continue;
      n++;
      // Smoothed negative share of the feature's documents against the domain's own share.
      const share = (negatives[f * domains + d]! + 0.5) / (c + 1);
      if (share > domainNeg[d]! / domainDocs[d]!) leanNeg++;
    }
    const agreement = n > 0 ? Math.max(leanNeg, n - leanNeg) / n : 0;
    keep[f] = n >= minDomains && agreement >= minAgreement ? 1 : 0;
  }
  return keep;
}

function exampleWeights(examples: readonly Example[], s: FitSettings): Float64Array {
  const byDomain = new Map<number, number>();
  const byClass = [0, 0, 0];
  for (const e of examples) {
    byDomain.set(e.domain, (byDomain.get(e.domain) ?? 0) + 1);
    byClass[e.y]! += 1;
  }
  const n = examples.length;
  const d = byDomain.size;
  const out = new Float64Array(n);
  let sum = 0;
  examples.forEach((e, i) => {
    const wd = Math.pow(n / (d * byDomain.get(e.domain)!), s.domainPower);
    const wc = Math.pow(n / (K * Math.max(1, byClass[e.y]!)), s.classPower);
    out[i] = wd * wc;
    sum += out[i]!;
  });
  // Mean weight 1, so the learning rate means the same whatever the balancing.
  for (let i = 0; i < n; i++) out[i] = (out[i]! * n) / sum;
  return out;
}

/**
 * Fits one model. The inverse square root of the feature count scales every example, as at
 * inference (scoreFeatures), so a dropped feature still counts in the length, exactly as it will
 * when the shipped model scores a text.
 */
export function fit(examples: readonly Example[], s: FitSettings): FittedModel {
  const runs = Math.max(1, s.seeds ?? 1);
  if (runs === 1) return fitOnce(examples, s);
  const sum = fitOnce(examples, s);
  for (let r = 1; r < runs; r++) {
    const next = fitOnce(examples, { ...s, seed: (s.seed + Math.imul(r, 0x9e3779b1)) >>> 0 });
    for (let i = 0; i < sum.w.length; i++) sum.w[i] = sum.w[i]! + next.w[i]!;
    for (let k = 0; k < K; k++) sum.b[k] = sum.b[k]! + next.b[k]!;
  }
  for (let i = 0; i < sum.w.length; i++) sum.w[i] = sum.w[i]! / runs;
  for (let k = 0; k < K; k++) sum.b[k] = sum.b[k]! / runs;
  return sum;
}

function fitOnce(examples: readonly Example[], s: FitSettings): FittedModel {
  const buckets = s.buckets;
  const nb = s.nbAlpha > 0 ? nbScales(examples, buckets, s.nbAlpha) : null;
  const keep = domainSpread(examples, buckets, s.minDomains, s.minAgreement);
  const w = new Float32Array(buckets * K);
  const g2 = new Float32Array(buckets * K).fill(1e-8);
  const b = new Float64Array(K);
  const weights = exampleWeights(examples, s);
  const order = examples.map((_, i) => i);
  const rand = seededRandom(s.seed);
  const lr = s.learningRate;
  const z = new Float64Array(K);
  for (let epoch = 0; epoch < s.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const idx of order) {
      const ex = examples[idx]!;
      const f = ex.buckets;
      const scale = Math.pow(Math.max(1, f.length), -s.lengthPower);
      z[0] = b[0]!;
      z[1] = b[1]!;
      z[2] = b[2]!;
      for (let i = 0; i < f.length; i++) {
        const fi = f[i]!;
        if (keep && keep[fi] === 0) continue;
        const at = fi * K;
        if (nb) {
          z[0] += w[at]! * nb[at]! * scale;
          z[1] += w[at + 1]! * nb[at + 1]! * scale;
          z[2] += w[at + 2]! * nb[at + 2]! * scale;
        } else {
          z[0] += w[at]! * scale;
          z[1] += w[at + 1]! * scale;
          z[2] += w[at + 2]! * scale;
        }
      }
      const m = Math.max(z[0]!, z[1]!, z[2]!);
      const e0 = Math.exp(z[0]! - m);
      const e1 = Math.exp(z[1]! - m);
      const e2 = Math.exp(z[2]! - m);
      const sum = e0 + e1 + e2;
      const cw = weights[idx]!;
      const grads = [(e0 / sum - (ex.y === 0 ? 1 : 0)) * cw, (e1 / sum - (ex.y === 1 ? 1 : 0)) * cw, (e2 / sum - (ex.y === 2 ? 1 : 0)) * cw];
      for (let k = 0; k < K; k++) {
        const grad = grads[k]!;
        b[k]! -= 0.05 * grad;
        for (let i = 0; i < f.length; i++) {
          const fi = f[i]!;
          if (keep && keep[fi] === 0) continue;
          const at = fi * K + k;
          const gk = grad * scale * (nb ? nb[at]! : 1) + s.l2 * w[at]!;
          g2[at]! += gk * gk;
          w[at]! -= (lr * gk) / Math.sqrt(g2[at]!);
        }
      }
    }
  }
  if (nb) for (let i = 0; i < w.length; i++) w[i] = w[i]! * nb[i]!;
  return { w, b };
}

/** Logits of one example under a fitted model (float weights). */
export function logitsOf(model: FittedModel, ex: Example, lengthPower: number): [number, number, number] {
  const f = ex.buckets;
  const scale = Math.pow(Math.max(1, f.length), -lengthPower);
  const { w, b } = model;
  let z0 = 0;
  let z1 = 0;
  let z2 = 0;
  for (let i = 0; i < f.length; i++) {
    const at = f[i]! * K;
    z0 += w[at]!;
    z1 += w[at + 1]!;
    z2 += w[at + 2]!;
  }
  return [z0 * scale + b[0]!, z1 * scale + b[1]!, z2 * scale + b[2]!];
}

/** Softmax of logits divided by `temperature`. */
export function softmax(z: readonly number[], temperature = 1): [number, number, number] {
  const a = z.map((v) => v / temperature);
  const m = Math.max(a[0]!, a[1]!, a[2]!);
  const e = a.map((v) => Math.exp(v - m));
  const s = e[0]! + e[1]! + e[2]!;
  return [e[0]! / s, e[1]! / s, e[2]! / s];
}

/**
 * Temperature minimising the multinomial log loss of `logits` against `labels` (golden-section
 * search on log T in [1/8, 8]). Fitted on out-of-domain predictions, it calibrates for a new domain.
 */
export function fitTemperature(logits: ReadonlyArray<readonly number[]>, labels: readonly number[]): number {
  const loss = (t: number) => {
    let l = 0;
    for (let i = 0; i < logits.length; i++) l -= Math.log(Math.max(1e-12, softmax(logits[i]!, t)[labels[i]!]!));
    return l;
  };
  let lo = Math.log(1 / 8);
  let hi = Math.log(8);
  const g = (Math.sqrt(5) - 1) / 2;
  for (let it = 0; it < 60; it++) {
    const a = hi - g * (hi - lo);
    const c = lo + g * (hi - lo);
    if (loss(Math.exp(a)) < loss(Math.exp(c))) hi = c;
    else lo = a;
  }
  return Math.exp((lo + hi) / 2);
}

/** int8 with one scale; the largest 0.01% of magnitudes are clipped so the rest keep resolution. */
export function quantise(w: Float32Array): { scale: number; bytes: Int8Array } {
  const mags = Float32Array.from(w, Math.abs).sort();
  const clip = mags[Math.floor((mags.length - 1) * 0.9999)] || mags[mags.length - 1] || 1;
  const scale = clip / 127 || 1;
  const bytes = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) bytes[i] = Math.max(-127, Math.min(127, Math.round(w[i]! / scale)));
  return { scale, bytes };
}

/**
 * Expected calibration error of P(negative) for "negative vs not", 10 equal-width bins: the mean
 * gap between stated probability and observed frequency, weighted by bin size.
 */
export function expectedCalibrationError(pNegative: readonly number[], isNegative: readonly boolean[]): number {
  const bins = Array.from({ length: 10 }, () => ({ n: 0, p: 0, y: 0 }));
  pNegative.forEach((p, i) => {
    const bin = bins[Math.min(9, Math.floor(p * 10))]!;
    bin.n++;
    bin.p += p;
    bin.y += isNegative[i] ? 1 : 0;
  });
  let e = 0;
  for (const bin of bins) if (bin.n > 0) e += (bin.n / pNegative.length) * Math.abs(bin.p / bin.n - bin.y / bin.n);
  return e;
}
