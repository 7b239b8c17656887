import type { Principal } from '../../core/access/access.policy';

/**
 * Trusted code acting on a tenant without a signed-in user: the scheduled retention sweep, job handlers, and the
 * `callsight` command run by an operator on the hub's machine. It passes role checks (whoever runs the CLI
 * already holds the data folder and the keys) and is recorded in the audit trail under its `id` with no role.
 */
export interface SystemActor {
  readonly kind: 'system';
  readonly tenantId: string;
  /** Stable name in the audit trail: `cli`, `retention-sweep`, `worker`. */
  readonly id: string;
}

/** Who runs a use-case: a user proven by a verified token, or the system. */
export type Actor = Principal | SystemActor;

export function isSystemActor(actor: Actor): actor is SystemActor {
  return 'kind' in actor && actor.kind === 'system';
}

export function systemActor(tenantId: string, id: string): SystemActor {
  return { kind: 'system', tenantId, id };
}

/** The operator of the `callsight` command on the hub's machine. */
export function cliActor(tenantId: string): SystemActor {
  return systemActor(tenantId, 'cli');
}

/** The audit trail's view of an actor: user id and role, or the system id and no role. */
export function auditIdentity(actor: Actor): { readonly actor: string; readonly role: Principal['role'] | null } {
  return isSystemActor(actor) ? { actor: actor.id, role: null } : { actor: actor.userId, role: actor.role };
}
