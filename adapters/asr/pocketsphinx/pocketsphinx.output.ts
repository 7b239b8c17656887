import type { UnlabelledSegment } from '../../../core/transcription/timeline';
import { joinWords, roundConfidence } from '../../../core/transcription/timeline';

/** One recognised word with its times in seconds and posterior probability. */
interface SphinxWord {
  readonly text: string;
  readonly startS: number;
  readonly endS: number;
  readonly probability: number;
}

/** Markers and fillers the decoder emits that are not words: <s>, </s>, <sil>, [NOISE], ++BREATH++, [SPEECH]. */
function isFiller(token: string): boolean {
  return /^<\/?s>$|^<sil>$|^\[.*\]$|^\+\+.*\+\+$|^\+.*\+$/.test(token);
}

/** Drops the alternate-pronunciation suffix: "the(2)" is "the". */
function wordOf(token: string): string {
  return token.replace(/\(\d+\)$/, '');
}

function toSegment(words: readonly SphinxWord[]): UnlabelledSegment | null {
  const spoken = words.filter((w) => !isFiller(w.text));
  const first = spoken[0];
  const last = spoken.at(-1);
  if (!first || !last) return null;
  const text = spoken.reduce((acc, w) => joinWords(acc, wordOf(w.text)), '');
  const confidence = roundConfidence(spoken.reduce((sum, w) => sum + w.probability, 0) / spoken.length);
  return { startS: first.startS, endS: Math.max(first.startS, last.endS), text, confidence };
}

const WORD_LINE = /^(\S+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)$/i;

/**
 * Parses `pocketsphinx_continuous -time yes` output (pocketsphinx 0.8 / 5prealpha, as in Debian 12):
 * per utterance, a hypothesis line then one "word start end probability" line per word, from <s> to </s>.
 * Returns one segment per utterance, fillers removed; hypothesis lines are ignored.
 */
export function parseContinuousOutput(stdout: string): UnlabelledSegment[] {
  const segments: UnlabelledSegment[] = [];
  let words: SphinxWord[] = [];
  const flush = () => {
    const segment = toSegment(words);
    if (segment) segments.push(segment);
    words = [];
  };
  for (const line of stdout.split(/\r?\n/)) {
    const match = WORD_LINE.exec(line.trim());
    if (!match) continue;
    const [, token = '', start = '0', end = '0', probability = '0'] = match;
    if (token === '<s>') flush();
    words.push({ text: token, startS: Number(start), endS: Number(end), probability: Number(probability) });
    if (token === '</s>') flush();
  }
  flush();
  return segments;
}

interface JsonWord {
  b: number;
  d: number;
  p?: number;
  t: string;
}

/**
 * Parses `pocketsphinx single FILE` / `pocketsphinx live` output (pocketsphinx >= 5): one JSON object per
 * utterance, {"b": start, "d": duration, "p": probability, "t": text, "w": [{"b", "d", "p", "t"}]}.
 * Uses word times when present and the utterance's otherwise. Lines that are not JSON objects are skipped.
 */
export function parseJsonLinesOutput(stdout: string): UnlabelledSegment[] {
  const segments: UnlabelledSegment[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('{')) continue;
    let utterance: { b?: unknown; d?: unknown; p?: unknown; t?: unknown; w?: unknown };
    try {
      utterance = JSON.parse(trimmed) as typeof utterance;
    } catch {
      continue;
    }
    const words = Array.isArray(utterance.w) ? (utterance.w as unknown[]).filter(isJsonWord) : [];
    if (words.length > 0) {
      const segment = toSegment(words.map((w) => ({ text: w.t, startS: w.b, endS: w.b + w.d, probability: w.p ?? 1 })));
      if (segment) segments.push(segment);
      continue;
    }
    if (typeof utterance.t === 'string' && typeof utterance.b === 'number' && typeof utterance.d === 'number') {
      const text = utterance.t.split(/\s+/).filter((t) => t && !isFiller(t)).map(wordOf).join(' ');
      if (text) segments.push({ startS: utterance.b, endS: utterance.b + utterance.d, text, ...(typeof utterance.p === 'number' ? { confidence: roundConfidence(utterance.p) } : {}) });
    }
  }
  return segments;
}

function isJsonWord(value: unknown): value is JsonWord {
  const w = value as JsonWord;
  return typeof w === 'object' && w !== null && typeof w.t === 'string' && typeof w.b === 'number' && typeof w.d === 'number';
}
