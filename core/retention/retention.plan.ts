import { buildHoldIndex, indexFor, type HoldIndex, type LegalHold } from './legal-hold';
import { compileRetentionPolicy, decideRetention, type CompiledPolicy, type RetentionAction, type RetentionDecision } from './retention.decide';
import type { RetentionPolicy, RetentionSubject } from './retention.policy';

export type ActionCounts = Record<RetentionAction, number>;

export interface AffectedCall {
  readonly callId: string;
  readonly decision: RetentionDecision;
}

/** What a sweep would do (dry run) or did: counts per action and per rule, and the first affected calls. */
export interface RetentionPlan {
  /** ISO-8601 UTC instant the plan was computed for. */
  readonly now: string;
  readonly total: number;
  readonly counts: ActionCounts;
  /** Keyed by rule id; calls no rule matched (and tombstones) are under NO_RULE. */
  readonly byRule: Readonly<Record<string, ActionCounts>>;
  /** Held calls whose rule would archive or delete them now. */
  readonly heldBack: { readonly archive: number; readonly delete: number };
  /** The first `sampleLimit` calls, in input order, that would be archived, deleted, or held back from either. */
  readonly firstAffected: readonly AffectedCall[];
}

/** Key of calls that no rule governs in RetentionPlan.byRule. */
export const NO_RULE = '(none)';

export interface RetentionPlanner {
  /** Decides one call and counts it; returns the decision so a sweep can act on it. */
  add(call: RetentionSubject): RetentionDecision;
  result(): RetentionPlan;
}

const zero = (): ActionCounts => ({ keep: 0, archive: 0, delete: 0, held: 0 });

/**
 * An accumulator for sweeps that page through calls themselves (a resumable job keeps its own cursor). The
 * policy is compiled and holds indexed once, so each call costs a few map look-ups and rule matches.
 */
export function createRetentionPlanner(
  policy: RetentionPolicy | CompiledPolicy,
  holds: readonly LegalHold[] | HoldIndex,
  now: Date,
  options: { readonly sampleLimit?: number } = {},
): RetentionPlanner {
  const compiled = 'norm' in policy ? (policy as CompiledPolicy) : compileRetentionPolicy(policy as RetentionPolicy);
  const index = Array.isArray(holds) ? buildHoldIndex(holds as readonly LegalHold[], now) : indexFor(holds, now);
  const sampleLimit = options.sampleLimit ?? 50;
  const counts = zero();
  const byRule = new Map<string, ActionCounts>();
  const heldBack = { archive: 0, delete: 0 };
  const firstAffected: AffectedCall[] = [];
  let total = 0;
  return {
    add(call) {
      const decision = decideRetention(call, compiled, index, now);
      total++;
      counts[decision.action]++;
      const key = decision.ruleId ?? NO_RULE;
      let perRule = byRule.get(key);
      if (perRule === undefined) byRule.set(key, (perRule = zero()));
      perRule[decision.action]++;
      const blocked = decision.action === 'held' && (decision.heldFrom === 'archive' || decision.heldFrom === 'delete');
      if (blocked) heldBack[decision.heldFrom as 'archive' | 'delete']++;
      if ((decision.action === 'archive' || decision.action === 'delete' || blocked) && firstAffected.length < sampleLimit) {
        firstAffected.push({ callId: call.id, decision });
      }
      return decision;
    },
    result() {
      return {
        now: now.toISOString(),
        total,
        counts: { ...counts },
        byRule: Object.fromEntries([...byRule].map(([k, v]) => [k, { ...v }])),
        heldBack: { ...heldBack },
        firstAffected: [...firstAffected],
      };
    },
  };
}

/** Plans retention over calls in memory or from a synchronous cursor. Pure: nothing is changed. */
export function planRetention(
  calls: Iterable<RetentionSubject>,
  policy: RetentionPolicy | CompiledPolicy,
  holds: readonly LegalHold[] | HoldIndex,
  now: Date,
  options: { readonly sampleLimit?: number } = {},
): RetentionPlan {
  const planner = createRetentionPlanner(policy, holds, now, options);
  for (const call of calls) planner.add(call);
  return planner.result();
}

/** planRetention over an async cursor (a repository streaming calls page by page). */
export async function planRetentionAsync(
  calls: AsyncIterable<RetentionSubject> | Iterable<RetentionSubject>,
  policy: RetentionPolicy | CompiledPolicy,
  holds: readonly LegalHold[] | HoldIndex,
  now: Date,
  options: { readonly sampleLimit?: number } = {},
): Promise<RetentionPlan> {
  const planner = createRetentionPlanner(policy, holds, now, options);
  for await (const call of calls) planner.add(call);
  return planner.result();
}
