/**
 * Trains the shipped emotion model (core/analysis/emotion/emotion-model.json) and writes the
 * figures of the run to tools/emotion/last-training.json; copy them into
 * core/analysis/emotion/MODEL.md (the provenance) when shipping a new model.
 *
 *   npx tsx tools/emotion/train.ts [--data /work/shared/data/sentiment] [--only en|zh] [--dry-run]
 *
 * Multinomial logistic regression (negative / neutral / positive) over hashed features from
 * core/analysis/emotion/emotion.features.ts, one model per language, trained by AdaGrad SGD with
 * L2, optionally NB-weighted (NBSVM-style: each feature of class k scaled by |log-count ratio| of
 * k vs the rest, computed on the fitting data; the scaling folds into the shipped weights, so
 * inference stays one linear model). Each source is de-duplicated, then split by a seeded hash of the text: 20% test (never used
 * in training or tuning), 10% validation, 70% training. L2, class weighting and the number of
 * epochs are chosen on the validation split; the shipped model is then refitted with those
 * settings on training + validation. Weights are quantised to int8 and the accuracy reported is
 * that of the quantised, shipped model. Deterministic: seeded shuffles, no clock in the fit.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashEmotionFeatures } from '../../core/analysis/emotion/emotion.features';
import { hashString } from '../../core/shared/clock.port';
import { loadEmotionModel, scoreFeatures, EMOTION_LABELS, type EmotionLabel } from '../../core/analysis/emotion/emotion.model';
import { readEmotionDataset, type LabelledText, type SplitName } from './emotion.dataset';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, '../../core/analysis/emotion');
const args = process.argv.slice(2);
const option = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const dataDir = option('--data') ?? '/work/shared/data/sentiment';
const only = option('--only');
const dryRun = args.includes('--dry-run');

const BUCKETS = { zh: 1 << 18, en: 1 << 17 } as const;
/** Hyper-parameter grid searched on the validation split. */
const GRID = {
  l2: [0, 1e-5],
  /** Class weight (N / (3 n_class))^power: 0 = none, 0.5 = damped. */
  classWeightPower: [0, 0.5],
  /** NB smoothing alpha; 0 = plain logistic regression. */
  nbAlpha: [0, 0.5],
  learningRate: 0.2,
  maxEpochs: 6,
};
const CLASS_INDEX: Record<EmotionLabel, number> = { negative: 0, neutral: 1, positive: 2 };
const K = 3;

interface Example {
  /** Bucket indices (duplicates summed by repetition). */
  readonly buckets: Uint32Array;
  readonly y: number;
}

function toExamples(rows: readonly LabelledText[], buckets: number): Example[] {
  const mask = buckets - 1;
  return rows.map((r) => {
    const { hashes } = hashEmotionFeatures(r.text);
    const out = new Uint32Array(hashes.length);
    for (let i = 0; i < hashes.length; i++) out[i] = ((hashes[i] as number) & mask) >>> 0;
    return { buckets: out, y: CLASS_INDEX[r.label] };
  });
}

function classWeights(examples: readonly Example[], power: number): number[] {
  const counts = [0, 0, 0];
  for (const ex of examples) counts[ex.y]! += 1;
  return counts.map((n) => Math.pow(examples.length / (K * Math.max(1, n)), power));
}

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Params {
  readonly w: Float32Array;
  readonly b: Float64Array;
}

/** AdaGrad SGD on softmax cross-entropy with L2; calls `onEpoch` after each epoch (return false to stop). */
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

/** Effective weights: the NB scaling folded in (w * |r|), or the weights themselves. */
function effective(w: Float32Array, nb: Float32Array | null): Float32Array {
  if (!nb) return w;
  const out = new Float32Array(w.length);
  for (let i = 0; i < w.length; i++) out[i] = w[i]! * nb[i]!;
  return out;
}

function train(
  examples: readonly Example[],
  buckets: number,
  l2: number,
  power: number,
  nb: Float32Array | null,
  epochs: number,
  seed: number,
  onEpoch: (epoch: number, params: Params) => void,
): void {
  const w = new Float32Array(buckets * K);
  const g2 = new Float32Array(buckets * K).fill(1e-8);
  const b = new Float64Array(K);
  const weights = classWeights(examples, power);
  const order = examples.map((_, i) => i);
  const rand = seededRandom(seed);
  const lr = GRID.learningRate;
  const z = new Float64Array(K);
  const x = nb ?? new Float32Array(0);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const idx of order) {
      const ex = examples[idx]!;
      const f = ex.buckets;
      const scale = 1 / Math.sqrt(Math.max(1, f.length));
      z[0] = b[0]!;
      z[1] = b[1]!;
      z[2] = b[2]!;
      for (let i = 0; i < f.length; i++) {
        const at = f[i]! * K;
        if (nb) {
          z[0] += w[at]! * x[at]! * scale;
          z[1] += w[at + 1]! * x[at + 1]! * scale;
          z[2] += w[at + 2]! * x[at + 2]! * scale;
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
      const s = e0 + e1 + e2;
      const cw = weights[ex.y]!;
      const grads = [(e0 / s - (ex.y === 0 ? 1 : 0)) * cw, (e1 / s - (ex.y === 1 ? 1 : 0)) * cw, (e2 / s - (ex.y === 2 ? 1 : 0)) * cw];
      for (let k = 0; k < K; k++) {
        const grad = grads[k]!;
        b[k]! -= 0.05 * grad;
        for (let i = 0; i < f.length; i++) {
          const at = f[i]! * K + k;
          const gk = grad * scale * (nb ? x[at]! : 1) + l2 * w[at]!;
          g2[at]! += gk * gk;
          w[at]! -= (lr * gk) / Math.sqrt(g2[at]!);
        }
      }
    }
    onEpoch(epoch + 1, { w, b });
  }
}

function predict(w: ArrayLike<number>, b: ArrayLike<number>, ex: Example): number {
  const f = ex.buckets;
  const scale = 1 / Math.sqrt(Math.max(1, f.length));
  let z0 = b[0]!;
  let z1 = b[1]!;
  let z2 = b[2]!;
  for (let i = 0; i < f.length; i++) {
    const at = f[i]! * K;
    z0 += w[at]! * scale;
    z1 += w[at + 1]! * scale;
    z2 += w[at + 2]! * scale;
  }
  return z0 >= z1 && z0 >= z2 ? 0 : z2 > z1 ? 2 : 1;
}

function accuracyOf(w: ArrayLike<number>, b: ArrayLike<number>, examples: readonly Example[]): number {
  let right = 0;
  for (const ex of examples) if (predict(w, b, ex) === ex.y) right++;
  return right / Math.max(1, examples.length);
}

/** int8 with one scale; the largest 0.01% of magnitudes are clipped so the rest keep resolution. */
function quantise(w: Float32Array): { scale: number; bytes: Int8Array } {
  const mags = Float32Array.from(w, Math.abs).sort();
  const clip = mags[Math.floor((mags.length - 1) * 0.9999)] || mags[mags.length - 1] || 1;
  const scale = clip / 127 || 1;
  const bytes = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) bytes[i] = Math.max(-127, Math.min(127, Math.round(w[i]! / scale)));
  return { scale, bytes };
}

const data = readEmotionDataset(dataDir);
const bySplit = (lang: 'zh' | 'en', split: SplitName) => data.filter((r) => r.language === lang && r.split === split);
const previous = JSON.parse(readFileSync(join(outDir, 'emotion-model.json'), 'utf8')) as { models: Record<string, unknown> };

const modelJson: Record<string, unknown> = {};
const report: string[] = [];
for (const lang of ['zh', 'en'] as const) {
  if (only !== undefined && only !== lang) {
    modelJson[lang] = previous.models[lang];
    report.push(`${lang}: kept from the previous model file`);
    continue;
  }
  const buckets = BUCKETS[lang];
  const trainRows = bySplit(lang, 'train');
  const valRows = bySplit(lang, 'validation');
  const trainEx = toExamples(trainRows, buckets);
  const valEx = toExamples(valRows, buckets);
  const seed = hashString(`callsight-emotion-${lang}`);
  let best = { acc: -1, l2: 0, power: 0, alpha: 0, epochs: 0 };
  for (const alpha of GRID.nbAlpha) {
    const nb = alpha > 0 ? nbScales(trainEx, buckets, alpha) : null;
    for (const power of GRID.classWeightPower) {
      for (const l2 of GRID.l2) {
        train(trainEx, buckets, l2, power, nb, GRID.maxEpochs, seed, (epoch, p) => {
          const acc = accuracyOf(effective(p.w, nb), p.b, valEx);
          if (acc > best.acc) best = { acc, l2, power, alpha, epochs: epoch };
        });
        console.error(
          `${lang} nb=${alpha} power=${power} l2=${l2}: best so far val=${(best.acc * 100).toFixed(2)}% (nb ${best.alpha}, power ${best.power}, l2 ${best.l2}, epochs ${best.epochs})`,
        );
      }
    }
  }
  // Refit on training + validation with the chosen settings; the test split stays untouched.
  const fitEx = [...trainEx, ...valEx];
  const fitNb = best.alpha > 0 ? nbScales(fitEx, buckets, best.alpha) : null;
  let fitted: Params | undefined;
  train(fitEx, buckets, best.l2, best.power, fitNb, best.epochs, seed, (epoch, p) => {
    if (epoch === best.epochs) fitted = { w: effective(Float32Array.from(p.w), fitNb), b: Float64Array.from(p.b) };
  });
  const q = quantise(fitted!.w);
  modelJson[lang] = {
    buckets,
    scale: q.scale,
    bias: Array.from(fitted!.b, (v) => Number(v.toFixed(6))),
    weights: Buffer.from(q.bytes.buffer).toString('base64'),
  };
  report.push(
    `${lang}: train ${trainEx.length} + validation ${valEx.length}; chosen on validation: NB alpha ${best.alpha || 'off'}, class-weight power ${best.power}, l2 ${best.l2}, ${best.epochs} epochs (validation accuracy ${(best.acc * 100).toFixed(2)}% when fitted on train only); refitted on train + validation`,
  );
}

const trainedOn = new Date().toISOString().slice(0, 10);
const model = { format: 'callsight-emotion/1', classes: EMOTION_LABELS, trainedOn, models: modelJson };
const serialised = JSON.stringify(model);
const modelPath = join(outDir, 'emotion-model.json');
if (!dryRun) writeFileSync(modelPath, serialised);

// Held-out evaluation of the quantised model exactly as shipped; a dry run (for exploring
// features) reports validation figures only, so the test split never steers a choice.
const shipped = loadEmotionModel(model);
const evalLines: string[] = [];
for (const source of dryRun ? [] : [...new Set(data.map((r) => r.source))]) {
  const rows = data.filter((r) => r.source === source && r.split === 'test');
  let right = 0;
  for (const r of rows) if (scoreFeatures(shipped, r.text).label === r.label) right++;
  evalLines.push(`| ${source} | ${rows.length} | ${((right / rows.length) * 100).toFixed(2)}% |`);
}
console.error(report.join('\n'));
console.error(evalLines.join('\n'));
console.error(`model size ${serialised.length} bytes${dryRun ? ' (dry run: not written)' : ''}`);
if (!dryRun) writeFileSync(join(here, 'last-training.json'), JSON.stringify({ trainedOn, report, evalLines, sizeBytes: serialised.length }, null, 2) + '\n');
