/**
 * An OpenAI-compatible `POST /v1/audio/transcriptions` server for msw, shaped like the OpenAI API reference:
 * - request and errors: https://platform.openai.com/docs/api-reference/audio/createTranscription
 * - the verbose_json body: https://platform.openai.com/docs/api-reference/audio/verbose-json-object
 *   (test/fixtures/asr/openai-verbose-json.json copies the documented example).
 * It checks the Bearer key and the multipart fields as OpenAI does, records every upload, and can be told
 * to answer the next requests with faults (429 with Retry-After, 5xx, malformed bodies).
 *
 * Usage: `const fake = createOpenAiTranscriptionsFake({ apiKey }); const server = setupServer(...fake.handlers);`
 * `server.listen({ onUnhandledRequest: 'error' })`.
 */
import { http, HttpResponse, type HttpHandler, type JsonBodyType } from 'msw';
import documentedExample from '../fixtures/asr/openai-verbose-json.json';

export const FAKE_OPENAI_BASE_URL = 'https://asr.example.test';

/** One upload as the server received it. */
export interface RecordedUpload {
  readonly authorization: string | null;
  /** Every text field of the multipart body, by name (repeated fields such as `timestamp_granularities[]` keep all values). */
  readonly fields: Readonly<Record<string, readonly string[]>>;
  readonly file: { readonly name: string; readonly type: string; readonly bytes: Uint8Array } | null;
}

/** A canned answer for the next request: status, headers and a JSON or raw body. */
export interface FakeFault {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly json?: JsonBodyType;
  readonly raw?: string;
}

export interface OpenAiTranscriptionsFakeOptions {
  readonly apiKey: string;
  readonly baseUrl?: string;
  /** Builds the verbose_json body for an accepted upload; defaults to the documented example. */
  readonly respond?: (upload: RecordedUpload) => JsonBodyType;
}

export interface OpenAiTranscriptionsFake {
  readonly handlers: HttpHandler[];
  /** Every request that reached the endpoint, faults included, in arrival order. */
  readonly uploads: RecordedUpload[];
  /** Answers the next requests with these faults, in order, before answering normally again. */
  queueFaults(...faults: FakeFault[]): void;
  /** Forgets recorded uploads and queued faults (call it after each test). */
  reset(): void;
}

const RESPONSE_FORMATS = new Set(['json', 'text', 'srt', 'verbose_json', 'vtt']);

function openAiError(status: number, message: string, param: string | null, code: string | null): Response {
  return HttpResponse.json({ error: { message, type: 'invalid_request_error', param, code } }, { status });
}

export function createOpenAiTranscriptionsFake(options: OpenAiTranscriptionsFakeOptions): OpenAiTranscriptionsFake {
  const baseUrl = (options.baseUrl ?? FAKE_OPENAI_BASE_URL).replace(/\/+$/, '');
  const uploads: RecordedUpload[] = [];
  const faults: FakeFault[] = [];

  const handler = http.post(`${baseUrl}/v1/audio/transcriptions`, async ({ request }) => {
    const form = await request.formData();
    const fields: Record<string, string[]> = {};
    let file: RecordedUpload['file'] = null;
    for (const [name, value] of form.entries()) {
      if (typeof value === 'string') (fields[name] ??= []).push(value);
      else if (name === 'file') file = { name: value.name, type: value.type, bytes: new Uint8Array(await value.arrayBuffer()) };
    }
    const upload: RecordedUpload = { authorization: request.headers.get('authorization'), fields, file };
    uploads.push(upload);

    const fault = faults.shift();
    if (fault) {
      if (fault.raw !== undefined) return new HttpResponse(fault.raw, { status: fault.status, headers: { 'content-type': 'application/json', ...fault.headers } });
      return HttpResponse.json(fault.json ?? { error: { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: null } }, {
        status: fault.status,
        headers: fault.headers,
      });
    }
    if (upload.authorization !== `Bearer ${options.apiKey}`) {
      return openAiError(401, 'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.', null, 'invalid_api_key');
    }
    if (!file) return openAiError(400, "1 validation error for Request\nbody -> file\n  field required (type=value_error.missing)", 'file', null);
    if (!fields.model?.[0]) return openAiError(400, "you must provide a model parameter", 'model', null);
    const format = fields.response_format?.[0] ?? 'json';
    if (!RESPONSE_FORMATS.has(format)) return openAiError(400, `'${format}' is not one of ['json', 'text', 'srt', 'verbose_json', 'vtt']`, 'response_format', null);
    if (fields['timestamp_granularities[]'] && format !== 'verbose_json') {
      return openAiError(400, 'timestamp_granularities requires response_format=verbose_json', 'timestamp_granularities', null);
    }
    const body = options.respond ? options.respond(upload) : (documentedExample as JsonBodyType);
    if (format === 'verbose_json') return HttpResponse.json(body);
    return HttpResponse.json({ text: (body as { text?: string }).text ?? '' });
  });

  return {
    handlers: [handler],
    uploads,
    queueFaults(...next: FakeFault[]) {
      faults.push(...next);
    },
    reset() {
      uploads.length = 0;
      faults.length = 0;
    },
  };
}
