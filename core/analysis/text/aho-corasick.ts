/**
 * Aho-Corasick automaton over UTF-16 code units, built once from any number of patterns and then
 * searched in time linear in the text plus the number of matches. Patterns are taken as given
 * (normalise them first); empty patterns are ignored; equal patterns share one node and all
 * their indices are reported. Transitions are stored compactly (sorted edge lists per state in
 * typed arrays, a dense row for the root), so a search allocates nothing.
 */
export class AhoCorasick {
  /** Symbol id per code unit (0 = the code unit occurs in no pattern). */
  private readonly symbolOf: Int32Array;
  private readonly edgeStart: Int32Array;
  private readonly edgeSymbol: Int32Array;
  private readonly edgeTarget: Int32Array;
  private readonly fail: Int32Array;
  /** Nearest state on the failure chain (itself included) that ends a pattern, or -1. */
  private readonly outputLink: Int32Array;
  /** Pattern indices ending at state s: outputIndex[outputStart[s] .. outputStart[s + 1]). */
  private readonly outputStart: Int32Array;
  private readonly outputIndex: Int32Array;
  private readonly rootNext: Int32Array;
  readonly patternCount: number;

  private constructor(parts: {
    symbolOf: Int32Array;
    edgeStart: Int32Array;
    edgeSymbol: Int32Array;
    edgeTarget: Int32Array;
    fail: Int32Array;
    outputLink: Int32Array;
    outputStart: Int32Array;
    outputIndex: Int32Array;
    rootNext: Int32Array;
    patternCount: number;
  }) {
    this.symbolOf = parts.symbolOf;
    this.edgeStart = parts.edgeStart;
    this.edgeSymbol = parts.edgeSymbol;
    this.edgeTarget = parts.edgeTarget;
    this.fail = parts.fail;
    this.outputLink = parts.outputLink;
    this.outputStart = parts.outputStart;
    this.outputIndex = parts.outputIndex;
    this.rootNext = parts.rootNext;
    this.patternCount = parts.patternCount;
  }

  /** Builds the automaton; O(total pattern length · log). */
  static build(patterns: readonly string[]): AhoCorasick {
    const symbolOf = new Int32Array(0x10000);
    let symbolCount = 1;
    for (const p of patterns) {
      for (let i = 0; i < p.length; i++) {
        const c = p.charCodeAt(i);
        if (symbolOf[c] === 0) symbolOf[c] = symbolCount++;
      }
    }
    const children: Array<Map<number, number>> = [new Map()];
    const outputsBuild: number[][] = [[]];
    patterns.forEach((p, index) => {
      if (p.length === 0) return;
      let s = 0;
      for (let i = 0; i < p.length; i++) {
        const sym = symbolOf[p.charCodeAt(i)] as number;
        const map = children[s] as Map<number, number>;
        let next = map.get(sym);
        if (next === undefined) {
          next = children.length;
          map.set(sym, next);
          children.push(new Map());
          outputsBuild.push([]);
        }
        s = next;
      }
      (outputsBuild[s] as number[]).push(index);
    });
    const stateCount = children.length;

    const edgeStart = new Int32Array(stateCount + 1);
    let edgeCount = 0;
    for (let s = 0; s < stateCount; s++) {
      edgeStart[s] = edgeCount;
      edgeCount += (children[s] as Map<number, number>).size;
    }
    edgeStart[stateCount] = edgeCount;
    const edgeSymbol = new Int32Array(edgeCount);
    const edgeTarget = new Int32Array(edgeCount);
    for (let s = 0; s < stateCount; s++) {
      const sorted = [...(children[s] as Map<number, number>)].sort((a, b) => a[0] - b[0]);
      let at = edgeStart[s] as number;
      for (const [sym, to] of sorted) {
        edgeSymbol[at] = sym;
        edgeTarget[at] = to;
        at++;
      }
    }
    const rootNext = new Int32Array(symbolCount);
    for (const [sym, to] of children[0] as Map<number, number>) rootNext[sym] = to;

    const outputStart = new Int32Array(stateCount + 1);
    let outputCount = 0;
    for (let s = 0; s < stateCount; s++) {
      outputStart[s] = outputCount;
      outputCount += (outputsBuild[s] as number[]).length;
    }
    outputStart[stateCount] = outputCount;
    const outputIndex = new Int32Array(outputCount);
    for (let s = 0; s < stateCount; s++) outputIndex.set(outputsBuild[s] as number[], outputStart[s] as number);

    const fail = new Int32Array(stateCount);
    const outputLink = new Int32Array(stateCount).fill(-1);
    const queue: number[] = [];
    for (const child of (children[0] as Map<number, number>).values()) queue.push(child);
    const step = (state: number, sym: number): number => {
      for (let f = state; ; f = fail[f] as number) {
        if (f === 0) return rootNext[sym] as number;
        const next = (children[f] as Map<number, number>).get(sym);
        if (next !== undefined) return next;
      }
    };
    for (let q = 0; q < queue.length; q++) {
      const s = queue[q] as number;
      outputLink[s] = (outputsBuild[s] as number[]).length > 0 ? s : (outputLink[fail[s] as number] as number);
      for (const [sym, child] of children[s] as Map<number, number>) {
        const target = step(fail[s] as number, sym);
        fail[child] = target === child ? 0 : target;
        queue.push(child);
      }
    }
    return new AhoCorasick({
      symbolOf,
      edgeStart,
      edgeSymbol,
      edgeTarget,
      fail,
      outputLink,
      outputStart,
      outputIndex,
      rootNext,
      patternCount: patterns.length,
    });
  }

  /**
   * Calls `onMatch(patternIndex, end)` for every occurrence in `codes[from .. to)`, where the match
   * ends before index `end` (of `codes`) and has the length of its pattern; in order of `end`.
   */
  searchCodes(codes: Uint16Array, from: number, to: number, onMatch: (patternIndex: number, end: number) => void): void {
    const { symbolOf, edgeStart, edgeSymbol, edgeTarget, fail, outputLink, outputStart, outputIndex, rootNext } = this;
    let s = 0;
    for (let i = from; i < to; i++) {
      const sym = symbolOf[codes[i] as number] as number;
      if (sym === 0) {
        s = 0;
        continue;
      }
      for (;;) {
        if (s === 0) {
          s = rootNext[sym] as number;
          break;
        }
        let next = 0;
        const end = edgeStart[s + 1] as number;
        for (let e = edgeStart[s] as number; e < end; e++) {
          const es = edgeSymbol[e] as number;
          if (es >= sym) {
            if (es === sym) next = edgeTarget[e] as number;
            break;
          }
        }
        if (next > 0) {
          s = next;
          break;
        }
        s = fail[s] as number;
      }
      let o = outputLink[s] as number;
      while (o > 0) {
        const last = outputStart[o + 1] as number;
        for (let k = outputStart[o] as number; k < last; k++) onMatch(outputIndex[k] as number, i + 1);
        o = outputLink[fail[o] as number] as number;
      }
    }
  }

  /** Like {@link searchCodes} over a string; `end` indexes `text`. */
  search(text: string, onMatch: (patternIndex: number, end: number) => void): void {
    const codes = new Uint16Array(text.length);
    for (let i = 0; i < text.length; i++) codes[i] = text.charCodeAt(i);
    this.searchCodes(codes, 0, codes.length, onMatch);
  }
}
