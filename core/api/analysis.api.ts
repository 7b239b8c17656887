import * as z from 'zod/mini';
import { INDUSTRIES } from '../analysis/lexicon/lexicon.packs';
import { isoDateTimeSchema } from './common.api';

/**
 * The API contract of transcripts, analyses, transcript import, the tenant's analysis settings and demand
 * insights (docs/api.md). Request schemas parse what arrives; response schemas describe what the hub sends
 * (API tests check bodies against them). Response objects are open (`looseObject`) where the analysis core may
 * add fields, so that a newer hub never breaks an older widget.
 */

/** `POST /api/v1/calls/:id/transcript`: a transcript in our segment format or a provider's JSON. */
export const transcriptImportBodySchema = z.strictObject({
  format: z._default(z.enum(['segments', 'amazon-transcribe']), 'segments'),
  data: z.unknown(),
});
export type TranscriptImportBody = z.infer<typeof transcriptImportBodySchema>;
export type TranscriptImportFormat = TranscriptImportBody['format'];

/** 202 answer of an import: the analysis runs later, as a job. */
export const transcriptImportResponseSchema = z.object({
  callId: z.string(),
  segments: z.number().check(z.int(), z.minimum(0)),
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
  segment: z.number().check(z.int(), z.minimum(0)),
  start: z.number().check(z.int(), z.minimum(0)),
  end: z.number().check(z.int(), z.minimum(0)),
  kind: z.enum(['sensitive', 'pii']),
  term: z.optional(z.string()),
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
    risk: z.number().check(z.minimum(0), z.maximum(1)),
  })
  .check(z.refine((body) => !('redactedSegments' in body), { message: 'redactedSegments are served through /transcript only' }));
export type AnalysisResponse = z.infer<typeof analysisResponseSchema>;

const agentChannelSchema = z.union([z.literal(0), z.literal(1)]);

/** The tenant's speech-to-text engine; `apiKey` is write-only (stored sealed, never returned). */
export const transcriberSettingsSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({
    kind: z.literal('openai-compatible'),
    baseUrl: z.url(),
    model: z.string().check(z.minLength(1), z.maxLength(128)),
    language: z._default(z.enum(['zh', 'en', 'auto']), 'auto'),
    agentChannel: z._default(agentChannelSchema, 0),
    apiKey: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
  }),
  z.object({
    kind: z.literal('pocketsphinx'),
    agentChannel: z._default(agentChannelSchema, 0),
  }),
]);
export type TranscriberSettingsInput = z.infer<typeof transcriberSettingsSchema>;

const lexiconTermSchema = z.string().check(z.minLength(1), z.maxLength(200));
const lexiconEntrySchema = z.union([
  lexiconTermSchema,
  z.object({
    term: lexiconTermSchema,
    category: z.optional(z.string().check(z.maxLength(64))),
    severity: z.optional(z.enum(['low', 'medium', 'high'])),
    except: z.optional(z.array(lexiconTermSchema).check(z.maxLength(50))),
    negatable: z.optional(z.boolean()),
  }),
]);

const shortTextSchema = z.string().check(z.minLength(1), z.maxLength(500));
const knowledgeKeywordSchema = z.union([
  z.string().check(z.minLength(1), z.maxLength(100)),
  z.array(z.string().check(z.minLength(1), z.maxLength(100))).check(z.minLength(1), z.maxLength(50)),
]);

/** The analysis settings' own fields, shared by the settings a tenant writes and the view the hub answers. */
const analysisSettingsFields = {
  industry: z.optional(z.enum(INDUSTRIES as unknown as [string, ...string[]])),
  lexicon: z.optional(z.array(lexiconEntrySchema).check(z.maxLength(1_000_000))),
  replaceDefaultLexicon: z.optional(z.boolean()),
  scripts: z.optional(
    z
      .array(
        z.object({
          id: z.string().check(z.minLength(1), z.maxLength(64)),
          label: z.string().check(z.minLength(1), z.maxLength(200)),
          variants: z.array(z.string().check(z.minLength(1), z.maxLength(500))).check(z.minLength(1), z.maxLength(200)),
          speaker: z.enum(['agent', 'customer', 'any']),
          withinS: z.optional(z.object({ fromS: z.optional(z.number().check(z.minimum(0))), toS: z.optional(z.number().check(z.minimum(0))) })),
          threshold: z.optional(z.number().check(z.gt(0), z.maximum(1))),
          anchors: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(50))).check(z.maxLength(50))),
        }),
      )
      .check(z.maxLength(200)),
  ),
  requiredScripts: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.maxLength(200))),
  categories: z.optional(
    z
      .array(
        z.object({
          id: z.string().check(z.minLength(1), z.maxLength(64)),
          label: z.string().check(z.minLength(1), z.maxLength(200)),
          phrases: z.array(z.string().check(z.minLength(1), z.maxLength(500))).check(z.minLength(1), z.maxLength(500)),
        }),
      )
      .check(z.maxLength(500)),
  ),
  durationBands: z.optional(
    z.record(z.string().check(z.minLength(1), z.maxLength(128)), z.object({ minS: z.number().check(z.minimum(0)), maxS: z.number().check(z.positive()) })),
  ),
  /** Product facts agents must state correctly, each with exactly one quantity (docs/decisions/negation-and-knowledge-checks.md). */
  knowledgeFacts: z.optional(
    z
      .array(
        z.object({
          id: z.string().check(z.minLength(1), z.maxLength(64)),
          statement: shortTextSchema,
          keywords: z.optional(z.array(knowledgeKeywordSchema).check(z.minLength(1), z.maxLength(20))),
        }),
      )
      .check(z.maxLength(500)),
  ),
  /** Negation clearing of sensitive-word hits of `negatable` lexicon entries ("不保本"); on by default. */
  negation: z.optional(
    z.object({
      enabled: z.optional(z.boolean()),
      negators: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(32))).check(z.maxLength(100))),
      bridges: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(32))).check(z.maxLength(100))),
    }),
  ),
  /** Disclaimer texts inside which a sensitive-word hit is not a violation. */
  disclaimers: z.optional(z.array(shortTextSchema).check(z.maxLength(200))),
};

/**
 * `PUT /api/v1/settings/analysis` body, and the settings as stored: industry, tenant lexicon (entries may be `negatable`), scripts, demand
 * categories, duration bands and the transcriber. The analysis core checks the combination again before saving
 * (a required script must exist, bands must be ordered).
 */
export const analysisSettingsSchema = z.strictObject({
  ...analysisSettingsFields,
  transcriber: z.optional(transcriberSettingsSchema),
});
export type AnalysisSettingsInput = z.input<typeof analysisSettingsSchema>;
export type AnalysisSettings = z.infer<typeof analysisSettingsSchema>;

/**
 * What `GET` and `PUT /api/v1/settings/analysis` answer: the settings without the ASR key, with `apiKeySet`
 * telling whether one is stored.
 */
export const analysisSettingsResponseSchema = z.strictObject({
  ...analysisSettingsFields,
  transcriber: z.optional(
    z.union([
      z.object({ kind: z.literal('none'), apiKeySet: z.optional(z.boolean()) }),
      z.object({
        kind: z.literal('openai-compatible'),
        baseUrl: z.string(),
        model: z.string(),
        language: z.enum(['zh', 'en', 'auto']),
        agentChannel: agentChannelSchema,
        apiKeySet: z.boolean(),
      }),
      z.object({ kind: z.literal('pocketsphinx'), agentChannel: agentChannelSchema, apiKeySet: z.optional(z.boolean()) }),
    ]),
  ),
});
export type AnalysisSettingsResponse = z.infer<typeof analysisSettingsResponseSchema>;

/** `GET /api/v1/insights/demands` query: a call filter and how many mined phrases to return. */
export const demandsQuerySchema = z.strictObject({
  from: z.optional(isoDateTimeSchema),
  to: z.optional(isoDateTimeSchema),
  inquiryType: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  tag: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  top: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 20),
});
export type DemandsQueryInput = z.input<typeof demandsQuerySchema>;
export type DemandsQuery = z.infer<typeof demandsQuerySchema>;

/**
 * The demand categories, the mined phrases (kept for older widgets), the mined demands and the emerging ones over
 * the calls the reader may list; `truncated` past 20,000 calls.
 */
export const demandInsightsResponseSchema = z.object({
  totalCalls: z.number().check(z.int(), z.minimum(0)),
  categories: z.array(
    z.object({ id: z.string(), label: z.string(), calls: z.number().check(z.int(), z.minimum(0)), callIds: z.array(z.string()) }),
  ),
  phrases: z.array(
    z.object({
      phrase: z.string(),
      score: z.number(),
      calls: z.number().check(z.int(), z.minimum(0)),
      customerCount: z.number().check(z.int(), z.minimum(0)),
      callIds: z.array(z.string()),
    }),
  ),
  /** Customer demands mined as content-word phrases, paraphrases merged (docs/decisions/demand-mining.md), strongest first. */
  demands: z.array(
    z.looseObject({
      id: z.string(),
      label: z.string(),
      phrases: z.array(z.string()),
      language: z.enum(['zh', 'en']),
      calls: z.number().check(z.int(), z.minimum(0)),
      callIds: z.array(z.string()),
      score: z.number(),
      examples: z.array(z.object({ callId: z.string(), segment: z.number().check(z.int(), z.minimum(0)), text: z.string() })),
    }),
  ),
  /** Demands whose share of calls in the last 7 days is at least twice the previous week's. */
  emerging: z.array(
    z.looseObject({
      id: z.string(),
      label: z.string(),
      thisWeek: z.number().check(z.int(), z.minimum(0)),
      lastWeek: z.number().check(z.int(), z.minimum(0)),
      growth: z.number(),
    }),
  ),
  /** The number of calls a demand had to come up in. */
  minCalls: z.number().check(z.int(), z.minimum(0)),
  truncated: z.boolean(),
});
export type DemandInsightsResponse = z.infer<typeof demandInsightsResponseSchema>;
