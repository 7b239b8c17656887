import type { Role } from '../access/access.policy';
import { SALESFORCE_PERMISSION_SET_ROLES as PERMISSION_SET_ROLES } from '../api/salesforce-session.api';

/**
 * Salesforce identity (issue 14 item 2): the package's Apex signs a short-lived RS256 JWT with the org's certificate
 * naming the org (`iss`), the user (`sub`), the hub (`aud`), the user's Callsight permission sets and agent id; the hub
 * verifies it with the certificate registered for that org and maps the permission sets to a role. Pure rules here;
 * signature checks live in adapters/crm/salesforce/salesforce.identity.ts.
 */

/** Permission sets of the package and the hub role each grants (core/api/salesforce-session.api.ts), highest first. */
export const SALESFORCE_PERMISSION_SET_ROLES: readonly (readonly [string, Role])[] = Object.entries(PERMISSION_SET_ROLES);

/** Longest validity an assertion may have left (exp - now; the package signs for 60 s): anything longer is refused. */
export const MAX_SALESFORCE_ASSERTION_LIFETIME_S = 300;
/** Clock difference tolerated between the org and the hub. */
export const SALESFORCE_CLOCK_SKEW_S = 30;

/** Why an assertion was refused before any identity was read from it. */
export const SALESFORCE_ASSERTION_REJECTIONS = [
  'missing',
  'malformed',
  'algorithm',
  'unknown_org',
  'signature',
  'expired',
  'lifetime',
  'audience',
  'claims',
  'replayed',
] as const;
export type SalesforceAssertionRejection = (typeof SALESFORCE_ASSERTION_REJECTIONS)[number];

/**
 * The role of a user holding these permission sets (API names, with or without the package namespace `ns__`), the
 * highest of them; null when none is a Callsight permission set.
 */
export function roleFromPermissionSets(names: readonly string[]): Role | null {
  const held = new Set(names.map((name) => name.replace(/^[A-Za-z0-9]+__(?=Callsight_)/, '')));
  for (const [permissionSet, role] of SALESFORCE_PERMISSION_SET_ROLES) if (held.has(permissionSet)) return role;
  return null;
}

/**
 * The key an org is registered under: its 15-character id. Salesforce gives org ids in 15- and 18-character forms
 * (the last three characters only encode case), and Apex's `UserInfo.getOrganizationId()` returns the 18-character one.
 */
export function salesforceOrgKey(orgId: string): string {
  return orgId.slice(0, 15);
}
