/**
 * The cheap authenticated requests the admin screen's connection tests make, faked for msw as the providers
 * document them (each handler cites its page): Twilio's Account resource, an OpenAI-compatible models list and
 * Salesforce's org limits (added after the Salesforce fake's handlers, whose gate checks the session first).
 * Each fake counts what it was asked and can be told to refuse the credentials or answer another status.
 */
import { http, HttpResponse, type HttpHandler } from 'msw';

export interface TwilioAccountFake {
  readonly handlers: HttpHandler[];
  /** Requests that reached the Account resource, with whether their Basic credentials were the account's. */
  readonly requests: Array<{ readonly sid: string; readonly authorized: boolean }>;
  /** The account's `status` from now on (`active`, `suspended`, `closed`). */
  setStatus(status: 'active' | 'suspended' | 'closed'): void;
  /** The next requests answer this HTTP status with Twilio's error body. */
  failWith(status: number | null): void;
}

/**
 * `GET /2010-04-01/Accounts/{Sid}.json` with HTTP Basic (SID and auth token):
 * https://www.twilio.com/docs/iam/api/account#fetch-an-account-resource (the Account properties shown there);
 * a wrong token is 401 with error 20003 (https://www.twilio.com/docs/errors/20003), an unknown SID 404 with 20404
 * (https://www.twilio.com/docs/errors/20404).
 */
export function createTwilioAccountFake(options: { accountSid: string; authToken: string; apiBaseUrl?: string }): TwilioAccountFake {
  const base = (options.apiBaseUrl ?? 'https://api.twilio.com').replace(/\/+$/, '');
  const requests: Array<{ sid: string; authorized: boolean }> = [];
  let status: 'active' | 'suspended' | 'closed' = 'active';
  let failure: number | null = null;
  const expected = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
  const error = (code: number, message: string, httpStatus: number) =>
    HttpResponse.json({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status: httpStatus }, { status: httpStatus });
  const handler = http.get(`${base}/2010-04-01/Accounts/:file`, ({ request, params }) => {
    const sid = String(params['file']).replace(/\.json$/, '');
    const authorized = request.headers.get('authorization') === expected;
    requests.push({ sid, authorized });
    if (failure !== null) return error(20500, 'Internal Server Error', failure);
    if (!authorized) return error(20003, 'Authenticate', 401);
    if (sid !== options.accountSid) return error(20404, `The requested resource /2010-04-01/Accounts/${sid}.json was not found`, 404);
    return HttpResponse.json({
      auth_token: '[Redacted]',
      date_created: 'Thu, 30 Jul 2015 20:00:00 +0000',
      date_updated: 'Thu, 30 Jul 2015 20:00:00 +0000',
      friendly_name: 'Callsight test account',
      owner_account_sid: options.accountSid,
      sid: options.accountSid,
      status,
      subresource_uris: { calls: `/2010-04-01/Accounts/${options.accountSid}/Calls.json`, recordings: `/2010-04-01/Accounts/${options.accountSid}/Recordings.json` },
      type: 'Full',
      uri: `/2010-04-01/Accounts/${options.accountSid}.json`,
    });
  });
  return {
    handlers: [handler],
    requests,
    setStatus: (next) => {
      status = next;
    },
    failWith: (next) => {
      failure = next;
    },
  };
}

export interface OpenAiModelsFake {
  readonly handlers: HttpHandler[];
  readonly requests: Array<{ readonly authorized: boolean }>;
}

/**
 * `GET {base}/v1/models` with `Authorization: Bearer <key>`: https://platform.openai.com/docs/api-reference/models/list
 * (a `list` of `model` objects); a wrong or missing key is 401 with `invalid_api_key`
 * (https://platform.openai.com/docs/guides/error-codes/api-errors).
 */
export function createOpenAiModelsFake(options: { baseUrl: string; apiKey: string; models?: readonly string[] }): OpenAiModelsFake {
  const requests: Array<{ authorized: boolean }> = [];
  const handler = http.get(`${options.baseUrl.replace(/\/+$/, '')}/v1/models`, ({ request }) => {
    const authorized = request.headers.get('authorization') === `Bearer ${options.apiKey}`;
    requests.push({ authorized });
    if (!authorized) {
      return HttpResponse.json(
        { error: { message: 'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } },
        { status: 401 },
      );
    }
    return HttpResponse.json({
      object: 'list',
      data: (options.models ?? ['whisper-1']).map((id) => ({ id, object: 'model', created: 1677610602, owned_by: 'openai' })),
    });
  });
  return { handlers: [handler], requests };
}

/**
 * `GET /services/data/vXX.X/limits`: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_limits.htm
 * (the org's allowances, `Max` and `Remaining` each). Put after the Salesforce fake's handlers: its gate answers an
 * expired session (401 INVALID_SESSION_ID) before this runs.
 */
export function salesforceLimitsHandler(instanceUrl: string, counter: { limits: number }): HttpHandler {
  return http.get(`${instanceUrl}/services/data/:version/limits`, () => {
    counter.limits += 1;
    return HttpResponse.json({
      DailyApiRequests: { Max: 100000, Remaining: 99990 },
      DailyBulkV2QueryJobs: { Max: 10000, Remaining: 10000 },
      DataStorageMB: { Max: 1073, Remaining: 1073 },
    });
  });
}
