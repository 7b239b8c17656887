import type { Awaitable } from '../../../core/shared/awaitable';
import { z } from 'zod';
import { CallsightError } from '../../../core/shared/errors';
import { authorize, type Principal } from '../../../core/access/access.policy';
import type { AuditEvent, ChainBreakReason, ChainLink } from '../../../core/audit/audit-chain';
import { describeIssues } from '../../../core/recordings/call-metadata.schema';
import { auditEntry, type AuditEntry, type HttpHelpers, type HttpPlugin } from '../http.deps';

/** Filters of the audit listing; instants are ISO-8601 UTC, `afterSeq` is the cursor. */
export interface AuditListQuery {
  readonly from?: string;
  readonly to?: string;
  readonly actor?: string;
  readonly action?: string;
  readonly target?: string;
  readonly outcome?: 'allowed' | 'denied' | 'error';
  readonly afterSeq?: number;
  readonly limit: number;
}

/** The result of checking a tenant's chain, from its start (genesis or prune anchor) to its head. */
export interface AuditVerificationReport {
  readonly ok: boolean;
  /** Events whose links held before the first break (all of them when ok). */
  readonly checked: number;
  /** The last verified link. */
  readonly head: ChainLink;
  /** Where verification started: genesis (seq 0) or the prune anchor. */
  readonly start: ChainLink;
  /** The first link that does not hold; `checkpoint_invalid` when the stored checkpoint's signature fails. */
  readonly firstBroken?: { readonly seq: number; readonly reason: ChainBreakReason | 'checkpoint_invalid' };
  /** The newest signed checkpoint the chain was checked against, or null when none was stored yet. */
  readonly checkpoint: { readonly seq: number; readonly at: string; readonly valid: boolean } | null;
}

/** What the audit routes need; wired in bin/wiring/access.wiring.ts. */
export interface AuditRoutesDeps {
  query(tenantId: string, query: AuditListQuery): Awaitable<readonly AuditEvent[]>;
  verify(tenantId: string): Promise<AuditVerificationReport>;
}

const MAX_LIMIT = 500;

const listQuery = z
  .object({
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    actor: z.string().min(1).max(200).optional(),
    action: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a snake_case action name').optional(),
    target: z.string().min(1).max(500).optional(),
    outcome: z.enum(['allowed', 'denied', 'error']).optional(),
    cursor: z.string().regex(/^\d{1,15}$/, 'must be the nextCursor of a previous page').optional(),
    limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(100),
  })
  .strict();

const entry = (principal: Principal, action: string, outcome: AuditEntry['outcome'], reason?: string, details?: AuditEntry['details']) =>
  auditEntry(principal, action, 'audit:chain', outcome, reason, details);

/**
 * The audit trail API (R-ACC-2, R-ACC-5): `GET /api/v1/audit` lists a tenant's events with filters and a seq
 * cursor, `GET /api/v1/audit/verify` checks the hash chain and names the first broken link. Only roles whose
 * `view_audit` condition allows it (auditor, admin); each request appends one event after it has read, so a
 * listing never contains its own access.
 */
export function auditRoutes(deps: AuditRoutesDeps): HttpPlugin {
  return (app, helpers: HttpHelpers) => {
    const permit = async (principal: Principal, action: string): Promise<void> => {
      const decision = authorize(principal, 'view_audit', { kind: 'tenant', tenantId: principal.tenantId });
      if (!decision.allowed) {
        await helpers.audit(entry(principal, action, 'denied', decision.reason));
        throw new CallsightError('FORBIDDEN', 'Only auditors and admins may read the audit trail');
      }
    };

    app.get('/api/v1/audit', async (request) => {
      const principal = await helpers.authenticate(request);
      await permit(principal, 'view_audit');
      const parsed = listQuery.safeParse(request.query);
      if (!parsed.success) throw new CallsightError('VALIDATION_FAILED', `Invalid query: ${describeIssues(parsed.error)}`);
      const { cursor, limit, from, to, ...filters } = parsed.data;
      const items = await deps.query(principal.tenantId, {
        ...filters,
        // Stored instants are UTC with milliseconds; normalise offsets so string comparison is time comparison.
        ...(from ? { from: new Date(from).toISOString() } : {}),
        ...(to ? { to: new Date(to).toISOString() } : {}),
        ...(cursor ? { afterSeq: Number(cursor) } : {}),
        limit,
      });
      await helpers.audit(entry(principal, 'view_audit', 'allowed', undefined, { returned: items.length, filters: Object.keys(filters).sort() }));
      return { items, nextCursor: items.length === limit ? String(items.at(-1)!.seq) : null };
    });

    app.get('/api/v1/audit/verify', async (request) => {
      const principal = await helpers.authenticate(request);
      await permit(principal, 'verify_audit');
      const report = await deps.verify(principal.tenantId);
      await helpers.audit(
        entry(principal, 'verify_audit', 'allowed', report.ok ? 'chain_intact' : 'chain_broken', {
          checked: report.checked,
          ...(report.firstBroken ? { firstBrokenSeq: report.firstBroken.seq } : {}),
        }),
      );
      return report;
    });
  };
}
