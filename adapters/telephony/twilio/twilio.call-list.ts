import { z } from 'zod';
import type {
  ListedProviderCall,
  ListedProviderRecording,
  ListWindow,
  ProviderCallList,
  ProviderListPage,
} from '../../../core/recordings/provider-call-list.port';
import { CallsightError } from '../../../core/shared/errors';
import type { TwilioAccount } from './twilio.webhook';
import { twilioRequestFailed } from './twilio.errors';

export interface TwilioCallListDeps {
  /** Looks up the account by its SID; null when the hub does not know it. */
  readonly findAccount: (accountSid: string) => Promise<TwilioAccount | null>;
  /** Base of Twilio's REST API; https://api.twilio.com unless a proxy sits in between. */
  readonly apiBaseUrl?: string;
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
  /** Items per page (Twilio's PageSize, 1..1000); default 1000. */
  readonly pageSize?: number;
}

// Paging properties of every list resource: https://www.twilio.com/docs/usage/twilios-response#pagination
const pageSchema = z.object({ next_page_uri: z.string().nullable().optional() });
// Read multiple Call resources: https://www.twilio.com/docs/voice/api/call-resource#read-multiple-call-resources
const callsPageSchema = pageSchema.extend({
  calls: z.array(
    z.object({
      sid: z.string(),
      parent_call_sid: z.string().nullable().optional(),
      status: z.string(),
      start_time: z.string().nullable(),
      date_created: z.string().nullable().optional(),
    }),
  ),
});
// Read multiple Recording resources: https://www.twilio.com/docs/voice/api/recording#read-multiple-recording-resources
const recordingsPageSchema = pageSchema.extend({
  recordings: z.array(
    z.object({
      sid: z.string(),
      call_sid: z.string().nullable(),
      status: z.string(),
      start_time: z.string().nullable().optional(),
      date_created: z.string(),
    }),
  ),
});

/**
 * Twilio's own list of an account's calls (GET /2010-04-01/Accounts/{Sid}/Calls.json with `StartTime>=` and
 * `StartTime<`) and recordings (Recordings.json with `DateCreated>=` and `DateCreated<`), one page at a time,
 * following `next_page_uri`. Credentials go to the configured API base only: a next-page URI is accepted only as a
 * path under the same account's list, never as an absolute URL. Instants come back as ISO-8601 UTC (Twilio writes
 * RFC 2822 dates). A call or recording outside the window (Twilio's date filters are inclusive of whole days on
 * some accounts) is dropped here, so callers see only the window.
 */
export class TwilioCallList implements ProviderCallList {
  readonly provider = 'twilio';
  private readonly apiBaseUrl: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly deps: TwilioCallListDeps) {
    this.apiBaseUrl = (deps.apiBaseUrl ?? 'https://api.twilio.com').replace(/\/$/, '');
    this.fetchImpl = deps.fetch ?? fetch;
  }

  async callsPage(accountId: string, window: ListWindow, page: string | null): Promise<ProviderListPage<ListedProviderCall>> {
    const account = await this.accountOf(accountId);
    const body = callsPageSchema.safeParse(await this.getPage(account, 'Calls', 'StartTime', window, page));
    if (!body.success) throw twilioRequestFailed('call list', 200, body.error);
    const items = body.data.calls
      .map((c) => ({
        providerCallId: c.sid,
        startedAt: isoOf(c.start_time),
        status: c.status,
        parentCallId: c.parent_call_sid ?? null,
      }))
      .filter((c) => c.startedAt === null || inWindow(c.startedAt, window));
    return { items, next: body.data.next_page_uri ?? null };
  }

  async recordingsPage(accountId: string, window: ListWindow, page: string | null): Promise<ProviderListPage<ListedProviderRecording>> {
    const account = await this.accountOf(accountId);
    const body = recordingsPageSchema.safeParse(await this.getPage(account, 'Recordings', 'DateCreated', window, page));
    if (!body.success) throw twilioRequestFailed('recording list', 200, body.error);
    const items: ListedProviderRecording[] = [];
    for (const r of body.data.recordings) {
      const created = isoOf(r.date_created);
      if (!r.call_sid || !created || !inWindow(created, window)) continue;
      items.push({ recordingId: r.sid, providerCallId: r.call_sid, startedAt: isoOf(r.start_time ?? null) ?? created, status: r.status });
    }
    return { items, next: body.data.next_page_uri ?? null };
  }

  private async accountOf(accountId: string): Promise<TwilioAccount> {
    const account = await this.deps.findAccount(accountId);
    if (!account) throw new CallsightError('NOT_FOUND', 'The hub does not know this Twilio account; link it with `callsight tenant add --twilio-account`');
    return account;
  }

  private async getPage(account: TwilioAccount, list: 'Calls' | 'Recordings', filter: string, window: ListWindow, page: string | null): Promise<unknown> {
    const listPath = `/2010-04-01/Accounts/${encodeURIComponent(account.accountSid)}/${list}.json`;
    let target: string;
    if (page === null) {
      const query = new URLSearchParams();
      query.set(`${filter}>=`, twilioInstant(window.from));
      query.set(`${filter}<`, twilioInstant(window.to));
      query.set('PageSize', String(this.deps.pageSize ?? 1000));
      target = `${this.apiBaseUrl}${listPath}?${query.toString()}`;
    } else {
      if (!page.startsWith(`${listPath}?`)) {
        throw new CallsightError('VALIDATION_FAILED', `A Twilio page token must be a ${list} page of the same account`);
      }
      target = `${this.apiBaseUrl}${page}`;
    }
    const what = list === 'Calls' ? 'call list' : 'recording list';
    let response: Response;
    try {
      response = await this.fetchImpl(target, {
        headers: { Authorization: `Basic ${Buffer.from(`${account.accountSid}:${account.authToken}`).toString('base64')}`, Accept: 'application/json' },
        signal: AbortSignal.timeout(this.deps.timeoutMs ?? 30_000),
      });
    } catch (cause) {
      throw twilioRequestFailed(what, null, cause);
    }
    if (!response.ok) {
      await response.arrayBuffer().catch(() => undefined);
      throw twilioRequestFailed(what, response.status);
    }
    try {
      return await response.json();
    } catch (cause) {
      throw twilioRequestFailed(what, response.status, cause);
    }
  }
}

/** Twilio's date filters take `YYYY-MM-DDTHH:MM:SSZ` (whole seconds, UTC). */
function twilioInstant(iso: string): string {
  return new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** An RFC 2822 (or ISO) date as ISO-8601 UTC; null for none or an unreadable one. */
function isoOf(value: string | null): string | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function inWindow(iso: string, window: ListWindow): boolean {
  return iso >= new Date(window.from).toISOString() && iso < new Date(window.to).toISOString();
}
