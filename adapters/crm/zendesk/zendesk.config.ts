import { CallsightError } from '../../../core/shared/errors';

/** API token (`{email}/token:{apiToken}` over HTTP basic) or an OAuth access token (bearer). */
export type ZendeskAuth =
  | { readonly kind: 'api_token'; readonly email: string; readonly apiToken: string }
  | { readonly kind: 'oauth'; readonly accessToken: string };

/** Keys of the fields of the call custom object, as created in Admin Center (see docs/decisions). */
export interface ZendeskCallFieldKeys {
  readonly startedAt: string;
  readonly durationS: string;
  readonly direction: string;
  readonly agentName: string;
  readonly inquiryType: string;
  readonly risk: string;
  readonly flags: string;
  readonly score: string;
  /** Text: `stored`, `archived` or `deleted` (the audio was crypto-shredded). */
  readonly recordingStatus: string;
  /** Text: the customer's emotion label from the analysis. */
  readonly customerEmotion: string;
  /** The app's nav bar location with the call preselected. */
  readonly appLink: string;
  /** Lookup relationship field to `zen:user`. */
  readonly customer: string;
  /** Ticket chosen for the internal note, written before the note is posted. */
  readonly noteTicketId: string;
  /** When the note was confirmed posted. */
  readonly notePostedAt: string;
}

export const DEFAULT_FIELD_KEYS: ZendeskCallFieldKeys = {
  startedAt: 'started_at',
  durationS: 'duration_s',
  direction: 'direction',
  agentName: 'agent_name',
  inquiryType: 'inquiry_type',
  risk: 'risk',
  flags: 'flags',
  score: 'qa_score',
  recordingStatus: 'recording_status',
  customerEmotion: 'customer_emotion',
  appLink: 'app_link',
  customer: 'customer',
  noteTicketId: 'note_ticket_id',
  notePostedAt: 'note_posted_at',
};

export type NoteLocale = 'en' | 'zh-CN';

/** One tenant's Zendesk connection. Secrets stay inside the adapter; never log this object. */
export interface ZendeskConnection {
  readonly subdomain: string;
  /** Defaults to `https://{subdomain}.zendesk.com`; point it at a reverse proxy or a test fake. May carry a path prefix. */
  readonly baseUrl?: string;
  readonly auth: ZendeskAuth;
  /** Defaults to `callsight_call`. */
  readonly customObjectKey?: string;
  readonly fieldKeys?: Partial<ZendeskCallFieldKeys>;
  /** Post an internal note on the customer's most recent open ticket (default off). */
  readonly ticketNotes?: { readonly enabled: boolean; readonly locale?: NoteLocale };
  /** Per request (default 15 s). */
  readonly timeoutMs?: number;
}

/** Finds a tenant's connection; null when the tenant has none. */
export type ZendeskConnectionResolver = (tenantId: string) => Promise<ZendeskConnection | null> | ZendeskConnection | null;

export interface ResolvedZendeskConnection {
  readonly baseUrl: string;
  readonly authorization: string;
  readonly customObjectKey: string;
  readonly fields: ZendeskCallFieldKeys;
  readonly notes: { readonly enabled: boolean; readonly locale: NoteLocale };
  readonly timeoutMs: number;
}

const SUBDOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
const OBJECT_KEY = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * Checks a connection and derives what the client needs. Throws `CallsightError('VALIDATION_FAILED')`
 * naming the bad setting (never its value). Plain http is allowed only to loopback, so credentials
 * never cross a network unencrypted.
 */
export function resolveZendeskConnection(connection: ZendeskConnection): ResolvedZendeskConnection {
  const fail = (what: string): never => {
    throw new CallsightError('VALIDATION_FAILED', `invalid Zendesk connection: ${what}`);
  };
  if (!SUBDOMAIN.test(connection.subdomain)) fail('subdomain must be the account name, e.g. "acme" for acme.zendesk.com');
  const baseUrl = (connection.baseUrl ?? `https://${connection.subdomain}.zendesk.com`).replace(/\/+$/, '');
  let url: URL | null = null;
  try {
    url = new URL(baseUrl);
  } catch {
    fail('baseUrl must be an absolute URL');
  }
  if (url !== null) {
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) fail('baseUrl must use https (http only to loopback)');
    if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') fail('baseUrl must not carry credentials, query or fragment');
  }

  let authorization: string;
  if (connection.auth.kind === 'api_token') {
    const { email, apiToken } = connection.auth;
    if (!/^[^\s@/]+@[^\s@/]+$/.test(email)) fail('auth.email must be the email of the Zendesk user owning the token');
    if (apiToken.trim() === '' || /\s/.test(apiToken)) fail('auth.apiToken must be a non-empty token without spaces');
    authorization = `Basic ${Buffer.from(`${email}/token:${apiToken}`, 'utf8').toString('base64')}`;
  } else {
    if (connection.auth.accessToken.trim() === '' || /\s/.test(connection.auth.accessToken)) fail('auth.accessToken must be a non-empty token without spaces');
    authorization = `Bearer ${connection.auth.accessToken}`;
  }

  const customObjectKey = connection.customObjectKey ?? 'callsight_call';
  if (!OBJECT_KEY.test(customObjectKey)) fail('customObjectKey must be a custom object key (lowercase letters, digits, _)');
  const fields = { ...DEFAULT_FIELD_KEYS, ...connection.fieldKeys };
  for (const [name, key] of Object.entries(fields)) {
    if (!OBJECT_KEY.test(key)) fail(`fieldKeys.${name} must be a field key (lowercase letters, digits, _)`);
  }
  const timeoutMs = connection.timeoutMs ?? 15_000;
  if (!(timeoutMs >= 100 && timeoutMs <= 120_000)) fail('timeoutMs must be between 100 and 120000');

  return {
    baseUrl,
    authorization,
    customObjectKey,
    fields,
    notes: { enabled: connection.ticketNotes?.enabled ?? false, locale: connection.ticketNotes?.locale ?? 'en' },
    timeoutMs,
  };
}
