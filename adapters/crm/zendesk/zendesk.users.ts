import axios from 'axios';
import { z } from 'zod';
import { CrmAuthError } from '../../../core/crm/crm.errors';
import type { Clock } from '../../../core/shared/clock.port';
import { resolveZendeskConnection, type ZendeskConnection } from './zendesk.config';
import { translateZendeskError } from './zendesk.errors';

/** A Zendesk staff member as the admin's user picker shows it. */
export interface ZendeskStaffUser {
  readonly id: string;
  readonly name: string;
  readonly email: string | null;
  /** Zendesk's role: `agent` or `admin` (end-users are never returned). */
  readonly role: 'agent' | 'admin';
}

const userSchema = z.looseObject({
  id: z.number().nullable(),
  name: z.string(),
  email: z.string().nullable().optional(),
  role: z.string(),
  active: z.boolean().optional(),
  suspended: z.boolean().optional(),
});

/** At most this many staff users are returned per search (one page of Zendesk's search). */
export const MAX_STAFF_RESULTS = 25;

function httpOf(connection: ZendeskConnection) {
  const resolved = resolveZendeskConnection(connection);
  return axios.create({
    baseURL: resolved.baseUrl,
    timeout: resolved.timeoutMs,
    headers: { Accept: 'application/json', Authorization: resolved.authorization },
    proxy: false,
    maxRedirects: 0,
  });
}

/**
 * Searches the account's staff for the admin's user picker: Search Users,
 * `GET /api/v2/users/search.json?query=role:agent role:admin <text>` (several `role:` keywords are OR-ed), keeping
 * active, unsuspended agents and admins, at most MAX_STAFF_RESULTS.
 * https://developer.zendesk.com/api-reference/ticketing/users/users/#search-users
 * https://support.zendesk.com/hc/en-us/articles/4408886879258#topic_ngr_frb_vc (the `role` search keyword)
 * Failures are the port's typed Crm*Error (translated, credentials and query removed from the cause).
 */
export async function searchZendeskStaff(connection: ZendeskConnection, text: string, clock: Clock): Promise<ZendeskStaffUser[]> {
  let data: unknown;
  try {
    const response = await httpOf(connection).get('/api/v2/users/search.json', { params: { query: `role:agent role:admin ${text}`.trim() } });
    data = response.data;
  } catch (error) {
    throw translateZendeskError(error, 'search staff users', clock.now());
  }
  const parsed = z.looseObject({ users: z.array(userSchema) }).safeParse(data);
  if (!parsed.success) throw new Error('Zendesk answered search staff users in an unexpected shape (expected {"users": [...]})');
  const staff: ZendeskStaffUser[] = [];
  for (const user of parsed.data.users) {
    if (user.id === null || user.suspended === true || user.active === false) continue;
    if (user.role !== 'agent' && user.role !== 'admin') continue;
    staff.push({ id: String(user.id), name: user.name, email: user.email ?? null, role: user.role });
    if (staff.length === MAX_STAFF_RESULTS) break;
  }
  return staff;
}

/**
 * The cheapest authenticated call: Show the Currently Authenticated User, `GET /api/v2/users/me.json`.
 * Zendesk answers an anonymous user (id null) to a request whose credentials it did not accept, so that is
 * `CRM_AUTH_FAILED` too. Resolves with the authenticated user's role; rejects with a typed Crm*Error.
 * https://developer.zendesk.com/api-reference/ticketing/users/users/#show-self
 */
export async function checkZendeskAuth(connection: ZendeskConnection, clock: Clock): Promise<{ readonly role: string }> {
  let data: unknown;
  try {
    data = (await httpOf(connection).get('/api/v2/users/me.json')).data;
  } catch (error) {
    throw translateZendeskError(error, 'show self', clock.now());
  }
  const parsed = z.looseObject({ user: userSchema }).safeParse(data);
  if (!parsed.success) throw new Error('Zendesk answered show self in an unexpected shape (expected {"user": {...}})');
  if (parsed.data.user.id === null) {
    throw new CrmAuthError('zendesk', 'show self', 'unauthenticated', { details: { status: 200, zendeskError: 'anonymous' } });
  }
  return { role: parsed.data.user.role };
}
