import axios, { type AxiosInstance } from 'axios';
import { z } from 'zod';
import { CrmUnavailableError } from '../../../core/crm/crm.errors';
import type { Clock } from '../../../core/shared/clock.port';
import type { ResolvedZendeskConnection } from './zendesk.config';
import { translateZendeskError } from './zendesk.errors';

// Response shapes: only the fields we use, as documented on the pages cited at each method.
const userSchema = z.looseObject({
  id: z.number(),
  name: z.string().nullable().optional(),
  phone: z.string().nullable().optional(),
  role: z.string().optional(),
  active: z.boolean().optional(),
  suspended: z.boolean().optional(),
});
export type ZendeskUser = z.infer<typeof userSchema>;

const ticketSchema = z.looseObject({
  id: z.number(),
  status: z.string(),
  updated_at: z.string(),
});
export type ZendeskTicket = z.infer<typeof ticketSchema>;

const commentSchema = z.looseObject({
  id: z.number(),
  body: z.string().nullable().optional(),
  html_body: z.string().nullable().optional(),
  public: z.boolean().optional(),
});
export type ZendeskComment = z.infer<typeof commentSchema>;

const recordSchema = z.looseObject({
  id: z.string(),
  name: z.string().nullable().optional(),
  external_id: z.string().nullable().optional(),
  custom_object_fields: z.record(z.string(), z.unknown()).nullable().optional(),
});
export type ZendeskCustomObjectRecord = z.infer<typeof recordSchema>;

const cursorPageSchema = z.looseObject({
  meta: z.looseObject({ has_more: z.boolean(), after_cursor: z.string().nullable().optional() }).optional(),
  links: z.looseObject({ next: z.string().nullable().optional() }).optional(),
});

/** Cursor pagination allows at most 100 items a page. https://developer.zendesk.com/api-reference/introduction/pagination/ */
const PAGE_SIZE = 100;

/**
 * A thin, typed Zendesk Support API client for one tenant's connection. Every failure is a
 * translated `Crm*Error`; no method logs.
 */
export class ZendeskClient {
  private readonly http: AxiosInstance;

  constructor(
    private readonly connection: ResolvedZendeskConnection,
    private readonly clock: Clock,
    private readonly maxPages: number,
  ) {
    this.http = axios.create({
      baseURL: connection.baseUrl,
      timeout: connection.timeoutMs,
      headers: { Accept: 'application/json', Authorization: connection.authorization },
      // Reverse proxies are configured through baseUrl; an environment proxy would silently reroute credentials.
      proxy: false,
      maxRedirects: 0,
    });
  }

  /**
   * Search Users, `GET /api/v2/users/search.json?query=phone:...`.
   * https://developer.zendesk.com/api-reference/ticketing/users/users/#search-users
   * The number is sent as digits without "+", as Zendesk's search syntax for phone numbers wants:
   * https://developer.zendesk.com/documentation/voice/talk-partner-edition/retrieving-the-zendesk-user-id-of-a-caller/
   */
  async searchUsersByPhone(e164: string): Promise<{ users: ZendeskUser[]; count: number }> {
    const digits = e164.replace(/\D/g, '');
    const data = await this.request('search users', {
      method: 'GET',
      url: '/api/v2/users/search.json',
      params: { query: `phone:${digits}` },
    });
    const parsed = this.parse('search users', z.looseObject({ users: z.array(userSchema), count: z.number().optional() }), data);
    return { users: parsed.users, count: parsed.count ?? parsed.users.length };
  }

  /**
   * Set Custom Object Record by External Id (upsert): creates the record, or updates only the given
   * attributes of the existing one, `PATCH /api/v2/custom_objects/{key}/records?external_id={id}`.
   * https://developer.zendesk.com/api-reference/custom-data/custom-objects/custom_object_records/#set-custom-object-record-by-external-id-or-name
   */
  async upsertRecordByExternalId(
    externalId: string,
    record: { readonly name?: string; readonly custom_object_fields: Record<string, unknown> },
  ): Promise<ZendeskCustomObjectRecord> {
    const data = await this.request('upsert call record', {
      method: 'PATCH',
      url: `/api/v2/custom_objects/${encodeURIComponent(this.connection.customObjectKey)}/records`,
      params: { external_id: externalId },
      data: { custom_object_record: record },
    });
    return this.parse('upsert call record', z.looseObject({ custom_object_record: recordSchema }), data).custom_object_record;
  }

  /**
   * List Tickets requested by a user, every page, `GET /api/v2/users/{id}/tickets/requested.json`.
   * https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/#list-tickets
   */
  async listRequestedTickets(userId: number): Promise<ZendeskTicket[]> {
    return this.listAllPages('list requested tickets', `/api/v2/users/${userId}/tickets/requested.json`, 'tickets', ticketSchema);
  }

  /**
   * List Comments of a ticket, every page, `GET /api/v2/tickets/{id}/comments.json`.
   * https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_comments/#list-comments
   */
  async listTicketComments(ticketId: number): Promise<ZendeskComment[]> {
    return this.listAllPages('list ticket comments', `/api/v2/tickets/${ticketId}/comments.json`, 'comments', commentSchema);
  }

  /**
   * Adds a private comment (internal note) through Update Ticket, `PUT /api/v2/tickets/{id}.json`
   * with `{"ticket": {"comment": {"html_body", "public": false}}}`.
   * https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/#update-ticket
   * https://developer.zendesk.com/documentation/ticketing/managing-tickets/adding-ticket-comments/
   */
  async addInternalNote(ticketId: number, htmlBody: string): Promise<void> {
    await this.request('add ticket note', {
      method: 'PUT',
      url: `/api/v2/tickets/${ticketId}.json`,
      data: { ticket: { comment: { html_body: htmlBody, public: false } } },
    });
  }

  /**
   * Follows cursor pagination (`page[size]`, `meta.has_more`, `links.next`, else `meta.after_cursor`).
   * https://developer.zendesk.com/api-reference/introduction/pagination/#using-cursor-pagination
   * `links.next` is requested against our base URL (path and query only), so a proxy base URL keeps
   * working and credentials never follow a link to another host.
   */
  private async listAllPages<T>(operation: string, path: string, key: string, itemSchema: z.ZodType<T>): Promise<T[]> {
    const pageSchema = cursorPageSchema.extend({ [key]: z.array(itemSchema) });
    const items: T[] = [];
    const seen = new Set<string>();
    let next: { url: string; params?: Record<string, string | number> } | null = { url: path, params: { 'page[size]': PAGE_SIZE } };
    for (let page = 0; next !== null && page < this.maxPages; page++) {
      const data = await this.request(operation, { method: 'GET', url: next.url, params: next.params });
      const parsed = this.parse(operation, pageSchema, data) as z.infer<typeof cursorPageSchema> & Record<string, T[]>;
      items.push(...(parsed[key] ?? []));
      next = null;
      if (parsed.meta?.has_more === true) {
        const link = parsed.links?.next ? toApiPath(parsed.links.next) : null;
        if (link !== null) next = { url: link };
        else if (parsed.meta.after_cursor) next = { url: path, params: { 'page[size]': PAGE_SIZE, 'page[after]': parsed.meta.after_cursor } };
        const identity = next === null ? '' : `${next.url} ${JSON.stringify(next.params ?? {})}`;
        if (seen.has(identity)) {
          throw new CrmUnavailableError('zendesk', operation, 'pagination repeated a cursor');
        }
        seen.add(identity);
      }
    }
    return items;
  }

  private async request(operation: string, config: { method: string; url: string; params?: object; data?: unknown }): Promise<unknown> {
    try {
      const response = await this.http.request(config);
      return response.data;
    } catch (error) {
      throw translateZendeskError(error, operation, this.clock.now());
    }
  }

  private parse<T>(operation: string, schema: z.ZodType<T>, data: unknown): T {
    const parsed = schema.safeParse(data);
    if (!parsed.success) throw new CrmUnavailableError('zendesk', operation, 'response did not have the documented shape');
    return parsed.data;
  }
}

/** `https://acme.zendesk.com/api/v2/x.json?page[after]=y` -> `/api/v2/x.json?page[after]=y`; null when it is no API link. */
function toApiPath(link: string): string | null {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return null;
  }
  const at = url.pathname.indexOf('/api/v2/');
  return at < 0 ? null : `${url.pathname.slice(at)}${url.search}`;
}
