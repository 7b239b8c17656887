import type { AuditListQueryInput } from '../../../core/api/audit.api';
import type { AuditUseCases } from '../../../app/audit';
import type { HttpHelpers, HttpPlugin } from '../http.deps';

/**
 * The audit trail API (R-ACC-2, R-ACC-5): `GET /api/v1/audit` lists the tenant's events with filters and a seq
 * cursor, `GET /api/v1/audit/verify` checks the hash chain and names the first broken link. Both call a use-case of
 * app/audit (auditors and admins), which validates with core/api/audit.api.ts and writes the audit event.
 */
export function auditRoutes(audit: Pick<AuditUseCases, 'list' | 'verify'>): HttpPlugin {
  return (app, helpers: HttpHelpers) => {
    app.get('/api/v1/audit', async (request) => audit.list(await helpers.authenticate(request), request.query as AuditListQueryInput));
    app.get('/api/v1/audit/verify', async (request) => audit.verify(await helpers.authenticate(request), undefined));
  };
}
