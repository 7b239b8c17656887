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
 * - Call list, GET /2010-04-01/Accounts/{AccountSid}/Calls.json with `StartTime>=` / `StartTime<` and `PageSize`
 *   https://www.twilio.com/docs/voice/api/call-resource#read-multiple-call-resources
 * - Recording list, GET /2010-04-01/Accounts/{AccountSid}/Recordings.json with `DateCreated>=` / `DateCreated<`
 *   https://www.twilio.com/docs/voice/api/recording#read-multiple-recording-resources
 *   Both page as https://www.twilio.com/docs/usage/twilios-response#pagination shows: `next_page_uri` (a path with
 *   Page and PageToken, null on the last page), `page`, `page_size`, `first_page_uri`, `previous_page_uri`, `uri`.
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
  /** Default `completed`. */
  readonly status?: 'completed' | 'busy' | 'no-answer' | 'canceled' | 'failed' | 'in-progress';
  readonly parentCallSid?: string;
}

/** What the Recordings list says of a recording (the audio itself is in `recordings`). */
export interface FakeTwilioRecordingInfo {
  readonly callSid: string;
  readonly dateCreated: Date;
  /** Default `completed`; `absent` is a recording Twilio made without audio. */
  readonly status?: 'completed' | 'processing' | 'absent' | 'failed';
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
  /** The recordings the Recordings list shows, by RecordingSid. */
  readonly recordingInfo?: Map<string, FakeTwilioRecordingInfo>;
  /** Answers the next list requests with this status (then removes it): a Twilio outage mid-listing. */
  failLists?: number;
}

/** RFC 2822 dates, as Twilio's API returns them ("Tue, 31 Aug 2010 20:36:28 +0000"). */
function rfc2822(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

export function twilioHandlers(state: FakeTwilioState) {
  const callResource = (call: FakeTwilioCall) => callResourceOf(state, call);
  const authorized = (request: Request) =>
    request.headers.get('authorization') === `Basic ${Buffer.from(`${state.accountSid}:${state.authToken}`).toString('base64')}`;
  const unauthorized = () =>
    HttpResponse.json({ code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 }, { status: 401 });

  /** One page of a list resource as Twilio writes it, from the request's own filters and paging. */
  const listPage = <T>(request: Request, list: 'Calls' | 'Recordings', key: 'calls' | 'recordings', items: readonly (T & { at: Date; sid: string })[], field: string) => {
    const url = new URL(request.url);
    const from = url.searchParams.get(`${field}>=`);
    const to = url.searchParams.get(`${field}<`);
    const pageSize = Math.min(1000, Number(url.searchParams.get('PageSize') ?? '50'));
    const page = Number(url.searchParams.get('Page') ?? '0');
    const selected = items
      .filter((i) => (!from || i.at.getTime() >= Date.parse(from)) && (!to || i.at.getTime() < Date.parse(to)))
      .sort((a, b) => b.at.getTime() - a.at.getTime() || a.sid.localeCompare(b.sid));
    const start = page * pageSize;
    const slice = selected.slice(start, start + pageSize);
    const base = `/2010-04-01/Accounts/${state.accountSid}/${list}.json`;
    const query = (p: number, token?: string) => {
      const q = new URLSearchParams();
      if (from) q.set(`${field}>=`, from);
      if (to) q.set(`${field}<`, to);
      q.set('PageSize', String(pageSize));
      q.set('Page', String(p));
      if (token) q.set('PageToken', token);
      return `${base}?${q.toString()}`;
    };
    const last = slice.at(-1);
    return HttpResponse.json({
      [key]: slice.map(({ at: _at, ...rest }) => rest),
      end: start + Math.max(0, slice.length - 1),
      first_page_uri: query(0),
      next_page_uri: start + pageSize < selected.length && last ? query(page + 1, `PA${last.sid}`) : null,
      page,
      page_size: pageSize,
      previous_page_uri: page > 0 ? query(page - 1) : null,
      start,
      uri: query(page),
    });
  };
  const listFailure = () => {
    if (!state.failLists) return null;
    const status = state.failLists;
    state.failLists = undefined;
    return HttpResponse.json({ code: 20500, message: 'Internal Server Error', more_info: 'https://www.twilio.com/docs/errors/20500', status }, { status });
  };

  return [
    http.get('https://api.twilio.com/2010-04-01/Accounts/:account/Calls.json', ({ request, params }) => {
      state.requests.push({ method: 'GET', url: request.url });
      if (!authorized(request) || params.account !== state.accountSid) return unauthorized();
      const failure = listFailure();
      if (failure) return failure;
      const calls = [...state.calls.values()].map((call) => ({ ...callResource(call), at: call.startTime }));
      return listPage(request, 'Calls', 'calls', calls, 'StartTime');
    }),
    http.get('https://api.twilio.com/2010-04-01/Accounts/:account/Recordings.json', ({ request, params }) => {
      state.requests.push({ method: 'GET', url: request.url });
      if (!authorized(request) || params.account !== state.accountSid) return unauthorized();
      const failure = listFailure();
      if (failure) return failure;
      const recordings = [...(state.recordingInfo ?? new Map<string, FakeTwilioRecordingInfo>()).entries()].map(([sid, info]) => ({
        account_sid: state.accountSid,
        api_version: '2010-04-01',
        call_sid: info.callSid,
        conference_sid: null,
        date_created: rfc2822(info.dateCreated),
        date_updated: rfc2822(info.dateCreated),
        start_time: rfc2822(new Date(info.dateCreated.getTime() - (state.calls.get(info.callSid)?.durationS ?? 0) * 1000)),
        duration: String(state.calls.get(info.callSid)?.durationS ?? 0),
        sid,
        price: null,
        price_unit: 'USD',
        status: info.status ?? 'completed',
        channels: 1,
        source: 'RecordVerb',
        error_code: null,
        encryption_details: null,
        media_url: `https://api.twilio.com/2010-04-01/Accounts/${state.accountSid}/Recordings/${sid}`,
        uri: `/2010-04-01/Accounts/${state.accountSid}/Recordings/${sid}.json`,
        subresource_uris: {},
        at: info.dateCreated,
      }));
      return listPage(request, 'Recordings', 'recordings', recordings, 'DateCreated');
    }),
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
      return HttpResponse.json(callResource(call));
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

/** A Call resource as Twilio returns it: https://www.twilio.com/docs/voice/api/call-resource#call-properties */
function callResourceOf(state: FakeTwilioState, call: FakeTwilioCall) {
  const start = call.startTime;
  return {
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
    parent_call_sid: call.parentCallSid ?? null,
    phone_number_sid: 'PN' + '0'.repeat(32),
    price: '-0.03000',
    price_unit: 'USD',
    sid: call.sid,
    start_time: rfc2822(start),
    status: call.status ?? 'completed',
    subresource_uris: {},
    to: call.to,
    to_formatted: call.to,
    trunk_sid: null,
    uri: `/2010-04-01/Accounts/${state.accountSid}/Calls/${call.sid}.json`,
    queue_time: '0',
  };
}
