import { z } from 'zod';
import { CallsightError } from '../../../core/shared/errors';
import type {
  TelephonyWebhookHandler,
  TelephonyWebhookOutcome,
  TelephonyWebhookRequest,
} from '../../../core/recordings/telephony.port';
import type { Call } from '../../../core/recordings/call';
import { isValidTwilioSignature } from './twilio.signature';

/** A Twilio account known to the hub and the tenant its calls belong to. */
export interface TwilioAccount {
  readonly tenantId: string;
  readonly accountSid: string;
  readonly authToken: string;
}

/** A completed recording as a verified callback reports it, for the hub to record and fetch later. */
export interface TwilioRecordingReport {
  readonly provider: 'twilio';
  readonly providerCallId: string;
  readonly recordingId: string;
  readonly accountId: string;
}

export interface TwilioWebhookDeps {
  /** Looks up the account by its SID; null when the hub does not know it. */
  readonly findAccount: (accountSid: string) => Promise<TwilioAccount | null>;
  /**
   * Records the report durably (app/recordings accept-recording, as the system actor `twilio`): the call when it is
   * stored already, else the pending recording and whether this callback created it.
   */
  readonly accept: (
    tenantId: string,
    report: TwilioRecordingReport,
  ) => Promise<{ readonly kind: 'stored'; readonly call: Call } | { readonly kind: 'pending'; readonly pendingId: string; readonly created: boolean }>;
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

/**
 * Twilio recording status callbacks. Verifies X-Twilio-Signature with the account's auth token before anything
 * else, acts only on `completed` recordings, and records the report durably without downloading anything, so
 * that Twilio is answered at once even when the media is not ready yet; the `recordings.fetch` job downloads it
 * (TwilioRecordingSource). A repeat callback, or one for a call already stored, writes nothing.
 */
export class TwilioRecordingWebhook implements TelephonyWebhookHandler {
  readonly provider = 'twilio';

  constructor(private readonly deps: TwilioWebhookDeps) {}

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

    const outcome = await this.deps.accept(account.tenantId, {
      provider: 'twilio',
      providerCallId: event.CallSid,
      recordingId: event.RecordingSid,
      accountId: account.accountSid,
    });
    return outcome.kind === 'stored'
      ? { kind: 'duplicate', call: outcome.call }
      : { kind: 'accepted', pendingId: outcome.pendingId, created: outcome.created };
  }
}
