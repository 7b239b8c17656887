import { AhoCorasick } from '../text/aho-corasick';
import { IntHashMap } from '../text/int-hash-map';
import { normalizeTerm } from '../text/normalize';
import type { PreparedTranscript } from '../text/segment-text';
import type { Segment } from '../transcript.types';
import { DEFAULT_SCRIPT_THRESHOLD, type ScriptDefinition } from './script.presets';

/** Outcome for one script: `segment` is where it was found (or null), `score` the best overlap in 0..1. */
export interface ScriptResult {
  readonly id: string;
  readonly label: string;
  readonly required: boolean;
  readonly found: boolean;
  readonly segment: number | null;
  readonly score: number;
}

interface CompiledVariant {
  readonly script: number;
  readonly bigramCount: number;
  readonly windowChars: number;
}

/** Scripts compiled into a bigram index; immutable, shared across analyses. */
export interface CompiledScripts {
  readonly scripts: readonly ScriptDefinition[];
  readonly required: readonly boolean[];
  readonly thresholds: readonly number[];
  readonly variants: readonly CompiledVariant[];
  readonly bigramIds: IntHashMap;
  /** postings[bigramId] = flat pairs [variantIndex, localBigramIndex, ...]. */
  readonly postings: readonly Int32Array[];
  readonly anchors: AhoCorasick;
  /** Script index of each anchor pattern. */
  readonly anchorScript: readonly number[];
  /** 1 for scripts without anchors (always scored). */
  readonly alwaysScored: Uint8Array;
  /** 1 for code units that start some variant bigram: others skip the bigram lookup. */
  readonly bigramFirst: Uint8Array;
}

/** Window slack: a paraphrase may insert a few characters ("将进行录音" for "将录音"). */
const WINDOW_FACTOR = 1.4;

/**
 * Compiles script definitions. `requiredIds` marks which are required; unknown ids there are an
 * error for the caller to report (see buildAnalysisConfig).
 */
export function compileScripts(scripts: readonly ScriptDefinition[], requiredIds: ReadonlySet<string>): CompiledScripts {
  const bigramIds = new IntHashMap(256);
  const postingsBuild: number[][] = [];
  const variants: CompiledVariant[] = [];
  const bigramFirst = new Uint8Array(0x10000);
  scripts.forEach((script, scriptIndex) => {
    for (const raw of script.variants) {
      const text = normalizeTerm(raw);
      if (text.length < 2) continue;
      const local = new Map<number, number>();
      const variantIndex = variants.length;
      for (let i = 0; i + 1 < text.length; i++) {
        const a = text.charCodeAt(i);
        const b = text.charCodeAt(i + 1);
        bigramFirst[a] = 1;
        let id = bigramIds.get(a, b);
        if (id < 0) {
          id = postingsBuild.length;
          bigramIds.set(a, id, b);
          postingsBuild.push([]);
        }
        if (local.has(id)) continue;
        local.set(id, local.size);
        (postingsBuild[id] as number[]).push(variantIndex, local.size - 1);
      }
      variants.push({ script: scriptIndex, bigramCount: local.size, windowChars: Math.ceil(text.length * WINDOW_FACTOR) });
    }
  });
  const anchorPatterns: string[] = [];
  const anchorScript: number[] = [];
  const alwaysScored = new Uint8Array(scripts.length);
  scripts.forEach((script, index) => {
    const anchors = (script.anchors ?? []).map(normalizeTerm).filter((a) => a.length > 0);
    if (anchors.length === 0) alwaysScored[index] = 1;
    for (const a of anchors) {
      anchorPatterns.push(a);
      anchorScript.push(index);
    }
  });
  return {
    anchors: AhoCorasick.build(anchorPatterns),
    anchorScript,
    alwaysScored,
    bigramFirst,
    scripts,
    required: scripts.map((s) => requiredIds.has(s.id)),
    thresholds: scripts.map((s) => s.threshold ?? DEFAULT_SCRIPT_THRESHOLD),
    variants,
    bigramIds,
    postings: postingsBuild.map((p) => Int32Array.from(p)),
  };
}

function isEligible(script: ScriptDefinition, seg: Segment): boolean {
  if (script.speaker !== 'any' && script.speaker !== seg.speaker) return false;
  const window = script.withinS;
  if (window?.fromS !== undefined && seg.startS < window.fromS) return false;
  if (window?.toS !== undefined && seg.startS > window.toS) return false;
  return true;
}

/**
 * Checks every script against the transcript. A script is found in the first eligible segment
 * (right speaker, inside its time window) where some variant reaches its threshold; the score is
 * the share of that variant's distinct bigrams present within a window of about its length, so
 * paraphrases and ASR slips still match while unrelated mentions do not. Only segments containing
 * one of the script's anchors (if it has any) are scored.
 */
export function checkScripts(compiled: CompiledScripts, prepared: PreparedTranscript): ScriptResult[] {
  const { scripts, variants, postings, bigramIds, thresholds } = compiled;
  const bestScore = new Float64Array(scripts.length);
  const bestSegment = new Int32Array(scripts.length).fill(-1);
  const foundAt = new Int32Array(scripts.length).fill(-1);
  const positions: number[][] = variants.map(() => []);
  const locals: number[][] = variants.map(() => []);
  const touched: number[] = [];
  const eligible = new Uint8Array(scripts.length);

  const anchored = new Uint8Array(scripts.length);
  const markAnchor = (pattern: number) => {
    anchored[compiled.anchorScript[pattern] as number] = 1;
  };
  const { codes, segFrom, segments } = prepared;
  for (let segIndex = 0; segIndex < segments.length; segIndex++) {
    const seg = segments[segIndex] as Segment;
    const from = segFrom[segIndex] as number;
    const to = segFrom[segIndex + 1] as number;
    // Speaker and time window first: most segments (every customer turn, every agent turn after
    // the windows) need no anchor search at all.
    let candidates = false;
    for (let s = 0; s < scripts.length; s++) {
      eligible[s] = foundAt[s] === -1 && isEligible(scripts[s] as ScriptDefinition, seg) ? 1 : 0;
      if (eligible[s] === 1) candidates = true;
    }
    if (!candidates) continue;
    anchored.set(compiled.alwaysScored);
    compiled.anchors.searchCodes(codes, from, to, markAnchor);
    let any = false;
    for (let s = 0; s < scripts.length; s++) {
      if (anchored[s] !== 1) eligible[s] = 0;
      if (eligible[s] === 1) any = true;
    }
    if (!any) continue;
    touched.length = 0;
    const bigramFirst = compiled.bigramFirst;
    for (let i = from; i + 1 < to; i++) {
      const a = codes[i] as number;
      if (bigramFirst[a] !== 1) continue;
      const id = bigramIds.get(a, codes[i + 1] as number);
      if (id < 0) continue;
      const list = postings[id] as Int32Array;
      for (let k = 0; k < list.length; k += 2) {
        const v = list[k] as number;
        if (eligible[(variants[v] as CompiledVariant).script] !== 1) continue;
        const pos = positions[v] as number[];
        if (pos.length === 0) touched.push(v);
        pos.push(i);
        (locals[v] as number[]).push(list[k + 1] as number);
      }
    }
    for (const v of touched) {
      const variant = variants[v] as CompiledVariant;
      const pos = positions[v] as number[];
      const loc = locals[v] as number[];
      const s = variant.script;
      const score = pos.length >= variant.bigramCount * 0.5 ? slidingCoverage(pos, loc, variant) : pos.length / variant.bigramCount;
      if (score > (bestScore[s] as number)) {
        bestScore[s] = score;
        bestSegment[s] = segIndex;
      }
      if (score >= (thresholds[s] as number) && foundAt[s] === -1) foundAt[s] = segIndex;
      pos.length = 0;
      loc.length = 0;
    }
  }
  return scripts.map((script, s) => {
    const found = foundAt[s] !== -1;
    return {
      id: script.id,
      label: script.label,
      required: compiled.required[s] as boolean,
      found,
      segment: found ? (foundAt[s] as number) : null,
      score: Math.round(Math.min(1, bestScore[s] as number) * 1000) / 1000,
    };
  });
}

/** Largest share of the variant's distinct bigrams seen inside any window of `windowChars`. */
function slidingCoverage(pos: readonly number[], loc: readonly number[], variant: CompiledVariant): number {
  const counts = new Uint16Array(variant.bigramCount);
  let distinct = 0;
  let best = 0;
  let left = 0;
  for (let right = 0; right < pos.length; right++) {
    const l = loc[right] as number;
    const before = counts[l] as number;
    counts[l] = before + 1;
    if (before === 0) distinct++;
    while ((pos[right] as number) - (pos[left] as number) + 2 > variant.windowChars) {
      const ll = loc[left] as number;
      const after = (counts[ll] as number) - 1;
      counts[ll] = after;
      if (after === 0) distinct--;
      left++;
    }
    if (distinct > best) best = distinct;
  }
  return best / variant.bigramCount;
}
