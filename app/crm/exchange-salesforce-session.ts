import { z } from 'zod';
import type { Role } from '../../core/access/access.policy';
import type { SalesforceSessionResponse } from '../../core/api/salesforce-session.api';
import { roleFromPermissionSets, SALESFORCE_ASSERTION_REJECTIONS, salesforceOrgKey, type SalesforceAssertionRejection } from '../../core/crm/salesforce-identity';
import type { JobQueue } from '../../core/jobs/job-queue.port';
import type { ProviderAccountStore } from '../../core/recordings/provider-accounts.port';
import type { Clock, IdGenerator } from '../../core/shared/clock.port';
import { CallsightError } from '../../core/shared/errors';
import { systemActor, type Actor, type SystemActor } from '../shared/actor';
import { allow, defineUseCase, deny, type Decision } from '../shared/use-case';
import type { TokenIssuer } from '../tenants/index';

/** Lifetime of a hub session opened from a Salesforce assertion; the component asks again after it. */
export const SALESFORCE_SESSION_TTL_S = 600;
/** The job that remembers a spent assertion until it expires (its handler does nothing). */
export const SALESFORCE_ASSERTION_SPENT_JOB = 'salesforce.assertion_spent';

/**
 * Spent assertions: `spend` answers true the first time an assertion id is presented for an org, false every later
 * time until `expiresAt` (by then the assertion itself is refused as expired). Atomic across processes.
 */
export interface SalesforceAssertionLedger {
  spend(tenantId: string, key: string, expiresAt: Date): Promise<boolean>;
}

/**
 * The ledger on the job queue, shared by every process on the database: a spent assertion is a job due at its
 * expiry whose dedupe key is the org and jti, so a second enqueue of the same one is refused while the first is
 * queued (atomic on SQLite and PostgreSQL alike); the worker completes it once due, which frees the key.
 */
export function createSalesforceAssertionLedger(jobs: Pick<JobQueue, 'enqueue'>, ids: IdGenerator): SalesforceAssertionLedger {
  return {
    spend: (tenantId, key, expiresAt) =>
      jobs.enqueue({ id: ids.newId('job'), tenantId, kind: SALESFORCE_ASSERTION_SPENT_JOB, payload: {}, runAt: expiresAt.toISOString(), maxAttempts: 1, dedupeKey: key }),
  };
}

/** The ports of exchangeSalesforceSession. */
export interface ExchangeSalesforceSessionDeps {
  readonly accounts: Pick<ProviderAccountStore, 'find'>;
  readonly tokens: TokenIssuer;
  readonly assertions: SalesforceAssertionLedger;
  readonly clock: Clock;
}

const salesforceId = z.string().regex(/^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/);

/** What the HTTP edge learnt from the assertion: refused (why), or verified with the org's certificate (its claims). */
export const exchangeSalesforceSessionInput = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('rejected'), reason: z.enum(SALESFORCE_ASSERTION_REJECTIONS) }),
  z.object({
    outcome: z.literal('verified'),
    orgId: salesforceId,
    userId: salesforceId,
    permissionSets: z.array(z.string().max(80)).max(100),
    agentId: z.string().min(1).max(128).nullable(),
    jti: z.string().min(8).max(128),
    expiresAt: z.date(),
  }),
]);
export type ExchangeSalesforceSessionRequest = z.input<typeof exchangeSalesforceSessionInput>;
type ExchangeInput = z.infer<typeof exchangeSalesforceSessionInput>;

/** The actor id of a verified Salesforce user in the audit trail and in the hub token. */
export function salesforceActorId(userId: string): string {
  return `salesforce:${userId}`;
}

/** The system actor the HTTP edge runs the exchange as for a registered org: the verified user once known. */
export function salesforceExchangeActor(tenantId: string, verifiedUserId: string | null): SystemActor {
  return systemActor(tenantId, verifiedUserId === null ? 'salesforce-session' : salesforceActorId(verifiedUserId));
}

/**
 * Swaps a verified Salesforce assertion for a short-lived hub token: the role of the highest Callsight permission
 * set the user holds (Admin > Manager > QA > Agent) and, for agents, the agent id from the User field
 * Callsight_Agent_Id__c. A refused or replayed assertion is UNAUTHENTICATED saying what to fix; a user without a
 * Callsight permission set (or an agent without an agent id) FORBIDDEN saying whom to ask. Run by the HTTP edge as
 * the system actor of the org's tenant, so every exchange of a registered org is audited, accepted or not.
 */
export const exchangeSalesforceSession = defineUseCase({
  name: 'crm.exchange-salesforce-session',
  action: 'session_exchange',
  permission: 'system',
  input: exchangeSalesforceSessionInput,
  async authorize({ deps, actor, input }: { deps: ExchangeSalesforceSessionDeps; actor: Actor; input: ExchangeInput }): Promise<Decision<{ userId: string; role: Role; agentId: string | null }>> {
    if (input.outcome === 'rejected') {
      return deny(`salesforce_jwt_${input.reason}`, new CallsightError('UNAUTHENTICATED', describeSalesforceRejection(input.reason)));
    }
    const account = await deps.accounts.find('salesforce', salesforceOrgKey(input.orgId));
    if (!account || account.tenantId !== actor.tenantId) {
      return deny('salesforce_jwt_unknown_org', new CallsightError('UNAUTHENTICATED', describeSalesforceRejection('unknown_org')));
    }
    const role = roleFromPermissionSets(input.permissionSets);
    if (role === null) {
      return deny('no_permission_set', new CallsightError('FORBIDDEN', 'You have no Callsight permission set: ask your Salesforce admin to assign Callsight_Agent, Callsight_QA, Callsight_Manager or Callsight_Admin'));
    }
    if (role === 'agent' && input.agentId === null) {
      return deny('agent_id_missing', new CallsightError('FORBIDDEN', 'Your Salesforce user has no Callsight agent id: ask your Salesforce admin to fill Callsight_Agent_Id__c on your user'));
    }
    if (!(await deps.assertions.spend(actor.tenantId, `salesforce:${salesforceOrgKey(input.orgId)}:${input.jti}`, input.expiresAt))) {
      return deny('salesforce_jwt_replayed', new CallsightError('UNAUTHENTICATED', describeSalesforceRejection('replayed')));
    }
    return allow({ userId: input.userId, role, agentId: input.agentId }, 'salesforce_jwt');
  },
  async run({ deps, actor, subject }): Promise<SalesforceSessionResponse> {
    const now = deps.clock.now();
    const token = await deps.tokens.issue({
      tenantId: actor.tenantId,
      userId: salesforceActorId(subject.userId),
      role: subject.role,
      ...(subject.agentId === null ? {} : { agentId: subject.agentId }),
      ttlS: SALESFORCE_SESSION_TTL_S,
    });
    const expiresAt = new Date(Math.floor(now.getTime() / 1000) * 1000 + SALESFORCE_SESSION_TTL_S * 1000).toISOString();
    return { token, expiresAt, role: subject.role as SalesforceSessionResponse['role'], tenantId: actor.tenantId };
  },
  audited: (output) => ({ details: { role: output.role, ttlS: SALESFORCE_SESSION_TTL_S } }),
});

/** What to fix, for each way an assertion can be refused. */
export function describeSalesforceRejection(reason: SalesforceAssertionRejection): string {
  switch (reason) {
    case 'missing':
      return 'Send the Salesforce assertion as JSON {"assertion": "<jwt>"}';
    case 'malformed':
      return 'The Salesforce assertion is not a compact JWT';
    case 'algorithm':
      return 'The Salesforce assertion must be signed with RS256';
    case 'unknown_org':
      return 'This Salesforce org is not registered on this hub: run `callsight tenant add <id> --salesforce-org <org id> --cert-file <file>`';
    case 'signature':
      return "The Salesforce assertion's signature does not match the org's registered certificate: register the certificate the package signs with";
    case 'expired':
      return 'The Salesforce assertion has expired; check the clocks if this keeps happening';
    case 'lifetime':
      return 'The Salesforce assertion is valid for too long; the package signs assertions for at most 5 minutes';
    case 'audience':
      return "The Salesforce assertion names another hub: set the package's hub URL to this hub's PUBLIC_URL";
    case 'claims':
      return 'The Salesforce assertion lacks the org, user, expiry, id or permission sets the hub needs, or names another org';
    case 'replayed':
      return 'This Salesforce assertion was already used; ask for a new session';
  }
}
