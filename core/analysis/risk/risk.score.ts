import type { Severity } from '../lexicon/lexicon.packs';
import type { SensitiveHit } from '../lexicon/sensitive-words';
import type { ScriptResult } from '../scripts/required-scripts';
import type { PiiHit } from '../pii/pii.detector';
import type { ConversationMetrics } from '../metrics/conversation.metrics';
import type { CallEmotion } from '../emotion/emotion.analysis';
import type { KnowledgeCheck } from '../knowledge/knowledge.check';

export type FlagCode =
  | 'SENSITIVE_WORD'
  | 'MISSING_SCRIPT'
  | 'PII_PRESENT'
  | 'CUSTOMER_AGITATED'
  | 'DURATION_ABNORMAL'
  | 'HIGH_INTERRUPTION'
  | 'KNOWLEDGE_CONTRADICTION';

/** One risk flag of a call; `count` is how many findings raised it, `details` names them (no PII). */
export interface Flag {
  readonly code: FlagCode;
  readonly severity: Severity;
  readonly count: number;
  readonly details: readonly string[];
}

/** Thresholds behind the flags; defaults follow R-QA-2 and R-QA-4. */
export interface FlagThresholds {
  /** HIGH_INTERRUPTION above this customer interruption rate (R-QA-2: <= 20%). */
  readonly interruptionRate: number;
  /** ... but only with at least this many customer turns, so 1 of 2 turns is not "50%". */
  readonly minCustomerTurns: number;
  /** CUSTOMER_AGITATED when the peak negative (3-segment mean) reaches this. */
  readonly agitatedPeakNegative: number;
}

export const DEFAULT_FLAG_THRESHOLDS: FlagThresholds = { interruptionRate: 0.2, minCustomerTurns: 3, agitatedPeakNegative: 0.75 };

/** Contribution of one finding of a given severity to the risk score. */
export const SEVERITY_WEIGHT: Readonly<Record<Severity, number>> = { low: 0.1, medium: 0.25, high: 0.5 };

const RANK: Readonly<Record<Severity, number>> = { low: 0, medium: 1, high: 2 };
const maxSeverity = (list: readonly Severity[]): Severity => list.reduce<Severity>((a, b) => (RANK[b] > RANK[a] ? b : a), 'low');
/** Scripts whose absence is a regulatory breach rather than a service lapse. */
const CRITICAL_SCRIPTS = new Set(['recording_notice', 'risk_disclosure']);

export interface FlagInputs {
  readonly sensitive: readonly SensitiveHit[];
  readonly scripts: readonly ScriptResult[];
  readonly pii: readonly PiiHit[];
  readonly metrics: ConversationMetrics;
  readonly emotion: CallEmotion;
  readonly thresholds: FlagThresholds;
  /** Knowledge check of the call; a contradiction of a tenant fact raises KNOWLEDGE_CONTRADICTION. */
  readonly knowledge?: KnowledgeCheck;
}

/** Raises the flags of one call, in a fixed order of codes. */
export function raiseFlags(input: FlagInputs): Flag[] {
  const flags: Flag[] = [];
  if (input.sensitive.length > 0) {
    flags.push({
      code: 'SENSITIVE_WORD',
      severity: maxSeverity(input.sensitive.map((h) => h.severity)),
      count: input.sensitive.length,
      details: [...new Set(input.sensitive.map((h) => h.term))],
    });
  }
  const missing = input.scripts.filter((s) => s.required && !s.found);
  if (missing.length > 0) {
    flags.push({
      code: 'MISSING_SCRIPT',
      severity: missing.some((s) => CRITICAL_SCRIPTS.has(s.id)) ? 'high' : 'medium',
      count: missing.length,
      details: missing.map((s) => s.id),
    });
  }
  if (input.pii.length > 0) {
    const kinds = [...new Set(input.pii.map((p) => p.kind))];
    flags.push({
      code: 'PII_PRESENT',
      severity: kinds.includes('bank_card') || kinds.includes('cn_id') ? 'medium' : 'low',
      count: input.pii.length,
      details: kinds,
    });
  }
  const e = input.emotion;
  if (e.peakNegative >= input.thresholds.agitatedPeakNegative) {
    flags.push({
      code: 'CUSTOMER_AGITATED',
      severity: e.customer.label === 'negative' || e.peakNegative >= 0.9 ? 'high' : 'medium',
      count: e.timeline.filter((p) => p.label === 'negative').length,
      details: [],
    });
  }
  const m = input.metrics;
  if (m.durationOutsideBandS > 0) {
    const bandWidth = Math.max(1, m.durationBand.maxS - m.durationBand.minS);
    flags.push({
      code: 'DURATION_ABNORMAL',
      severity: m.durationOutsideBandS > bandWidth / 2 ? 'medium' : 'low',
      count: 1,
      details: [m.durationS < m.durationBand.minS ? 'too_short' : 'too_long'],
    });
  }
  if (m.customerTurns >= input.thresholds.minCustomerTurns && m.interruptionRate > input.thresholds.interruptionRate) {
    flags.push({
      code: 'HIGH_INTERRUPTION',
      severity: m.interruptionRate > input.thresholds.interruptionRate * 2 ? 'high' : 'medium',
      count: m.customerTurnsInterrupted,
      details: [],
    });
  }
  const wrong = input.knowledge?.contradictions ?? [];
  if (wrong.length > 0) {
    flags.push({ code: 'KNOWLEDGE_CONTRADICTION', severity: 'medium', count: wrong.length, details: [...new Set(wrong.map((f) => f.factId))] });
  }
  return flags;
}

/**
 * Risk score in [0, 1]: a noisy-OR over flags, risk = 1 - Π (1 - w)^k, where w is the flag's
 * severity weight (low 0.1, medium 0.25, high 0.5) and k = min(count, 3), so repeated findings
 * raise risk with diminishing effect and no single flag type alone reaches 1. Rounded to 3 decimals.
 */
export function computeRiskScore(flags: readonly Flag[]): number {
  let safe = 1;
  for (const f of flags) safe *= Math.pow(1 - SEVERITY_WEIGHT[f.severity], Math.min(3, Math.max(1, f.count)));
  return Math.round((1 - safe) * 1000) / 1000;
}
