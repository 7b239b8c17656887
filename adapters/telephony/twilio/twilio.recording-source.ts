import { z } from 'zod';
import type { PendingRecording, RecordingFetchResult, RecordingSource } from '../../../core/recordings/pending-recording.port';
import type { TwilioAccount } from './twilio.webhook';
import { twilioRequestFailed } from './twilio.errors';

export interface TwilioRecordingSourceDeps {
  /** Looks up the account by its SID; null when the hub no longer knows it. */
  readonly findAccount: (accountSid: string) => Promise<TwilioAccount | null>;
  /** Base of Twilio's REST API; https://api.twilio.com unless a proxy sits in between. */
  readonly apiBaseUrl?: string;
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
}

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
 * Downloads a reported Twilio recording: the call's From/To/direction from the Call resource, then the media as
 * WAV (https://www.twilio.com/docs/voice/api/recording#fetch-a-recording-media-file), both with the account's
 * credentials and from URLs the hub builds itself (never the callback's URL, so credentials go to Twilio only).
 * A 404 on either is `not_ready` (Twilio answers 404 until the media is written); an unknown account is
 * `not_ready` with `account_unknown`; any other failure is UPSTREAM_FAILED with the status and no credentials.
 */
export class TwilioRecordingSource implements RecordingSource {
  readonly provider = 'twilio';
  private readonly apiBaseUrl: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly deps: TwilioRecordingSourceDeps) {
    this.apiBaseUrl = (deps.apiBaseUrl ?? 'https://api.twilio.com').replace(/\/$/, '');
    this.fetchImpl = deps.fetch ?? fetch;
  }

  async fetchRecording(recording: PendingRecording): Promise<RecordingFetchResult> {
    const account = await this.deps.findAccount(recording.accountId);
    if (!account) return { kind: 'not_ready', reason: 'account_unknown' };
    const base = `${this.apiBaseUrl}/2010-04-01/Accounts/${encodeURIComponent(account.accountSid)}`;

    const callResponse = await this.request(account, `${base}/Calls/${encodeURIComponent(recording.providerCallId)}.json`, 'call lookup');
    if (callResponse === null) return { kind: 'not_ready', reason: 'call_not_found' };
    let callJson: unknown;
    try {
      callJson = await callResponse.json();
    } catch (cause) {
      throw twilioRequestFailed('call lookup', callResponse.status, cause);
    }
    const parsedCall = callResourceSchema.safeParse(callJson);
    if (!parsedCall.success) throw twilioRequestFailed('call lookup', callResponse.status, parsedCall.error);
    const call = parsedCall.data;

    const media = await this.request(account, `${base}/Recordings/${encodeURIComponent(recording.recordingId)}.wav`, 'recording download');
    if (media === null) return { kind: 'not_ready', reason: 'not_ready' };
    const audio = new Uint8Array(await media.arrayBuffer());

    const inbound = call.direction === 'inbound';
    const customer = inbound ? call.from : call.to;
    const agentEnd = inbound ? call.to : call.from;
    const started = call.start_time ?? call.date_created;
    const metadata = {
      provider: 'twilio',
      providerCallId: recording.providerCallId,
      channel: 'human',
      direction: inbound ? 'inbound' : 'outbound',
      startedAt: new Date(started ?? recording.receivedAt).toISOString(),
      agentId: agentEnd?.startsWith('client:') ? agentEnd.slice('client:'.length) : null,
      customerPhone: customer && !customer.startsWith('client:') ? customer : null,
      tags: [],
    };
    return { kind: 'ready', metadata, audio };
  }

  /** The response when 2xx, null on 404; UPSTREAM_FAILED otherwise. */
  private async request(account: TwilioAccount, url: string, what: string): Promise<Response | null> {
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        headers: { Authorization: `Basic ${Buffer.from(`${account.accountSid}:${account.authToken}`).toString('base64')}` },
        signal: AbortSignal.timeout(this.deps.timeoutMs ?? 30_000),
      });
    } catch (cause) {
      throw twilioRequestFailed(what, null, cause);
    }
    if (response.status === 404) {
      await readError(response, what);
      return null;
    }
    if (!response.ok) {
      await readError(response, what);
      throw twilioRequestFailed(what, response.status);
    }
    return response;
  }
}

/** Reads (and drops) an error answer's small JSON body, so that its connection is released. */
async function readError(response: Response, what: string): Promise<void> {
  try {
    await response.arrayBuffer();
  } catch (cause) {
    throw twilioRequestFailed(what, response.status, cause);
  }
}
