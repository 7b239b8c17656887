/**
 * Trains the shipped emotion model (core/analysis/emotion/emotion-model.json) and writes the
 * figures of the run to tools/emotion/last-training.json; copy them into
 * core/analysis/emotion/MODEL.md (the provenance) when shipping a new model.
 *
 *   npx tsx tools/emotion/train.ts [--data /work/shared/data/sentiment]
 *
 * Multinomial logistic regression (negative / neutral / positive) over hashed features from
 * core/analysis/emotion/emotion.features.ts, one model per language, trained by AdaGrad SGD with L2.
 * Each source is de-duplicated, then split by a seeded hash of the text: 20% test (never used in
 * training or tuning), 10% validation (picks the epoch and L2), 70% training. Weights are quantised
 * to int8 and the reported accuracy is that of the quantised, shipped model.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractEmotionFeatures } from '../../core/analysis/emotion/emotion.features';
import { hashString } from '../../core/shared/clock.port';
import { loadEmotionModel, scoreFeatures, EMOTION_LABELS, type EmotionLabel } from '../../core/analysis/emotion/emotion.model';
import { readEmotionDataset, type LabelledText, type SplitName } from './emotion.dataset';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, '../../core/analysis/emotion');
const args = process.argv.slice(2);
const dataDir = args.includes('--data') ? (args[args.indexOf('--data') + 1] ?? '') : '/work/shared/data/sentiment';

const BUCKETS = { zh: 1 << 18, en: 1 << 16 } as const;
const CLASS_INDEX: Record<EmotionLabel, number> = { negative: 0, neutral: 1, positive: 2 };
const K = 3;

interface Example {
  buckets: Uint32Array;
  y: number;
  weight: number;
}

function toExamples(rows: LabelledText[], buckets: number): Example[] {
  const counts = [0, 0, 0];
  for (const r of rows) counts[CLASS_INDEX[r.label]]! += 1;
  const total = rows.length;
  return rows.map((r) => {
    const y = CLASS_INDEX[r.label];
    // Class-balanced weights, damped (sqrt) so the tiny neutral class is heard but not overfitted.
    const weight = Math.sqrt(total / (K * Math.max(1, counts[y]!)));
    return { buckets: extractEmotionFeatures(r.text, buckets).buckets, y, weight };
  });
}

function train(examples: Example[], buckets: number, l2: number, epochs: number, seed: number) {
  const w = new Float32Array(buckets * K);
  const g2 = new Float32Array(buckets * K).fill(1e-8);
  const b = new Float64Array(K);
  const order = examples.map((_, i) => i);
  let state = seed >>> 0;
  const rand = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const lr = 0.5;
  const snapshots: Array<{ w: Float32Array; b: Float64Array }> = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const idx of order) {
      const ex = examples[idx]!;
      const scale = 1 / Math.sqrt(Math.max(1, ex.buckets.length));
      const z = [b[0]!, b[1]!, b[2]!];
      for (const f of ex.buckets) for (let k = 0; k < K; k++) z[k]! += w[f * K + k]! * scale;
      const m = Math.max(z[0]!, z[1]!, z[2]!);
      const e = z.map((v) => Math.exp(v - m));
      const s = e[0]! + e[1]! + e[2]!;
      for (let k = 0; k < K; k++) {
        const grad = (e[k]! / s - (k === ex.y ? 1 : 0)) * ex.weight;
        b[k]! -= 0.05 * grad;
        for (const f of ex.buckets) {
          const at = f * K + k;
          const gk = grad * scale + l2 * w[at]!;
          g2[at]! += gk * gk;
          w[at]! -= (lr * gk) / Math.sqrt(g2[at]!);
        }
      }
    }
    snapshots.push({ w: Float32Array.from(w), b: Float64Array.from(b) });
  }
  return snapshots;
}

function quantise(w: Float32Array): { scale: number; bytes: Int8Array } {
  let max = 0;
  for (const v of w) max = Math.max(max, Math.abs(v));
  const scale = max / 127 || 1;
  const bytes = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) bytes[i] = Math.round(w[i]! / scale);
  return { scale, bytes };
}

function accuracyOf(ws: Float32Array, bs: Float64Array, examples: Example[]): number {
  let right = 0;
  for (const ex of examples) {
    const scale = 1 / Math.sqrt(Math.max(1, ex.buckets.length));
    const z = [bs[0]!, bs[1]!, bs[2]!];
    for (const f of ex.buckets) for (let k = 0; k < K; k++) z[k]! += ws[f * K + k]! * scale;
    const pred = z.indexOf(Math.max(...z));
    if (pred === ex.y) right++;
  }
  return right / Math.max(1, examples.length);
}

const data = readEmotionDataset(dataDir);
const bySplit = (lang: 'zh' | 'en', split: SplitName) => data.filter((r) => r.language === lang && r.split === split);

const modelJson: Record<string, unknown> = {};
const report: string[] = [];
for (const lang of ['zh', 'en'] as const) {
  const buckets = BUCKETS[lang];
  const trainEx = toExamples(bySplit(lang, 'train'), buckets);
  const valEx = toExamples(bySplit(lang, 'validation'), buckets);
  let best = { acc: -1, l2: 0, epoch: 0, w: new Float32Array(0), b: new Float64Array(0) };
  for (const l2 of [0, 1e-6, 1e-5]) {
    const snaps = train(trainEx, buckets, l2, 8, hashString(`callsight-emotion-${lang}`));
    snaps.forEach((snap, epoch) => {
      const acc = accuracyOf(snap.w, snap.b, valEx);
      if (acc > best.acc) best = { acc, l2, epoch: epoch + 1, w: snap.w, b: snap.b };
    });
    console.error(`${lang} l2=${l2} best-so-far val=${best.acc.toFixed(4)} (l2=${best.l2}, epochs=${best.epoch})`);
  }
  const q = quantise(best.w);
  modelJson[lang] = {
    buckets,
    scale: q.scale,
    bias: Array.from(best.b, (v) => Number(v.toFixed(6))),
    weights: Buffer.from(q.bytes.buffer).toString('base64'),
  };
  report.push(`${lang}: train ${trainEx.length}, validation ${valEx.length} (acc ${(best.acc * 100).toFixed(2)}%), l2 ${best.l2}, epochs ${best.epoch}`);
}

const trainedOn = new Date().toISOString().slice(0, 10);
const model = { format: 'callsight-emotion/1', classes: EMOTION_LABELS, trainedOn, models: modelJson };
const modelPath = join(outDir, 'emotion-model.json');
writeFileSync(modelPath, JSON.stringify(model));

// Held-out evaluation of the quantised model exactly as shipped.
const shipped = loadEmotionModel(model);
const evalLines: string[] = [];
for (const source of [...new Set(data.map((r) => r.source))]) {
  const rows = data.filter((r) => r.source === source && r.split === 'test');
  let right = 0;
  for (const r of rows) {
    const s = scoreFeatures(shipped, r.text);
    if (s.label === r.label) right++;
  }
  evalLines.push(`| ${source} | ${rows.length} | ${((right / rows.length) * 100).toFixed(2)}% |`);
}
const sizeBytes = readFileSync(modelPath).length;
console.error(report.join('\n'));
console.error(evalLines.join('\n'));
console.error(`model size ${sizeBytes} bytes`);
writeFileSync(join(here, 'last-training.json'), JSON.stringify({ trainedOn, report, evalLines, sizeBytes }, null, 2));
