/**
 * Quality KPIs per agent, team, month, inquiry type or customer tag (DOMAIN R-QA-1, R-QA-2) from plain
 * call facts. Rates are pooled (sum of numerators over sum of denominators), never means of per-call
 * rates, so a long call with many customer turns weighs what it should.
 */
import { CallsightError } from '../shared/errors';
import { computeSpearman, type SpearmanResult } from '../stats/hypothesis-tests';
import { computeNormalQuantile } from '../stats/distributions';

/** Everything the KPIs need to know about one call. */
export interface CallFact {
  readonly callId: string;
  readonly agentId: string | null;
  readonly team: string | null;
  readonly startedAt: string;
  readonly durationS: number;
  readonly inquiryType: string | null;
  readonly tags: readonly string[];
  /** Stable pseudonymous customer key (e.g. a hash of the CRM customer id); null when unknown. */
  readonly customerKey: string | null;
  readonly csat: number | null;
  /** The telephony side reported the call; true when Callsight stored its recording. */
  readonly hasRecording: boolean;
  readonly requiredScripts: { readonly found: number; readonly required: number };
  readonly sensitiveHits: number;
  readonly customerTurns: number;
  readonly customerTurnsInterrupted: number;
  /** QA total 0..100 when the call was evaluated. */
  readonly qaScore: number | null;
  /**
   * The customer's emotion at the start and end of the call (from the analysis trajectory, see
   * core/quality/analysis-summary countAnalysis); absent or null when the call has no trajectory.
   */
  readonly emotionCourse?: { readonly startsNegative: boolean; readonly endsNegative: boolean } | null;
}

export type KpiGroupBy = 'agent' | 'team' | 'period' | 'inquiryType' | 'tag' | 'all';

export interface DurationBand {
  readonly minS: number;
  readonly maxS: number;
}

export interface KpiOptions {
  readonly groupBy: KpiGroupBy;
  /** Inclusive ISO instant; calls before it are only used to look back for earlier contacts. */
  readonly from?: string;
  /** Exclusive ISO instant; calls after it are only used to look ahead for repeat contacts. */
  readonly to?: string;
  /** Repeat-contact window for first-contact resolution. Default 7 days. */
  readonly fcrWindowDays?: number;
  /** Reasonable call duration; default 180-480 s (3-8 min, R-QA-2), per inquiry type where given. */
  readonly durationBands?: { readonly default: DurationBand; readonly byInquiryType?: Readonly<Record<string, DurationBand>> };
  /** Last instant the data is complete up to; default the latest call start in `facts`. */
  readonly dataEnd?: string;
  /** Confidence level of the score-CSAT interval. Default 0.95. */
  readonly confidenceLevel?: number;
  /**
   * When given, only these calls form the groups; the other facts only serve as earlier or repeat contacts
   * for first-contact resolution (e.g. a manager's KPIs count their teams' calls, while a customer's repeat
   * call to another team still makes the first contact unresolved).
   */
  readonly countedCallIds?: ReadonlySet<string>;
}

export interface KpiRatio {
  readonly numerator: number;
  readonly denominator: number;
  /** numerator / denominator; null when the denominator is 0. */
  readonly rate: number | null;
}

export interface FirstContactResolution extends KpiRatio {
  /** numerator: first contacts with no repeat by the same customer on the same inquiry type within the window. denominator: first contacts judged. */
  readonly windowDays: number;
  /** First contacts whose window runs past the end of the data: not judged yet. */
  readonly pending: number;
  /** Calls that were themselves repeats of an earlier contact inside the window (not first contacts). */
  readonly repeatContacts: number;
  /** Calls without a customer key or inquiry type, which cannot be judged. */
  readonly unknown: number;
}

/**
 * Emotion handling (情绪应对, DOMAIN R-QA-3): numerator = calls where the customer started negative and
 * ended neutral or positive; denominator = calls where the customer started negative. `interval` is the
 * Wilson score interval at the KPI confidence level (null when the denominator is 0); `unknown` counts calls
 * without an emotion trajectory.
 */
export interface EmotionHandlingKpi extends KpiRatio {
  readonly interval: { readonly level: number; readonly low: number; readonly high: number } | null;
  readonly unknown: number;
}

/** Wilson score interval of k successes in n trials at `level` (two-sided); null when n = 0. */
export function computeWilsonInterval(k: number, n: number, level: number): { level: number; low: number; high: number } | null {
  if (n === 0) return null;
  const z = computeNormalQuantile(1 - (1 - level) / 2);
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { level, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export interface KpiRow {
  readonly group: string;
  readonly calls: number;
  /** Recorded / reported (R-CAP-1, target 100%). */
  readonly recordingCompleteness: KpiRatio;
  /** Required scripts found / required, pooled over calls (R-QA-1, target 100%). */
  readonly requiredScriptRate: KpiRatio;
  readonly sensitiveWords: { readonly hits: number; readonly callsWithHits: number; readonly perCall: number | null; readonly per100Calls: number | null };
  readonly durationInBand: KpiRatio;
  /** Interrupted customer turns / customer turns, pooled (R-QA-2, target <= 20%). */
  readonly interruptionRate: KpiRatio;
  readonly firstContactResolution: FirstContactResolution;
  /** Spearman correlation of QA score with CSAT over calls having both. */
  readonly scoreCsat: SpearmanResult;
  readonly averageScore: { readonly mean: number | null; readonly scored: number };
  /** Share of upset customers calmed by the end of the call, with its interval; always set by computeKpis. */
  readonly emotionHandling?: EmotionHandlingKpi;
}

/** Targets from DOMAIN R-CAP-1, R-QA-1, R-QA-2, for display beside the KPIs. */
export const KPI_TARGETS = Object.freeze({
  recordingCompleteness: 1,
  requiredScriptRate: 1,
  sensitiveHitsPerCall: 0,
  interruptionRateMax: 0.2,
  firstContactResolutionMin: 0.7,
});

const DAY_MS = 86_400_000;
const NONE = '(none)';
const UNTAGGED = '(untagged)';

function invalid(message: string, details?: Record<string, unknown>): CallsightError {
  return new CallsightError('VALIDATION_FAILED', message, details ? { details } : undefined);
}

function parseInstant(value: string, name: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw invalid(`${name} must be an ISO-8601 instant`);
  return ms;
}

function isCount(n: number): boolean {
  return Number.isInteger(n) && n >= 0;
}

function validateFact(fact: CallFact): number {
  const started = parseInstant(fact.startedAt, 'startedAt');
  const problem =
    !(Number.isFinite(fact.durationS) && fact.durationS >= 0) ? 'durationS must be >= 0'
    : !isCount(fact.requiredScripts.required) || !isCount(fact.requiredScripts.found) || fact.requiredScripts.found > fact.requiredScripts.required ? 'requiredScripts needs 0 <= found <= required'
    : !isCount(fact.sensitiveHits) ? 'sensitiveHits must be a count'
    : !isCount(fact.customerTurns) || !isCount(fact.customerTurnsInterrupted) || fact.customerTurnsInterrupted > fact.customerTurns ? 'customerTurnsInterrupted must be a count no larger than customerTurns'
    : fact.csat !== null && !Number.isFinite(fact.csat) ? 'csat must be a number or null'
    : fact.qaScore !== null && !(Number.isFinite(fact.qaScore) && fact.qaScore >= 0 && fact.qaScore <= 100) ? 'qaScore must be 0..100 or null'
    : fact.emotionCourse && (typeof fact.emotionCourse.startsNegative !== 'boolean' || typeof fact.emotionCourse.endsNegative !== 'boolean') ? 'emotionCourse needs startsNegative and endsNegative booleans'
    : null;
  if (problem) throw invalid(`call fact ${fact.callId}: ${problem}`);
  return started;
}

function ratio(numerator: number, denominator: number): KpiRatio {
  return { numerator, denominator, rate: denominator > 0 ? numerator / denominator : null };
}

function groupKeys(fact: CallFact, groupBy: KpiGroupBy): string[] {
  switch (groupBy) {
    case 'agent':
      return [fact.agentId ?? NONE];
    case 'team':
      return [fact.team ?? NONE];
    case 'period':
      return [new Date(fact.startedAt).toISOString().slice(0, 7)];
    case 'inquiryType':
      return [fact.inquiryType ?? NONE];
    case 'tag':
      return fact.tags.length > 0 ? [...new Set(fact.tags)] : [UNTAGGED];
    case 'all':
      return ['all'];
  }
}

type FcrStatus = 'resolved' | 'unresolved' | 'pending' | 'repeat' | 'unknown';

/**
 * First-contact status of each call. A call is a first contact when the same customer had no contact on
 * the same inquiry type in the preceding window; it is resolved when there is none in the following
 * window either. First contacts whose window ends after `dataEndMs` are pending (excluded from the rate).
 */
function classifyFirstContacts(facts: readonly CallFact[], startMs: ReadonlyMap<string, number>, windowMs: number, dataEndMs: number): Map<string, FcrStatus> {
  const status = new Map<string, FcrStatus>();
  const threads = new Map<string, CallFact[]>();
  for (const fact of facts) {
    if (fact.customerKey === null || fact.inquiryType === null) {
      status.set(fact.callId, 'unknown');
      continue;
    }
    const key = `${fact.customerKey}\u0000${fact.inquiryType}`;
    const list = threads.get(key) ?? [];
    list.push(fact);
    threads.set(key, list);
  }
  for (const list of threads.values()) {
    list.sort((a, b) => startMs.get(a.callId)! - startMs.get(b.callId)! || (a.callId < b.callId ? -1 : 1));
    for (let i = 0; i < list.length; i++) {
      const start = startMs.get(list[i]!.callId)!;
      const previous = i > 0 ? startMs.get(list[i - 1]!.callId)! : null;
      const next = i + 1 < list.length ? startMs.get(list[i + 1]!.callId)! : null;
      let result: FcrStatus;
      if (previous !== null && start - previous <= windowMs) result = 'repeat';
      else if (next !== null && next - start <= windowMs) result = 'unresolved';
      else if (start + windowMs > dataEndMs) result = 'pending';
      else result = 'resolved';
      status.set(list[i]!.callId, result);
    }
  }
  return status;
}

/**
 * Computes one KPI row per group for the calls started in [from, to), sorted by group. Calls outside the
 * range still count as earlier or repeat contacts for first-contact resolution, so pass the facts from
 * `from - window` to `to + window` for exact FCR. Throws VALIDATION_FAILED on malformed facts or options.
 */
export function computeKpis(facts: readonly CallFact[], options: KpiOptions): KpiRow[] {
  const windowDays = options.fcrWindowDays ?? 7;
  if (!(Number.isFinite(windowDays) && windowDays > 0)) throw invalid('fcrWindowDays must be a positive number of days');
  const bands = options.durationBands ?? { default: { minS: 180, maxS: 480 } };
  for (const band of [bands.default, ...Object.values(bands.byInquiryType ?? {})]) {
    if (!(Number.isFinite(band.minS) && Number.isFinite(band.maxS) && band.minS >= 0 && band.minS <= band.maxS)) {
      throw invalid('each duration band needs 0 <= minS <= maxS');
    }
  }
  const fromMs = options.from ? parseInstant(options.from, 'from') : Number.NEGATIVE_INFINITY;
  const toMs = options.to ? parseInstant(options.to, 'to') : Number.POSITIVE_INFINITY;
  if (fromMs >= toMs) throw invalid('from must be before to');
  const valid: KpiGroupBy[] = ['agent', 'team', 'period', 'inquiryType', 'tag', 'all'];
  if (!valid.includes(options.groupBy)) throw invalid(`groupBy must be one of ${valid.join(', ')}`);

  const startMs = new Map<string, number>();
  let latest = Number.NEGATIVE_INFINITY;
  for (const fact of facts) {
    if (startMs.has(fact.callId)) throw invalid('call ids in the facts must be unique; one appears twice');
    const started = validateFact(fact);
    startMs.set(fact.callId, started);
    latest = Math.max(latest, started);
  }
  const dataEndMs = options.dataEnd ? parseInstant(options.dataEnd, 'dataEnd') : latest;
  const fcr = classifyFirstContacts(facts, startMs, windowDays * DAY_MS, dataEndMs);

  const groups = new Map<string, CallFact[]>();
  for (const fact of facts) {
    const started = startMs.get(fact.callId)!;
    if (started < fromMs || started >= toMs) continue;
    if (options.countedCallIds && !options.countedCallIds.has(fact.callId)) continue;
    for (const key of groupKeys(fact, options.groupBy)) {
      const list = groups.get(key) ?? [];
      list.push(fact);
      groups.set(key, list);
    }
  }
  return [...groups.keys()].sort().map((group) => summarise(group, groups.get(group)!, fcr, windowDays, bands, options.confidenceLevel ?? 0.95));
}

function summarise(
  group: string,
  calls: readonly CallFact[],
  fcr: ReadonlyMap<string, FcrStatus>,
  windowDays: number,
  bands: NonNullable<KpiOptions['durationBands']>,
  level: number,
): KpiRow {
  let recorded = 0;
  let scriptsFound = 0;
  let scriptsRequired = 0;
  let hits = 0;
  let callsWithHits = 0;
  let inBand = 0;
  let turns = 0;
  let interrupted = 0;
  const fcrCounts: Record<FcrStatus, number> = { resolved: 0, unresolved: 0, pending: 0, repeat: 0, unknown: 0 };
  const scores: number[] = [];
  const pairedScores: number[] = [];
  const pairedCsat: number[] = [];
  let startedNegative = 0;
  let calmed = 0;
  let noCourse = 0;
  for (const call of calls) {
    const course = call.emotionCourse;
    if (!course) noCourse++;
    else if (course.startsNegative) {
      startedNegative++;
      if (!course.endsNegative) calmed++;
    }
    if (call.hasRecording) recorded++;
    scriptsFound += call.requiredScripts.found;
    scriptsRequired += call.requiredScripts.required;
    hits += call.sensitiveHits;
    if (call.sensitiveHits > 0) callsWithHits++;
    const band = (call.inquiryType !== null ? bands.byInquiryType?.[call.inquiryType] : undefined) ?? bands.default;
    if (call.durationS >= band.minS && call.durationS <= band.maxS) inBand++;
    turns += call.customerTurns;
    interrupted += call.customerTurnsInterrupted;
    fcrCounts[fcr.get(call.callId)!]++;
    if (call.qaScore !== null) {
      scores.push(call.qaScore);
      if (call.csat !== null) {
        pairedScores.push(call.qaScore);
        pairedCsat.push(call.csat);
      }
    }
  }
  const n = calls.length;
  const judged = fcrCounts.resolved + fcrCounts.unresolved;
  return {
    group,
    calls: n,
    recordingCompleteness: ratio(recorded, n),
    requiredScriptRate: ratio(scriptsFound, scriptsRequired),
    sensitiveWords: { hits, callsWithHits, perCall: n > 0 ? hits / n : null, per100Calls: n > 0 ? (hits / n) * 100 : null },
    durationInBand: ratio(inBand, n),
    interruptionRate: ratio(interrupted, turns),
    firstContactResolution: {
      ...ratio(fcrCounts.resolved, judged),
      windowDays,
      pending: fcrCounts.pending,
      repeatContacts: fcrCounts.repeat,
      unknown: fcrCounts.unknown,
    },
    scoreCsat: computeSpearman(pairedScores, pairedCsat, level),
    averageScore: { mean: scores.length > 0 ? scores.reduce((a, b) => a + b, 0) / scores.length : null, scored: scores.length },
    emotionHandling: { ...ratio(calmed, startedNegative), interval: computeWilsonInterval(calmed, startedNegative, level), unknown: noCourse },
  };
}
