import type { CallScope } from '../recordings/call-repository.port';
import type { Agent } from '../recordings/call';
import type { Principal, Role } from './access.policy';

/**
 * Quality-management actions beyond the ten of POLICY (access.policy.ts), with the same kind of conditions:
 * - `all`: anything of the principal's tenant;
 * - `team`: calls (and agents) of the teams the principal manages;
 * - `scope`: calls assigned to the reviewer (review_assignments) or in their teams and queues;
 * - `own`: the principal's own calls, evaluations and coaching tasks (agents);
 * - `none`: never.
 * QA reviewers evaluate within their scope; managers see their teams' aggregates, score and coach their
 * teams and resolve their disputes; agents read their own evaluations and coaching tasks and may dispute;
 * admins manage scorecards, the reviewer roster and the sampling plan. Auditors read the audit trail only.
 */
export const QUALITY_ACTIONS = [
  'view_scorecards',
  'manage_scorecards',
  'evaluate',
  'view_evaluations',
  'manage_reviewers',
  'plan_sample',
  'view_sample',
  'calibrate',
  'dispute',
  'resolve_dispute',
  'view_kpis',
  'coach',
  'view_coaching',
] as const;
export type QualityAction = (typeof QUALITY_ACTIONS)[number];
export type QualityCondition = 'all' | 'team' | 'scope' | 'own' | 'none';

// prettier-ignore
export const QUALITY_POLICY: Readonly<Record<QualityAction, Readonly<Record<Role, QualityCondition>>>> = {
  view_scorecards:   { admin: 'all', manager: 'all',  qa: 'all',   agent: 'all',  auditor: 'none' },
  manage_scorecards: { admin: 'all', manager: 'none', qa: 'none',  agent: 'none', auditor: 'none' },
  evaluate:          { admin: 'none', manager: 'team', qa: 'scope', agent: 'none', auditor: 'none' },
  view_evaluations:  { admin: 'all', manager: 'team', qa: 'scope', agent: 'own',  auditor: 'none' },
  manage_reviewers:  { admin: 'all', manager: 'none', qa: 'none',  agent: 'none', auditor: 'none' },
  plan_sample:       { admin: 'all', manager: 'none', qa: 'none',  agent: 'none', auditor: 'none' },
  view_sample:       { admin: 'all', manager: 'team', qa: 'scope', agent: 'none', auditor: 'none' },
  calibrate:         { admin: 'all', manager: 'team', qa: 'none',  agent: 'none', auditor: 'none' },
  dispute:           { admin: 'none', manager: 'none', qa: 'none',  agent: 'own',  auditor: 'none' },
  resolve_dispute:   { admin: 'all', manager: 'team', qa: 'none',  agent: 'none', auditor: 'none' },
  view_kpis:         { admin: 'all', manager: 'team', qa: 'none',  agent: 'none', auditor: 'none' },
  coach:             { admin: 'all', manager: 'team', qa: 'none',  agent: 'none', auditor: 'none' },
  view_coaching:     { admin: 'all', manager: 'team', qa: 'none',  agent: 'own',  auditor: 'none' },
};

export function qualityCondition(principal: Principal, action: QualityAction): QualityCondition {
  return QUALITY_POLICY[action][principal.role];
}

/** The calls a principal reaches for a quality action, as a repository scope (applied inside the query). */
export function qualityCallScope(principal: Principal, action: QualityAction): CallScope {
  switch (qualityCondition(principal, action)) {
    case 'all':
      return { kind: 'all' };
    case 'team':
      return principal.teams.length > 0 ? { kind: 'restricted', teams: [...principal.teams] } : { kind: 'none' };
    case 'scope':
      return {
        kind: 'restricted',
        reviewerId: principal.userId,
        ...(principal.teams.length > 0 ? { teams: [...principal.teams] } : {}),
        ...(principal.queues.length > 0 ? { queues: [...principal.queues] } : {}),
      };
    case 'own':
      return principal.agentId ? { kind: 'restricted', agentIds: [principal.agentId] } : { kind: 'none' };
    case 'none':
      return { kind: 'none' };
  }
}

/**
 * The agents whose data (evaluations, tasks, disputes) a principal reaches for an action: null for every
 * agent of the tenant, otherwise the list (empty = nobody). `scope` reaches the agents of the reviewer's teams.
 */
export function qualityAgentIds(principal: Principal, action: QualityAction, agents: readonly Agent[]): string[] | null {
  switch (qualityCondition(principal, action)) {
    case 'all':
      return null;
    case 'team':
    case 'scope':
      return agents.filter((a) => principal.teams.includes(a.team)).map((a) => a.id);
    case 'own':
      return principal.agentId ? [principal.agentId] : [];
    case 'none':
      return [];
  }
}
