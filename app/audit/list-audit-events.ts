import { auditListQuerySchema, type AuditListQueryInput, type AuditPage } from '../../core/api/audit.api';
import type { AuditLogStore } from '../../core/audit/audit-log.port';
import type { z } from 'zod';
import { defineUseCase } from '../shared/use-case';
import { AUDIT_CHAIN_TARGET, AUDIT_FORBIDDEN } from './audit.ports';

interface ListAuditPorts {
  readonly auditLog: Pick<AuditLogStore, 'query'>;
}

/**
 * One page of the actor's tenant's audit events, filtered, in chain order (auditors and admins). The event of this
 * read is appended after the read, so a listing never contains its own access.
 */
export const listAuditEvents = defineUseCase<ListAuditPorts, z.output<typeof auditListQuerySchema>, AuditPage, undefined, AuditListQueryInput>({
  name: 'audit.list',
  action: 'view_audit',
  permission: 'view_audit',
  forbidden: AUDIT_FORBIDDEN,
  input: auditListQuerySchema,
  invalidInput: 'Invalid query',
  target: () => AUDIT_CHAIN_TARGET,
  async run({ deps, actor, input }) {
    const { cursor, limit, from, to, ...filters } = input;
    const items = await deps.auditLog.query(actor.tenantId, {
      ...filters,
      // Stored instants are UTC with milliseconds; normalise offsets so string comparison is time comparison.
      ...(from ? { from: new Date(from).toISOString() } : {}),
      ...(to ? { to: new Date(to).toISOString() } : {}),
      ...(cursor ? { afterSeq: Number(cursor) } : {}),
      limit,
    });
    return { items, nextCursor: items.length === limit ? String(items.at(-1)!.seq) : null } as AuditPage;
  },
  audited: (page, input) => ({
    details: {
      returned: page.items.length,
      filters: (['actor', 'action', 'target', 'outcome'] as const).filter((f) => input[f] !== undefined).sort(),
    },
  }),
});
