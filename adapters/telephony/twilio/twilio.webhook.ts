import { z } from 'zod';
import { CallsightError } from '../../../core/shared/errors';
import type { IngestResult } from '../../../core/recordings/ingest-call';
import type {
  TelephonyWebhookHandler,
  TelephonyWebhookOutcome,
  TelephonyWebhookRequest,
} from '../../../core/recordings/telephony.port';
import type { Call } from '../../../core/recordings/call';
import { isValidTwilioSignature } from './twilio.signature';
import { twilioRequestFailed } from './twilio.errors';

/** A Twilio account known to the hub and the tenant its calls belong to. */
export interface TwilioAccount {
  readonly tenantId: string;
  readonly accountSid: string;
  readonly authToken: string;
}

export interface TwilioWebhookDeps {
  /** Looks up the account by its SID; null when the hub does not know it. */
  readonly findAccount: (accountSid: string) => Promise<TwilioAccount | null>;
  readonly findExisting: (tenantId: string, providerCallId: string) => Promise<Call | null>;
  readonly ingest: (tenantId: string, metadata: unknown, audio: Uint8Array) => Promise<IngestResult>;
  /** Base of Twilio's REST API; https://api.twilio.com unless a proxy sits in between. */
  readonly apiBaseUrl?: string;
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
}

// Recording status callback parameters:
// https://www.twilio.com/docs/voice/api/recording#recordingstatuscallback
const callbackSchema = z.object({
  AccountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/),
  CallSid: z.string().regex(/^CA[0-9a-fA-F]{32}$/),
  RecordingSid: z.string().regex(/^RE[0-9a-fA-F]{32}$/),
  RecordingUrl: z.url(),
  RecordingStatus: z.string(),
  RecordingChannels: z.string().optional(),
});

// Call resource: https://www.twilio.com/docs/voice/api/call-resource#call-properties
const callResourceSchema = z.object({
  sid: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  direction: z.string(),
  start_time: z.string().nullable(),
  date_created: z.string().nullable(),
});

/**
 * Twilio recording status callbacks. Verifies X-Twilio-Signature with the account's auth token before
 * anything else, acts only on `completed` recordings, skips calls already stored without downloading again,
 * then fetches the call's From/To and the recording (WAV) with the account's credentials.
 */
export class TwilioRecordingWebhook implements TelephonyWebhookHandler {
  readonly provider = 'twilio';
  private readonly apiBaseUrl: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly deps: TwilioWebhookDeps) {
    this.apiBaseUrl = (deps.apiBaseUrl ?? 'https://api.twilio.com').replace(/\/$/, '');
    this.fetchImpl = deps.fetch ?? fetch;
  }

  async handle(request: TelephonyWebhookRequest): Promise<TelephonyWebhookOutcome> {
    const accountSid = request.form.find(([name]) => name === 'AccountSid')?.[1];
    const account = accountSid ? await this.deps.findAccount(accountSid) : null;
    const signature = request.headers['x-twilio-signature'];
    if (!account || !isValidTwilioSignature(account.authToken, request.url, request.form, signature)) {
      throw new CallsightError('SIGNATURE_INVALID', 'The Twilio request signature does not verify');
    }
    const parsed = callbackSchema.safeParse(Object.fromEntries(request.form));
    if (!parsed.success) throw new CallsightError('VALIDATION_FAILED', 'The Twilio callback lacks required recording fields');
    const event = parsed.data;
    if (event.RecordingStatus !== 'completed') return { kind: 'ignored', reason: `recording ${event.RecordingStatus}` };

    const existing = await this.deps.findExisting(account.tenantId, event.CallSid);
    if (existing) return { kind: 'duplicate', call: existing };

    const callInfo = await this.getJson(account, `/2010-04-01/Accounts/${account.accountSid}/Calls/${event.CallSid}.json`);
    const call = callResourceSchema.parse(callInfo);
    const audio = await this.download(account, `${event.RecordingUrl}.wav`);
    const inbound = call.direction === 'inbound';
    const customer = inbound ? call.from : call.to;
    const agentEnd = inbound ? call.to : call.from;
    const startedAt = new Date(call.start_time ?? call.date_created ?? Date.now());
    const metadata = {
      provider: 'twilio',
      providerCallId: event.CallSid,
      channel: 'human',
      direction: inbound ? 'inbound' : 'outbound',
      startedAt: startedAt.toISOString(),
      agentId: agentEnd?.startsWith('client:') ? agentEnd.slice('client:'.length) : null,
      customerPhone: customer && !customer.startsWith('client:') ? customer : null,
      tags: [],
    };
    const result = await this.deps.ingest(account.tenantId, metadata, audio);
    return result.created ? { kind: 'stored', call: result.call } : { kind: 'duplicate', call: result.call };
  }

  private authHeader(account: TwilioAccount): string {
    return `Basic ${Buffer.from(`${account.accountSid}:${account.authToken}`).toString('base64')}`;
  }

  private async getJson(account: TwilioAccount, path: string): Promise<unknown> {
    const response = await this.request(account, `${this.apiBaseUrl}${path}`, 'call lookup');
    try {
      return await response.json();
    } catch (cause) {
      throw twilioRequestFailed('call lookup', response.status, cause);
    }
  }

  private async download(account: TwilioAccount, url: string): Promise<Uint8Array> {
    const response = await this.request(account, url, 'recording download');
    return new Uint8Array(await response.arrayBuffer());
  }

  private async request(account: TwilioAccount, url: string, what: string): Promise<Response> {
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        headers: { Authorization: this.authHeader(account) },
        signal: AbortSignal.timeout(this.deps.timeoutMs ?? 30_000),
      });
    } catch (cause) {
      throw twilioRequestFailed(what, null, cause);
    }
    if (!response.ok) throw twilioRequestFailed(what, response.status);
    return response;
  }
}
