import type { CrmUseCases } from '../../../app/crm/index';
import { salesforceExchangeActor } from '../../../app/crm/index';
import { SALESFORCE_SESSION_PATH, salesforceSessionRequestSchema, type SalesforceSessionResponse } from '../../../core/api/salesforce-session.api';
import type { SalesforceAssertionRejection } from '../../../core/crm/salesforce-identity';
import type { Clock } from '../../../core/shared/clock.port';
import { CallsightError } from '../../../core/shared/errors';
import type { HttpPlugin } from '../http.deps';

/** A registered org as the route needs it: its tenant and the key its assertions are verified with. */
export interface RegisteredSalesforceOrg {
  readonly tenantId: string;
  readonly orgId: string;
  readonly publicKeyPem: string;
  /** The audience the org's assertions must name. */
  readonly audience: string;
}

/** What an assertion verification answers (adapters/crm/salesforce verifySalesforceAssertion, handed in by the wiring). */
export type SalesforceAssertionVerdict =
  | {
      readonly ok: true;
      readonly claims: { readonly orgId: string; readonly userId: string; readonly permissionSets: readonly string[]; readonly agentId: string | null; readonly jti: string; readonly expiresAt: Date };
    }
  | { readonly ok: false; readonly reason: SalesforceAssertionRejection };

export interface SalesforceSessionDeps {
  readonly clock: Clock;
  /** The org the assertion's unverified `iss` names, or null. */
  peekIssuer(assertion: string): string | null;
  findOrg(orgId: string): Promise<RegisteredSalesforceOrg | null>;
  verify(assertion: string, expected: { readonly orgId: string; readonly publicKeyPem: string; readonly audience: string; readonly now: Date }): Promise<SalesforceAssertionVerdict>;
  readonly exchange: CrmUseCases['exchangeSalesforceSession'];
}

/**
 * `POST /api/v1/salesforce/session` with `{"assertion": "<jwt>"}` (core/api/salesforce-session.api.ts): finds the
 * registered org the assertion names, verifies it with that org's certificate, and runs the exchange use-case as
 * the org tenant's system actor, which audits the outcome. 200 `{token, expiresAt, role, tenantId}`; 400 for a body
 * that is not the contract's; 401 for an assertion refused (unknown org, signature, expiry, audience, replay); 403 for
 * a user without a Callsight permission set. Messages never carry the assertion or its claims.
 */
export function salesforceSessionRoutes(deps: SalesforceSessionDeps): HttpPlugin {
  return (app) => {
    app.post(SALESFORCE_SESSION_PATH, async (request): Promise<SalesforceSessionResponse> => {
      const body = salesforceSessionRequestSchema.safeParse(request.body);
      if (!body.success) throw new CallsightError('VALIDATION_FAILED', 'Send the Salesforce assertion as JSON {"assertion": "<jwt>"}');
      const { assertion } = body.data;
      const issuer = deps.peekIssuer(assertion);
      const org = issuer === null ? null : await deps.findOrg(issuer);
      if (org === null) {
        throw new CallsightError(
          'UNAUTHENTICATED',
          issuer === null
            ? 'The Salesforce assertion is not a compact JWT naming an org (iss)'
            : 'This Salesforce org is not registered on this hub: run `callsight tenant add <id> --salesforce-org <org id> --cert-file <file>`',
        );
      }
      const verdict = await deps.verify(assertion, { orgId: org.orgId, publicKeyPem: org.publicKeyPem, audience: org.audience, now: deps.clock.now() });
      if (!verdict.ok) return deps.exchange(salesforceExchangeActor(org.tenantId, null), { outcome: 'rejected', reason: verdict.reason });
      const { claims } = verdict;
      return deps.exchange(salesforceExchangeActor(org.tenantId, claims.userId), {
        outcome: 'verified',
        orgId: claims.orgId,
        userId: claims.userId,
        permissionSets: [...claims.permissionSets],
        agentId: claims.agentId,
        jti: claims.jti,
        expiresAt: claims.expiresAt,
      });
    });
  };
}
