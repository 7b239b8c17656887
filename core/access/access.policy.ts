import type { CallScope } from '../recordings/call-repository.port';
import { CallsightError } from '../shared/errors';

/**
 * Who may do what (DOMAIN R-ACC-1..4). The whole policy is POLICY below: one row per action, one column per
 * role. Every read of calls goes through `scopeFor` (inside the repository query) and every single-object
 * access through `authorize`; both read only this table.
 */

export const ROLES = ['admin', 'manager', 'qa', 'agent', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const ACTIONS = [
  'list',
  'view',
  'play',
  'download',
  'view_transcript',
  'request_export',
  'approve_export',
  'delete',
  'change_settings',
  'view_audit',
] as const;
export type Action = (typeof ACTIONS)[number];

/**
 * - `all`: anything of the principal's tenant.
 * - `own`: calls whose agentId is the principal's agentId.
 * - `team`: calls whose agent belongs to one of the principal's teams.
 * - `scope`: calls assigned to the principal for review, or whose team or queue is in the principal's scope.
 * - `requester`: an approved export that the principal requested.
 * - `not_requester`: an export requested by someone else (two-person rule, R-ACC-3).
 * - `none`: never.
 */
export type Condition = 'all' | 'own' | 'team' | 'scope' | 'requester' | 'not_requester' | 'none';

type Row = Readonly<Record<Role, Condition>>;

// prettier-ignore
/** The access policy. `download` is the audio leaving the system, so it only exists as an approved export. */
export const POLICY: Readonly<Record<Action, Row>> = {
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

/** Roles whose view of personal data is masked: phone numbers partly hidden, transcript PII redacted. */
export const MASKED_ROLES: ReadonlySet<Role> = new Set<Role>(['qa']);

/** What an action is performed on; `authorize` checks that the target kind fits the action. */
export const ACTION_TARGET: Readonly<Record<Action, AccessTarget['kind'] | 'scope'>> = {
  list: 'scope',
  view: 'call',
  play: 'call',
  view_transcript: 'call',
  delete: 'call',
  download: 'export',
  request_export: 'tenant',
  approve_export: 'export',
  change_settings: 'tenant',
  view_audit: 'tenant',
};

/** The authenticated user; every field comes from a verified token or the tenant's user directory. */
export interface Principal {
  readonly tenantId: string;
  readonly userId: string;
  readonly role: Role;
  /** The agent id in telephony data, for users who take calls. */
  readonly agentId?: string;
  /** Teams the user manages (manager) or reviews (qa). */
  readonly teams: readonly string[];
  /** Queues the user reviews (qa). */
  readonly queues: readonly string[];
}

/** The facts about a call that the policy reads; `team` is the team of the call's agent. */
export interface CallTarget {
  readonly kind: 'call';
  readonly tenantId: string;
  readonly agentId: string | null;
  readonly team: string | null;
  readonly queue: string | null;
  /** User ids of reviewers the call is assigned to for QA review. */
  readonly reviewerIds?: readonly string[];
}

export interface ExportTarget {
  readonly kind: 'export';
  readonly tenantId: string;
  readonly requestedBy: string;
  readonly status: 'pending' | 'approved' | 'rejected' | 'expired';
}

export interface TenantTarget {
  readonly kind: 'tenant';
  readonly tenantId: string;
}

export type AccessTarget = CallTarget | ExportTarget | TenantTarget;

/** `pii`: show phone numbers through `maskPhone` and transcripts through `redactPii`. */
export type MaskLevel = 'none' | 'pii';

export type AccessReason =
  | 'tenant_wide'
  | 'own_call'
  | 'team_call'
  | 'review_assignment'
  | 'review_scope'
  | 'own_approved_export'
  | 'other_requester'
  | 'role_not_permitted'
  | 'other_tenant'
  | 'not_own_call'
  | 'not_team_call'
  | 'out_of_review_scope'
  | 'no_agent_id'
  | 'self_approval'
  | 'not_requester'
  | 'export_not_approved'
  | 'export_not_pending';

export interface AccessDecision {
  readonly allowed: boolean;
  readonly reason: AccessReason;
  readonly mask: MaskLevel;
  /**
   * True when the denial must look like absence (HTTP 404), so that a user cannot learn that a call or export
   * of another tenant, agent or team exists. False denials are plain 403s.
   */
  readonly conceal: boolean;
}

/** Returns the condition the table sets for this role and action. */
export function conditionFor(role: Role, action: Action): Condition {
  return POLICY[action][role];
}

/** Returns the mask the role's readers see. */
export function maskFor(role: Role): MaskLevel {
  return MASKED_ROLES.has(role) ? 'pii' : 'none';
}

/**
 * Decides one access. Pure and total: the same principal, action and target give the same decision.
 * `list` takes no target (its filtering is `scopeFor`); every other action needs the target kind named in
 * ACTION_TARGET, otherwise it throws (a wiring mistake, not a user error).
 */
export function authorize(principal: Principal, action: Action, target?: AccessTarget): AccessDecision {
  const condition = conditionFor(principal.role, action);
  const mask = maskFor(principal.role);
  const expected = ACTION_TARGET[action];
  if (expected !== 'scope' && target === undefined) {
    throw new CallsightError('VALIDATION_FAILED', `authorize('${action}') needs a ${expected} target; pass the object being accessed.`);
  }
  const fits = expected === 'scope' ? target === undefined || target.kind === 'call' : target?.kind === expected;
  if (!fits) {
    throw new CallsightError('VALIDATION_FAILED', `authorize('${action}') got a ${target?.kind} target; it takes ${expected === 'scope' ? 'no target or a call' : `a target of kind ${expected}`}.`);
  }
  const deny = (reason: AccessReason, conceal: boolean): AccessDecision => ({ allowed: false, reason, mask, conceal });
  const allow = (reason: AccessReason): AccessDecision => ({ allowed: true, reason, mask, conceal: false });

  if (target !== undefined && target.tenantId !== principal.tenantId) return deny('other_tenant', true);
  if (condition === 'none') return deny('role_not_permitted', false);
  if (target === undefined || target.kind === 'tenant') {
    // A list has no single object: the role may list, and scopeFor narrows what the query returns.
    return allow(condition === 'all' ? 'tenant_wide' : reasonForListing(condition));
  }
  if (target.kind === 'export') return authorizeExport(principal, condition, target, allow, deny);
  return authorizeCall(principal, condition, target, allow, deny);
}

function reasonForListing(condition: Condition): AccessReason {
  switch (condition) {
    case 'own':
      return 'own_call';
    case 'team':
      return 'team_call';
    case 'scope':
      return 'review_scope';
    default:
      return 'tenant_wide';
  }
}

type Allow = (reason: AccessReason) => AccessDecision;
type Deny = (reason: AccessReason, conceal: boolean) => AccessDecision;

function authorizeCall(principal: Principal, condition: Condition, call: CallTarget, allow: Allow, deny: Deny): AccessDecision {
  switch (condition) {
    case 'all':
      return allow('tenant_wide');
    case 'own':
      if (principal.agentId === undefined || principal.agentId === '') return deny('no_agent_id', true);
      return call.agentId === principal.agentId ? allow('own_call') : deny('not_own_call', true);
    case 'team':
      return call.team !== null && principal.teams.includes(call.team) ? allow('team_call') : deny('not_team_call', true);
    case 'scope':
      if (call.reviewerIds?.includes(principal.userId)) return allow('review_assignment');
      if (call.team !== null && principal.teams.includes(call.team)) return allow('review_scope');
      if (call.queue !== null && principal.queues.includes(call.queue)) return allow('review_scope');
      return deny('out_of_review_scope', true);
    default:
      return deny('role_not_permitted', false);
  }
}

function authorizeExport(principal: Principal, condition: Condition, exp: ExportTarget, allow: Allow, deny: Deny): AccessDecision {
  switch (condition) {
    case 'all':
      return allow('tenant_wide');
    case 'requester':
      if (exp.requestedBy !== principal.userId) return deny('not_requester', false);
      return exp.status === 'approved' ? allow('own_approved_export') : deny('export_not_approved', false);
    case 'not_requester':
      if (exp.requestedBy === principal.userId) return deny('self_approval', false);
      return exp.status === 'pending' ? allow('other_requester') : deny('export_not_pending', false);
    default:
      return deny('role_not_permitted', false);
  }
}

/**
 * The calls a principal may reach for an action, as data the repository turns into WHERE clauses, so that
 * filtering happens inside the query (never after paging). The tenant is always the principal's own and is
 * passed to the repository separately. Restricted scopes OR their fields; an empty restricted scope is `none`.
 */
export function scopeFor(principal: Principal, action: Action): CallScope {
  if (ACTION_TARGET[action] !== 'scope' && ACTION_TARGET[action] !== 'call') return { kind: 'none' };
  switch (conditionFor(principal.role, action)) {
    case 'all':
      return { kind: 'all' };
    case 'own':
      return principal.agentId ? { kind: 'restricted', agentIds: [principal.agentId] } : { kind: 'none' };
    case 'team':
      return principal.teams.length > 0 ? { kind: 'restricted', teams: [...principal.teams] } : { kind: 'none' };
    case 'scope':
      return {
        kind: 'restricted',
        reviewerId: principal.userId,
        ...(principal.teams.length > 0 ? { teams: [...principal.teams] } : {}),
        ...(principal.queues.length > 0 ? { queues: [...principal.queues] } : {}),
      };
    default:
      return { kind: 'none' };
  }
}

/** The facts `matchesScope` reads; the repository's SQL must give the same answer for the same facts. */
export interface ScopedCallFacts {
  readonly agentId: string | null;
  readonly team: string | null;
  readonly queue: string | null;
  readonly reviewerIds?: readonly string[];
}

/**
 * The reference meaning of a CallScope, for in-memory repositories and for contract tests of SQL ones:
 * `all` matches every call of the tenant, `none` nothing, `restricted` any call matching one of its fields.
 */
export function matchesScope(scope: CallScope, call: ScopedCallFacts): boolean {
  if (scope.kind === 'all') return true;
  if (scope.kind === 'none') return false;
  if (scope.agentIds && call.agentId !== null && scope.agentIds.includes(call.agentId)) return true;
  if (scope.teams && call.team !== null && scope.teams.includes(call.team)) return true;
  if (scope.queues && call.queue !== null && scope.queues.includes(call.queue)) return true;
  if (scope.reviewerId !== undefined && call.reviewerIds?.includes(scope.reviewerId)) return true;
  return false;
}
