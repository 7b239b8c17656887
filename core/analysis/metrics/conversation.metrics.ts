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

/** True when intervals are already in start order (transcripts usually are): sorting is then skipped. */
function isSorted(intervals: readonly Interval[]): boolean {
  for (let i = 1; i < intervals.length; i++) if (byStartThenEnd(intervals[i - 1] as Interval, intervals[i] as Interval) > 0) return false;
  return true;
}

/** Merges two start-ordered interval lists into one start-ordered list. */
function mergeSorted(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const takeA = j >= b.length || (i < a.length && byStartThenEnd(a[i] as Interval, b[j] as Interval) <= 0);
    const iv = (takeA ? a[i++] : b[j++]) as Interval;
    out.push([iv[0], iv[1]]);
  }
  return out;
}

function unionLength(intervals: Interval[]): { length: number; merged: Interval[] } {
  if (!isSorted(intervals)) intervals.sort(byStartThenEnd);
  const merged: Interval[] = [];
  for (const iv of intervals) {
    const last = merged[merged.length - 1];
    if (last && iv[0] <= last[1]) last[1] = Math.max(last[1], iv[1]);
    else merged.push([iv[0], iv[1]]);
  }
  let length = 0;
  for (const [a, b] of merged) length += b - a;
  return { length, merged };
}

function intersectionLength(a: readonly Interval[], b: readonly Interval[]): number {
  let i = 0;
  let j = 0;
  let total = 0;
  while (i < a.length && j < b.length) {
    const [a0, a1] = a[i] as Interval;
    const [b0, b1] = b[j] as Interval;
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
  const agent: Interval[] = [];
  const customer: Interval[] = [];
  let lastEnd = 0;
  const units: Record<Speaker, { han: number; words: number }> = { agent: { han: 0, words: 0 }, customer: { han: 0, words: 0 } };
  const counted = options.units ?? countSegmentUnits(segments);
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i] as Segment;
    (s.speaker === 'agent' ? agent : customer).push([s.startS, s.endS]);
    lastEnd = Math.max(lastEnd, s.endS);
    units[s.speaker].han += counted.han[i] as number;
    units[s.speaker].words += counted.words[i] as number;
  }
  const durationS = Math.max(options.durationS ?? lastEnd, lastEnd);
  const agentUnion = unionLength(agent);
  const customerUnion = unionLength(customer);
  const all = unionLength(mergeSorted(agentUnion.merged, customerUnion.merged));
  const overlapS = intersectionLength(agentUnion.merged, customerUnion.merged);
  const talk = agentUnion.length + customerUnion.length;

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
  const turns: Interval[] = [];
  let current: Interval | null = null;
  let lastAgentEndS = -Infinity;
  for (const s of ordered) {
    if (s.speaker === 'customer') {
      // Consecutive customer segments form one turn unless the agent spoke after the turn ended.
      if (current && (s.startS < current[1] || lastAgentEndS <= current[1])) current[1] = Math.max(current[1], s.endS);
      else {
        if (current) turns.push(current);
        current = [s.startS, s.endS];
      }
    } else {
      if (current && s.startS >= current[1]) {
        turns.push(current);
        current = null;
      }
      lastAgentEndS = Math.max(lastAgentEndS, s.endS);
    }
  }
  if (current) turns.push(current);
  // Agent segments are ordered by start, and so are turns: one forward pointer finds the agent
  // starts inside each turn, so this is linear rather than turns x agent segments.
  const agentStarts = ordered.filter((s) => s.speaker === 'agent');
  let interrupted = 0;
  let first = 0;
  for (const [t0, t1] of turns) {
    while (first < agentStarts.length && (agentStarts[first] as Segment).startS <= t0) first++;
    for (let k = first; k < agentStarts.length; k++) {
      const a = agentStarts[k] as Segment;
      if (a.startS >= t1) break;
      if (Math.min(a.endS, t1) - a.startS >= options.minOverlapS) {
        interrupted++;
        break;
      }
    }
  }

  const rate = (speaker: Speaker, talkS: number): SpeakingRate => {
    const u = units[speaker];
    const minutes = talkS / 60;
    return options.language === 'zh'
      ? { unit: 'chars_per_min', value: minutes > 0 ? round4(u.han / minutes) : 0 }
      : { unit: 'words_per_min', value: minutes > 0 ? round4(u.words / minutes) : 0 };
  };
  const band = options.band;
  const durationOutsideBandS = durationS < band.minS ? band.minS - durationS : durationS > band.maxS ? durationS - band.maxS : 0;
  return {
    durationS: roundS(durationS),
    agentTalkS: roundS(agentUnion.length),
    customerTalkS: roundS(customerUnion.length),
    overlapS: roundS(overlapS),
    silenceS: roundS(Math.max(0, durationS - all.length)),
    talkRatio: talk > 0 ? round4(agentUnion.length / talk) : 0,
    customerTurns: turns.length,
    customerTurnsInterrupted: interrupted,
    interruptionRate: turns.length > 0 ? round4(interrupted / turns.length) : 0,
    speakingRate: { agent: rate('agent', agentUnion.length), customer: rate('customer', customerUnion.length) },
    durationBand: band,
    durationOutsideBandS: roundS(durationOutsideBandS),
  };
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}
