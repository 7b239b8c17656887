import { z } from 'zod';

/**
 * The `verbose_json` transcription object of the OpenAI API
 * (https://platform.openai.com/docs/api-reference/audio/verbose-json-object). Self-hosted Whisper servers
 * (faster-whisper-server, whisper.cpp server, LocalAI, vLLM) return the same shape; extra fields are
 * ignored. `language` is a lower-case language name ("english", "chinese") in OpenAI's responses and an
 * ISO code in some servers', so both are accepted.
 */
export const verboseJsonSchema = z.object({
  task: z.string().optional(),
  language: z.string().optional(),
  duration: z.number().finite().nonnegative().optional(),
  text: z.string(),
  segments: z.array(
    z.object({
      id: z.number().int().optional(),
      seek: z.number().optional(),
      start: z.number().finite().nonnegative(),
      end: z.number().finite().nonnegative(),
      text: z.string(),
      tokens: z.array(z.number()).optional(),
      temperature: z.number().optional(),
      avg_logprob: z.number().finite().optional(),
      compression_ratio: z.number().optional(),
      no_speech_prob: z.number().optional(),
    }),
  ),
});

export type VerboseJson = z.infer<typeof verboseJsonSchema>;

/** The error body OpenAI-compatible servers send with 4xx/5xx statuses. */
export const errorBodySchema = z.object({
  error: z.object({
    message: z.string().optional(),
    type: z.string().nullish(),
    code: z.union([z.string(), z.number()]).nullish(),
  }),
});
