import { z } from 'zod';
import { ROLES, type Role } from '../access/access.policy';
import { describeIssues } from '../recordings/call-metadata.schema';
import { CallsightError } from '../shared/errors';

/**
 * Who a Zendesk user is in Callsight. Stored in the Zendesk provider account's settings (one per subdomain)
 * and edited with `callsight tenant zendesk-roles`.
 *
 * - `users`: Zendesk user id -> the Callsight rights of that user (role, the telephony agent id, the teams and
 *   queues they manage or review). This is the only source of rights.
 * - `roles`: Zendesk role name (`admin`, `agent`, or a custom role's name, compared case-insensitively) ->
 *   the Callsight role that Zendesk role corresponds to, or `none`. It can only refuse: a user whose Zendesk
 *   role maps to a different Callsight role than their own mapping gets no session.
 */
export interface ZendeskIdentitySettings {
  readonly roles: Readonly<Record<string, Role | 'none'>>;
  readonly users: Readonly<Record<string, ZendeskUserGrant>>;
}

export interface ZendeskUserGrant {
  readonly role: Role;
  readonly agentId?: string;
  readonly teams?: readonly string[];
  readonly queues?: readonly string[];
}

/** Zendesk's two built-in staff roles; custom roles must be added by name. End-users never get a session. */
export const DEFAULT_ZENDESK_ROLE_MAP: Readonly<Record<string, Role | 'none'>> = { admin: 'admin', agent: 'agent', 'end-user': 'none' };

const ZENDESK_USER_ID = /^[1-9]\d{0,19}$/;
const name = z.string().trim().min(1).max(128);

const grantSchema = z
  .object({
    role: z.enum(ROLES),
    agentId: name.optional(),
    teams: z.array(name).max(100).optional(),
    queues: z.array(name).max(100).optional(),
  })
  .strict()
  .superRefine((grant, ctx) => {
    if (grant.role === 'agent' && grant.agentId === undefined) {
      ctx.addIssue({ code: 'custom', message: 'an agent needs agentId (their id in the telephony data)', path: ['agentId'] });
    }
    if ((grant.role === 'manager' || grant.role === 'qa') && (grant.teams ?? []).length === 0 && (grant.queues ?? []).length === 0) {
      ctx.addIssue({ code: 'custom', message: `a ${grant.role} needs teams or queues to work on`, path: ['teams'] });
    }
  });

const settingsSchema = z
  .object({
    roles: z.record(name, z.enum([...ROLES, 'none'])).default({}),
    users: z
      .record(z.string().regex(ZENDESK_USER_ID, 'Zendesk user ids are numbers'), grantSchema)
      .default({}),
  })
  .strict();

/**
 * Reads identity settings from a provider account's settings object (other keys are ignored). Throws
 * `VALIDATION_FAILED` naming the bad entries. Role names are stored lower-cased.
 */
export function parseZendeskIdentitySettings(value: unknown): ZendeskIdentitySettings {
  const source = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const parsed = settingsSchema.safeParse({ roles: source.roles ?? {}, users: source.users ?? {} });
  if (!parsed.success) throw new CallsightError('VALIDATION_FAILED', `Invalid Zendesk role mapping: ${describeIssues(parsed.error)}`);
  const roles: Record<string, Role | 'none'> = {};
  for (const [zendeskRole, role] of Object.entries(parsed.data.roles)) roles[zendeskRole.trim().toLowerCase()] = role;
  return { roles, users: parsed.data.users };
}

/** The claims the Zendesk app puts in the JWT Zendesk signs (widgets/hosts/zendesk/zendesk-bridge.ts). */
export interface ZendeskClaims {
  /** Zendesk user id of the signed-in user, as the app reported it. */
  readonly userId: string;
  /** Zendesk role name, as the app reported it. */
  readonly zendeskRole: string;
}

export type ZendeskIdentityRefusal =
  | 'user_not_mapped'
  | 'zendesk_role_not_mapped'
  | 'zendesk_role_mismatch';

export type ZendeskIdentityDecision =
  | { readonly allowed: true; readonly grant: ZendeskUserGrant }
  | { readonly allowed: false; readonly reason: ZendeskIdentityRefusal };

/**
 * Decides the Callsight rights for a verified exchange. Pure and total.
 *
 * The JWT signature proves the request came through this Zendesk account's app installation, but its claims
 * are written by the app in the user's browser, so neither claim alone may raise rights:
 * - rights come only from `users[userId]` (an unmapped user gets nothing);
 * - the reported Zendesk role, through `roles` (merged over DEFAULT_ZENDESK_ROLE_MAP), must correspond to
 *   exactly the mapped Callsight role, so that demoting someone in Zendesk takes effect at once and a role
 *   the tenant never mapped (a new custom role, an end-user) gets nothing.
 */
export function decideZendeskIdentity(settings: ZendeskIdentitySettings, claims: ZendeskClaims): ZendeskIdentityDecision {
  const grant = Object.hasOwn(settings.users, claims.userId) ? settings.users[claims.userId] : undefined;
  if (grant === undefined) return { allowed: false, reason: 'user_not_mapped' };
  const roleKey = claims.zendeskRole.trim().toLowerCase();
  const roleMap = { ...DEFAULT_ZENDESK_ROLE_MAP, ...settings.roles };
  const zendeskRoleMeans = Object.hasOwn(roleMap, roleKey) ? roleMap[roleKey] : undefined;
  if (zendeskRoleMeans === undefined || zendeskRoleMeans === 'none') return { allowed: false, reason: 'zendesk_role_not_mapped' };
  if (zendeskRoleMeans !== grant.role) return { allowed: false, reason: 'zendesk_role_mismatch' };
  return { allowed: true, grant };
}
