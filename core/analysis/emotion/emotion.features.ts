import { foldKeepingSpaces } from '../text/normalize';

/** Language whose model scores a text: decided by which script dominates it. */
export type EmotionLanguage = 'zh' | 'en';

/** Hashed sparse features of one text: bucket indices (duplicates allowed) and the dominant language. */
export interface EmotionFeatures {
  readonly buckets: Uint32Array;
  readonly language: EmotionLanguage;
}

const NEGATORS = new Set([
  'not', 'no', 'never', 'dont', 'doesnt', 'didnt', 'isnt', 'wasnt', 'arent', 'werent', 'cant', 'cannot',
  'couldnt', 'wont', 'wouldnt', 'shouldnt', 'havent', 'hasnt', 'hadnt', 'nothing', 'nobody', 'nor',
  'neither', 'without', 'aint', 'hardly',
]);
const NEGATION_SCOPE = 3;
const URL_OR_MENTION = /https?:\/\/\S+|www\.\S+|@\w+/gu;

const SEED_CHAR1 = 0x811c9dc5;
const SEED_CHAR2 = 0x01234567;
const SEED_CHAR3 = 0x2545f491;
const SEED_WORD1 = 0x6a09e667;
const SEED_WORD2 = 0x3c6ef372;
const SEED_NEG = 0x510e527f;

function mix(h: number, c: number): number {
  return Math.imul(h ^ c, 0x01000193) >>> 0;
}

function hashWord(seed: number, word: string): number {
  let h = seed;
  for (let i = 0; i < word.length; i++) h = mix(h, word.charCodeAt(i));
  return h;
}

function isHan(code: number): boolean {
  return (code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf) || (code >= 0xf900 && code <= 0xfaff);
}

/**
 * Extracts hashed features: Chinese character 1-, 2- and 3-grams (spaces between Han characters
 * ignored, since ASR output spaces them at random) and English word 1- and 2-grams with negation
 * scope marking ("not good" -> NOT_good). URLs, @mentions and numbers are dropped. `bucketCount` must be a
 * power of two. Deterministic; the same function serves training and inference.
 */
export function extractEmotionFeatures(text: string, bucketCount: number): EmotionFeatures {
  const mask = bucketCount - 1;
  const folded = foldKeepingSpaces(text.replace(URL_OR_MENTION, ' '));
  const out: number[] = [];
  let p1 = -1;
  let p2 = -1;
  let hanCount = 0;
  let wordCount = 0;
  let prevWord: string | null = null;
  let negationLeft = 0;
  let i = 0;
  const n = folded.length;
  while (i < n) {
    const c = folded.charCodeAt(i);
    if (c === 0x20) {
      i++;
      continue;
    }
    if (isHan(c)) {
      hanCount++;
      out.push(mix(SEED_CHAR1, c) & mask);
      if (p1 >= 0) out.push(mix(mix(SEED_CHAR2, p1), c) & mask);
      if (p2 >= 0) out.push(mix(mix(mix(SEED_CHAR3, p2), p1), c) & mask);
      p2 = p1;
      p1 = c;
      prevWord = null;
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n && folded.charCodeAt(j) !== 0x20 && !isHan(folded.charCodeAt(j))) j++;
    const word = folded.slice(i, j);
    i = j;
    p1 = -1;
    p2 = -1;
    // Numbers (amounts, order and card numbers) say nothing about emotion and skew short texts.
    if (/^\d+$/u.test(word)) continue;
    wordCount++;
    if (NEGATORS.has(word)) {
      out.push(hashWord(SEED_WORD1, word) & mask);
      negationLeft = NEGATION_SCOPE;
    } else if (negationLeft > 0) {
      out.push(hashWord(SEED_NEG, word) & mask);
      negationLeft--;
    } else {
      out.push(hashWord(SEED_WORD1, word) & mask);
    }
    if (prevWord !== null) out.push(hashWord(mix(hashWord(SEED_WORD2, prevWord), 0x20), word) & mask);
    prevWord = word;
  }
  return { buckets: Uint32Array.from(out), language: hanCount >= wordCount ? (hanCount === 0 ? 'en' : 'zh') : 'en' };
}
