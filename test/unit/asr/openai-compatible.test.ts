import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createOpenAiCompatibleTranscriber, type OpenAiCompatibleSettingsInput } from '../../../adapters/asr/openai-compatible';
import { CallsightError } from '../../../core/shared/errors';
import { encodePcm16Wav, readWavLayout } from '../../../core/transcription/wav-channels';
import documentedExample from '../../fixtures/asr/openai-verbose-json.json';
import { createOpenAiTranscriptionsFake, FAKE_OPENAI_BASE_URL, type RecordedUpload } from '../../fakes/openai-transcriptions.fake';

const API_KEY = 'sk-test-7f3a9c1e5b';
const ENDPOINT = `${FAKE_OPENAI_BASE_URL}/v1/audio/transcriptions`;

/** Channel 0 holds a constant +0.25 signal, channel 1 a constant -0.5 one, so the fake can tell which it got. */
const FRAMES = 1600;
const stereoWav = encodePcm16Wav([new Array(FRAMES).fill(0.25), new Array(FRAMES).fill(-0.5)], 16_000);
const monoWav = encodePcm16Wav([new Array(FRAMES).fill(0.1)], 16_000);

/** Which test signal the fake received: channel 0 or 1 of `stereoWav`, `monoWav`, or anything else. */
function signalOf(upload: RecordedUpload): 'channel-0' | 'channel-1' | 'mono' | 'other' {
  if (upload.file?.type !== 'audio/wav') return 'other';
  const bytes = upload.file.bytes;
  const layout = readWavLayout(bytes);
  if (layout.channels !== 1) return 'other';
  const first = new DataView(bytes.buffer, bytes.byteOffset).getInt16(layout.dataOffset, true);
  if (first === Math.round(0.25 * 0x7fff)) return 'channel-0';
  if (first === Math.round(-0.5 * 0x8000)) return 'channel-1';
  return first === Math.round(0.1 * 0x7fff) ? 'mono' : 'other';
}

function verboseJson(language: string, segments: Array<[number, number, string]>) {
  return {
    task: 'transcribe',
    language,
    duration: segments.at(-1)?.[1] ?? 0,
    text: segments.map((s) => s[2]).join(''),
    segments: segments.map(([start, end, text], id) => ({
      id,
      seek: 0,
      start,
      end,
      text,
      tokens: [50364, 50400],
      temperature: 0,
      avg_logprob: -0.1,
      compression_ratio: 1.1,
      no_speech_prob: 0.01,
    })),
  };
}

const fake = createOpenAiTranscriptionsFake({
  apiKey: API_KEY,
  respond: (upload) => {
    switch (signalOf(upload)) {
      case 'mono':
        return documentedExample;
      case 'channel-0':
        return verboseJson('english', [[0, 2.5, ' Hello, this call may be recorded.'], [6, 8, ' Let me check that for you.']]);
      case 'channel-1':
        return verboseJson('english', [[2.8, 5.5, ' Hi, my parcel is late.'], [8.2, 9, ' Thanks.']]);
      default:
        return verboseJson('english', [[0, 2, ' Hello, this call may be recorded.'], [3.5, 5, ' Hi, I need help.']]);
    }
  },
});
const server = setupServer(...fake.handlers);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  fake.reset();
});
afterAll(() => server.close());

function makeTranscriber(overrides: Partial<OpenAiCompatibleSettingsInput> = {}, delays: number[] = []) {
  return createOpenAiCompatibleTranscriber(
    { baseUrl: FAKE_OPENAI_BASE_URL, apiKey: API_KEY, model: 'whisper-1', baseDelayMs: 10, maxDelayMs: 40, ...overrides },
    {
      random: () => 1 - Number.EPSILON,
      sleep: (ms) => {
        delays.push(ms);
        return new Promise((resolve) => setTimeout(resolve, ms));
      },
    },
  );
}

async function rejectionOf(promise: Promise<unknown>): Promise<CallsightError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CallsightError);
  return error as CallsightError;
}

describe('OpenAI-compatible transcriber', () => {
  it('turns the documented verbose_json example into a transcript with times, language and confidence', async () => {
    const transcript = await makeTranscriber().transcribe({ audio: monoWav, format: 'wav', channels: 1, language: 'auto' });
    expect(transcript.language).toBe('en');
    expect(transcript.segments).toEqual([
      { speaker: 'agent', startS: 0, endS: 3.319999933242798, text: 'The beach was a popular spot on a hot summer day.', confidence: 0.751 },
      {
        speaker: 'agent',
        startS: 3.319999933242798,
        endS: 8.470000267028809,
        text: 'People were swimming in the ocean, building sandcastles, and playing beach volleyball.',
        confidence: 0.751,
      },
    ]);
  });

  it('sends the Bearer key and the documented multipart fields', async () => {
    await makeTranscriber().transcribe({ audio: monoWav, format: 'wav', channels: 1, language: 'zh' });
    expect(fake.uploads).toHaveLength(1);
    const upload = fake.uploads[0]!;
    expect(upload.authorization).toBe(`Bearer ${API_KEY}`);
    expect(upload.fields).toEqual({
      model: ['whisper-1'],
      language: ['zh'],
      response_format: ['verbose_json'],
      'timestamp_granularities[]': ['segment'],
    });
    expect(upload.file).toMatchObject({ name: 'audio.wav', type: 'audio/wav' });
    expect(upload.file?.bytes).toEqual(monoWav);
  });

  it('leaves language out for auto-detection, sends the tenant prompt, and does not double a /v1 base URL', async () => {
    const transcriber = makeTranscriber({ baseUrl: `${FAKE_OPENAI_BASE_URL}/v1/`, model: 'large-v3', prompt: 'Callsight, 保本' });
    await transcriber.transcribe({ audio: monoWav, format: 'wav', channels: 1, language: 'auto' });
    expect(fake.uploads[0]?.fields).toEqual({
      model: ['large-v3'],
      prompt: ['Callsight, 保本'],
      response_format: ['verbose_json'],
      'timestamp_granularities[]': ['segment'],
    });
  });

  it('uses the tenant language over the request language', async () => {
    await makeTranscriber({ language: 'en' }).transcribe({ audio: monoWav, format: 'wav', channels: 1, language: 'zh' });
    expect(fake.uploads[0]?.fields.language).toEqual(['en']);
  });

  it('splits two-channel WAV, transcribes each channel and merges agent and customer turns by time', async () => {
    const transcript = await makeTranscriber().transcribe({ audio: stereoWav, format: 'wav', channels: 2, language: 'en' });
    expect(fake.uploads).toHaveLength(2);
    expect(fake.uploads.map((u) => u.file?.bytes.byteLength)).toEqual([44 + FRAMES * 2, 44 + FRAMES * 2]);
    expect(transcript.segments.map((s) => [s.speaker, s.startS, s.text])).toEqual([
      ['agent', 0, 'Hello, this call may be recorded.'],
      ['customer', 2.8, 'Hi, my parcel is late.'],
      ['agent', 6, 'Let me check that for you.'],
      ['customer', 8.2, 'Thanks.'],
    ]);
  });

  it('labels channel 1 as the agent when the tenant says so', async () => {
    const transcript = await makeTranscriber().transcribe({ audio: stereoWav, format: 'wav', channels: 2, language: 'en', agentChannel: 1 });
    expect(transcript.segments.map((s) => s.speaker)).toEqual(['customer', 'agent', 'customer', 'agent']);
  });

  it('measures channels from the WAV header rather than trusting the hint', async () => {
    await makeTranscriber().transcribe({ audio: stereoWav, format: 'wav', channels: 1, language: 'en' });
    expect(fake.uploads).toHaveLength(2);
  });

  it('transcribes two-channel MP3 as one file and labels speakers on pauses', async () => {
    const mp3 = new Uint8Array([0xff, 0xfb, 0x90, 0x64, 0, 0, 0, 0]);
    const transcript = await makeTranscriber().transcribe({ audio: mp3, format: 'mp3', channels: 2, language: 'en' });
    expect(fake.uploads).toHaveLength(1);
    expect(fake.uploads[0]?.file).toMatchObject({ name: 'audio.mp3', type: 'audio/mpeg' });
    expect(transcript.segments.map((s) => s.speaker)).toEqual(['agent', 'customer']);
  });

  it('refuses audio with more than two channels before calling the server', async () => {
    const fourChannels = encodePcm16Wav([[0], [0], [0], [0]], 8_000);
    const error = await rejectionOf(makeTranscriber().transcribe({ audio: fourChannels, format: 'wav', channels: 4, language: 'en' }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(fake.uploads).toHaveLength(0);
  });

  it('waits for Retry-After on 429 and then succeeds', async () => {
    const delays: number[] = [];
    fake.queueFaults({
      status: 429,
      headers: { 'retry-after': '0.05' },
      json: { error: { message: 'Rate limit reached for requests', type: 'requests', param: null, code: 'rate_limit_exceeded' } },
    });
    const transcript = await makeTranscriber({}, delays).transcribe({ audio: monoWav, format: 'wav', channels: 1, language: 'en' });
    expect(delays).toEqual([50]);
    expect(fake.uploads).toHaveLength(2);
    expect(transcript.segments).toHaveLength(2);
  });

  it('fails at once with RATE_LIMITED when Retry-After exceeds the tenant cap', async () => {
    fake.queueFaults({ status: 429, headers: { 'retry-after': '120' } });
    const error = await rejectionOf(makeTranscriber({ maxRetryAfterS: 30 }).transcribe({ audio: monoWav, format: 'wav', channels: 1, language: 'en' }));
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.details).toMatchObject({ retryAfterS: 120 });
    expect(fake.uploads).toHaveLength(1);
  });

  it('does not retry a 429 for exhausted quota', async () => {
    fake.queueFaults({
      status: 429,
      json: { error: { message: 'You exceeded your current quota.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } },
    });
    const error = await rejectionOf(makeTranscriber().transcribe({ audio: monoWav, format: 'wav', channels: 1, language: 'en' }));
    expect(error.code).toBe('UPSTREAM_FAILED');
    expect(error.details).toMatchObject({ status: 429, code: 'insufficient_quota' });
    expect(fake.uploads).toHaveLength(1);
  });

  it('retries 500 twice with growing, capped backoff and then succeeds', async () => {
    const delays: number[] = [];
    fake.queueFaults({ status: 500 }, { status: 500 });
    const transcript = await makeTranscriber({}, delays).transcribe({ audio: monoWav, format: 'wav', channels: 1, language: 'en' });
    expect(delays).toEqual([10, 20]);
    expect(fake.uploads).toHaveLength(3);
    expect(transcript.segments).toHaveLength(2);
  });

  it('caps the backoff at maxDelayMs', async () => {
    const delays: number[] = [];
    fake.queueFaults({ status: 502 }, { status: 503 }, { status: 504 }, { status: 500 });
    await makeTranscriber({ maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 25 }, delays).transcribe({
      audio: monoWav,
      format: 'wav',
      channels: 1,
      language: 'en',
    });
    expect(delays).toEqual([10, 20, 25, 25]);
  });

  it('gives up with UPSTREAM_FAILED after maxAttempts of 5xx', async () => {
    fake.queueFaults({ status: 503 }, { status: 503 }, { status: 503 });
    const error = await rejectionOf(makeTranscriber({ maxAttempts: 3 }).transcribe({ audio: monoWav, format: 'wav', channels: 1, language: 'en' }));
    expect(error.code).toBe('UPSTREAM_FAILED');
    expect(error.details).toMatchObject({ status: 503, attempts: 3 });
    expect(fake.uploads).toHaveLength(3);
  });

  it('gives up with RATE_LIMITED when every attempt is rate-limited', async () => {
    fake.queueFaults(...Array.from({ length: 3 }, () => ({ status: 429, headers: { 'retry-after': '0' } })));
    const error = await rejectionOf(makeTranscriber({ maxAttempts: 3 }).transcribe({ audio: monoWav, format: 'wav', channels: 1, language: 'en' }));
    expect(error.code).toBe('RATE_LIMITED');
    expect(fake.uploads).toHaveLength(3);
  });

  it('retries network failures and reports them as UPSTREAM_FAILED', async () => {
    server.use(http.post(ENDPOINT, () => HttpResponse.error()));
    const delays: number[] = [];
    const error = await rejectionOf(makeTranscriber({ maxAttempts: 2 }, delays).transcribe({ audio: monoWav, format: 'wav', channels: 1, language: 'en' }));
    expect(error.code).toBe('UPSTREAM_FAILED');
    expect(error.details).toMatchObject({ reason: 'network', attempts: 2 });
    expect(delays).toHaveLength(1);
  });

  it.each([
    ['a body that is not JSON', { status: 200, raw: '{"text": "half a respo' }, SyntaxError],
    ['a body without segments', { status: 200, json: { task: 'transcribe', language: 'english', duration: 1, text: 'hello' } }, Error],
    ['a segment without times', { status: 200, json: { text: 'x', segments: [{ id: 0, text: 'x' }] } }, Error],
  ])('turns %s into UPSTREAM_FAILED with the original as cause', async (_name, fault, causeType) => {
    fake.queueFaults(fault);
    const error = await rejectionOf(makeTranscriber().transcribe({ audio: monoWav, format: 'wav', channels: 1, language: 'en' }));
    expect(error.code).toBe('UPSTREAM_FAILED');
    expect(error.details).toMatchObject({ reason: 'malformed_response' });
    expect(error.cause).toBeInstanceOf(causeType);
    expect(fake.uploads).toHaveLength(1);
  });

  it('reports a refused key without the key in the message or details', async () => {
    const error = await rejectionOf(
      makeTranscriber({ apiKey: 'sk-wrong-99c2d4e6' }).transcribe({ audio: monoWav, format: 'wav', channels: 1, language: 'en' }),
    );
    expect(error.code).toBe('UPSTREAM_FAILED');
    expect(error.details).toMatchObject({ status: 401, code: 'invalid_api_key' });
    expect(`${error.message} ${JSON.stringify(error.details)}`).not.toContain('sk-wrong');
    expect(fake.uploads).toHaveLength(1);
  });

  it('maps a 413 to PAYLOAD_TOO_LARGE without retrying', async () => {
    fake.queueFaults({ status: 413, json: { error: { message: 'Maximum content size limit (26214400) exceeded', type: 'invalid_request_error', param: null, code: null } } });
    const error = await rejectionOf(makeTranscriber().transcribe({ audio: monoWav, format: 'wav', channels: 1, language: 'en' }));
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(fake.uploads).toHaveLength(1);
  });

  it.each([
    ['a non-URL base', { baseUrl: 'not a url' }],
    ['a non-http scheme', { baseUrl: 'ftp://asr.example.test' }],
    ['zero attempts', { maxAttempts: 0 }],
  ])('rejects settings with %s', (_name, overrides) => {
    expect(() => makeTranscriber(overrides as Partial<OpenAiCompatibleSettingsInput>)).toThrow(CallsightError);
  });

  it('refuses empty and corrupt WAV audio without calling the server', async () => {
    const empty = await rejectionOf(makeTranscriber().transcribe({ audio: new Uint8Array(), format: 'wav', channels: 1, language: 'en' }));
    expect(empty.code).toBe('AUDIO_EMPTY');
    const corrupt = await rejectionOf(makeTranscriber().transcribe({ audio: new Uint8Array(64), format: 'wav', channels: 1, language: 'en' }));
    expect(corrupt.code).toBe('AUDIO_CORRUPT');
    expect(fake.uploads).toHaveLength(0);
  });
});
