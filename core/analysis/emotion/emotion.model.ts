import { CallsightError } from '../../shared/errors';
import { hashEmotionFeatures, type EmotionLanguage } from './emotion.features';

/** Emotion classes, in the order the model stores them. */
export const EMOTION_LABELS = ['negative', 'neutral', 'positive'] as const;
export type EmotionLabel = (typeof EMOTION_LABELS)[number];

/** Emotion of one text: the winning label, its probability, and all three probabilities. */
export interface EmotionScore {
  readonly label: EmotionLabel;
  readonly score: number;
  readonly probabilities: Readonly<Record<EmotionLabel, number>>;
}

interface LanguageModel {
  readonly buckets: number;
  readonly scale: number;
  readonly bias: readonly [number, number, number];
  readonly weights: Int8Array;
}

/** A decoded emotion model, ready to score; immutable. */
export interface EmotionModel {
  readonly trainedOn: string;
  readonly models: Readonly<Record<EmotionLanguage, LanguageModel>>;
}

interface LanguageModelJson {
  buckets: number;
  scale: number;
  bias: number[];
  weights: string;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function decodeBase64(text: string): Uint8Array {
  const lookup = new Int16Array(128).fill(-1);
  for (let i = 0; i < B64.length; i++) lookup[B64.charCodeAt(i)] = i;
  const clean = text.replace(/=+$/u, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < clean.length; i++) {
    const v = lookup[clean.charCodeAt(i)] ?? -1;
    if (v < 0) throw new CallsightError('VALIDATION_FAILED', 'Emotion model weights are not valid base64; retrain with tools/emotion/train.ts.');
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

function decodeLanguage(json: LanguageModelJson | undefined, name: string): LanguageModel {
  if (
    !json ||
    !Number.isInteger(json.buckets) ||
    (json.buckets & (json.buckets - 1)) !== 0 ||
    typeof json.scale !== 'number' ||
    !Array.isArray(json.bias) ||
    json.bias.length !== 3 ||
    typeof json.weights !== 'string'
  ) {
    throw new CallsightError('VALIDATION_FAILED', `Emotion model for "${name}" is missing or malformed; retrain with tools/emotion/train.ts.`);
  }
  const bytes = decodeBase64(json.weights);
  if (bytes.length !== json.buckets * 3) {
    throw new CallsightError('VALIDATION_FAILED', `Emotion model for "${name}" has ${bytes.length} weights, expected ${json.buckets * 3}.`);
  }
  return {
    buckets: json.buckets,
    scale: json.scale,
    bias: [json.bias[0] ?? 0, json.bias[1] ?? 0, json.bias[2] ?? 0],
    weights: new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length),
  };
}

/**
 * Decodes the JSON form written by tools/emotion/train.ts (`format: callsight-emotion/1`).
 * Throws CallsightError VALIDATION_FAILED when the JSON is not such a model.
 */
export function loadEmotionModel(json: unknown): EmotionModel {
  const j = json as { format?: unknown; trainedOn?: unknown; models?: Record<string, LanguageModelJson> };
  if (!j || j.format !== 'callsight-emotion/1' || !j.models) {
    throw new CallsightError('VALIDATION_FAILED', 'Not a callsight-emotion/1 model; retrain with tools/emotion/train.ts.');
  }
  return {
    trainedOn: typeof j.trainedOn === 'string' ? j.trainedOn : 'unknown',
    models: { zh: decodeLanguage(j.models.zh, 'zh'), en: decodeLanguage(j.models.en, 'en') },
  };
}

/**
 * Scores one text with the model of its dominant language (Han characters vs Latin words).
 * Deterministic; an empty text scores neutral with probability 1.
 */
export function scoreFeatures(model: EmotionModel, text: string): EmotionScore {
  const { language, hashes } = hashEmotionFeatures(text);
  const lm = model.models[language];
  if (hashes.length === 0) return { label: 'neutral', score: 1, probabilities: { negative: 0, neutral: 1, positive: 0 } };
  const scale = lm.scale / Math.sqrt(hashes.length);
  const mask = lm.buckets - 1;
  let z0 = 0;
  let z1 = 0;
  let z2 = 0;
  const w = lm.weights;
  for (let i = 0; i < hashes.length; i++) {
    const at = ((hashes[i] as number) & mask) * 3;
    z0 += w[at] as number;
    z1 += w[at + 1] as number;
    z2 += w[at + 2] as number;
  }
  z0 = z0 * scale + lm.bias[0];
  z1 = z1 * scale + lm.bias[1];
  z2 = z2 * scale + lm.bias[2];
  const m = Math.max(z0, z1, z2);
  const e0 = Math.exp(z0 - m);
  const e1 = Math.exp(z1 - m);
  const e2 = Math.exp(z2 - m);
  const s = e0 + e1 + e2;
  const probabilities = { negative: e0 / s, neutral: e1 / s, positive: e2 / s };
  const label: EmotionLabel = z0 >= z1 && z0 >= z2 ? 'negative' : z2 > z1 ? 'positive' : 'neutral';
  return { label, score: probabilities[label], probabilities };
}
