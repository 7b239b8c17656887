import { http, HttpResponse } from 'msw';

/**
 * An msw fake of the parts of Twilio's REST API the recording webhook uses, shaped as documented:
 * - Call resource, GET /2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json
 *   https://www.twilio.com/docs/voice/api/call-resource#fetch-a-call-resource
 * - Recording media, GET /2010-04-01/Accounts/{AccountSid}/Recordings/{Sid}.wav (HTTP Basic auth with the
 *   Account SID and auth token when "enforce HTTP auth on media URLs" is on)
 *   https://www.twilio.com/docs/voice/api/recording#fetch-a-recording-media-file
 *   Until a recording's media is written Twilio answers its media URL with 404 and error 20404 ("The requested
 *   resource ... was not found"), which is why the hub fetches recordings in a job and retries:
 *   https://www.twilio.com/docs/voice/api/recording#fetch-a-recording-media-file and
 *   https://www.twilio.com/docs/errors/20404 (the fake keeps a recording 404 until `readyAt`, read on `clock`).
 * The recording status callback itself (sent by Twilio to us) is documented at
 * https://www.twilio.com/docs/voice/api/recording#recordingstatuscallback and signed per
 * https://www.twilio.com/docs/usage/webhooks/webhooks-security.
 */
export interface FakeTwilioCall {
  readonly sid: string;
  readonly from: string;
  readonly to: string;
  readonly direction: 'inbound' | 'outbound-api' | 'outbound-dial';
  readonly startTime: Date;
  readonly durationS: number;
}

export interface FakeTwilioState {
  readonly accountSid: string;
  readonly authToken: string;
  readonly calls: Map<string, FakeTwilioCall>;
  readonly recordings: Map<string, Uint8Array>;
  readonly requests: { method: string; url: string }[];
  /** When a recording's media becomes available (absent: at once); compared with `clock`. */
  readonly readyAt?: Map<string, Date>;
  /** The fake's notion of now (the test clock the hub runs on); default the system clock. */
  readonly clock?: () => Date;
}

/** RFC 2822 dates, as Twilio's API returns them ("Tue, 31 Aug 2010 20:36:28 +0000"). */
function rfc2822(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

export function twilioHandlers(state: FakeTwilioState) {
  const authorized = (request: Request) =>
    request.headers.get('authorization') === `Basic ${Buffer.from(`${state.accountSid}:${state.authToken}`).toString('base64')}`;
  const unauthorized = () =>
    HttpResponse.json({ code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 }, { status: 401 });

  return [
    http.get('https://api.twilio.com/2010-04-01/Accounts/:account/Calls/:file', ({ request, params }) => {
      state.requests.push({ method: 'GET', url: request.url });
      if (!authorized(request) || params.account !== state.accountSid) return unauthorized();
      const sid = String(params.file).replace(/\.json$/, '');
      const call = state.calls.get(sid);
      if (!call) {
        return HttpResponse.json(
          { code: 20404, message: `The requested resource /2010-04-01/Accounts/${state.accountSid}/Calls/${sid}.json was not found`, more_info: 'https://www.twilio.com/docs/errors/20404', status: 404 },
          { status: 404 },
        );
      }
      const start = call.startTime;
      return HttpResponse.json({
        account_sid: state.accountSid,
        annotation: null,
        answered_by: null,
        api_version: '2010-04-01',
        caller_name: null,
        date_created: rfc2822(start),
        date_updated: rfc2822(new Date(start.getTime() + call.durationS * 1000)),
        direction: call.direction,
        duration: String(call.durationS),
        end_time: rfc2822(new Date(start.getTime() + call.durationS * 1000)),
        forwarded_from: null,
        from: call.from,
        from_formatted: call.from,
        group_sid: null,
        parent_call_sid: null,
        phone_number_sid: 'PN' + '0'.repeat(32),
        price: '-0.03000',
        price_unit: 'USD',
        sid: call.sid,
        start_time: rfc2822(start),
        status: 'completed',
        subresource_uris: {},
        to: call.to,
        to_formatted: call.to,
        trunk_sid: null,
        uri: `/2010-04-01/Accounts/${state.accountSid}/Calls/${call.sid}.json`,
        queue_time: '0',
      });
    }),
    http.get('https://api.twilio.com/2010-04-01/Accounts/:account/Recordings/:file', ({ request, params }) => {
      state.requests.push({ method: 'GET', url: request.url });
      if (!authorized(request) || params.account !== state.accountSid) return unauthorized();
      const file = String(params.file);
      const sid = file.replace(/\.(wav|mp3)$/, '');
      const audio = state.recordings.get(sid);
      const readyAt = state.readyAt?.get(sid);
      const now = state.clock?.() ?? new Date();
      if (!audio || (readyAt && now.getTime() < readyAt.getTime())) {
        return HttpResponse.json(
          {
            code: 20404,
            message: `The requested resource /2010-04-01/Accounts/${state.accountSid}/Recordings/${file} was not found`,
            more_info: 'https://www.twilio.com/docs/errors/20404',
            status: 404,
          },
          { status: 404 },
        );
      }
      return new HttpResponse(audio, { headers: { 'Content-Type': file.endsWith('.mp3') ? 'audio/mpeg' : 'audio/x-wav' } });
    }),
  ];
}
