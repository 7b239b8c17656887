import { z } from 'zod';

/** Amazon Transcribe writes times and confidences as decimal strings ("4.87"). */
const decimalString = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'must be a non-negative decimal string')
  .transform(Number);

const itemSchema = z.object({
  id: z.number().int().optional(),
  start_time: decimalString.optional(),
  end_time: decimalString.optional(),
  speaker_label: z.string().optional(),
  channel_label: z.string().optional(),
  alternatives: z.array(z.object({ confidence: decimalString.optional(), content: z.string() })).min(1),
  type: z.enum(['pronunciation', 'punctuation']),
});

/**
 * The transcript JSON of an Amazon Transcribe batch job, as documented in
 * https://docs.aws.amazon.com/transcribe/latest/dg/diarization.html (speaker_labels) and
 * https://docs.aws.amazon.com/transcribe/latest/dg/channel-id.html (channel_labels). Fields we do not use
 * (audio_segments, redaction, alternatives beyond the first) are accepted and ignored.
 */
export const amazonTranscribeSchema = z.object({
  jobName: z.string().optional(),
  accountId: z.string().optional(),
  status: z.string().optional(),
  results: z.object({
    language_code: z.string().optional(),
    transcripts: z.array(z.object({ transcript: z.string() })).optional(),
    items: z.array(itemSchema),
    speaker_labels: z
      .object({
        channel_label: z.string().optional(),
        speakers: z.number().int().nonnegative().optional(),
        segments: z.array(
          z.object({
            start_time: decimalString,
            end_time: decimalString,
            speaker_label: z.string(),
            items: z.array(z.object({ start_time: decimalString, end_time: decimalString, speaker_label: z.string() })),
          }),
        ),
      })
      .optional(),
    channel_labels: z
      .object({
        number_of_channels: z.number().int().positive().optional(),
        channels: z.array(z.object({ channel_label: z.string(), items: z.array(itemSchema) })),
      })
      .optional(),
  }),
});

export type AmazonTranscribeJson = z.output<typeof amazonTranscribeSchema>;
export type AmazonItem = z.output<typeof itemSchema>;
