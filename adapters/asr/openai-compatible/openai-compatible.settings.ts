import { z } from 'zod';

const monoSpeakerPolicySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('agent') }),
  z.object({ kind: z.literal('customer') }),
  z.object({ kind: z.literal('alternate-on-pause'), pauseS: z.number().finite().positive().max(30) }),
]);

/**
 * A tenant's settings for an OpenAI-compatible transcription endpoint. `baseUrl` is the server root;
 * a trailing `/v1` is accepted and not doubled. Delays are in milliseconds.
 */
export const openAiCompatibleSettingsSchema = z.object({
  baseUrl: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//i.test(u), { message: 'baseUrl must be an http(s) URL' }),
  apiKey: z.string().min(1).optional(),
  model: z.string().min(1).default('whisper-1'),
  /** Overrides the language of each request when set; `auto` lets the server detect it. */
  language: z.enum(['zh', 'en', 'auto']).optional(),
  /** Vocabulary hint passed as `prompt` (product names, jargon); never personal data. */
  prompt: z.string().max(2_000).optional(),
  requestTimeoutMs: z.number().int().positive().max(3_600_000).default(300_000),
  maxAttempts: z.number().int().min(1).max(10).default(4),
  baseDelayMs: z.number().int().min(0).max(60_000).default(500),
  maxDelayMs: z.number().int().min(0).max(300_000).default(8_000),
  /** A 429 asking to wait longer than this fails at once with RATE_LIMITED instead of blocking a worker. */
  maxRetryAfterS: z.number().min(0).max(3_600).default(60),
  /** How speakers are given to mono audio and to two-channel MP3, which is transcribed mixed. */
  monoSpeakers: monoSpeakerPolicySchema.default({ kind: 'alternate-on-pause', pauseS: 0.6 }),
});

export type OpenAiCompatibleSettingsInput = z.input<typeof openAiCompatibleSettingsSchema>;
export type OpenAiCompatibleSettings = z.output<typeof openAiCompatibleSettingsSchema>;
