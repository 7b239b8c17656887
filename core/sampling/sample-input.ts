/**
 * Gathers the input of a month's sampling plan through ports: the month's calls with their screening risk,
 * and the agents with their seniority. Shared by the API and `callsight sample plan`, so both sample the same
 * calls for the same seed.
 */
import { collectCalls, monthRange } from '../quality/call-source';
import type { Awaitable } from '../quality/quality-store.port';
import type { CallRepository } from '../recordings/call-repository.port';
import type { SampleAgentInput, SampleCallInput } from './sample-plan';

export interface SampleSourcePorts {
  readonly calls: Pick<CallRepository, 'listCalls' | 'listAgents'>;
  /** Risk per analysed call (0..1); calls without analysis are absent and count as risk 0. */
  screening(tenantId: string, callIds: readonly string[]): Awaitable<ReadonlyMap<string, { readonly risk: number }>>;
}

export interface CollectedSampleInput {
  readonly calls: SampleCallInput[];
  readonly agents: SampleAgentInput[];
  /** Agents with calls in the month but no agent record: sampled as new agents (the larger quota), and named here. */
  readonly agentsAssumedNew: string[];
}

/** The default seed of a period, used by the API and the CLI alike when none is given. */
export function defaultSampleSeed(period: string): string {
  return `period:${period}`;
}

/**
 * Loads the month's calls and agents. Misdials (R-CAP-6) and deleted calls are not sampled. Guarantees the
 * same calls and risks whatever the repository's page order, since planSample sorts its input itself.
 */
export async function collectSampleInput(ports: SampleSourcePorts, tenantId: string, period: string): Promise<CollectedSampleInput> {
  const range = monthRange(period);
  const calls = (await collectCalls(ports.calls, tenantId, { from: range.from, to: range.to }, { kind: 'all' })).filter(
    (c) => c.status !== 'misdial' && c.status !== 'deleted',
  );
  const screening = await ports.screening(tenantId, calls.map((c) => c.id));
  const known = new Map((await ports.calls.listAgents(tenantId)).map((a) => [a.id, a.seniority] as const));
  const assumed = new Set<string>();
  for (const call of calls) if (call.agentId !== null && !known.has(call.agentId)) assumed.add(call.agentId);
  return {
    calls: calls.map((c) => ({ id: c.id, agentId: c.agentId, startedAt: c.startedAt, riskScore: screening.get(c.id)?.risk ?? 0 })),
    agents: [...[...known].map(([id, seniority]) => ({ id, seniority })), ...[...assumed].map((id) => ({ id, seniority: 'new' as const }))],
    agentsAssumedNew: [...assumed].sort(),
  };
}
