import { z } from 'zod';
import type { Role } from '../../core/access/access.policy';
import type { ZendeskSessionResponse } from '../../core/api/crm.api';
import {
  decideZendeskIdentity,
  parseZendeskIdentitySettings,
  type ZendeskIdentityDecision,
  type ZendeskIdentityRefusal,
  type ZendeskIdentitySettings,
  type ZendeskUserGrant,
} from '../../core/crm/zendesk-identity';
import type { ProviderAccountStore } from '../../core/recordings/provider-accounts.port';
import type { Clock } from '../../core/shared/clock.port';
import { CallsightError } from '../../core/shared/errors';
import { systemActor, type Actor, type SystemActor } from '../shared/actor';
import { allow, defineUseCase, deny, type Decision } from '../shared/use-case';
import type { TokenIssuer } from '../tenants/index';

/** Lifetime of a hub session opened from Zendesk's signed page request; the app is reopened for a new one. */
export const ZENDESK_SESSION_TTL_S = 600;
/**
 * Zendesk's ZAF JWTs live about five minutes; one valid for longer than this was not minted for one page
 * request, and spent token ids need not be remembered for longer.
 */
export const MAX_ZENDESK_JWT_LIFETIME_S = 900;

/** Why a ZAF JWT was refused before any identity was read from it. */
export const ZENDESK_JWT_REJECTIONS = [
  'missing',
  'malformed',
  'algorithm',
  'unknown_account',
  'not_registered',
  'signature',
  'expired',
  'lifetime',
  'audience',
  'issuer',
  'claims',
  'replayed',
] as const;
export type ZendeskJwtRejection = (typeof ZENDESK_JWT_REJECTIONS)[number];

/** The ports of exchangeZendeskSession. */
export interface ExchangeZendeskSessionDeps {
  readonly accounts: Pick<ProviderAccountStore, 'find'>;
  readonly tokens: TokenIssuer;
  readonly clock: Clock;
}

/**
 * What the HTTP edge found in the ZAF JWT (RS256, verified with the installation's registered public key, its
 * issuer, audience, expiry and single use checked) of an installation (`subdomain`) of the actor's tenant:
 * refused (`rejected` with why), or verified with the Zendesk user id and, when the token names one, the
 * Zendesk role, both read from the verified claims only.
 */
export const exchangeZendeskSessionInput = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('rejected'), subdomain: z.string().min(1).max(63), reason: z.enum(ZENDESK_JWT_REJECTIONS) }),
  z.object({
    outcome: z.literal('verified'),
    subdomain: z.string().min(1).max(63),
    userId: z.string().regex(/^[1-9]\d{0,19}$/),
    zendeskRole: z.string().min(1).max(128).optional(),
  }),
]);
export type ExchangeZendeskSessionRequest = z.input<typeof exchangeZendeskSessionInput>;
type ExchangeInput = z.infer<typeof exchangeZendeskSessionInput>;

/** The actor id of a verified Zendesk user in the audit trail and in the hub token. */
export function zendeskActorId(userId: string): string {
  return `zendesk:${userId}`;
}

/** The audit actor of an exchange refused before the JWT named a verified user. */
export const UNVERIFIED_ZENDESK_ACTOR = 'zendesk-session';

/**
 * Who runs an exchange for an installation of `tenantId`: the system acting for the verified Zendesk user
 * (`zendesk:<id>`), or for nobody yet (`zendesk-session`) when the JWT was refused.
 */
export function zendeskExchangeActor(tenantId: string, verifiedUserId: string | null): SystemActor {
  return systemActor(tenantId, verifiedUserId === null ? UNVERIFIED_ZENDESK_ACTOR : zendeskActorId(verifiedUserId));
}

/**
 * Swaps a verified ZAF JWT for a short-lived hub token carrying the rights the hub-side mapping gives the
 * Zendesk user (core/crm/zendesk-identity.ts), never more than the mapping says; when the token names the user's
 * Zendesk role it must correspond to the mapped role. A refused JWT is UNAUTHENTICATED saying what to fix; a
 * valid JWT of a user without rights FORBIDDEN saying whom to ask. Run by the HTTP edge as the system actor of
 * the installation's tenant (`zendesk:<user id>` once verified), so every exchange of a known installation is
 * audited, accepted or not; the granted role is in the allowed event's details.
 */
export const exchangeZendeskSession = defineUseCase({
  name: 'crm.exchange-zendesk-session',
  action: 'session_exchange',
  permission: 'system',
  input: exchangeZendeskSessionInput,
  async authorize({ deps, actor, input }: { deps: ExchangeZendeskSessionDeps; actor: Actor; input: ExchangeInput }): Promise<Decision<{ userId: string; grant: ZendeskUserGrant }>> {
    if (input.outcome === 'rejected') {
      return deny(`zendesk_jwt_${input.reason}`, new CallsightError('UNAUTHENTICATED', describeRejection(input.reason)));
    }
    const account = await deps.accounts.find('zendesk', input.subdomain.toLowerCase());
    if (!account || account.tenantId !== actor.tenantId) {
      return deny('zendesk_jwt_unknown_account', new CallsightError('UNAUTHENTICATED', describeRejection('unknown_account')));
    }
    const decision = decideRights(parseZendeskIdentitySettings(account.settings), input.userId, input.zendeskRole);
    if (!decision.allowed) return deny(decision.reason, new CallsightError('FORBIDDEN', describeRefusal(decision.reason)));
    return allow({ userId: input.userId, grant: decision.grant }, 'zendesk_jwt');
  },
  async run({ deps, actor, subject: { userId, grant } }): Promise<ZendeskSessionResponse> {
    const now = deps.clock.now();
    const principal = {
      userId: zendeskActorId(userId),
      role: grant.role as Role,
      ...(grant.agentId === undefined ? {} : { agentId: grant.agentId }),
      teams: [...(grant.teams ?? [])],
      queues: [...(grant.queues ?? [])],
    };
    const token = await deps.tokens.issue({ tenantId: actor.tenantId, ...principal, ttlS: ZENDESK_SESSION_TTL_S });
    const expiresAt = new Date(Math.floor(now.getTime() / 1000) * 1000 + ZENDESK_SESSION_TTL_S * 1000).toISOString();
    return { token, expiresAt, principal };
  },
  audited: (output, input) => ({
    details: {
      role: output.principal.role,
      zendeskRole: input.outcome === 'verified' ? (input.zendeskRole ?? '').slice(0, 64) : '',
      ttlS: ZENDESK_SESSION_TTL_S,
    },
  }),
});

/** The rights of a verified user: the mapping alone, or with the Zendesk role checked when the token names one. */
function decideRights(settings: ZendeskIdentitySettings, userId: string, zendeskRole: string | undefined): ZendeskIdentityDecision {
  if (zendeskRole !== undefined) return decideZendeskIdentity(settings, { userId, zendeskRole });
  const grant = Object.hasOwn(settings.users, userId) ? settings.users[userId] : undefined;
  return grant === undefined ? { allowed: false, reason: 'user_not_mapped' } : { allowed: true, grant };
}

/** What to fix, for each way a ZAF JWT can be refused. */
export function describeRejection(reason: ZendeskJwtRejection): string {
  switch (reason) {
    case 'missing':
      return 'Open Callsight from Zendesk: the page needs the token Zendesk signs for the app (manifest "signedUrls": true)';
    case 'malformed':
      return 'The Zendesk token is not a JWT';
    case 'unknown_account':
      return 'This Zendesk account is not connected to this hub: run `callsight zendesk connect <subdomain> --tenant <id> --installation-id <id> --public-key <file>`';
    case 'not_registered':
      return "This Zendesk account has no app public key on this hub: run `callsight zendesk connect <subdomain> --tenant <id> --installation-id <id> --public-key <file>` with the app's public key";
    case 'signature':
      return "The Zendesk token's signature does not match the app public key registered for this account: register the key Zendesk shows for this app";
    case 'expired':
      return 'The Zendesk token has expired: reopen the app; check the hub clock if this keeps happening';
    case 'lifetime':
      return `The Zendesk token is valid for too long (more than ${MAX_ZENDESK_JWT_LIFETIME_S} s)`;
    case 'algorithm':
      return 'The Zendesk token must be signed with RS256';
    case 'audience':
      return 'The Zendesk token was issued for another app installation: register the installation id Zendesk shows for this account';
    case 'issuer':
      return 'The Zendesk token names no Zendesk account this hub knows';
    case 'claims':
      return 'The Zendesk token lacks the user id (a numeric sub) or another required claim';
    case 'replayed':
      return 'This Zendesk token was already used: reopen the app to get a new one';
  }
}

function describeRefusal(reason: ZendeskIdentityRefusal): string {
  switch (reason) {
    case 'user_not_mapped':
      return 'Your Zendesk user has no Callsight rights yet: ask a Callsight admin to map it (`callsight tenant zendesk-roles`)';
    case 'zendesk_role_not_mapped':
      return 'Your Zendesk role gives no Callsight access: ask a Callsight admin to map it (`callsight tenant zendesk-roles`)';
    case 'zendesk_role_mismatch':
      return 'Your Zendesk role no longer matches your Callsight rights: ask a Callsight admin to update the mapping';
  }
}
