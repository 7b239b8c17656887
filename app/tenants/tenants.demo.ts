import type { Principal } from '../../core/access/access.policy';
import type { DemoTokenRequest } from '../../core/api/demo.api';
import type { Agent } from '../../core/recordings/call';
import { CallsightError } from '../../core/shared/errors';

/** How a hub's demo is set up (bin/wiring/demo.wiring.ts). */
export interface DemoSettings {
  /** The tenant the demo shows; tokens are issued for it only. */
  readonly tenantId: string;
  /** Lifetime of a demo token, seconds. */
  readonly tokenTtlS: number;
  /** The team a demo QA reviewer reviews and a demo manager manages. */
  readonly qaTeam: string;
}

/**
 * Who a demo visitor becomes for the role they pick: `demo-agent-<agent id>` (the first demo agent unless they
 * name one), `demo-qa` reviewing the QA team, `demo-manager` managing it, `demo-admin` or `demo-auditor`. This is the demo's sign-in: the identity is then
 * the actor of the token it gets. VALIDATION_FAILED when the named agent is not one of the demo agents.
 */
export function demoPrincipal(request: DemoTokenRequest, agents: readonly Pick<Agent, 'id'>[], demo: DemoSettings): Principal {
  const base = { tenantId: demo.tenantId, teams: [] as string[], queues: [] as string[] };
  switch (request.role) {
    case 'agent': {
      const agent = request.agentId === undefined ? agents[0] : agents.find((a) => a.id === request.agentId);
      if (agent === undefined) throw new CallsightError('VALIDATION_FAILED', 'agentId: not one of the demo agents');
      return { ...base, userId: `demo-agent-${agent.id}`, role: 'agent', agentId: agent.id };
    }
    case 'qa':
      return { ...base, userId: 'demo-qa', role: 'qa', teams: [demo.qaTeam] };
    case 'manager':
      return { ...base, userId: 'demo-manager', role: 'manager', teams: [demo.qaTeam] };
    case 'admin':
      return { ...base, userId: 'demo-admin', role: 'admin' };
    case 'auditor':
      return { ...base, userId: 'demo-auditor', role: 'auditor' };
  }
}
