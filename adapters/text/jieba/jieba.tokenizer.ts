import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';
import { foldCodePoint } from '../../../core/analysis/text/normalize';
import { stemEnglish } from '../../../core/search/stem';
import type { TextToken, Tokenizer } from '../../../core/search/tokenizer.port';

/** Longest word kept; longer letter runs (hashes, garbage) are cut so that no token bloats the index. */
const MAX_WORD_CHARS = 64;

function isHan(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x20000 && cp <= 0x3134f)
  );
}

let shared: Jieba | undefined;

/** The jieba instance with its default dictionary, loaded once per process (~0.2-0.5 s). */
function sharedJieba(): Jieba {
  shared ??= Jieba.withDict(dict);
  return shared;
}

/**
 * Tokenizer for Chinese and English transcripts: text folded per character (NFKC, lower case, traditional ->
 * simplified, punctuation dropped: core/analysis/text/normalize), runs of Chinese characters cut into words by
 * jieba (HMM on), other letter/digit runs kept as words, English words Porter-stemmed. Offsets point into the
 * original text.
 */
export class JiebaTokenizer implements Tokenizer {
  private readonly jieba: Jieba;

  constructor(jieba: Jieba = sharedJieba()) {
    this.jieba = jieba;
  }

  tokenize(text: string): TextToken[] {
    const tokens: TextToken[] = [];
    let kind: 'han' | 'word' | null = null;
    let buffer = '';
    let starts: number[] = [];
    let ends: number[] = [];
    let run = 0;

    // Called at every separator: nothing to do between two of them. Fresh arrays rather than `length = 0`, which
    // V8 runs as a slow generic setter (a tenth of the hub's CPU on keyword search, docs/performance.md).
    const flush = () => {
      if (kind === null) return;
      if (kind === 'word') {
        const word = buffer.slice(0, MAX_WORD_CHARS);
        const term = /^[a-z]+$/.test(word) ? stemEnglish(word) : word;
        tokens.push({ term, script: 'word', run: -1, start: starts[0] as number, end: ends[Math.min(word.length, ends.length) - 1] as number });
      } else if (kind === 'han') {
        this.pushHan(buffer, starts, ends, run++, tokens);
      }
      kind = null;
      buffer = '';
      starts = [];
      ends = [];
    };

    let offset = 0;
    for (const ch of text) {
      const cp = ch.codePointAt(0) as number;
      const start = offset;
      offset += ch.length;
      const folded = foldCodePoint(cp);
      if (folded === '') {
        flush();
        continue;
      }
      for (const f of folded) {
        const next = isHan(f.codePointAt(0) as number) ? 'han' : 'word';
        if (next !== kind) flush();
        kind = next;
        buffer += f;
        for (let i = 0; i < f.length; i++) {
          starts.push(start);
          ends.push(offset);
        }
      }
    }
    flush();
    return tokens;
  }

  /** Cuts one Chinese run with jieba; falls back to single characters if jieba's pieces do not cover the run. */
  private pushHan(chars: string, starts: readonly number[], ends: readonly number[], run: number, out: TextToken[]): void {
    const pieces = this.jieba.cut(chars, true);
    if (pieces.join('') !== chars) {
      let i = 0;
      for (const ch of chars) {
        out.push({ term: ch, script: 'han', run, start: starts[i] as number, end: ends[i + ch.length - 1] as number });
        i += ch.length;
      }
      return;
    }
    let i = 0;
    for (const piece of pieces) {
      if (piece.length === 0) continue;
      out.push({ term: piece, script: 'han', run, start: starts[i] as number, end: ends[i + piece.length - 1] as number });
      i += piece.length;
    }
  }
}

/** A tokenizer sharing the process-wide jieba dictionary. */
export function createJiebaTokenizer(): Tokenizer {
  return new JiebaTokenizer();
}
