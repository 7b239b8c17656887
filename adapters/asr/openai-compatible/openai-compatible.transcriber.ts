import { CallsightError } from '../../../core/shared/errors';
import type { TranscriptLanguage } from '../../../core/analysis/transcript.types';
import type { TranscribeInput, Transcriber, Transcript, TranscriptSegment } from '../../../core/transcription/transcriber.port';
import {
  labelChannelSegments,
  labelMonoSegments,
  mergeSegmentTimelines,
  normalizeLanguage,
  roundConfidence,
  type UnlabelledSegment,
} from '../../../core/transcription/timeline';
import { readWavLayout, splitWavChannels } from '../../../core/transcription/wav-channels';
import { isRetryable, malformedResponse, networkFailure, translateHttpFailure } from './openai-compatible.errors';
import { openAiCompatibleSettingsSchema, type OpenAiCompatibleSettings, type OpenAiCompatibleSettingsInput } from './openai-compatible.settings';
import { computeBackoffMs, parseRetryAfterMs } from './retry.policy';
import { verboseJsonSchema } from './verbose-json.schema';

/** What a retry is about to do; for logs and metrics. Carries no key, audio or text. */
export interface RetryNotice {
  readonly attempt: number;
  readonly status: number | null;
  readonly delayMs: number;
}

/** Runtime collaborators; the defaults are the global fetch, a real timer and Math.random. */
export interface OpenAiCompatibleRuntime {
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => number;
  readonly onRetry?: (notice: RetryNotice) => void;
}

interface ChannelResult {
  readonly language: TranscriptLanguage;
  readonly segments: UnlabelledSegment[];
}

const MIME: Readonly<Record<TranscribeInput['format'], string>> = { wav: 'audio/wav', mp3: 'audio/mpeg' };

/**
 * A Transcriber for any server that speaks OpenAI's `POST /v1/audio/transcriptions`
 * (https://platform.openai.com/docs/api-reference/audio/createTranscription) with
 * `response_format=verbose_json` and segment timestamps. One instance per tenant settings.
 *
 * Two-channel WAV is split into two mono files (one per speaker), transcribed separately and merged into
 * one timeline; mono audio and two-channel MP3 (which cannot be split without a decoder) are transcribed
 * as one and labelled by `settings.monoSpeakers`. 429 (Retry-After honoured up to `maxRetryAfterS`),
 * 408/409/5xx and network failures are retried with capped exponential backoff.
 * Throws CallsightError: VALIDATION_FAILED (bad settings, more than two channels), AUDIO_CORRUPT,
 * RATE_LIMITED, PAYLOAD_TOO_LARGE or UPSTREAM_FAILED (malformed response included, original as `cause`).
 * The API key only ever goes into the Authorization header.
 */
export function createOpenAiCompatibleTranscriber(
  settingsInput: OpenAiCompatibleSettingsInput,
  runtime: OpenAiCompatibleRuntime = {},
): Transcriber {
  const parsed = openAiCompatibleSettingsSchema.safeParse(settingsInput);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CallsightError(
      'VALIDATION_FAILED',
      `Invalid OpenAI-compatible transcriber settings at "${issue?.path.join('.') || 'settings'}": ${issue?.message ?? 'unknown problem'}`,
    );
  }
  const settings = parsed.data;
  const endpoint = `${settings.baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '')}/v1/audio/transcriptions`;
  const doFetch = runtime.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));
  const sleep = runtime.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = runtime.random ?? Math.random;
  const now = runtime.now ?? Date.now;

  async function transcribeFile(audio: Uint8Array, format: TranscribeInput['format'], language: TranscriptLanguage): Promise<ChannelResult> {
    // Copying into a fresh ArrayBuffer-backed view satisfies BlobPart whatever buffer the caller's bytes live in.
    const file = new Blob([new Uint8Array(audio)], { type: MIME[format] });
    const body = await postWithRetries(() => buildForm(file, format, language));
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch (error) {
      throw malformedResponse(error, 'the body is not JSON');
    }
    const result = verboseJsonSchema.safeParse(json);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw malformedResponse(result.error, `"${issue?.path.join('.') || 'body'}" ${issue?.message ?? 'is invalid'}`);
    }
    const detected = normalizeLanguage(result.data.language);
    return {
      language: detected === 'auto' ? language : detected,
      segments: result.data.segments.map((s) => {
        const segment = { startS: s.start, endS: Math.max(s.start, s.end), text: s.text };
        return s.avg_logprob === undefined ? segment : { ...segment, confidence: roundConfidence(Math.exp(s.avg_logprob)) };
      }),
    };
  }

  function buildForm(file: Blob, format: TranscribeInput['format'], language: TranscriptLanguage): FormData {
    const form = new FormData();
    form.append('file', file, `audio.${format}`);
    form.append('model', settings.model);
    if (language !== 'auto') form.append('language', language);
    if (settings.prompt) form.append('prompt', settings.prompt);
    form.append('response_format', 'verbose_json');
    form.append('timestamp_granularities[]', 'segment');
    return form;
  }

  async function postWithRetries(makeBody: () => FormData): Promise<string> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (settings.apiKey) headers.authorization = `Bearer ${settings.apiKey}`;
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await doFetch(endpoint, {
          method: 'POST',
          headers,
          body: makeBody(),
          signal: AbortSignal.timeout(settings.requestTimeoutMs),
        });
      } catch (error) {
        const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
        if (attempt >= settings.maxAttempts) throw networkFailure(error, attempt, timedOut);
        await pause(attempt, null, computeBackoffMs(settings, attempt, random));
        continue;
      }
      const text = await response.text();
      if (response.ok) return text;
      if (!isRetryable(response.status, text) || attempt >= settings.maxAttempts) {
        throw translateHttpFailure(response.status, text, attempt);
      }
      let delayMs = computeBackoffMs(settings, attempt, random);
      if (response.status === 429) {
        const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'), now());
        if (retryAfterMs !== null && retryAfterMs > settings.maxRetryAfterS * 1000) {
          throw new CallsightError('RATE_LIMITED', 'The transcription server asked to wait longer than this tenant allows; try again later', {
            details: { status: 429, attempts: attempt, retryAfterS: Math.ceil(retryAfterMs / 1000) },
          });
        }
        if (retryAfterMs !== null) delayMs = retryAfterMs;
      }
      await pause(attempt, response.status, delayMs);
    }
  }

  async function pause(attempt: number, status: number | null, delayMs: number): Promise<void> {
    runtime.onRetry?.({ attempt, status, delayMs });
    await sleep(delayMs);
  }

  return {
    name: 'openai-compatible',
    async transcribe(input: TranscribeInput): Promise<Transcript> {
      const language = settings.language ?? input.language;
      if (input.audio.byteLength === 0) throw new CallsightError('AUDIO_EMPTY', 'The audio to transcribe is empty');
      if (input.format === 'wav') {
        const layout = readWavLayout(input.audio);
        if (layout.channels > 2) {
          throw new CallsightError('VALIDATION_FAILED', `Audio with ${layout.channels} channels is not supported; send mono or one channel per speaker`, {
            details: { channels: layout.channels },
          });
        }
        if (layout.channels === 2) {
          const [first, second] = splitWavChannels(input.audio);
          if (!first || !second) throw new CallsightError('INTERNAL', 'Splitting two-channel audio did not give two channels');
          const [zero, one] = await Promise.all([transcribeFile(first, 'wav', language), transcribeFile(second, 'wav', language)]);
          const agentChannel = input.agentChannel ?? 0;
          return {
            language: combineLanguages(agentChannel === 0 ? zero.language : one.language, agentChannel === 0 ? one.language : zero.language),
            segments: mergeSegmentTimelines(
              labelChannelSegments(zero.segments, 0, agentChannel),
              labelChannelSegments(one.segments, 1, agentChannel),
            ),
          };
        }
      }
      const mixed = await transcribeFile(input.audio, input.format, language);
      const segments: TranscriptSegment[] = labelMonoSegments(mixed.segments, settings.monoSpeakers);
      return { language: mixed.language, segments };
    },
  };
}

/** The call's language: the agent's channel decides; a silent or undetected channel defers to the other. */
function combineLanguages(agent: TranscriptLanguage, customer: TranscriptLanguage): TranscriptLanguage {
  return agent === 'auto' ? customer : agent;
}
