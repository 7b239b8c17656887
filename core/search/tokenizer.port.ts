/**
 * One searchable token of a text. `term` is the normalised form that is indexed and queried (NFKC, lower case,
 * simplified Chinese; English words stemmed); `start`/`end` are UTF-16 offsets of the token in the ORIGINAL
 * text, so that a match can be highlighted there.
 */
export interface TextToken {
  readonly term: string;
  /** `han`: a word of a run of Chinese characters; `word`: any other run of letters or digits. */
  readonly script: 'han' | 'word';
  /** Tokens of the same unbroken run of Chinese characters share a run number (the source of bigrams). */
  readonly run: number;
  readonly start: number;
  readonly end: number;
}

/**
 * Splits text into searchable tokens, in order. Punctuation and spaces never become tokens. The same
 * tokenizer must be used to build the index and to parse queries, or terms will not meet.
 */
export interface Tokenizer {
  tokenize(text: string): readonly TextToken[];
}
