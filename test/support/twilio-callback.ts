import { computeTwilioSignature } from '../../adapters/telephony/twilio';

/**
 * Twilio's recording status callback for a completed recording
 * (https://www.twilio.com/docs/voice/api/recording#recordingstatuscallback), with any further fields in `extra`.
 */
export function recordingCallbackForm(o: {
  readonly accountSid: string;
  readonly callSid: string;
  readonly recordingSid: string;
  readonly extra?: readonly [string, string][];
}): [string, string][] {
  return [
    ['AccountSid', o.accountSid],
    ['CallSid', o.callSid],
    ['RecordingSid', o.recordingSid],
    ['RecordingUrl', `https://api.twilio.com/2010-04-01/Accounts/${o.accountSid}/Recordings/${o.recordingSid}`],
    ['RecordingStatus', 'completed'],
    ...(o.extra ?? []),
  ];
}

/** Posts the callback to the hub at `url` (its webhook URL), signed with the account's auth token as Twilio signs it. */
export function postRecordingCallback(url: string, authToken: string, form: [string, string][], signal?: AbortSignal): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    body: new URLSearchParams(form).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': computeTwilioSignature(authToken, url, form) },
    ...(signal ? { signal } : {}),
  });
}
