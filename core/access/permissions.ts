import { ACTIONS, POLICY, type Action, type Role } from './access.policy';
import { QUALITY_ACTIONS, QUALITY_POLICY, type QualityAction } from './quality.policy';

/**
 * Operations outside the two tables above, each with the roles that may perform it at all. `ingest`: adding a
 * call by upload (telephony webhooks and the CLI act as the system, not as a role); `sign_in`: taking a hub
 * session for an identity already proven (every role signs in; what the session reaches is the policy's business).
 */
// prettier-ignore
export const OPERATION_POLICY = {
  ingest:  { admin: true, manager: false, qa: false, agent: false, auditor: false },
  sign_in: { admin: true, manager: true,  qa: true,  agent: true,  auditor: true },
} as const satisfies Readonly<Record<string, Readonly<Record<Role, boolean>>>>;
export type Operation = keyof typeof OPERATION_POLICY;

/** Everything a use-case can require of a role: the access policy's actions, quality actions and operations. */
export type Permission = Action | QualityAction | Operation;

export const PERMISSIONS: readonly Permission[] = [...ACTIONS, ...QUALITY_ACTIONS, ...(Object.keys(OPERATION_POLICY) as Operation[])];

/**
 * Whether the role may perform the permission on anything at all (its condition is not `none`). Object-level
 * checks (own call, team, review scope, two-person rule) follow with `authorize` or the quality scopes.
 */
export function roleMay(role: Role, permission: Permission): boolean {
  if ((ACTIONS as readonly string[]).includes(permission)) return POLICY[permission as Action][role] !== 'none';
  if ((QUALITY_ACTIONS as readonly string[]).includes(permission)) return QUALITY_POLICY[permission as QualityAction][role] !== 'none';
  return OPERATION_POLICY[permission as Operation][role];
}
