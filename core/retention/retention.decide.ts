import { CallsightError } from '../shared/errors';
import { dueAfterDays } from './keep-days';
import { indexFor, type HoldIndex, type LegalHold } from './legal-hold';
import {
  compileMatch,
  factsOf,
  matchesFacts,
  TextNormalizer,
  type CompiledMatch,
  type RetentionPolicy,
  type RetentionRule,
  type RetentionSubject,
} from './retention.policy';

export type RetentionAction = 'keep' | 'archive' | 'delete' | 'held';

/**
 * - `rule`: the named rule decided; `no_rule`: no rule matched, so the call is kept (never deleted by default);
 * - `already_deleted`: a tombstone, nothing left to do;
 * - `legal_hold`: holds stop what the rule would do now (see `heldFrom`).
 */
export type DecisionBasis = 'rule' | 'no_rule' | 'already_deleted' | 'legal_hold';

export interface RetentionDecision {
  readonly action: RetentionAction;
  /**
   * ISO-8601 UTC midnight. archive/delete: when it became due (<= now). keep: when the next step falls due, or
   * null if never. held: when the last of the holds expires, or null if any hold has no expiry.
   */
  readonly at: string | null;
  /** The rule that decided (for held: the rule that would apply), null when none matched. */
  readonly ruleId: string | null;
  readonly basis: DecisionBasis;
  /** For held: the active holds and what they stop right now ('keep' when nothing is due yet). */
  readonly holdIds?: readonly string[];
  readonly heldFrom?: 'keep' | 'archive' | 'delete';
}

interface CompiledRule {
  readonly rule: RetentionRule;
  readonly index: number;
  readonly match: CompiledMatch;
  readonly misdialOnly: boolean;
}

/** A policy prepared for evaluating many calls; build it once per sweep (decideRetention caches it per policy object). */
export interface CompiledPolicy {
  readonly policy: RetentionPolicy;
  readonly rules: readonly CompiledRule[];
  readonly norm: TextNormalizer;
}

const compiledCache = new WeakMap<RetentionPolicy, CompiledPolicy>();

/** Compiles a validated policy (see parseRetentionPolicy) for fast matching. */
export function compileRetentionPolicy(policy: RetentionPolicy): CompiledPolicy {
  let compiled = compiledCache.get(policy);
  if (compiled === undefined) {
    const norm = new TextNormalizer();
    compiled = {
      policy,
      norm,
      rules: policy.rules.map((rule, index) => ({ rule, index, match: compileMatch(rule.match, norm), misdialOnly: rule.match.misdial === true })),
    };
    compiledCache.set(policy, compiled);
  }
  return compiled;
}

/** Total retention a rule grants: archive keeps the recording indefinitely. */
function retentionOf(rule: RetentionRule): number {
  return rule.then === 'archive' ? Number.POSITIVE_INFINITY : rule.keepDays;
}

/**
 * Whether `a` beats `b`: the longer total retention wins (archive counts as forever), then the longer keepDays
 * (the recording stays in the hot tier longer), then the earlier rule in the policy.
 */
function beats(a: CompiledRule, b: CompiledRule): boolean {
  const ra = retentionOf(a.rule);
  const rb = retentionOf(b.rule);
  if (ra !== rb) return ra > rb;
  if (a.rule.keepDays !== b.rule.keepDays) return a.rule.keepDays > b.rule.keepDays;
  return a.index < b.index;
}

/**
 * The rule that governs a call: for a misdial, the best matching misdial rule (`match.misdial: true`) if any
 * (R-CAP-6: misdials have their own explicit rule); otherwise the best of all matching rules. null when none.
 */
export function selectRule(compiled: CompiledPolicy, call: RetentionSubject, facts = factsOf(call, compiled.norm)): RetentionRule | null {
  let best: CompiledRule | undefined;
  let bestMisdial: CompiledRule | undefined;
  for (const r of compiled.rules) {
    if (!matchesFacts(r.match, call, facts)) continue;
    if (r.misdialOnly) {
      if (bestMisdial === undefined || beats(r, bestMisdial)) bestMisdial = r;
    } else if (best === undefined || beats(r, best)) {
      best = r;
    }
  }
  return (bestMisdial ?? best)?.rule ?? null;
}

// Due dates are UTC midnights, so a sweep formats only a few thousand distinct ones; cache them.
const isoByMs = new Map<number, string>();
function iso(ms: number): string {
  let text = isoByMs.get(ms);
  if (text === undefined) {
    text = new Date(ms).toISOString();
    if (isoByMs.size >= 100_000) isoByMs.clear();
    isoByMs.set(ms, text);
  }
  return text;
}

/**
 * Decides what retention does to one call at `now` (pure; UTC day arithmetic; no clock). Due dates are the
 * first UTC midnight after the call has been kept the rule's whole days (see keep-days.ts). A legal hold in
 * force beats every rule. The call's `team` (its agent's team) is read by rules and holds matching on teams.
 * Throws VALIDATION_FAILED when the call's startedAt or durationS is unusable or `now` is invalid.
 */
export function decideRetention(
  call: RetentionSubject,
  policy: RetentionPolicy | CompiledPolicy,
  holds: readonly LegalHold[] | HoldIndex,
  now: Date,
): RetentionDecision {
  const nowMs = now.getTime();
  if (Number.isNaN(nowMs)) throw new CallsightError('VALIDATION_FAILED', 'decideRetention: now is not a valid date.');
  const compiled = 'rules' in policy && 'norm' in policy ? (policy as CompiledPolicy) : compileRetentionPolicy(policy as RetentionPolicy);
  if (call.status === 'deleted') return { action: 'keep', at: null, ruleId: null, basis: 'already_deleted' };

  const facts = factsOf(call, compiled.norm);
  const rule = selectRule(compiled, call, facts);
  const base: RuleOutcome = rule === null ? { action: 'keep', at: null, ruleId: null, basis: 'no_rule' } : applyRule(rule, call.status === 'archived', facts.startedMs, nowMs);

  const active = indexFor(holds, now).holdsFor(call, facts);
  if (active.length === 0) return base;
  let lastExpiry = 0;
  for (const h of active) {
    if (h.expiresAt == null) {
      lastExpiry = Number.POSITIVE_INFINITY;
      break;
    }
    lastExpiry = Math.max(lastExpiry, Date.parse(h.expiresAt));
  }
  return {
    action: 'held',
    at: Number.isFinite(lastExpiry) ? iso(lastExpiry) : null,
    ruleId: base.ruleId,
    basis: 'legal_hold',
    holdIds: active.map((h) => h.id),
    heldFrom: base.action,
  };
}

type RuleOutcome = RetentionDecision & { readonly action: 'keep' | 'archive' | 'delete' };

function applyRule(rule: RetentionRule, archived: boolean, startedMs: number, nowMs: number): RuleOutcome {
  const expiryMs = dueAfterDays(startedMs, rule.keepDays);
  const archiveMs = rule.then === 'archive' ? expiryMs : rule.archiveAfterDays !== undefined ? dueAfterDays(startedMs, rule.archiveAfterDays) : null;
  const deleteMs = rule.then === 'delete' ? expiryMs : null;
  const ruleId = rule.id;
  if (deleteMs !== null && nowMs >= deleteMs) return { action: 'delete', at: iso(deleteMs), ruleId, basis: 'rule' };
  if (archiveMs !== null && !archived && nowMs >= archiveMs) return { action: 'archive', at: iso(archiveMs), ruleId, basis: 'rule' };
  const next = !archived && archiveMs !== null && archiveMs > nowMs ? archiveMs : deleteMs;
  return { action: 'keep', at: next === null ? null : iso(next), ruleId, basis: 'rule' };
}
