import * as z from 'zod/mini';
import { ROLES } from '../access/access.policy';
import { isoDateTimeSchema } from './common.api';

/**
 * The API contract of the CRM sign-in: `POST /api/v1/session/zendesk` takes the Zendesk-signed JWT as
 * `Authorization: Bearer <jwt>` (no body) and answers a short-lived hub token with the rights it carries.
 */

/** Who the hub token speaks for: the Zendesk user as `zendesk:<id>`, with the mapped role and scope. */
export const sessionPrincipalSchema = z.object({
  userId: z.string().check(z.minLength(1)),
  role: z.enum(ROLES),
  agentId: z.optional(z.string().check(z.minLength(1))),
  teams: z.array(z.string()),
  queues: z.array(z.string()),
});
export type SessionPrincipal = z.infer<typeof sessionPrincipalSchema>;

/** 200 answer of the Zendesk session exchange (sent with `Cache-Control: no-store`). */
export const zendeskSessionResponseSchema = z.object({
  token: z.string().check(z.minLength(1)),
  expiresAt: isoDateTimeSchema,
  principal: sessionPrincipalSchema,
});
export type ZendeskSessionResponse = z.infer<typeof zendeskSessionResponseSchema>;
