import { FOLD_BREAK, FOLD_JOIN, FOLD_MULTI, foldedString, foldUnit } from '../text/normalize';
import { VADER_WORD_VALENCE } from './emotion.lexicon';

/** Language whose model scores a text: decided by which script dominates it. */
export type EmotionLanguage = 'zh' | 'en';

/** Hashed sparse features of one text: bucket indices (duplicates allowed) and the dominant language. */
export interface EmotionFeatures {
  readonly buckets: Uint32Array;
  readonly language: EmotionLanguage;
}

const SEED_HAN1 = 0x811c9dc5;
const SEED_HAN2 = 0x01234567;
const SEED_HAN3 = 0x2545f491;
const SEED_WORD = 0x6a09e667;
const SEED_BIGRAM = 0x3c6ef372;
const SEED_NEG = 0x510e527f;
const SEED_CHAR = 0x9b05688c;
const SEED_CUE = 0x1f83d9ab;
const SEED_EMOJI = 0x5be0cd19;
const SEED_LEX = 0x428a2f98;

/** Words after a negator that are marked negated ("not good" -> NOT_good), unless punctuation ends the clause first. */
const NEGATION_SCOPE = 3;
/** Words longer than this are truncated for hashing (they are URLs or noise). */
const MAX_WORD = 48;

function mix(h: number, c: number): number {
  return Math.imul(h ^ c, 0x01000193) >>> 0;
}

function hashString(seed: number, word: string): number {
  let h = seed;
  for (let i = 0; i < word.length; i++) h = mix(h, word.charCodeAt(i));
  return h;
}

const NEGATORS = new Set(
  [
    'not', 'no', 'never', 'dont', 'doesnt', 'didnt', 'isnt', 'wasnt', 'arent', 'werent', 'cant', 'cannot',
    'couldnt', 'wont', 'wouldnt', 'shouldnt', 'havent', 'hasnt', 'hadnt', 'nothing', 'nobody', 'nor',
    'neither', 'without', 'aint', 'hardly',
  ].map((w) => hashString(SEED_WORD, w)),
);

/**
 * English valence prior (VADER lexicon, see emotion.lexicon.ts and MODEL.md), keyed by the same
 * word hash as the word features, so a lookup costs one Map.get per word. Words are stored as
 * letters are folded here: lower case, a letter repeated 3+ times kept twice.
 */
const VALENCE = new Map<number, number>();
for (const entry of VADER_WORD_VALENCE.split(' ')) {
  const m = /^([a-z]+)(-?\d+)$/u.exec(entry);
  if (m) VALENCE.set(hashString(SEED_WORD, (m[1] as string).replace(/(.)\1\1+/gu, '$1$1')), Number(m[2]) / 10);
}

/** VADER's intensity scalars (Hutto & Gilbert 2014): degree adverbs, ALL-CAPS emphasis, negation. */
const BOOST_UP = 0.293;
const BOOST_CAPS = 0.733;
const NEGATED_SCALE = -0.74;
const BOOSTERS = new Map<number, number>([
  ...[
    'absolutely', 'amazingly', 'awfully', 'completely', 'considerably', 'decidedly', 'deeply', 'effing', 'enormously',
    'entirely', 'especially', 'exceptionally', 'extremely', 'fabulously', 'flipping', 'flippin', 'fricking', 'frickin',
    'frigging', 'friggin', 'fully', 'fucking', 'greatly', 'hella', 'highly', 'hugely', 'incredibly', 'intensely',
    'majorly', 'more', 'most', 'particularly', 'purely', 'quite', 'really', 'remarkably', 'so', 'substantially',
    'thoroughly', 'totally', 'tremendously', 'uber', 'unbelievably', 'unusually', 'utterly', 'very',
  ].map((w): [number, number] => [hashString(SEED_WORD, w), BOOST_UP]),
  ...[
    'almost', 'barely', 'hardly', 'kinda', 'kindof', 'less', 'little', 'marginally', 'occasionally', 'partly',
    'scarcely', 'slightly', 'somewhat', 'sorta', 'sortof',
  ].map((w): [number, number] => [hashString(SEED_WORD, w), -BOOST_UP]),
]);
/** "but" halves the valence before it and weighs what follows by 1.5 (VADER's contrast rule). */
const WORD_BUT = hashString(SEED_WORD, 'but');

/** Cue features: clause-level signals that are not words. */
const CUE_EXCLAIM = hashString(SEED_CUE, '!');
const CUE_EXCLAIM_MANY = hashString(SEED_CUE, '!!');
const CUE_QUESTION = hashString(SEED_CUE, '?');
const CUE_ELONGATED = hashString(SEED_CUE, 'elongated');
const CUE_SHOUTING = hashString(SEED_CUE, 'caps');
const CUE_URL = hashString(SEED_CUE, 'url');
const CUE_SMILE = hashString(SEED_CUE, ':)');
const CUE_FROWN = hashString(SEED_CUE, ':(');

const SMILES = [':-)', ':)', ':-D', ':D', ';-)', ';)', '=)', ':]', '<3', ':P', ':p', '=D'];
const FROWNS = [":'(", ':-(', ':(', ':-/', ':/', '>:(', '=(', ':[', '</3', ':|'];

function isHan(code: number): boolean {
  return (code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf) || (code >= 0xf900 && code <= 0xfaff);
}

function isAsciiWordChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0xa0 || c === 0x3000;
}

/** Punctuation that ends a clause: negation scope and Chinese n-grams stop here. */
function isClauseEnd(c: number): boolean {
  return (
    c === 0x2c || c === 0x2e || c === 0x21 || c === 0x3f || c === 0x3b || c === 0x3a ||
    c === 0xff0c || c === 0x3002 || c === 0xff01 || c === 0xff1f || c === 0xff1b || c === 0xff1a || c === 0x3001
  );
}

function isPictograph(cp: number): boolean {
  return (cp >= 0x1f000 && cp <= 0x1faff) || (cp >= 0x2600 && cp <= 0x27bf) || (cp >= 0x2b00 && cp <= 0x2bff);
}

/**
 * Writes hashed features of one text into a reusable buffer. One pass over the original text with
 * the shared fold table (the same folding as matching: NFKC, traditional -> simplified, lower
 * case); it also reads what matching drops: punctuation, emoticons, emoji, capitals, apostrophes.
 */
class FeatureWriter {
  out = new Uint32Array(256);
  length = 0;
  private readonly word = new Uint16Array(MAX_WORD);
  private wordLen = 0;
  private wordDigitsOnly = true;
  private wordUpper = 0;
  private wordLetters = 0;
  private elongated = false;
  private prevWord = -1;
  private negationLeft = 0;
  private han1 = -1;
  private han2 = -1;
  hanCount = 0;
  wordCount = 0;
  private exclaims = 0;
  private questions = 0;
  private anyElongated = false;
  private shouting = 0;
  private valencePos = 0;
  private valenceNeg = 0;
  private afterBut = false;
  private boost = 0;

  reset(): void {
    this.length = 0;
    this.wordLen = 0;
    this.resetWord();
    this.prevWord = -1;
    this.negationLeft = 0;
    this.han1 = -1;
    this.han2 = -1;
    this.hanCount = 0;
    this.wordCount = 0;
    this.exclaims = 0;
    this.questions = 0;
    this.anyElongated = false;
    this.shouting = 0;
    this.valencePos = 0;
    this.valenceNeg = 0;
    this.afterBut = false;
    this.boost = 0;
  }

  private resetWord(): void {
    this.wordLen = 0;
    this.wordDigitsOnly = true;
    this.wordUpper = 0;
    this.wordLetters = 0;
    this.elongated = false;
  }

  emit(h: number): void {
    if (this.length === this.out.length) {
      const bigger = new Uint32Array(this.out.length * 2);
      bigger.set(this.out);
      this.out = bigger;
    }
    this.out[this.length++] = h >>> 0;
  }

  han(f: number): void {
    this.endWord();
    this.hanCount++;
    this.emit(mix(SEED_HAN1, f));
    if (this.han1 >= 0) this.emit(mix(mix(SEED_HAN2, this.han1), f));
    if (this.han2 >= 0) this.emit(mix(mix(mix(SEED_HAN3, this.han2), this.han1), f));
    this.han2 = this.han1;
    this.han1 = f;
  }

  /** A folded letter or digit of a non-Han word; `upper` when the original was an ASCII capital. */
  letter(f: number, upper: boolean): void {
    this.han1 = -1;
    this.han2 = -1;
    const w = this.word;
    const n = this.wordLen;
    // "soooo" -> "soo": elongation is a cue of its own and should not split the vocabulary.
    if (n >= 2 && w[n - 1] === f && w[n - 2] === f) {
      this.elongated = true;
      return;
    }
    if (n < MAX_WORD) w[this.wordLen++] = f;
    if (!(f >= 0x30 && f <= 0x39)) this.wordDigitsOnly = false;
    if (f >= 0x61 && f <= 0x7a) {
      this.wordLetters++;
      if (upper) this.wordUpper++;
    }
  }

  endWord(): void {
    const n = this.wordLen;
    if (n === 0) return;
    // Numbers (amounts, order and card numbers) say nothing about emotion and skew short texts.
    if (this.wordDigitsOnly) {
      this.resetWord();
      return;
    }
    this.wordCount++;
    const w = this.word;
    let h = SEED_WORD;
    for (let i = 0; i < n; i++) h = mix(h, w[i] as number);
    const negator = NEGATORS.has(h);
    const negated = !negator && this.negationLeft > 0;
    if (negator) {
      this.emit(h);
      this.negationLeft = NEGATION_SCOPE;
    } else if (negated) {
      let hn = SEED_NEG;
      for (let i = 0; i < n; i++) hn = mix(hn, w[i] as number);
      this.emit(hn);
      this.negationLeft--;
    } else this.emit(h);
    const shouted = this.wordLetters >= 3 && this.wordUpper === this.wordLetters;
    if (!negator) this.valence(h, negated, shouted);
    if (this.prevWord >= 0) this.emit(mix(mix(SEED_BIGRAM, this.prevWord), h));
    this.prevWord = h;
    // Character 3- to 5-grams of "^word$": spelling variants and unseen inflections share them.
    const padded = n + 2;
    for (let start = 0; start + 3 <= padded; start++) {
      let g = SEED_CHAR;
      for (let k = start; k < start + 5 && k < padded; k++) {
        g = mix(g, k === 0 ? 0x5e : k === padded - 1 ? 0x24 : (w[k - 1] as number));
        if (k - start >= 2) this.emit(mix(g, k - start));
      }
    }
    if (this.elongated) this.anyElongated = true;
    if (shouted) this.shouting++;
    this.resetWord();
  }

  /**
   * Lexicon prior of one word, VADER-style: a degree adverb before it scales it, ALL CAPS
   * emphasises it, negation scope flips and damps it. Emits the signed strength (weak / medium /
   * strong) as a feature, so words never seen in training still carry their polarity.
   */
  private valence(h: number, negated: boolean, shouted: boolean): void {
    const booster = BOOSTERS.get(h);
    const lexical = booster === undefined ? VALENCE.get(h) : undefined;
    if (lexical !== undefined) {
      let v = lexical;
      const sign = v > 0 ? 1 : v < 0 ? -1 : 0;
      v += sign * this.boost;
      if (shouted) v += sign * BOOST_CAPS;
      if (negated) v *= NEGATED_SCALE;
      const a = Math.abs(v);
      this.emit(mix(SEED_LEX, (v > 0 ? 0x10 : 0x20) + (a < 1.25 ? 1 : a < 2.25 ? 2 : 3)));
      if (this.afterBut) v *= 1.5;
      if (v > 0) this.valencePos += v;
      else this.valenceNeg -= v;
    } else if (h === WORD_BUT) {
      this.valencePos *= 0.5;
      this.valenceNeg *= 0.5;
      this.afterBut = true;
    }
    this.boost = booster ?? 0;
  }

  /** A dropped character: ends the word; clause punctuation also ends negation and Chinese n-grams. */
  separator(c: number): void {
    this.endWord();
    if (isClauseEnd(c)) {
      this.negationLeft = 0;
      this.boost = 0;
      this.han1 = -1;
      this.han2 = -1;
      if (c === 0x21 || c === 0xff01) this.exclaims++;
      else if (c === 0x3f || c === 0xff1f) this.questions++;
    }
  }

  finish(): void {
    this.endWord();
    if (this.exclaims > 0) this.emit(CUE_EXCLAIM);
    if (this.exclaims > 1) this.emit(CUE_EXCLAIM_MANY);
    if (this.questions > 0) this.emit(CUE_QUESTION);
    if (this.anyElongated) this.emit(CUE_ELONGATED);
    if (this.shouting > 0) this.emit(CUE_SHOUTING);
    if (this.wordCount > 0) {
      // Text-level summary of the lexicon prior: VADER's normalised compound score in 9 steps and
      // the positive and negative sums in 5 steps each (0 included: "no sentiment words" is a cue).
      const sum = this.valencePos - this.valenceNeg;
      const compound = sum / Math.sqrt(sum * sum + 15);
      this.emit(mix(SEED_LEX, 0x100 + Math.round(compound * 4) + 4));
      this.emit(mix(SEED_LEX, 0x200 + Math.min(4, Math.round(this.valencePos))));
      this.emit(mix(SEED_LEX, 0x300 + Math.min(4, Math.round(this.valenceNeg))));
    }
  }
}

const writer = new FeatureWriter();

function matchAny(text: string, at: number, list: readonly string[]): number {
  for (const p of list) if (text.startsWith(p, at)) return p.length;
  return 0;
}

/** `text` at `at` starts with lower-case ASCII `prefix`, ignoring case. */
function startsWithLower(text: string, at: number, prefix: string): boolean {
  if (at + prefix.length > text.length) return false;
  for (let k = 0; k < prefix.length; k++) {
    const c = text.charCodeAt(at + k);
    if ((c >= 0x41 && c <= 0x5a ? c + 32 : c) !== prefix.charCodeAt(k)) return false;
  }
  return true;
}

/** Length of a URL or @mention starting at `i`, or 0. */
function skippable(text: string, i: number, c: number): number {
  if (c === 0x40 || c === 0xff20) {
    if (i + 1 < text.length && isAsciiWordChar(text.charCodeAt(i + 1))) {
      let j = i + 1;
      while (j < text.length && isAsciiWordChar(text.charCodeAt(j))) j++;
      return j - i;
    }
    return 0;
  }
  if ((c === 0x68 || c === 0x48 || c === 0x77 || c === 0x57) && (i === 0 || !isAsciiWordChar(text.charCodeAt(i - 1)))) {
    if (startsWithLower(text, i, 'http://') || startsWithLower(text, i, 'https://') || startsWithLower(text, i, 'www.')) {
      let j = i;
      while (j < text.length && !isSpace(text.charCodeAt(j))) j++;
      return j - i;
    }
  }
  return 0;
}

/**
 * Hashes the features of `text` into the shared writer and returns the dominant language:
 * Chinese character 1-, 2- and 3-grams (spaces between Han characters ignored, since ASR output
 * spaces them at random; clause punctuation ends them); word 1- and 2-grams with negation scope
 * ("not good" -> NOT_good); character 3- to 5-grams within words; cues for "!", "!!", "?",
 * elongation ("soooo"), shouting (ALL CAPS), emoticons and emoji; English lexicon valence per
 * word and per text (VADER). URLs become one cue, @mentions and numbers are dropped. Deterministic; the same function serves training and inference.
 */
function writeFeatures(text: string): EmotionLanguage {
  const w = writer;
  w.reset();
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x40 || c === 0xff20 || c === 0x68 || c === 0x48 || c === 0x77 || c === 0x57) {
      const skip = skippable(text, i, c);
      if (skip > 0) {
        w.separator(0x20);
        if (c !== 0x40 && c !== 0xff20) w.emit(CUE_URL);
        i += skip - 1;
        continue;
      }
    }
    if (c === 0x3a || c === 0x3b || c === 0x3d || c === 0x3c || c === 0x3e) {
      const smile = matchAny(text, i, SMILES);
      const frown = smile > 0 ? 0 : matchAny(text, i, FROWNS);
      if (smile > 0 || frown > 0) {
        w.separator(0x20);
        w.emit(smile > 0 ? CUE_SMILE : CUE_FROWN);
        i += smile + frown - 1;
        continue;
      }
    }
    const f = foldUnit(c);
    if (f >= 0x30) {
      if (isHan(f)) w.han(f);
      else w.letter(f, c >= 0x41 && c <= 0x5a);
    } else if (f === FOLD_BREAK) {
      // Apostrophes join a word ("don't" -> dont); symbols and pictographs count as emoji.
      if (c === 0x27 || c === 0x2019) continue;
      if (isPictograph(c)) {
        w.endWord();
        w.emit(mix(SEED_EMOJI, c));
      } else w.separator(c);
    } else if (f === FOLD_MULTI) {
      const cp = text.codePointAt(i) ?? c;
      if (cp > 0xffff) i++;
      if (isPictograph(cp)) {
        w.endWord();
        w.emit(mix(SEED_EMOJI, cp));
        continue;
      }
      const folded = foldedString(cp);
      if (folded.length === 0) w.separator(0x20);
      for (let k = 0; k < folded.length; k++) {
        const fc = folded.charCodeAt(k);
        if (isHan(fc)) w.han(fc);
        else w.letter(fc, false);
      }
    } else if (f !== FOLD_JOIN) w.separator(c);
  }
  w.finish();
  return w.hanCount >= w.wordCount ? (w.hanCount === 0 ? 'en' : 'zh') : 'en';
}

/**
 * The 32-bit feature hashes of `text` (see writeFeatures) and its dominant language (Han
 * characters vs words). `hashes` is a view of a shared scratch buffer, valid until the next call:
 * scoring a segment allocates nothing per feature.
 */
export function hashEmotionFeatures(text: string): { readonly language: EmotionLanguage; readonly hashes: Uint32Array } {
  const language = writeFeatures(text);
  return { language, hashes: writer.out.subarray(0, writer.length) };
}

/**
 * Extracts hashed features of `text` into `bucketCount` buckets (a power of two): see
 * hashEmotionFeatures. Returns a fresh array; deterministic.
 */
export function extractEmotionFeatures(text: string, bucketCount: number): EmotionFeatures {
  const { language, hashes } = hashEmotionFeatures(text);
  const mask = bucketCount - 1;
  const buckets = new Uint32Array(hashes.length);
  for (let i = 0; i < hashes.length; i++) buckets[i] = ((hashes[i] as number) & mask) >>> 0;
  return { buckets, language };
}
