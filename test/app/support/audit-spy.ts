import type { AuditEntry } from '../../../core/audit/audit-recorder.port';
import type { Principal, Role } from '../../../core/access/access.policy';

/** An audit recorder that keeps what it is given, for asserting exactly which events a use-case wrote. */
export function auditSpy(): { readonly audit: (entry: AuditEntry) => Promise<void>; readonly events: AuditEntry[] } {
  const events: AuditEntry[] = [];
  return {
    events,
    audit: async (entry) => {
      events.push(entry);
    },
  };
}

/** A signed-in user of tenant `t1` with the given role (and agent id, teams and queues where given). */
export function principal(role: Role, extra: Partial<Principal> = {}): Principal {
  return { tenantId: 't1', userId: `u-${role}`, role, teams: [], queues: [], ...extra };
}
