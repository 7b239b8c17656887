import type { Speaker, Transcript } from '../analysis/transcript.types';
import type { TextToken, Tokenizer } from './tokenizer.port';

/** The two token streams of one speaker: per segment, the word tokens and the Chinese character bigrams. */
export interface SpeakerStreams {
  /** Per segment (in transcript order): jieba words and stemmed English words. */
  readonly words: readonly (readonly string[])[];
  /** Per segment: the bigrams of every run of Chinese characters, each run closed by its last character. */
  readonly grams: readonly (readonly string[])[];
}

/**
 * What the index stores for one call: token streams per speaker. Stores join each segment's tokens with
 * spaces and keep segments apart, so that a phrase never matches across two utterances.
 */
export type SearchDocument = Readonly<Record<Speaker, SpeakerStreams>>;

/**
 * The bigram stream of one run of Chinese characters: c1c2, c2c3, ..., c(n-1)cn, then cn alone. Every
 * character is the first character of exactly one entry, so a k-character keyword (k >= 2) occurs in the run
 * exactly when its k-1 bigrams occur as a phrase, and a single character occurs when an entry starts with it.
 */
export function gramsOfRun(chars: string): string[] {
  const cps = Array.from(chars);
  const out: string[] = [];
  for (let i = 0; i + 1 < cps.length; i++) out.push(`${cps[i]}${cps[i + 1]}`);
  const last = cps.at(-1);
  if (last !== undefined) out.push(last);
  return out;
}

/** Groups tokens into their Chinese runs and returns the joined characters of each run, in order. */
export function hanRuns(tokens: readonly TextToken[]): { run: number; chars: string; tokens: TextToken[] }[] {
  const runs: { run: number; chars: string; tokens: TextToken[] }[] = [];
  for (const token of tokens) {
    if (token.script !== 'han') continue;
    const current = runs.at(-1);
    if (current && current.run === token.run) {
      current.chars += token.term;
      current.tokens.push(token);
    } else {
      runs.push({ run: token.run, chars: token.term, tokens: [token] });
    }
  }
  return runs;
}

/** Token streams of one text: its words and its bigrams. */
export function streamsOfText(tokens: readonly TextToken[]): { words: string[]; grams: string[] } {
  const words = tokens.map((t) => t.term);
  const grams: string[] = [];
  for (const run of hanRuns(tokens)) grams.push(...gramsOfRun(run.chars));
  return { words, grams };
}

/** Builds the search document of a transcript. Pure given the tokenizer; the same transcript gives the same document. */
export function buildSearchDocument(transcript: Transcript, tokenizer: Tokenizer): SearchDocument {
  const agent = { words: [] as string[][], grams: [] as string[][] };
  const customer = { words: [] as string[][], grams: [] as string[][] };
  for (const segment of transcript.segments) {
    const streams = streamsOfText(tokenizer.tokenize(segment.text));
    const target = segment.speaker === 'agent' ? agent : customer;
    target.words.push(streams.words);
    target.grams.push(streams.grams);
  }
  return { agent, customer };
}
