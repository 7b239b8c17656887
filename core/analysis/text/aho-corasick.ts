import { IntHashMap } from './int-hash-map';

/**
 * Aho-Corasick automaton over UTF-16 code units, built once from any number of patterns and then
 * searched in time linear in the text plus the number of matches. Patterns are taken as given
 * (normalise them first); empty patterns are ignored; equal patterns share one node and all
 * their indices are reported.
 */
export class AhoCorasick {
  /** Symbol id per code unit (0 = the code unit occurs in no pattern). */
  private readonly symbolOf: Uint16Array | Uint32Array;
  private readonly symbolCount: number;
  private readonly goto: IntHashMap;
  private readonly fail: Int32Array;
  /** Nearest state on the failure chain (itself included) that ends a pattern, or -1. */
  private readonly outputLink: Int32Array;
  private readonly outputs: ReadonlyArray<readonly number[] | undefined>;
  private readonly rootNext: Int32Array;
  readonly patternCount: number;

  private constructor(parts: {
    symbolOf: Uint16Array | Uint32Array;
    symbolCount: number;
    goto: IntHashMap;
    fail: Int32Array;
    outputLink: Int32Array;
    outputs: ReadonlyArray<readonly number[] | undefined>;
    rootNext: Int32Array;
    patternCount: number;
  }) {
    this.symbolOf = parts.symbolOf;
    this.symbolCount = parts.symbolCount;
    this.goto = parts.goto;
    this.fail = parts.fail;
    this.outputLink = parts.outputLink;
    this.outputs = parts.outputs;
    this.rootNext = parts.rootNext;
    this.patternCount = parts.patternCount;
  }

  /** Builds the automaton; O(total pattern length). */
  static build(patterns: readonly string[]): AhoCorasick {
    const symbolIds = new Map<number, number>();
    for (const p of patterns) {
      for (let i = 0; i < p.length; i++) {
        const c = p.charCodeAt(i);
        if (!symbolIds.has(c)) symbolIds.set(c, symbolIds.size + 1);
      }
    }
    const symbolCount = symbolIds.size + 1;
    const symbolOf = symbolCount < 0xffff ? new Uint16Array(0x10000) : new Uint32Array(0x10000);
    for (const [c, id] of symbolIds) symbolOf[c] = id;

    const goto = new IntHashMap(1024);
    const edges: number[][] = [[]];
    const outputsBuild: Array<number[] | undefined> = [undefined];
    let stateCount = 1;
    patterns.forEach((p, index) => {
      if (p.length === 0) return;
      let s = 0;
      for (let i = 0; i < p.length; i++) {
        const sym = symbolOf[p.charCodeAt(i)] as number;
        let next = goto.get(s, sym);
        if (next < 0) {
          next = stateCount++;
          goto.set(s, next, sym);
          (edges[s] as number[]).push(sym, next);
          edges.push([]);
          outputsBuild.push(undefined);
        }
        s = next;
      }
      (outputsBuild[s] ??= []).push(index);
    });

    const fail = new Int32Array(stateCount);
    const outputLink = new Int32Array(stateCount).fill(-1);
    const rootNext = new Int32Array(symbolCount);
    const queue: number[] = [];
    const rootEdges = edges[0] as number[];
    for (let i = 0; i < rootEdges.length; i += 2) {
      const child = rootEdges[i + 1] as number;
      rootNext[rootEdges[i] as number] = child;
      fail[child] = 0;
      queue.push(child);
    }
    for (let q = 0; q < queue.length; q++) {
      const s = queue[q] as number;
      outputLink[s] = outputsBuild[s] ? s : outputLink[fail[s] as number] as number;
      const list = edges[s] as number[];
      for (let i = 0; i < list.length; i += 2) {
        const sym = list[i] as number;
        const child = list[i + 1] as number;
        let f = fail[s] as number;
        let target = -1;
        for (;;) {
          target = f === 0 ? (rootNext[sym] as number) : goto.get(f, sym);
          if (target > 0 || f === 0) break;
          f = fail[f] as number;
        }
        fail[child] = target > 0 && target !== child ? target : 0;
        queue.push(child);
      }
    }
    return new AhoCorasick({
      symbolOf,
      symbolCount,
      goto,
      fail,
      outputLink,
      outputs: outputsBuild,
      rootNext,
      patternCount: patterns.length,
    });
  }

  /**
   * Calls `onMatch(patternIndex, end)` for every occurrence, where the match is
   * `text.slice(end - patterns[patternIndex].length, end)`; in order of `end`.
   */
  search(text: string, onMatch: (patternIndex: number, end: number) => void): void {
    const { symbolOf, goto, fail, outputLink, outputs, rootNext } = this;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const sym = symbolOf[text.charCodeAt(i)] as number;
      if (sym === 0) {
        s = 0;
        continue;
      }
      for (;;) {
        if (s === 0) {
          s = rootNext[sym] as number;
          break;
        }
        const next = goto.get(s, sym);
        if (next > 0) {
          s = next;
          break;
        }
        s = fail[s] as number;
      }
      let o = outputLink[s] as number;
      while (o > 0) {
        const list = outputs[o] as readonly number[];
        for (let k = 0; k < list.length; k++) onMatch(list[k] as number, i + 1);
        o = outputLink[fail[o] as number] as number;
      }
    }
  }
}
