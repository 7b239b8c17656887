/**
 * Manual QA sampling plan for one month (DOMAIN R-QA-5, issue 7): per-agent quotas by seniority, a
 * uniform random control stratum, high-risk calls first, reviewer assignment with balanced load and a
 * blindly double-scored share. Deterministic: the same input set and seed give the same plan, whatever
 * the order of the input lists (ARCHITECTURE invariant 6).
 */
import { createSeededRandom, hashString } from '../shared/clock.port';
import { CallsightError } from '../shared/errors';
import type { Seniority } from '../recordings/call';
import { shuffleSeeded, sortByKey } from './seeded-order';

export interface SampleCallInput {
  readonly id: string;
  /** Null for IVR / bot calls, which are not sampled for agent QA. */
  readonly agentId: string | null;
  readonly startedAt: string;
  /** From automatic screening (R-QA-4); larger is riskier; 0 means nothing flagged. */
  readonly riskScore: number;
}

export interface SampleAgentInput {
  readonly id: string;
  readonly seniority: Seniority;
}

export interface SampleReviewerInput {
  readonly id: string;
  /** Set when the reviewer also takes calls; they are never assigned their own calls. */
  readonly agentId?: string | null;
}

export interface SamplePlanInput {
  /** YYYY-MM; a call belongs to the month of its UTC start. */
  readonly period: string;
  readonly calls: readonly SampleCallInput[];
  readonly agents: readonly SampleAgentInput[];
  readonly reviewers: readonly SampleReviewerInput[];
  /** Share of each agent's calls to sample, by seniority. Default new 0.5, senior 0.1. */
  readonly quotas?: Readonly<Record<Seniority, number>>;
  /** Fill the non-control part of the quota with the riskiest calls first. Default true. */
  readonly riskFirst?: boolean;
  /** Share of the sample drawn uniformly at random as a control stratum. Default 0.2. */
  readonly controlShare?: number;
  /** Share of sampled calls scored blindly by a second reviewer. Default 0.1. */
  readonly doubleScoreShare?: number;
  /** A call is "risky" when riskScore is above this. Default 0. */
  readonly minRiskScore?: number;
  readonly seed: number | string;
}

export type SampleStratum = 'risk' | 'control' | 'quota';

export interface SampleItem {
  readonly callId: string;
  readonly agentId: string;
  readonly stratum: SampleStratum;
  readonly riskScore: number;
  /** First reviewer, then the blind second reviewer for double-scored calls; empty when nobody eligible. */
  readonly reviewerIds: readonly string[];
  readonly doubleScored: boolean;
  /** Double-scored reviewers do not see each other's scores until both are in. */
  readonly blind: boolean;
}

export interface AgentSampleSummary {
  readonly agentId: string;
  readonly seniority: Seniority;
  readonly calls: number;
  readonly quotaShare: number;
  /** ceil(quotaShare x calls). */
  readonly quota: number;
  readonly sampled: number;
  readonly byStratum: Readonly<Record<SampleStratum, number>>;
}

export interface ReviewerLoad {
  readonly reviewerId: string;
  readonly assigned: number;
  /** Of which as one of two reviewers of a double-scored call. */
  readonly doubleScored: number;
}

export interface SamplePlan {
  readonly period: string;
  readonly seed: string;
  readonly settings: {
    readonly quotas: Readonly<Record<Seniority, number>>;
    readonly riskFirst: boolean;
    readonly controlShare: number;
    readonly doubleScoreShare: number;
    readonly minRiskScore: number;
  };
  readonly items: readonly SampleItem[];
  readonly agents: readonly AgentSampleSummary[];
  readonly reviewers: readonly ReviewerLoad[];
  readonly totals: {
    readonly callsInPeriod: number;
    /** Calls in the period without an agent (IVR, bots). */
    readonly callsWithoutAgent: number;
    readonly sampled: number;
    readonly doubleScored: number;
    /** Sampled calls that no reviewer may score (every reviewer is that call's agent). */
    readonly unassigned: number;
  };
  /** FNV-1a of the canonical plan, to show two runs produced the same plan. */
  readonly fingerprint: string;
}

const PERIOD_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;
// Guards ceil/floor against binary fractions such as 0.1 x 30 = 3.0000000000000004.
const EPSILON = 1e-9;

function invalid(message: string, details?: Record<string, unknown>): CallsightError {
  return new CallsightError('VALIDATION_FAILED', message, details ? { details } : undefined);
}

function requireShare(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0 || value > 1) throw invalid(`${name} must be a share between 0 and 1`, { [name]: value });
  return value;
}

function requireUniqueIds(kind: string, ids: readonly string[]): void {
  const seen = new Set<string>();
  for (const id of ids) {
    if (typeof id !== 'string' || id === '') throw invalid(`every ${kind} needs a non-empty id`);
    if (seen.has(id)) throw invalid(`${kind} ids must be unique; one appears twice`);
    seen.add(id);
  }
}

/**
 * Builds the sampling plan. Guarantees: every agent gets exactly min(quota, calls) sampled calls where
 * quota = ceil(share x calls in the period); the control stratum is a uniform random draw from the agent's
 * calls, sized so the plan-wide control share is round(controlShare x sample) (each agent within one call
 * of its exact share); with riskFirst the rest of the quota takes the highest risk scores, then random
 * calls when risky ones run out; reviewer loads differ by at most one when every reviewer may score every
 * call. Throws VALIDATION_FAILED on a bad period, shares, duplicate ids or calls of unknown agents.
 */
export function planSample(input: SamplePlanInput): SamplePlan {
  if (!PERIOD_PATTERN.test(input.period)) throw invalid('period must be YYYY-MM', { period: input.period });
  if (input.seed === undefined || input.seed === null || input.seed === '') throw invalid('a seed is required so that the plan can be reproduced');
  const quotas = input.quotas ?? { new: 0.5, senior: 0.1 };
  const settings = {
    quotas: { new: requireShare('quotas.new', quotas.new), senior: requireShare('quotas.senior', quotas.senior) },
    riskFirst: input.riskFirst ?? true,
    controlShare: requireShare('controlShare', input.controlShare ?? 0.2),
    doubleScoreShare: requireShare('doubleScoreShare', input.doubleScoreShare ?? 0.1),
    minRiskScore: input.minRiskScore ?? 0,
  };
  if (!Number.isFinite(settings.minRiskScore)) throw invalid('minRiskScore must be a number');
  requireUniqueIds('call', input.calls.map((c) => c.id));
  requireUniqueIds('agent', input.agents.map((a) => a.id));
  requireUniqueIds('reviewer', input.reviewers.map((r) => r.id));
  const seed = String(input.seed);
  const agentsById = new Map(input.agents.map((a) => [a.id, a] as const));
  for (const agent of input.agents) {
    if (agent.seniority !== 'new' && agent.seniority !== 'senior') throw invalid('agent seniority must be new or senior');
  }

  const [year, month] = input.period.split('-').map(Number) as [number, number];
  const periodStartMs = Date.UTC(year, month - 1, 1);
  const periodEndMs = Date.UTC(year, month, 1);
  let callsInPeriod = 0;
  let callsWithoutAgent = 0;
  const callsByAgent = new Map<string, SampleCallInput[]>();
  const unknownAgents = new Set<string>();
  for (const call of input.calls) {
    const started = Date.parse(call.startedAt);
    if (Number.isNaN(started)) throw invalid('every call needs an ISO-8601 startedAt');
    if (started < periodStartMs || started >= periodEndMs) continue;
    if (!Number.isFinite(call.riskScore)) throw invalid('riskScore must be a finite number');
    callsInPeriod++;
    if (call.agentId === null) {
      callsWithoutAgent++;
      continue;
    }
    if (!agentsById.has(call.agentId)) {
      unknownAgents.add(call.agentId);
      continue;
    }
    const list = callsByAgent.get(call.agentId) ?? [];
    list.push(call);
    callsByAgent.set(call.agentId, list);
  }
  if (unknownAgents.size > 0) {
    throw invalid(`${unknownAgents.size} agent(s) with calls in ${input.period} are missing from the agent list; add them with their seniority`, {
      unknownAgents: unknownAgents.size,
    });
  }

  const agentIds = [...callsByAgent.keys()].sort();
  const quotaOf = new Map<string, number>();
  for (const agentId of agentIds) {
    const share = settings.quotas[agentsById.get(agentId)!.seniority];
    const n = callsByAgent.get(agentId)!.length;
    quotaOf.set(agentId, Math.min(n, Math.ceil(share * n - EPSILON)));
  }
  const controlOf = allocateControl(agentIds, quotaOf, settings.controlShare, seed, input.period);

  const items: { callId: string; agentId: string; stratum: SampleStratum; riskScore: number }[] = [];
  const agentSummaries: AgentSampleSummary[] = [];
  for (const agentId of agentIds) {
    const random = createSeededRandom(`${seed}|${input.period}|agent|${agentId}`);
    const shuffled = shuffleSeeded(sortByKey(callsByAgent.get(agentId)!, (c) => c.id), random);
    const quota = quotaOf.get(agentId)!;
    const control = controlOf.get(agentId)!;
    const chosen = new Set<string>();
    const byStratum: Record<SampleStratum, number> = { risk: 0, control: 0, quota: 0 };
    const take = (call: SampleCallInput, stratum: SampleStratum) => {
      chosen.add(call.id);
      byStratum[stratum] += 1;
      items.push({ callId: call.id, agentId, stratum, riskScore: call.riskScore });
    };
    // Control first, from all of the agent's calls, so that it is an unbiased sample of them.
    for (const call of shuffled.slice(0, control)) take(call, 'control');
    if (settings.riskFirst) {
      const position = new Map(shuffled.map((c, i) => [c.id, i] as const));
      const risky = shuffled
        .filter((c) => !chosen.has(c.id) && c.riskScore > settings.minRiskScore)
        .sort((a, b) => b.riskScore - a.riskScore || position.get(a.id)! - position.get(b.id)!);
      for (const call of risky.slice(0, quota - chosen.size)) take(call, 'risk');
    }
    for (const call of shuffled) {
      if (chosen.size >= quota) break;
      if (!chosen.has(call.id)) take(call, 'quota');
    }
    const seniority = agentsById.get(agentId)!.seniority;
    agentSummaries.push({
      agentId,
      seniority,
      calls: callsByAgent.get(agentId)!.length,
      quotaShare: settings.quotas[seniority],
      quota,
      sampled: chosen.size,
      byStratum,
    });
  }

  const assignment = assignReviewers(items, input.reviewers, settings.doubleScoreShare, seed, input.period);
  const planItems: SampleItem[] = items
    .map((item) => {
      const reviewerIds = assignment.reviewersOf.get(item.callId) ?? [];
      const doubleScored = reviewerIds.length === 2;
      return { ...item, reviewerIds, doubleScored, blind: doubleScored };
    })
    .sort((a, b) => (a.agentId === b.agentId ? (a.callId < b.callId ? -1 : 1) : a.agentId < b.agentId ? -1 : 1));

  const reviewers = sortByKey(input.reviewers, (r) => r.id).map((r) => ({
    reviewerId: r.id,
    assigned: assignment.load.get(r.id) ?? 0,
    doubleScored: assignment.doubleLoad.get(r.id) ?? 0,
  }));
  const canonical = planItems.map((i) => `${i.callId}:${i.stratum}:${i.reviewerIds.join('+')}`).join('|');
  return {
    period: input.period,
    seed,
    settings,
    items: planItems,
    agents: agentSummaries,
    reviewers,
    totals: {
      callsInPeriod,
      callsWithoutAgent,
      sampled: planItems.length,
      doubleScored: planItems.filter((i) => i.doubleScored).length,
      unassigned: planItems.filter((i) => i.reviewerIds.length === 0).length,
    },
    fingerprint: hashString(canonical).toString(16).padStart(8, '0'),
  };
}

/**
 * Control calls per agent: floor of the exact share each, then the plan-wide remainder to the agents with
 * the largest fractional parts (ties by a seeded hash), so the overall control share is exact.
 */
function allocateControl(agentIds: readonly string[], quotaOf: ReadonlyMap<string, number>, share: number, seed: string, period: string): Map<string, number> {
  const control = new Map<string, number>();
  let totalQuota = 0;
  let assigned = 0;
  const fractions: { agentId: string; fraction: number; tie: number }[] = [];
  for (const agentId of agentIds) {
    const quota = quotaOf.get(agentId)!;
    totalQuota += quota;
    const exact = share * quota;
    const base = Math.floor(exact + EPSILON);
    control.set(agentId, base);
    assigned += base;
    if (base < quota) fractions.push({ agentId, fraction: exact - base, tie: hashString(`${seed}|${period}|control|${agentId}`) });
  }
  let extra = Math.round(share * totalQuota + EPSILON) - assigned;
  fractions.sort((a, b) => b.fraction - a.fraction || a.tie - b.tie);
  for (const f of fractions) {
    if (extra <= 0) break;
    control.set(f.agentId, control.get(f.agentId)! + 1);
    extra--;
  }
  return control;
}

function assignReviewers(
  items: readonly { callId: string; agentId: string }[],
  reviewers: readonly SampleReviewerInput[],
  doubleShare: number,
  seed: string,
  period: string,
): { reviewersOf: Map<string, string[]>; load: Map<string, number>; doubleLoad: Map<string, number> } {
  const random = createSeededRandom(`${seed}|${period}|assign`);
  const ordered = shuffleSeeded(sortByKey(items, (i) => i.callId), random);
  const reviewerOrder = shuffleSeeded(sortByKey(reviewers, (r) => r.id), random);
  const rank = new Map(reviewerOrder.map((r, i) => [r.id, i] as const));
  const load = new Map<string, number>();
  const doubleLoad = new Map<string, number>();
  const reviewersOf = new Map<string, string[]>();
  const eligible = (item: { agentId: string }) => reviewerOrder.filter((r) => r.id !== item.agentId && (r.agentId ?? null) !== item.agentId);

  let doubleWanted = Math.round(doubleShare * items.length + EPSILON);
  const doubles: typeof ordered = [];
  const singles: typeof ordered = [];
  for (const item of ordered) {
    if (doubleWanted > 0 && eligible(item).length >= 2) {
      doubles.push(item);
      doubleWanted--;
    } else {
      singles.push(item);
    }
  }
  const pick = (item: { agentId: string }, exclude: readonly string[]): string | null => {
    let best: SampleReviewerInput | null = null;
    for (const r of eligible(item)) {
      if (exclude.includes(r.id)) continue;
      if (
        best === null ||
        (load.get(r.id) ?? 0) < (load.get(best.id) ?? 0) ||
        ((load.get(r.id) ?? 0) === (load.get(best.id) ?? 0) && rank.get(r.id)! < rank.get(best.id)!)
      ) {
        best = r;
      }
    }
    if (best) load.set(best.id, (load.get(best.id) ?? 0) + 1);
    return best?.id ?? null;
  };
  // Double-scored calls first: they are the most constrained (two distinct eligible reviewers).
  for (const item of doubles) {
    const first = pick(item, [])!;
    const second = pick(item, [first])!;
    reviewersOf.set(item.callId, [first, second]);
    doubleLoad.set(first, (doubleLoad.get(first) ?? 0) + 1);
    doubleLoad.set(second, (doubleLoad.get(second) ?? 0) + 1);
  }
  for (const item of singles) {
    const reviewer = pick(item, []);
    reviewersOf.set(item.callId, reviewer ? [reviewer] : []);
  }
  return { reviewersOf, load, doubleLoad };
}
