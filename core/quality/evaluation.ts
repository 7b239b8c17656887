/**
 * Scoring a call against one scorecard version (DOMAIN R-QA-5, R-SRC-2). Manual criteria come from the
 * reviewer; automatic ones from the analysis summary, each with evidence pointing at transcript time.
 * A reviewer may answer an automatic criterion too: that is a human override, and both values are kept
 * (they feed the automatic-vs-human agreement in calibration).
 */
import { CallsightError } from '../shared/errors';
import { listCriteria, parseAutomaticSource, referenceScorecard, type Criterion, type Scorecard, type ScorecardRef } from './scorecard';

/** 'pass' | 'fail' for pass/fail criteria, an integer 0..max for points criteria, 'na' where allowed. */
export type AnswerValue = 'pass' | 'fail' | 'na' | number;

export interface CriterionAnswer {
  readonly criterionId: string;
  readonly value: AnswerValue;
  readonly comment?: string;
}

/** A pointer into the call: seconds from the start of the recording. Notes carry no transcript text. */
export interface Evidence {
  readonly startS: number;
  readonly endS?: number;
  readonly note: string;
}

/** A time range marked as a good or bad example for training (R-SRC-2). */
export interface Clip {
  readonly startS: number;
  readonly endS: number;
  readonly label: 'good' | 'bad';
  readonly note: string;
  readonly criterionId?: string;
}

export interface TimedMark {
  readonly startS: number;
  readonly endS?: number;
}

/** What the analysis knows about one call, as far as automatic criteria need it. */
export interface QualityAnalysisSummary {
  readonly durationS: number;
  /** The reasonable duration band for this call's inquiry type (R-QA-2). */
  readonly durationBand: { readonly minS: number; readonly maxS: number };
  readonly scriptsFound: readonly (TimedMark & { readonly scriptId: string })[];
  /** Scripts this call had to contain; a script criterion whose script is not required here is N/A when it allows N/A. */
  readonly requiredScriptIds?: readonly string[];
  /** `term` is the lexicon entry, never transcript text. */
  readonly sensitiveHits: readonly (TimedMark & { readonly term: string })[];
  /** Share of customer turns talked over by the agent, 0..1; null when there were no customer turns. */
  readonly interruptionRate: number | null;
  readonly interruptions?: readonly TimedMark[];
  readonly customerEmotion: { readonly agitated: boolean; readonly moments: readonly TimedMark[] } | null;
  /**
   * The customer's emotion at the start and the end of the call (情绪应对): `startsNegative` and whether it
   * `endsNegative`, with the stretches as evidence; absent or null when the analysis had no trajectory.
   */
  readonly emotionCourse?: {
    readonly startsNegative: boolean;
    readonly endsNegative: boolean;
    readonly start: TimedMark;
    readonly end: TimedMark;
    readonly lowest: TimedMark;
  } | null;
  /**
   * Agent statements checked against the tenant's knowledge facts (产品知识准确率); absent when the analysis
   * predates knowledge checks. `note` names the fact and the quantities, never transcript text.
   */
  readonly knowledge?: {
    readonly checked: number;
    readonly contradictions: readonly (TimedMark & { readonly factId: string; readonly note: string })[];
    readonly confirmations: readonly (TimedMark & { readonly factId: string })[];
  };
}

export interface CriterionScore {
  readonly criterionId: string;
  readonly sectionId: string;
  readonly source: 'manual' | 'automatic' | 'override';
  readonly value: AnswerValue;
  /** Score as a fraction of the criterion's maximum, 0..1; null when N/A. */
  readonly ratio: number | null;
  /** What the analysis said, for automatic criteria (also when a reviewer overrode it). */
  readonly automaticValue: AnswerValue | null;
  readonly critical: boolean;
  readonly criticalFailed: boolean;
  readonly comment: string | null;
  readonly evidence: readonly Evidence[];
}

export interface SectionScore {
  readonly sectionId: string;
  readonly weight: number;
  /** The section's share of the total after renormalising over non-N/A sections, in percent; null when N/A. */
  readonly appliedWeightPct: number | null;
  /** 0..100, weighted mean of its criteria ratios; null when every criterion is N/A. */
  readonly score: number | null;
}

export interface EvaluationScore {
  readonly scorecard: ScorecardRef;
  readonly criteria: readonly CriterionScore[];
  readonly sections: readonly SectionScore[];
  /** 0..100 rounded to 0.01; 0 when a critical criterion failed; null when everything is N/A. */
  readonly total: number | null;
  /** The total the call would have had without the critical rule. */
  readonly totalBeforeCritical: number | null;
  readonly criticalFailed: boolean;
  readonly failedCriticalIds: readonly string[];
}

const MAX_TEXT = 2000;

function invalid(message: string, details?: Record<string, unknown>): CallsightError {
  return new CallsightError('VALIDATION_FAILED', message, details ? { details } : undefined);
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function checkAnswerValue(criterion: Criterion, value: AnswerValue): void {
  if (value === 'na') {
    if (!criterion.allowNa) throw invalid(`criterion ${criterion.id} does not allow N/A`);
    return;
  }
  if (criterion.scale.kind === 'pass_fail') {
    if (value !== 'pass' && value !== 'fail') throw invalid(`criterion ${criterion.id} is pass/fail: answer 'pass', 'fail'${criterion.allowNa ? " or 'na'" : ''}`);
    return;
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > criterion.scale.max) {
    throw invalid(`criterion ${criterion.id} takes an integer from 0 to ${criterion.scale.max}`);
  }
}

function toRatio(criterion: Criterion, value: AnswerValue): number | null {
  if (value === 'na') return null;
  if (value === 'pass') return 1;
  if (value === 'fail') return 0;
  return criterion.scale.kind === 'points' ? value / criterion.scale.max : null;
}

function fromPass(criterion: Criterion, passed: boolean): AnswerValue {
  if (criterion.scale.kind === 'points') return passed ? criterion.scale.max : 0;
  return passed ? 'pass' : 'fail';
}

function formatSeconds(seconds: number): string {
  return `${Math.round(seconds * 10) / 10} s`;
}

/** Decides one automatic criterion from the analysis summary, with its evidence. */
export function decideAutomaticCriterion(
  criterion: Criterion,
  summary: QualityAnalysisSummary,
): { readonly value: AnswerValue; readonly evidence: readonly Evidence[] } {
  if (criterion.kind !== 'automatic' || !criterion.source) throw invalid(`criterion ${criterion.id} is not automatic`);
  const source = parseAutomaticSource(criterion.source);
  const na = (note: string) => {
    if (!criterion.allowNa) throw invalid(`criterion ${criterion.id} cannot be decided automatically (${note}) and does not allow N/A; answer it manually`);
    return { value: 'na' as const, evidence: [{ startS: 0, note }] };
  };
  switch (source.type) {
    case 'script': {
      if (summary.requiredScriptIds && !summary.requiredScriptIds.includes(source.scriptId) && criterion.allowNa) {
        return { value: 'na', evidence: [{ startS: 0, note: `script ${source.scriptId} not required for this call` }] };
      }
      const found = summary.scriptsFound.filter((s) => s.scriptId === source.scriptId);
      if (found.length > 0) {
        return { value: fromPass(criterion, true), evidence: found.map((s) => ({ startS: s.startS, ...(s.endS !== undefined ? { endS: s.endS } : {}), note: `script ${source.scriptId} found` })) };
      }
      return { value: fromPass(criterion, false), evidence: [{ startS: 0, endS: summary.durationS, note: `script ${source.scriptId} not found in the call` }] };
    }
    case 'no_sensitive_words': {
      if (summary.sensitiveHits.length === 0) {
        return { value: fromPass(criterion, true), evidence: [{ startS: 0, endS: summary.durationS, note: 'no sensitive word found' }] };
      }
      return {
        value: fromPass(criterion, false),
        evidence: summary.sensitiveHits.map((h) => ({ startS: h.startS, ...(h.endS !== undefined ? { endS: h.endS } : {}), note: `sensitive word: ${h.term}` })),
      };
    }
    case 'interruption_rate_below': {
      if (summary.interruptionRate === null) return na('no customer turns to measure interruptions');
      const passed = summary.interruptionRate < source.threshold;
      const rateNote = `interruption rate ${round2(summary.interruptionRate * 100)}% (target below ${round2(source.threshold * 100)}%)`;
      const marks = summary.interruptions ?? [];
      const evidence: Evidence[] =
        passed || marks.length === 0
          ? [{ startS: 0, endS: summary.durationS, note: rateNote }]
          : marks.map((m) => ({ startS: m.startS, ...(m.endS !== undefined ? { endS: m.endS } : {}), note: `agent talked over the customer; ${rateNote}` }));
      return { value: fromPass(criterion, passed), evidence };
    }
    case 'duration_in_band': {
      const { minS, maxS } = summary.durationBand;
      const passed = summary.durationS >= minS && summary.durationS <= maxS;
      return {
        value: fromPass(criterion, passed),
        evidence: [{ startS: 0, endS: summary.durationS, note: `duration ${formatSeconds(summary.durationS)}, band ${formatSeconds(minS)}-${formatSeconds(maxS)}` }],
      };
    }
    case 'customer_not_agitated': {
      if (summary.customerEmotion === null) return na('no emotion analysis for this call');
      if (!summary.customerEmotion.agitated) {
        return { value: fromPass(criterion, true), evidence: [{ startS: 0, endS: summary.durationS, note: 'customer not agitated' }] };
      }
      const moments = summary.customerEmotion.moments;
      return {
        value: fromPass(criterion, false),
        evidence:
          moments.length > 0
            ? moments.map((m) => ({ startS: m.startS, ...(m.endS !== undefined ? { endS: m.endS } : {}), note: 'customer agitated' }))
            : [{ startS: 0, endS: summary.durationS, note: 'customer agitated' }],
      };
    }
    case 'emotion_handled': {
      const course = summary.emotionCourse;
      if (!course) return na('no emotion trajectory for this call');
      if (!course.startsNegative) {
        if (criterion.allowNa) return { value: 'na', evidence: [{ ...mark(course.start), note: 'customer did not start upset: nothing to handle' }] };
        return { value: fromPass(criterion, true), evidence: [{ ...mark(course.start), note: 'customer did not start upset' }] };
      }
      if (!course.endsNegative) {
        return {
          value: fromPass(criterion, true),
          evidence: [
            { ...mark(course.start), note: 'customer started upset' },
            { ...mark(course.end), note: 'customer ended neutral or positive' },
          ],
        };
      }
      return {
        value: fromPass(criterion, false),
        evidence: [
          { ...mark(course.start), note: 'customer started upset' },
          { ...mark(course.lowest), note: 'lowest point' },
          { ...mark(course.end), note: 'customer still upset at the end' },
        ],
      };
    }
    case 'knowledge_accurate': {
      const k = summary.knowledge;
      if (!k) return na('no knowledge check for this call');
      if (k.contradictions.length > 0) {
        return { value: fromPass(criterion, false), evidence: k.contradictions.map((c) => ({ ...mark(c), note: c.note })) };
      }
      if (k.checked === 0) {
        if (criterion.allowNa) return { value: 'na', evidence: [{ startS: 0, endS: summary.durationS, note: 'no knowledge fact mentioned' }] };
        return { value: fromPass(criterion, true), evidence: [{ startS: 0, endS: summary.durationS, note: 'no knowledge fact mentioned' }] };
      }
      return {
        value: fromPass(criterion, true),
        evidence: k.confirmations.map((c) => ({ ...mark(c), note: `fact ${c.factId} stated correctly` })),
      };
    }
  }
}

function mark(m: TimedMark): { startS: number; endS?: number } {
  return m.endS !== undefined ? { startS: m.startS, endS: m.endS } : { startS: m.startS };
}

function checkText(text: string | undefined, where: string): string | null {
  if (text === undefined) return null;
  if (typeof text !== 'string' || text.length > MAX_TEXT) throw invalid(`${where} must be text of at most ${MAX_TEXT} characters`);
  return text.trim() || null;
}

/**
 * Scores one call against one scorecard version. Every manual criterion must be answered; automatic
 * ones are decided from `analysis` unless the reviewer answered them (override). N/A criteria and
 * all-N/A sections drop out and weights are renormalised over what remains; a failed critical criterion
 * sets the total to 0 and `criticalFailed`. Throws VALIDATION_FAILED on unknown, duplicate, missing or
 * out-of-scale answers.
 */
export function scoreEvaluation(card: Scorecard, answers: readonly CriterionAnswer[], analysis: QualityAnalysisSummary | null): EvaluationScore {
  const byId = new Map<string, CriterionAnswer>();
  const known = new Set(listCriteria(card).map((c) => c.criterion.id));
  for (const answer of answers) {
    if (!known.has(answer.criterionId)) throw invalid(`answer for unknown criterion "${answer.criterionId}" (scorecard ${card.id} v${card.version})`);
    if (byId.has(answer.criterionId)) throw invalid(`criterion ${answer.criterionId} answered twice`);
    byId.set(answer.criterionId, answer);
  }
  const missing = listCriteria(card)
    .filter(({ criterion }) => criterion.kind === 'manual' && !byId.has(criterion.id))
    .map(({ criterion }) => criterion.id);
  if (missing.length > 0) throw invalid(`manual criteria not answered: ${missing.join(', ')}`, { missing });

  const criteria: CriterionScore[] = [];
  const sections: { sectionId: string; weight: number; score: number | null }[] = [];
  for (const section of card.sections) {
    let weighted = 0;
    let weightSum = 0;
    for (const criterion of section.criteria) {
      const answer = byId.get(criterion.id);
      let automatic: { value: AnswerValue; evidence: readonly Evidence[] } | null = null;
      if (criterion.kind === 'automatic') {
        if (analysis) automatic = decideAutomaticCriterion(criterion, analysis);
        else if (!answer) {
          if (!criterion.allowNa) throw invalid(`criterion ${criterion.id} is automatic but no analysis was given; answer it manually or score after analysis`);
          automatic = { value: 'na', evidence: [{ startS: 0, note: 'no analysis available' }] };
        }
      }
      if (answer) checkAnswerValue(criterion, answer.value);
      const value = answer ? answer.value : automatic!.value;
      const ratio = toRatio(criterion, value);
      const criticalFailed = criterion.critical && value === 'fail';
      criteria.push(
        Object.freeze({
          criterionId: criterion.id,
          sectionId: section.id,
          source: criterion.kind === 'manual' ? 'manual' : answer ? 'override' : 'automatic',
          value,
          ratio,
          automaticValue: automatic ? automatic.value : null,
          critical: criterion.critical,
          criticalFailed,
          comment: checkText(answer?.comment, `comment on ${criterion.id}`),
          evidence: Object.freeze(automatic ? [...automatic.evidence] : []),
        }),
      );
      if (ratio !== null) {
        weighted += ratio * criterion.weight;
        weightSum += criterion.weight;
      }
    }
    sections.push({ sectionId: section.id, weight: section.weight, score: weightSum > 0 ? (weighted / weightSum) * 100 : null });
  }
  const scoredWeight = sections.reduce((sum, s) => sum + (s.score === null ? 0 : s.weight), 0);
  const rawTotal = scoredWeight > 0 ? sections.reduce((sum, s) => sum + (s.score === null ? 0 : s.score * s.weight), 0) / scoredWeight : null;
  const failedCriticalIds = criteria.filter((c) => c.criticalFailed).map((c) => c.criterionId);
  const criticalFailed = failedCriticalIds.length > 0;
  return Object.freeze({
    scorecard: referenceScorecard(card),
    criteria: Object.freeze(criteria),
    sections: Object.freeze(
      sections.map((s) =>
        Object.freeze({
          sectionId: s.sectionId,
          weight: s.weight,
          appliedWeightPct: s.score === null ? null : round2((s.weight / scoredWeight) * 100),
          score: s.score === null ? null : round2(s.score),
        }),
      ),
    ),
    total: criticalFailed ? 0 : rawTotal === null ? null : round2(rawTotal),
    totalBeforeCritical: rawTotal === null ? null : round2(rawTotal),
    criticalFailed,
    failedCriticalIds: Object.freeze(failedCriticalIds),
  });
}

/** A stored evaluation: who scored which call with which scorecard version, and the frozen result. */
export interface Evaluation {
  readonly id: string;
  readonly callId: string;
  readonly agentId: string;
  readonly reviewerId: string;
  readonly callStartedAt: string;
  readonly scorecard: ScorecardRef;
  readonly answers: readonly CriterionAnswer[];
  readonly clips: readonly Clip[];
  readonly score: EvaluationScore;
  readonly createdAt: string;
}

export interface EvaluationInput {
  readonly id: string;
  readonly callId: string;
  readonly agentId: string;
  readonly reviewerId: string;
  readonly callStartedAt: string;
  readonly scorecard: Scorecard;
  readonly answers: readonly CriterionAnswer[];
  readonly clips?: readonly Clip[];
  readonly analysis: QualityAnalysisSummary | null;
  /** ISO instant from the caller's Clock. */
  readonly at: string;
}

/**
 * Creates an immutable evaluation. Clips must lie inside the call (0 <= startS < endS <= durationS when
 * the duration is known) and name a criterion of the card when they name one. A reviewer never scores
 * their own call (FORBIDDEN).
 */
export function createEvaluation(input: EvaluationInput): Evaluation {
  if (input.reviewerId === input.agentId) throw new CallsightError('FORBIDDEN', 'a reviewer may not score their own call');
  if (Number.isNaN(Date.parse(input.callStartedAt))) throw invalid('callStartedAt must be an ISO-8601 instant');
  const score = scoreEvaluation(input.scorecard, input.answers, input.analysis);
  const criterionIds = new Set(score.criteria.map((c) => c.criterionId));
  const durationS = input.analysis?.durationS ?? Number.POSITIVE_INFINITY;
  const clips = (input.clips ?? []).map((clip, i) => {
    if (!(Number.isFinite(clip.startS) && Number.isFinite(clip.endS) && clip.startS >= 0 && clip.startS < clip.endS && clip.endS <= durationS)) {
      throw invalid(`clip ${i + 1} must satisfy 0 <= startS < endS <= call duration`, { startS: clip.startS, endS: clip.endS });
    }
    if (clip.label !== 'good' && clip.label !== 'bad') throw invalid(`clip ${i + 1} label must be good or bad`);
    if (clip.criterionId !== undefined && !criterionIds.has(clip.criterionId)) throw invalid(`clip ${i + 1} names unknown criterion "${clip.criterionId}"`);
    return Object.freeze({ ...clip, note: checkText(clip.note, `clip ${i + 1} note`) ?? '' });
  });
  return Object.freeze({
    id: input.id,
    callId: input.callId,
    agentId: input.agentId,
    reviewerId: input.reviewerId,
    callStartedAt: input.callStartedAt,
    scorecard: score.scorecard,
    answers: Object.freeze(input.answers.map((a) => Object.freeze({ ...a }))),
    clips: Object.freeze(clips),
    score,
    createdAt: input.at,
  });
}
