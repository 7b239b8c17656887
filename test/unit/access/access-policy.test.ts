import { describe, expect, it } from 'vitest';
import {
  ACTIONS,
  authorize,
  matchesScope,
  POLICY,
  ROLES,
  scopeFor,
  type Action,
  type CallTarget,
  type ExportTarget,
  type Principal,
  type Role,
} from '../../../core/access/access.policy';

// The policy restated independently of the implementation: changing POLICY must change this grid too.
// prettier-ignore
const EXPECTED_GRID: Record<Action, Record<Role, string>> = {
  list:            { admin: 'all',           manager: 'team', qa: 'scope', agent: 'own',  auditor: 'none' },
  view:            { admin: 'all',           manager: 'team', qa: 'scope', agent: 'own',  auditor: 'none' },
  play:            { admin: 'all',           manager: 'team', qa: 'scope', agent: 'own',  auditor: 'none' },
  view_transcript: { admin: 'all',           manager: 'team', qa: 'scope', agent: 'own',  auditor: 'none' },
  download:        { admin: 'requester',     manager: 'none', qa: 'none',  agent: 'none', auditor: 'none' },
  request_export:  { admin: 'all',           manager: 'none', qa: 'none',  agent: 'none', auditor: 'none' },
  approve_export:  { admin: 'not_requester', manager: 'none', qa: 'none',  agent: 'none', auditor: 'none' },
  delete:          { admin: 'all',           manager: 'none', qa: 'none',  agent: 'none', auditor: 'none' },
  change_settings: { admin: 'all',           manager: 'none', qa: 'none',  agent: 'none', auditor: 'none' },
  view_audit:      { admin: 'all',           manager: 'none', qa: 'none',  agent: 'none', auditor: 'all' },
};

const TENANT = 't-1';
const OTHER_TENANT = 't-2';

const principals: Record<Role, Principal> = {
  admin: { tenantId: TENANT, userId: 'u-admin', role: 'admin', teams: [], queues: [] },
  manager: { tenantId: TENANT, userId: 'u-manager', role: 'manager', teams: ['team-a'], queues: [] },
  qa: { tenantId: TENANT, userId: 'u-qa', role: 'qa', teams: ['team-a'], queues: [] },
  agent: { tenantId: TENANT, userId: 'u-agent', role: 'agent', agentId: 'ag-1', teams: ['team-a'], queues: [] },
  auditor: { tenantId: TENANT, userId: 'u-auditor', role: 'auditor', teams: [], queues: [] },
};

interface Situation {
  readonly ownAgent: boolean;
  readonly ownTeam: boolean;
  readonly ownTenant: boolean;
}

const situations: Situation[] = [];
for (const ownAgent of [true, false]) for (const ownTeam of [true, false]) for (const ownTenant of [true, false]) situations.push({ ownAgent, ownTeam, ownTenant });

const label = (s: Situation) => `${s.ownAgent ? 'own' : 'other'} agent, ${s.ownTeam ? 'own' : 'other'} team, ${s.ownTenant ? 'own' : 'other'} tenant`;

function callFor(s: Situation): CallTarget {
  return { kind: 'call', tenantId: s.ownTenant ? TENANT : OTHER_TENANT, agentId: s.ownAgent ? 'ag-1' : 'ag-2', team: s.ownTeam ? 'team-a' : 'team-b', queue: 'q-general' };
}

/** For exports, "own agent" stands for "the principal requested it"; status is what the action needs. */
function exportFor(s: Situation, principal: Principal, action: Action): ExportTarget {
  return { kind: 'export', tenantId: s.ownTenant ? TENANT : OTHER_TENANT, requestedBy: s.ownAgent ? principal.userId : 'u-someone-else', status: action === 'download' ? 'approved' : 'pending' };
}

function expectedAllowed(condition: string, s: Situation): boolean {
  if (!s.ownTenant) return false;
  switch (condition) {
    case 'all':
      return true;
    case 'own':
      return s.ownAgent;
    case 'team':
    case 'scope':
      return s.ownTeam;
    case 'requester':
      return s.ownAgent;
    case 'not_requester':
      return !s.ownAgent;
    default:
      return false;
  }
}

const CALL_ACTIONS: Action[] = ['list', 'view', 'play', 'view_transcript', 'delete'];
const EXPORT_ACTIONS: Action[] = ['download', 'approve_export'];

describe('access policy table', () => {
  it('is exactly the documented grid, for every role and action', () => {
    expect(Object.keys(POLICY).sort()).toEqual([...ACTIONS].sort());
    for (const action of ACTIONS) expect(POLICY[action]).toEqual(EXPECTED_GRID[action]);
  });

  const cases = ROLES.flatMap((role) => ACTIONS.flatMap((action) => situations.map((s) => ({ role, action, s }))));

  it.each(cases.map((c) => [c.role, c.action, label(c.s), c] as const))('%s %s (%s) follows the table', (_role, _action, _label, { role, action, s }) => {
    const principal = principals[role];
    const target = CALL_ACTIONS.includes(action) ? callFor(s) : EXPORT_ACTIONS.includes(action) ? exportFor(s, principal, action) : { kind: 'tenant' as const, tenantId: s.ownTenant ? TENANT : OTHER_TENANT };
    const decision = authorize(principal, action, target);
    expect(decision.allowed).toBe(expectedAllowed(EXPECTED_GRID[action][role], s));
    expect(decision.mask).toBe(role === 'qa' ? 'pii' : 'none');
    if (!s.ownTenant) expect(decision).toMatchObject({ allowed: false, reason: 'other_tenant', conceal: true });
  });

  it('covers every role x action x situation', () => {
    expect(cases).toHaveLength(ROLES.length * ACTIONS.length * 8);
  });
});

describe('authorize: specific rules', () => {
  const ownTeamCall = callFor({ ownAgent: false, ownTeam: true, ownTenant: true });
  const strangerCall: CallTarget = { kind: 'call', tenantId: TENANT, agentId: 'ag-9', team: 'team-z', queue: 'q-vip' };

  it('lets qa reach a call assigned to them for review outside their teams', () => {
    expect(authorize(principals.qa, 'play', strangerCall).allowed).toBe(false);
    expect(authorize(principals.qa, 'play', { ...strangerCall, reviewerIds: ['u-qa'] })).toMatchObject({ allowed: true, reason: 'review_assignment', mask: 'pii' });
  });

  it('lets qa reach calls of a queue in their scope', () => {
    const qa: Principal = { ...principals.qa, teams: [], queues: ['q-vip'] };
    expect(authorize(qa, 'view', strangerCall)).toMatchObject({ allowed: true, reason: 'review_scope' });
    expect(authorize(qa, 'view', { ...strangerCall, queue: 'q-other' })).toMatchObject({ allowed: false, conceal: true });
  });

  it('hides calls an agent may not reach as absent, but says 403 for a role that may never act', () => {
    expect(authorize(principals.agent, 'view', ownTeamCall)).toMatchObject({ allowed: false, reason: 'not_own_call', conceal: true });
    expect(authorize(principals.agent, 'delete', ownTeamCall)).toMatchObject({ allowed: false, reason: 'role_not_permitted', conceal: false });
  });

  it('denies an agent principal without an agent id', () => {
    const { agentId: _unused, ...noId } = principals.agent;
    expect(authorize(noId, 'view', { ...ownTeamCall, agentId: null })).toMatchObject({ allowed: false, reason: 'no_agent_id' });
    expect(scopeFor(noId, 'list')).toEqual({ kind: 'none' });
  });

  it('refuses self-approval and approval of an export that is no longer pending', () => {
    const exp: ExportTarget = { kind: 'export', tenantId: TENANT, requestedBy: 'u-admin', status: 'pending' };
    expect(authorize(principals.admin, 'approve_export', exp)).toMatchObject({ allowed: false, reason: 'self_approval' });
    const other: Principal = { ...principals.admin, userId: 'u-admin-2' };
    expect(authorize(other, 'approve_export', exp)).toMatchObject({ allowed: true, reason: 'other_requester' });
    expect(authorize(other, 'approve_export', { ...exp, status: 'approved' })).toMatchObject({ allowed: false, reason: 'export_not_pending' });
  });

  it('lets only the requester download, and only once approved', () => {
    const exp: ExportTarget = { kind: 'export', tenantId: TENANT, requestedBy: 'u-admin', status: 'pending' };
    expect(authorize(principals.admin, 'download', exp)).toMatchObject({ allowed: false, reason: 'export_not_approved' });
    expect(authorize(principals.admin, 'download', { ...exp, status: 'expired' })).toMatchObject({ allowed: false, reason: 'export_not_approved' });
    expect(authorize(principals.admin, 'download', { ...exp, status: 'approved' }).allowed).toBe(true);
    expect(authorize({ ...principals.admin, userId: 'u-admin-2' }, 'download', { ...exp, status: 'approved' })).toMatchObject({ allowed: false, reason: 'not_requester' });
  });

  it('throws on a target of the wrong kind (a wiring mistake)', () => {
    expect(() => authorize(principals.admin, 'view')).toThrow(/needs a call target/);
    expect(() => authorize(principals.admin, 'approve_export', ownTeamCall)).toThrow(/takes a target of kind export/);
    expect(() => authorize(principals.admin, 'list', { kind: 'tenant', tenantId: TENANT })).toThrow(/no target or a call/);
  });

  it('allows listing without a target for every role whose condition is not none', () => {
    for (const role of ROLES) expect(authorize(principals[role], 'list').allowed).toBe(role !== 'auditor');
  });
});

describe('scopeFor', () => {
  it('builds the query scope of each role', () => {
    expect(scopeFor(principals.admin, 'list')).toEqual({ kind: 'all' });
    expect(scopeFor(principals.manager, 'list')).toEqual({ kind: 'restricted', teams: ['team-a'] });
    expect(scopeFor(principals.agent, 'play')).toEqual({ kind: 'restricted', agentIds: ['ag-1'] });
    expect(scopeFor({ ...principals.qa, queues: ['q-vip'] }, 'view')).toEqual({ kind: 'restricted', reviewerId: 'u-qa', teams: ['team-a'], queues: ['q-vip'] });
    expect(scopeFor(principals.auditor, 'list')).toEqual({ kind: 'none' });
    expect(scopeFor({ ...principals.manager, teams: [] }, 'list')).toEqual({ kind: 'none' });
  });

  it('is none for actions that do not read calls', () => {
    for (const action of ['download', 'request_export', 'approve_export', 'change_settings', 'view_audit'] as const) {
      expect(scopeFor(principals.admin, action)).toEqual({ kind: 'none' });
    }
  });

  it('returns a copy, so a caller cannot change the principal through it', () => {
    const scope = scopeFor(principals.manager, 'list');
    expect(scope.kind === 'restricted' && scope.teams).not.toBe(principals.manager.teams);
  });

  // The repository filters with the scope; single-call access uses authorize. They must never disagree.
  const facts = [
    ...situations.filter((s) => s.ownTenant).map(callFor),
    { kind: 'call' as const, tenantId: TENANT, agentId: null, team: null, queue: null },
    { kind: 'call' as const, tenantId: TENANT, agentId: 'ag-7', team: 'team-z', queue: 'q-vip' },
    { kind: 'call' as const, tenantId: TENANT, agentId: 'ag-7', team: 'team-z', queue: 'q-x', reviewerIds: ['u-qa'] },
  ];
  const qaWithQueue: Principal = { ...principals.qa, queues: ['q-vip'] };
  const all = [...ROLES.map((r) => principals[r]), qaWithQueue];
  it.each(all.flatMap((p) => CALL_ACTIONS.map((a) => [p.role, p.queues.join(','), a, p] as const)))('%s (queues %s) %s: scope and authorize agree on every call', (_r, _q, action, principal) => {
    for (const call of facts) {
      expect(matchesScope(scopeFor(principal, action), call)).toBe(authorize(principal, action, call).allowed);
    }
  });
});
