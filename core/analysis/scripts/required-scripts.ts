import { AhoCorasick } from '../text/aho-corasick';
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

/**
 * Scratch state of checkScripts, allocated once per compiled configuration and reused: the
 * analysis is synchronous, so two calls never use it at the same time.
 */
interface ScriptScratch {
  readonly bestScore: Float64Array;
  readonly bestSegment: Int32Array;
  readonly foundAt: Int32Array;
  readonly eligible: Uint8Array;
  readonly anchored: Uint8Array;
  /** Per variant: positions (normalised offsets) and local bigram indices of one segment's hits. */
  readonly positions: number[][];
  readonly locals: number[][];
  readonly touched: number[];
  /** Per local bigram index: hits inside the sliding window; all zero between uses. */
  readonly counts: Uint16Array;
  readonly markAnchor: (pattern: number) => void;
}

/** Scripts compiled into a bigram index; immutable (but for its scratch), shared across analyses. */
export interface CompiledScripts {
  readonly scripts: readonly ScriptDefinition[];
  readonly required: readonly boolean[];
  readonly thresholds: readonly number[];
  readonly variants: readonly CompiledVariant[];
  /** Open-addressing table from a bigram ((first << 16) | second) to its id: `bigramKeys`/`bigramIdAt`, -1 = empty slot. */
  readonly bigramKeys: Int32Array;
  readonly bigramIdAt: Int32Array;
  readonly bigramShift: number;
  /** Postings of bigram id b: entries postingStart[b] .. postingStart[b + 1] of postingScript/Variant/Local. */
  readonly postingStart: Int32Array;
  readonly postingScript: Int32Array;
  readonly postingVariant: Int32Array;
  readonly postingLocal: Int32Array;
  readonly anchors: AhoCorasick;
  /** Script index of each anchor pattern. */
  readonly anchorScript: readonly number[];
  /** 1 for scripts without anchors (always scored). */
  readonly alwaysScored: Uint8Array;
  /** 1 for code units that start some variant bigram: others skip the bigram lookup. */
  readonly bigramFirst: Uint8Array;
  /** Per script: SPEAKER_ANY, SPEAKER_AGENT or SPEAKER_CUSTOMER. */
  readonly speakerOf: Uint8Array;
  /** Per script: the time window on segment starts (s); -Infinity / Infinity when open. */
  readonly fromS: Float64Array;
  readonly toS: Float64Array;
  /** Indexed by SPEAKER_AGENT / SPEAKER_CUSTOMER: 1 when some script may be said by that speaker. */
  readonly speakerHasScripts: Uint8Array;
  readonly scratch: ScriptScratch;
}

const SPEAKER_ANY = 0;
const SPEAKER_AGENT = 1;
const SPEAKER_CUSTOMER = 2;

/** Window slack: a paraphrase may insert a few characters ("将进行录音" for "将录音"). */
const WINDOW_FACTOR = 1.4;

/** Multiplicative hash of a bigram key into a table of 2^(32 - shift) slots. */
function bigramSlot(key: number, shift: number): number {
  return Math.imul(key, 0x9e3779b1) >>> shift;
}

/**
 * Compiles script definitions. `requiredIds` marks which are required; unknown ids there are an
 * error for the caller to report (see buildAnalysisConfig).
 */
export function compileScripts(scripts: readonly ScriptDefinition[], requiredIds: ReadonlySet<string>): CompiledScripts {
  const bigramIds = new Map<number, number>();
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
        const key = (a << 16) | b;
        let id = bigramIds.get(key);
        if (id === undefined) {
          id = postingsBuild.length;
          bigramIds.set(key, id);
          postingsBuild.push([]);
        }
        if (local.has(id)) continue;
        local.set(id, local.size);
        (postingsBuild[id] as number[]).push(scriptIndex, variantIndex, local.size - 1);
      }
      variants.push({ script: scriptIndex, bigramCount: local.size, windowChars: Math.ceil(text.length * WINDOW_FACTOR) });
    }
  });
  let slots = 16;
  while (slots < bigramIds.size * 4) slots *= 2;
  const bigramShift = 32 - Math.log2(slots);
  const bigramKeys = new Int32Array(slots);
  const bigramIdAt = new Int32Array(slots).fill(-1);
  for (const [key, id] of bigramIds) {
    let at = bigramSlot(key, bigramShift);
    while (bigramIdAt[at] !== -1) at = (at + 1) & (slots - 1);
    bigramKeys[at] = key;
    bigramIdAt[at] = id;
  }
  const postingStart = new Int32Array(postingsBuild.length + 1);
  let entries = 0;
  postingsBuild.forEach((list, id) => {
    postingStart[id] = entries;
    entries += list.length / 3;
  });
  postingStart[postingsBuild.length] = entries;
  const postingScript = new Int32Array(entries);
  const postingVariant = new Int32Array(entries);
  const postingLocal = new Int32Array(entries);
  postingsBuild.forEach((list, id) => {
    for (let k = 0, at = postingStart[id] as number; k < list.length; k += 3, at++) {
      postingScript[at] = list[k] as number;
      postingVariant[at] = list[k + 1] as number;
      postingLocal[at] = list[k + 2] as number;
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
  const speakerOf = Uint8Array.from(scripts, (s) => (s.speaker === 'agent' ? SPEAKER_AGENT : s.speaker === 'customer' ? SPEAKER_CUSTOMER : SPEAKER_ANY));
  const fromS = Float64Array.from(scripts, (s) => s.withinS?.fromS ?? -Infinity);
  const toS = Float64Array.from(scripts, (s) => s.withinS?.toS ?? Infinity);
  const speakerHasScripts = new Uint8Array(3);
  for (const who of speakerOf) {
    if (who !== SPEAKER_CUSTOMER) speakerHasScripts[SPEAKER_AGENT] = 1;
    if (who !== SPEAKER_AGENT) speakerHasScripts[SPEAKER_CUSTOMER] = 1;
  }
  const anchored = new Uint8Array(scripts.length);
  const scratch: ScriptScratch = {
    bestScore: new Float64Array(scripts.length),
    bestSegment: new Int32Array(scripts.length),
    foundAt: new Int32Array(scripts.length),
    eligible: new Uint8Array(scripts.length),
    anchored,
    positions: variants.map(() => []),
    locals: variants.map(() => []),
    touched: [],
    counts: new Uint16Array(Math.max(1, ...variants.map((v) => v.bigramCount))),
    markAnchor: (pattern: number) => {
      anchored[anchorScript[pattern] as number] = 1;
    },
  };
  return {
    anchors: AhoCorasick.build(anchorPatterns),
    anchorScript,
    alwaysScored,
    bigramFirst,
    scripts,
    required: scripts.map((s) => requiredIds.has(s.id)),
    thresholds: scripts.map((s) => s.threshold ?? DEFAULT_SCRIPT_THRESHOLD),
    variants,
    bigramKeys,
    bigramIdAt,
    bigramShift,
    postingStart,
    postingScript,
    postingVariant,
    postingLocal,
    speakerOf,
    fromS,
    toS,
    speakerHasScripts,
    scratch,
  };
}

/**
 * Checks every script against the transcript. A script is found in the first eligible segment
 * (right speaker, inside its time window) where some variant reaches its threshold; the score is
 * the share of that variant's distinct bigrams present within a window of about its length, so
 * paraphrases and ASR slips still match while unrelated mentions do not. Only segments containing
 * one of the script's anchors (if it has any) are scored.
 */
export function checkScripts(compiled: CompiledScripts, prepared: PreparedTranscript): ScriptResult[] {
  const { scripts, variants, thresholds, speakerOf, fromS, toS, scratch } = compiled;
  const { bigramKeys, bigramIdAt, bigramShift, bigramFirst, postingStart, postingScript, postingVariant, postingLocal } = compiled;
  const { bestScore, bestSegment, foundAt, eligible, anchored, positions, locals, touched } = scratch;
  const scriptCount = scripts.length;
  bestScore.fill(0);
  bestSegment.fill(-1);
  foundAt.fill(-1);
  // Left non-empty only if an earlier call was interrupted by an exception.
  for (const v of touched) {
    (positions[v] as number[]).length = 0;
    (locals[v] as number[]).length = 0;
  }
  scratch.counts.fill(0);
  const slotMask = bigramIdAt.length - 1;
  let unfound = scriptCount;
  const { codes, segFrom, segments } = prepared;
  for (let segIndex = 0; segIndex < segments.length && unfound > 0; segIndex++) {
    const seg = segments[segIndex] as Segment;
    const from = segFrom[segIndex] as number;
    const to = segFrom[segIndex + 1] as number;
    // Speaker and time window first: most segments (every customer turn, every agent turn after
    // the windows) need no anchor search at all.
    const speaker = seg.speaker === 'agent' ? SPEAKER_AGENT : SPEAKER_CUSTOMER;
    if (compiled.speakerHasScripts[speaker] !== 1) continue;
    const startS = seg.startS;
    let candidates = false;
    for (let s = 0; s < scriptCount; s++) {
      const who = speakerOf[s] as number;
      const ok = foundAt[s] === -1 && (who === SPEAKER_ANY || who === speaker) && !(startS < (fromS[s] as number)) && !(startS > (toS[s] as number));
      eligible[s] = ok ? 1 : 0;
      if (ok) candidates = true;
    }
    if (!candidates) continue;
    anchored.set(compiled.alwaysScored);
    compiled.anchors.searchCodes(codes, from, to, scratch.markAnchor);
    let any = false;
    for (let s = 0; s < scriptCount; s++) {
      if (anchored[s] !== 1) eligible[s] = 0;
      else if (eligible[s] === 1) any = true;
    }
    if (!any) continue;
    touched.length = 0;
    for (let i = from; i + 1 < to; i++) {
      const a = codes[i] as number;
      if (bigramFirst[a] !== 1) continue;
      const key = (a << 16) | (codes[i + 1] as number);
      let at = bigramSlot(key, bigramShift);
      let id = bigramIdAt[at] as number;
      while (id !== -1 && bigramKeys[at] !== key) {
        at = (at + 1) & slotMask;
        id = bigramIdAt[at] as number;
      }
      if (id === -1) continue;
      const last = postingStart[id + 1] as number;
      for (let k = postingStart[id] as number; k < last; k++) {
        if (eligible[postingScript[k] as number] !== 1) continue;
        const v = postingVariant[k] as number;
        const pos = positions[v] as number[];
        if (pos.length === 0) touched.push(v);
        pos.push(i);
        (locals[v] as number[]).push(postingLocal[k] as number);
      }
    }
    for (let t = 0; t < touched.length; t++) {
      const v = touched[t] as number;
      const variant = variants[v] as CompiledVariant;
      const pos = positions[v] as number[];
      const loc = locals[v] as number[];
      const s = variant.script;
      const score = pos.length >= variant.bigramCount * 0.5 ? slidingCoverage(pos, loc, variant, scratch.counts) : pos.length / variant.bigramCount;
      if (score > (bestScore[s] as number)) {
        bestScore[s] = score;
        bestSegment[s] = segIndex;
      }
      if (score >= (thresholds[s] as number) && foundAt[s] === -1) {
        foundAt[s] = segIndex;
        unfound--;
      }
      pos.length = 0;
      loc.length = 0;
    }
  }
  const results: ScriptResult[] = [];
  for (let s = 0; s < scriptCount; s++) {
    const script = scripts[s] as ScriptDefinition;
    const found = foundAt[s] !== -1;
    results.push({
      id: script.id,
      label: script.label,
      required: compiled.required[s] as boolean,
      found,
      segment: found ? (foundAt[s] as number) : null,
      score: Math.round(Math.min(1, bestScore[s] as number) * 1000) / 1000,
    });
  }
  return results;
}

/**
 * Largest share of the variant's distinct bigrams seen inside any window of `windowChars`.
 * `counts` is zero on entry (at least bigramCount long) and is left zero.
 */
function slidingCoverage(pos: readonly number[], loc: readonly number[], variant: CompiledVariant, counts: Uint16Array): number {
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
  for (let k = left; k < loc.length; k++) counts[loc[k] as number] = 0;
  return best / variant.bigramCount;
}
