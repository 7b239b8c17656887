import type { Segment, Speaker, TranscriptLanguage } from '../transcript.types';
import { roundS } from '../text/segment-text';

/** Allowed call duration for an inquiry type, in seconds. */
export interface DurationBand {
  readonly minS: number;
  readonly maxS: number;
}

/** R-QA-2 default band: 3-8 minutes. */
export const DEFAULT_DURATION_BAND: DurationBand = { minS: 180, maxS: 480 };

/** Speaking rate of one speaker: Chinese characters per minute or English words per minute. */
export interface SpeakingRate {
  readonly unit: 'chars_per_min' | 'words_per_min';
  readonly value: number;
}

/**
 * Conversation metrics of one call. Times in seconds. `talkRatio` is the agent's share of talk
 * time (agent / (agent + customer)), 0 when nobody spoke. A customer turn is a maximal run of
 * customer segments with no agent speech after its end; it is interrupted when an agent segment starts while the turn is
 * still going and overlaps it by at least `minOverlapS`. `interruptionRate` = interrupted / turns.
 */
export interface ConversationMetrics {
  readonly durationS: number;
  readonly agentTalkS: number;
  readonly customerTalkS: number;
  readonly overlapS: number;
  readonly silenceS: number;
  readonly talkRatio: number;
  readonly customerTurns: number;
  readonly customerTurnsInterrupted: number;
  readonly interruptionRate: number;
  readonly speakingRate: Readonly<Record<Speaker, SpeakingRate>>;
  readonly durationBand: DurationBand;
  readonly durationOutsideBandS: number;
}

export interface MetricsOptions {
  /** Call length when known from the recording; otherwise the last segment end. */
  readonly durationS?: number;
  readonly band: DurationBand;
  /** Overlap needed before a customer turn counts as talked over (backchannels are shorter). */
  readonly minOverlapS: number;
  readonly language: 'zh' | 'en';
  /** Text units per segment when already counted (see countSegmentUnits). */
  readonly units?: SegmentUnits;
}

type Interval = [number, number];

const byStartThenEnd = (a: Interval, b: Interval) => a[0] - b[0] || a[1] - b[1];

/**
 * Intervals as flat (start, end) pairs in a growable Float64Array, so that a call's intervals
 * cost no allocation. Module-level scratch: computeConversationMetrics is synchronous, so two
 * calls never share them at once.
 */
class IntervalList {
  pairs = new Float64Array(256);
  length = 0;

  clear(): void {
    this.length = 0;
  }

  push(start: number, end: number): void {
    if (2 * this.length + 2 > this.pairs.length) {
      const grown = new Float64Array(2 * this.pairs.length);
      grown.set(this.pairs);
      this.pairs = grown;
    }
    this.pairs[2 * this.length] = start;
    this.pairs[2 * this.length + 1] = end;
    this.length++;
  }
}

const agentRaw = new IntervalList();
const customerRaw = new IntervalList();
const agentMerged = new IntervalList();
const customerMerged = new IntervalList();
const turnList = new IntervalList();
const agentSegments = new IntervalList();

/** Sorts the intervals by start, then end (only needed for out-of-order input). */
function sortIntervals(list: IntervalList): void {
  const items: Interval[] = [];
  for (let k = 0; k < list.length; k++) items.push([list.pairs[2 * k] as number, list.pairs[2 * k + 1] as number]);
  items.sort(byStartThenEnd);
  list.clear();
  for (const [a, b] of items) list.push(a, b);
}

/** True when the intervals are already in start order (transcripts usually are): sorting is then skipped. */
function isSorted(list: IntervalList): boolean {
  const p = list.pairs;
  for (let k = 1; k < list.length; k++) {
    if ((p[2 * k - 2]! - p[2 * k]! || p[2 * k - 1]! - p[2 * k + 1]!) > 0) return false;
  }
  return true;
}

/** Merges overlapping intervals of `raw` (sorted first if needed) into `merged`; returns the union's length. */
function unionLength(raw: IntervalList, merged: IntervalList): number {
  if (!isSorted(raw)) sortIntervals(raw);
  merged.clear();
  const p = raw.pairs;
  for (let k = 0; k < raw.length; k++) {
    const a = p[2 * k] as number;
    const b = p[2 * k + 1] as number;
    const last = merged.length - 1;
    if (last >= 0 && a <= (merged.pairs[2 * last + 1] as number)) merged.pairs[2 * last + 1] = Math.max(merged.pairs[2 * last + 1] as number, b);
    else merged.push(a, b);
  }
  let length = 0;
  for (let k = 0; k < merged.length; k++) length += (merged.pairs[2 * k + 1] as number) - (merged.pairs[2 * k] as number);
  return length;
}

/**
 * Length of the union of two start-ordered, internally disjoint lists: they are merged in
 * (start, end) order and overlapping intervals joined, the joined lengths summed in order.
 */
function unionOfTwoLength(a: IntervalList, b: IntervalList): number {
  const pa = a.pairs;
  const pb = b.pairs;
  let i = 0;
  let j = 0;
  let open = false;
  let curStart = 0;
  let curEnd = 0;
  let length = 0;
  while (i < a.length || j < b.length) {
    const takeA = j >= b.length || (i < a.length && (pa[2 * i]! - pb[2 * j]! || pa[2 * i + 1]! - pb[2 * j + 1]!) <= 0);
    let s: number;
    let e: number;
    if (takeA) {
      s = pa[2 * i] as number;
      e = pa[2 * i + 1] as number;
      i++;
    } else {
      s = pb[2 * j] as number;
      e = pb[2 * j + 1] as number;
      j++;
    }
    if (open && s <= curEnd) curEnd = Math.max(curEnd, e);
    else {
      if (open) length += curEnd - curStart;
      open = true;
      curStart = s;
      curEnd = e;
    }
  }
  if (open) length += curEnd - curStart;
  return length;
}

function intersectionLength(a: IntervalList, b: IntervalList): number {
  const pa = a.pairs;
  const pb = b.pairs;
  let i = 0;
  let j = 0;
  let total = 0;
  while (i < a.length && j < b.length) {
    const a0 = pa[2 * i] as number;
    const a1 = pa[2 * i + 1] as number;
    const b0 = pb[2 * j] as number;
    const b1 = pb[2 * j + 1] as number;
    const lo = Math.max(a0, b0);
    const hi = Math.min(a1, b1);
    if (hi > lo) total += hi - lo;
    if (a1 < b1) i++;
    else j++;
  }
  return total;
}

/** Counts Han characters and Latin words (ASCII letter/digit runs, "don't" is one), the units of speaking rate. */
export function countTextUnits(text: string): { han: number; words: number } {
  let han = 0;
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff)) {
      han++;
      inWord = false;
    } else if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)) {
      if (!inWord) words++;
      inWord = true;
    } else if (!(c === 0x27 && inWord)) inWord = false;
  }
  return { han, words };
}

/** Han characters and Latin words per segment (see countTextUnits), counted once per analysis. */
export interface SegmentUnits {
  readonly han: Int32Array;
  readonly words: Int32Array;
}

/** Counts the text units of every segment. */
export function countSegmentUnits(segments: readonly Segment[]): SegmentUnits {
  const han = new Int32Array(segments.length);
  const words = new Int32Array(segments.length);
  for (let i = 0; i < segments.length; i++) {
    const u = countTextUnits((segments[i] as Segment).text);
    han[i] = u.han;
    words[i] = u.words;
  }
  return { han, words };
}

/** Decides the language of a transcript marked 'auto' from its Han characters vs Latin words. */
export function detectLanguage(segments: readonly Segment[], declared: TranscriptLanguage, units?: SegmentUnits): 'zh' | 'en' {
  if (declared !== 'auto') return declared;
  const counted = units ?? countSegmentUnits(segments);
  let han = 0;
  let words = 0;
  for (let i = 0; i < segments.length; i++) {
    han += counted.han[i] as number;
    words += counted.words[i] as number;
  }
  // One Chinese word is about 1.5 characters; compare like with like.
  return han / 1.5 >= words && han > 0 ? 'zh' : 'en';
}

/**
 * Computes conversation metrics from segment times (overlaps allowed, unsorted input fine).
 * Pure; all outputs rounded to milliseconds or 4 decimals.
 */
export function computeConversationMetrics(segments: readonly Segment[], options: MetricsOptions): ConversationMetrics {
  agentRaw.clear();
  customerRaw.clear();
  let lastEnd = 0;
  let agentHan = 0;
  let agentWords = 0;
  let customerHan = 0;
  let customerWords = 0;
  const counted = options.units ?? countSegmentUnits(segments);
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i] as Segment;
    lastEnd = Math.max(lastEnd, s.endS);
    if (s.speaker === 'agent') {
      agentRaw.push(s.startS, s.endS);
      agentHan += counted.han[i] as number;
      agentWords += counted.words[i] as number;
    } else {
      customerRaw.push(s.startS, s.endS);
      customerHan += counted.han[i] as number;
      customerWords += counted.words[i] as number;
    }
  }
  const durationS = Math.max(options.durationS ?? lastEnd, lastEnd);
  const agentLength = unionLength(agentRaw, agentMerged);
  const customerLength = unionLength(customerRaw, customerMerged);
  const allLength = unionOfTwoLength(agentMerged, customerMerged);
  const overlapS = intersectionLength(agentMerged, customerMerged);
  const talk = agentLength + customerLength;

  let inOrder = true;
  for (let i = 1; i < segments.length && inOrder; i++) {
    const a = segments[i - 1] as Segment;
    const b = segments[i] as Segment;
    inOrder = a.startS < b.startS || (a.startS === b.startS && a.endS <= b.endS);
  }
  const ordered = inOrder
    ? segments
    : segments
        .map((s, i) => ({ s, i }))
        .sort((a, b) => a.s.startS - b.s.startS || a.s.endS - b.s.endS || a.i - b.i)
        .map((x) => x.s);
  turnList.clear();
  agentSegments.clear();
  let open = false;
  let turnStart = 0;
  let turnEnd = 0;
  let lastAgentEndS = -Infinity;
  for (let k = 0; k < ordered.length; k++) {
    const s = ordered[k] as Segment;
    if (s.speaker === 'customer') {
      // Consecutive customer segments form one turn unless the agent spoke after the turn ended.
      if (open && (s.startS < turnEnd || lastAgentEndS <= turnEnd)) turnEnd = Math.max(turnEnd, s.endS);
      else {
        if (open) turnList.push(turnStart, turnEnd);
        open = true;
        turnStart = s.startS;
        turnEnd = s.endS;
      }
    } else {
      if (open && s.startS >= turnEnd) {
        turnList.push(turnStart, turnEnd);
        open = false;
      }
      lastAgentEndS = Math.max(lastAgentEndS, s.endS);
      agentSegments.push(s.startS, s.endS);
    }
  }
  if (open) turnList.push(turnStart, turnEnd);
  // Agent segments are ordered by start, and so are turns: one forward pointer finds the agent
  // starts inside each turn, so this is linear rather than turns x agent segments.
  const agent = agentSegments.pairs;
  const agentCount = agentSegments.length;
  const turns = turnList.pairs;
  let interrupted = 0;
  let first = 0;
  for (let t = 0; t < turnList.length; t++) {
    const t0 = turns[2 * t] as number;
    const t1 = turns[2 * t + 1] as number;
    while (first < agentCount && (agent[2 * first] as number) <= t0) first++;
    for (let k = first; k < agentCount; k++) {
      const startS = agent[2 * k] as number;
      if (startS >= t1) break;
      if (Math.min(agent[2 * k + 1] as number, t1) - startS >= options.minOverlapS) {
        interrupted++;
        break;
      }
    }
  }
  const turnCount = turnList.length;
  const rate = (han: number, words: number, talkS: number): SpeakingRate => {
    const minutes = talkS / 60;
    return options.language === 'zh'
      ? { unit: 'chars_per_min', value: minutes > 0 ? round4(han / minutes) : 0 }
      : { unit: 'words_per_min', value: minutes > 0 ? round4(words / minutes) : 0 };
  };
  const band = options.band;
  const durationOutsideBandS = durationS < band.minS ? band.minS - durationS : durationS > band.maxS ? durationS - band.maxS : 0;
  return {
    durationS: roundS(durationS),
    agentTalkS: roundS(agentLength),
    customerTalkS: roundS(customerLength),
    overlapS: roundS(overlapS),
    silenceS: roundS(Math.max(0, durationS - allLength)),
    talkRatio: talk > 0 ? round4(agentLength / talk) : 0,
    customerTurns: turnCount,
    customerTurnsInterrupted: interrupted,
    interruptionRate: turnCount > 0 ? round4(interrupted / turnCount) : 0,
    speakingRate: { agent: rate(agentHan, agentWords, agentLength), customer: rate(customerHan, customerWords, customerLength) },
    durationBand: band,
    durationOutsideBandS: roundS(durationOutsideBandS),
  };
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}
