export { createZendeskCrmAdapter, pickMostRecentOpenTicket, pickUserForPhone, type ZendeskCrmAdapterOptions } from './zendesk.adapter';
export {
  DEFAULT_FIELD_KEYS,
  resolveZendeskConnection,
  type NoteLocale,
  type ZendeskAuth,
  type ZendeskCallFieldKeys,
  type ZendeskConnection,
  type ZendeskConnectionResolver,
} from './zendesk.config';
export { parseRetryAfterMs, translateZendeskError } from './zendesk.errors';
