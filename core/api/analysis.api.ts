import { z } from 'zod';
import { INDUSTRIES } from '../analysis/lexicon/lexicon.packs';
import { isoDateTimeSchema } from './common.api';

/**
 * The API contract of transcripts, analyses, transcript import, the tenant's analysis settings and demand
 * insights (docs/api.md). Request schemas parse what arrives; response schemas describe what the hub sends
 * (API tests check bodies against them). Response objects are open (`looseObject`) where the analysis core may
 * add fields, so that a newer hub never breaks an older widget.
 */

/** `POST /api/v1/calls/:id/transcript`: a transcript in our segment format or a provider's JSON. */
export const transcriptImportBodySchema = z
  .object({ format: z.enum(['segments', 'amazon-transcribe']).default('segments'), data: z.unknown() })
  .strict();
export type TranscriptImportBody = z.infer<typeof transcriptImportBodySchema>;
export type TranscriptImportFormat = TranscriptImportBody['format'];

/** 202 answer of an import: the analysis runs later, as a job. */
export const transcriptImportResponseSchema = z.object({
  callId: z.string(),
  segments: z.number().int().min(0),
  analysis: z.literal('queued'),
});
export type TranscriptImportResponse = z.infer<typeof transcriptImportResponseSchema>;

const segmentSchema = z.object({
  speaker: z.enum(['agent', 'customer']),
  startS: z.number(),
  endS: z.number(),
  text: z.string(),
});

/** Where the widget marks a sensitive word or (masked) personal data: offsets into one served segment's text. */
export const transcriptHighlightSchema = z.object({
  segment: z.number().int().min(0),
  start: z.number().int().min(0),
  end: z.number().int().min(0),
  kind: z.enum(['sensitive', 'pii']),
  term: z.string().optional(),
});
export type TranscriptHighlight = z.infer<typeof transcriptHighlightSchema>;

/** `GET /api/v1/calls/:id/transcript`: the redacted text when the reader's role sees personal data masked. */
export const transcriptResponseSchema = z.object({
  callId: z.string(),
  language: z.enum(['zh', 'en', 'auto']),
  source: z.string(),
  masked: z.boolean(),
  segments: z.array(segmentSchema),
  highlights: z.array(transcriptHighlightSchema),
});
export type TranscriptResponse = z.infer<typeof transcriptResponseSchema>;

/**
 * `GET /api/v1/calls/:id/analysis`: the call's analysis without its redacted segments (the transcript in
 * another form, served through /transcript only).
 */
export const analysisResponseSchema = z
  .looseObject({
    callId: z.string(),
    masked: z.boolean(),
    language: z.enum(['zh', 'en']),
    sensitive: z.array(z.looseObject({ term: z.string(), segment: z.number(), start: z.number(), end: z.number() })),
    scripts: z.array(z.looseObject({ id: z.string(), found: z.boolean() })),
    pii: z.array(z.looseObject({ kind: z.string(), segment: z.number(), start: z.number(), end: z.number() })),
    redactionSpans: z.array(z.looseObject({ startS: z.number(), endS: z.number() })),
    metrics: z.looseObject({}),
    emotion: z.looseObject({}),
    topics: z.array(z.looseObject({})),
    flags: z.array(z.looseObject({ code: z.string() })),
    risk: z.number().min(0).max(1),
  })
  .refine((body) => !('redactedSegments' in body), { message: 'redactedSegments are served through /transcript only' });
export type AnalysisResponse = z.infer<typeof analysisResponseSchema>;

const agentChannelSchema = z.union([z.literal(0), z.literal(1)]);

/** The tenant's speech-to-text engine; `apiKey` is write-only (stored sealed, never returned). */
export const transcriberSettingsSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({
    kind: z.literal('openai-compatible'),
    baseUrl: z.url(),
    model: z.string().min(1).max(128),
    language: z.enum(['zh', 'en', 'auto']).default('auto'),
    agentChannel: agentChannelSchema.default(0),
    apiKey: z.string().min(1).max(512).optional(),
  }),
  z.object({
    kind: z.literal('pocketsphinx'),
    agentChannel: agentChannelSchema.default(0),
  }),
]);
export type TranscriberSettingsInput = z.infer<typeof transcriberSettingsSchema>;

const lexiconEntrySchema = z.union([
  z.string().min(1).max(200),
  z.object({
    term: z.string().min(1).max(200),
    category: z.string().max(64).optional(),
    severity: z.enum(['low', 'medium', 'high']).optional(),
    except: z.array(z.string().min(1).max(200)).max(50).optional(),
  }),
]);

/**
 * `PUT /api/v1/settings/analysis` body, and the settings as stored: industry, tenant lexicon, scripts, demand
 * categories, duration bands and the transcriber. The analysis core checks the combination again before saving
 * (a required script must exist, bands must be ordered).
 */
export const analysisSettingsSchema = z
  .object({
    industry: z.enum(INDUSTRIES as unknown as [string, ...string[]]).optional(),
    lexicon: z.array(lexiconEntrySchema).max(1_000_000).optional(),
    replaceDefaultLexicon: z.boolean().optional(),
    scripts: z
      .array(
        z.object({
          id: z.string().min(1).max(64),
          label: z.string().min(1).max(200),
          variants: z.array(z.string().min(1).max(500)).min(1).max(200),
          speaker: z.enum(['agent', 'customer', 'any']),
          withinS: z.object({ fromS: z.number().min(0).optional(), toS: z.number().min(0).optional() }).optional(),
          threshold: z.number().gt(0).max(1).optional(),
          anchors: z.array(z.string().min(1).max(50)).max(50).optional(),
        }),
      )
      .max(200)
      .optional(),
    requiredScripts: z.array(z.string().min(1).max(64)).max(200).optional(),
    categories: z
      .array(z.object({ id: z.string().min(1).max(64), label: z.string().min(1).max(200), phrases: z.array(z.string().min(1).max(500)).min(1).max(500) }))
      .max(500)
      .optional(),
    durationBands: z.record(z.string().min(1).max(128), z.object({ minS: z.number().min(0), maxS: z.number().positive() })).optional(),
    transcriber: transcriberSettingsSchema.optional(),
  })
  .strict();
export type AnalysisSettingsInput = z.input<typeof analysisSettingsSchema>;
export type AnalysisSettings = z.infer<typeof analysisSettingsSchema>;

/**
 * What `GET` and `PUT /api/v1/settings/analysis` answer: the settings without the ASR key, with `apiKeySet`
 * telling whether one is stored.
 */
export const analysisSettingsResponseSchema = analysisSettingsSchema
  .omit({ transcriber: true })
  .extend({
    transcriber: z
      .union([
        z.object({ kind: z.literal('none'), apiKeySet: z.boolean().optional() }),
        z.object({
          kind: z.literal('openai-compatible'),
          baseUrl: z.string(),
          model: z.string(),
          language: z.enum(['zh', 'en', 'auto']),
          agentChannel: agentChannelSchema,
          apiKeySet: z.boolean(),
        }),
        z.object({ kind: z.literal('pocketsphinx'), agentChannel: agentChannelSchema, apiKeySet: z.boolean().optional() }),
      ])
      .optional(),
  })
  .strict();
export type AnalysisSettingsResponse = z.infer<typeof analysisSettingsResponseSchema>;

/** `GET /api/v1/insights/demands` query: a call filter and how many mined phrases to return. */
export const demandsQuerySchema = z
  .object({
    from: isoDateTimeSchema.optional(),
    to: isoDateTimeSchema.optional(),
    inquiryType: z.string().min(1).max(128).optional(),
    tag: z.string().min(1).max(64).optional(),
    top: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();
export type DemandsQueryInput = z.input<typeof demandsQuerySchema>;
export type DemandsQuery = z.infer<typeof demandsQuerySchema>;

/** The demand categories and mined phrases over the calls the reader may list; `truncated` past 20,000 calls. */
export const demandInsightsResponseSchema = z.object({
  totalCalls: z.number().int().min(0),
  categories: z.array(z.object({ id: z.string(), label: z.string(), calls: z.number().int().min(0), callIds: z.array(z.string()) })),
  phrases: z.array(
    z.object({ phrase: z.string(), score: z.number(), calls: z.number().int().min(0), customerCount: z.number().int().min(0), callIds: z.array(z.string()) }),
  ),
  truncated: z.boolean(),
});
export type DemandInsightsResponse = z.infer<typeof demandInsightsResponseSchema>;
