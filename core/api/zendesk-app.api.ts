import * as z from 'zod/mini';
import { ROLES } from '../access/access.policy';
import { isoDateTimeSchema } from './common.api';

/**
 * The API contract of the Zendesk app page (signed URLs): Zendesk POSTs the app's first page request to
 * `POST /zendesk/app` with a form field `token` (a ZAF JWT, RS256); the hub verifies it and answers the widget
 * page with a short-lived hub session embedded as a JSON data block (`<script type="application/json"
 * id="callsight-session">`), which the page's own code reads. Nothing else carries the session into the iframe.
 */

/** Where Zendesk's signed POST lands (the manifest's location URL, after the build stamps the hub URL). */
export const ZENDESK_APP_PATH = '/zendesk/app';
/** Where the page loads its built scripts and styles from (same origin as the page). */
export const ZENDESK_APP_ASSETS_PATH = '/zendesk/assets';
/** The form field of Zendesk's signed POST that holds the ZAF JWT. */
export const ZENDESK_APP_TOKEN_FIELD = 'token';
/** The id of the JSON data block that carries the hub session into the page. */
export const ZENDESK_APP_SESSION_ELEMENT_ID = 'callsight-session';

/** Who the embedded session speaks for: the Zendesk user as `zendesk:<id>`, with the mapped role and scope. */
export const zendeskAppPrincipalSchema = z.object({
  userId: z.string().check(z.minLength(1)),
  role: z.enum(ROLES),
  agentId: z.optional(z.string().check(z.minLength(1))),
  teams: z.array(z.string()),
  queues: z.array(z.string()),
});

/** The session embedded in the page: a hub bearer token valid until `expiresAt`, for the hub at `hubUrl`. */
export const zendeskAppSessionSchema = z.object({
  token: z.string().check(z.minLength(1)),
  expiresAt: isoDateTimeSchema,
  hubUrl: z.string().check(z.minLength(1)),
  principal: zendeskAppPrincipalSchema,
});
export type ZendeskAppSession = z.infer<typeof zendeskAppSessionSchema>;
