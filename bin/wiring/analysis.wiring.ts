import { z } from 'zod';
import { CallsightError } from '../../core/shared/errors';
import { analyzeTranscript } from '../../core/analysis/analyze-transcript';
import { buildAnalysisConfig, type AnalysisConfig, type AnalysisConfigInput } from '../../core/analysis/analysis.config';
import { mineDemands } from '../../core/analysis/demands/demands';
import { parseTranscript, type Transcript } from '../../core/analysis/transcript.types';
import { INDUSTRIES } from '../../core/analysis/lexicon/lexicon.packs';
import type { Call } from '../../core/recordings/call';
import type { Job } from '../../core/jobs/job-queue.port';
import { analysisRoutes } from '../../adapters/http/routes/analysis.routes';
import { redactWav } from '../../adapters/audio/redact';
import type { Capability, CapabilityFactory } from '../capabilities';
import type { Hub } from '../hub';
import { createTranscriber, importProviderTranscript, type TranscriberSettings } from './transcribers';

export const TRANSCRIBE_JOB = 'call.transcribe';
export const ANALYZE_JOB = 'call.analyze';

const transcriberSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({
    kind: z.literal('openai-compatible'),
    baseUrl: z.url(),
    model: z.string().min(1).max(128),
    language: z.enum(['zh', 'en', 'auto']).default('auto'),
    agentChannel: z.union([z.literal(0), z.literal(1)]).default(0),
    /** Write-only: stored sealed, never returned. */
    apiKey: z.string().min(1).max(512).optional(),
  }),
  z.object({
    kind: z.literal('pocketsphinx'),
    agentChannel: z.union([z.literal(0), z.literal(1)]).default(0),
  }),
]);

const lexiconEntrySchema = z.union([
  z.string().min(1).max(200),
  z.object({
    term: z.string().min(1).max(200),
    category: z.string().max(64).optional(),
    severity: z.enum(['low', 'medium', 'high']).optional(),
    except: z.array(z.string().min(1).max(200)).max(50).optional(),
  }),
]);

/** Tenant analysis settings as stored and served; validated again by buildAnalysisConfig before saving. */
const settingsSchema = z
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
      .array(z.object({ id: z.string().min(1).max(64), label: z.string().min(1).max(200), phrases: z.array(z.string().min(1).max(200)).min(1).max(500) }))
      .max(500)
      .optional(),
    durationBands: z.record(z.string().min(1).max(128), z.object({ minS: z.number().min(0), maxS: z.number().positive() })).optional(),
    transcriber: transcriberSchema.optional(),
  })
  .strict();

type AnalysisSettings = z.infer<typeof settingsSchema>;

/**
 * Transcription and analysis of every call (issue 5): on ingest a call is queued for transcription when the
 * tenant has a transcriber, then for analysis; imported transcripts go straight to analysis. Analyses feed the
 * flag index, the search index (via hub.transcriptStored) and, when personal data was spoken, a redacted copy
 * of WAV audio that masked roles hear instead of the original.
 */
export const analysisCapability: CapabilityFactory = (hub: Hub): Capability => {
  const configs = new Map<string, AnalysisConfig>();

  const settingsOf = async (tenantId: string): Promise<AnalysisSettings> => {
    const row = await hub.transcripts.getSettings(tenantId);
    return row ? settingsSchema.parse(row.settings) : {};
  };

  const configFor = async (tenantId: string): Promise<AnalysisConfig> => {
    const cached = configs.get(tenantId);
    if (cached) return cached;
    const tenant = await hub.calls.getTenant(tenantId);
    const settings = await settingsOf(tenantId);
    const { transcriber: _t, ...analysisInput } = settings;
    const config = buildAnalysisConfig({ industry: tenant?.industry ?? 'general', ...analysisInput } as AnalysisConfigInput);
    configs.set(tenantId, config);
    return config;
  };

  const transcriberSettings = async (tenantId: string): Promise<TranscriberSettings | null> => {
    const settings = (await settingsOf(tenantId)).transcriber;
    if (!settings || settings.kind === 'none') return null;
    const sealed = (await hub.transcripts.getSettings(tenantId))?.sealedApiKey ?? null;
    const apiKey = sealed ? hub.keys.openSecret(tenantId, 'asr-api-key', sealed) : undefined;
    return { ...settings, ...(apiKey ? { apiKey } : {}) } as TranscriberSettings;
  };

  const readAudio = async (call: Call): Promise<Uint8Array> => {
    if (!call.recording) throw new CallsightError('RECORDING_GONE', 'The call has no recording');
    const parts: Uint8Array[] = [];
    for await (const part of hub.audio.read({ tenantId: call.tenantId, recordingId: call.id, keyId: call.recording.keyId, bytes: call.recording.bytes })) {
      parts.push(part);
    }
    return Buffer.concat(parts);
  };

  const loadCall = async (tenantId: string, callId: string): Promise<Call | null> => hub.calls.getCall(tenantId, callId, { kind: 'all' });

  const storeTranscript = async (call: Call, transcript: Transcript, source: string) => {
    await hub.transcripts.saveTranscript(call.tenantId, call.id, transcript, source, hub.clock.now());
    await hub.transcriptStored(call.tenantId, call.id, transcript);
    await hub.jobQueue.enqueue({ id: hub.ids.newId('job'), tenantId: call.tenantId, kind: ANALYZE_JOB, payload: { callId: call.id }, dedupeKey: call.id });
  };

  const analyzeCall = async (call: Call): Promise<void> => {
    const transcript = await hub.transcripts.getTranscript(call.tenantId, call.id);
    if (!transcript) throw new CallsightError('TRANSCRIPT_NOT_FOUND', 'The call has no transcript to analyse');
    const config = await configFor(call.tenantId);
    const analysis = analyzeTranscript(transcript, config, {
      ...(call.inquiryType ? { inquiryType: call.inquiryType } : {}),
      durationS: call.durationS,
    });
    await hub.transcripts.saveAnalysis(call.tenantId, call.id, call.startedAt, analysis, hub.clock.now());
    await refreshRedactedAudio(call, analysis.redactionSpans);
  };

  /** Keeps a redacted copy of WAV audio whenever personal data was spoken; masked roles hear only that copy. */
  const refreshRedactedAudio = async (call: Call, spans: readonly { startS: number; endS: number }[]) => {
    const previous = await hub.transcripts.getRedactedAudio(call.tenantId, call.id);
    if (spans.length === 0 || !call.recording || call.recording.format !== 'wav') {
      if (previous) {
        await hub.audio.discard({ tenantId: call.tenantId, recordingId: previous.recordingId, keyId: previous.keyId, bytes: previous.bytes });
        await hub.transcripts.deleteRedactedAudio(call.tenantId, call.id);
      }
      return;
    }
    const redacted = redactWav(await readAudio(call), spans);
    const recordingId = `${call.id}-r${Date.now().toString(36)}`;
    const stored = await hub.audio.write(call.tenantId, recordingId, redacted);
    const replaced = await hub.transcripts.saveRedactedAudio(
      call.tenantId,
      call.id,
      { recordingId, keyId: stored.keyId, bytes: stored.bytes, sha256: stored.sha256, format: 'wav', spans: spans.length },
      hub.clock.now(),
    );
    if (replaced) {
      await hub.audio.discard({ tenantId: call.tenantId, recordingId: replaced.recordingId, keyId: replaced.keyId, bytes: replaced.bytes });
    }
  };

  hub.jobs.register(TRANSCRIBE_JOB, async (job: Job) => {
    const { callId } = z.object({ callId: z.string() }).parse(job.payload);
    const call = await loadCall(job.tenantId, callId);
    if (!call || call.status === 'deleted' || !call.recording) return;
    const settings = await transcriberSettings(job.tenantId);
    if (!settings) return;
    const transcriber = createTranscriber(settings);
    const transcript = await transcriber.transcribe({
      audio: await readAudio(call),
      format: call.recording.format,
      channels: call.recording.channels,
      language: 'language' in settings ? settings.language : 'auto',
      agentChannel: settings.agentChannel,
    });
    await storeTranscript(call, transcript, transcriber.name);
  });

  hub.jobs.register(ANALYZE_JOB, async (job: Job) => {
    const { callId } = z.object({ callId: z.string() }).parse(job.payload);
    const call = await loadCall(job.tenantId, callId);
    if (!call || call.status === 'deleted') return;
    await analyzeCall(call);
  });

  hub.onCallStored(async (call) => {
    if (!call.recording || !(await transcriberSettings(call.tenantId))) return {};
    return { jobs: [{ id: hub.ids.newId('job'), tenantId: call.tenantId, kind: TRANSCRIBE_JOB, payload: { callId: call.id } }] };
  });

  hub.onCallPurge(async (tenantId, callId) => {
    const redacted = await hub.transcripts.getRedactedAudio(tenantId, callId);
    if (redacted) await hub.audio.discard({ tenantId, recordingId: redacted.recordingId, keyId: redacted.keyId, bytes: redacted.bytes });
    await hub.transcripts.purge(tenantId, callId);
  });

  return {
    name: 'analysis',
    plugins: [
      analysisRoutes({
        calls: hub.calls,
        getTranscript: (tenantId, callId) => hub.transcripts.getTranscript(tenantId, callId),
        getAnalysis: (tenantId, callId) => hub.transcripts.getAnalysis(tenantId, callId),
        findSensitive: (tenantId, transcript) => {
          const config = configs.get(tenantId);
          if (!config) return [];
          return analyzeTranscript(transcript, config).sensitive.map((h) => ({ segment: h.segment, start: h.start, end: h.end, term: h.term }));
        },
        async importTranscript(call, format, data) {
          const transcript = format === 'segments' ? parseTranscript(data) : importProviderTranscript(format, data);
          await configFor(call.tenantId);
          await storeTranscript(call, transcript, `import:${format}`);
          return { segments: transcript.segments.length };
        },
        getSettings: async (tenantId) => {
          const { transcriber, ...rest } = await settingsOf(tenantId);
          const hasKey = Boolean((await hub.transcripts.getSettings(tenantId))?.sealedApiKey);
          return { ...rest, ...(transcriber ? { transcriber: { ...transcriber, apiKey: undefined, apiKeySet: hasKey } } : {}) };
        },
        async saveSettings(tenantId, input, actor) {
          const parsed = settingsSchema.safeParse(input);
          if (!parsed.success) {
            const where = parsed.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`).join('; ');
            throw new CallsightError('VALIDATION_FAILED', `Invalid analysis settings: ${where}`);
          }
          const { transcriber, ...analysisInput } = parsed.data;
          const tenant = await hub.calls.getTenant(tenantId);
          buildAnalysisConfig({ industry: tenant?.industry ?? 'general', ...analysisInput } as AnalysisConfigInput);
          const previous = await hub.transcripts.getSettings(tenantId);
          let sealed = previous?.sealedApiKey ?? null;
          let storedTranscriber = transcriber;
          if (transcriber && transcriber.kind === 'openai-compatible') {
            const { apiKey, ...rest } = transcriber;
            if (apiKey) sealed = hub.keys.sealSecret(tenantId, 'asr-api-key', apiKey);
            storedTranscriber = rest;
          } else if (transcriber) {
            sealed = null;
          }
          const toStore = { ...analysisInput, ...(storedTranscriber ? { transcriber: storedTranscriber } : {}) };
          await hub.transcripts.saveSettings(tenantId, toStore, sealed, actor.userId, hub.clock.now());
          configs.delete(tenantId);
          return { ...analysisInput, ...(storedTranscriber ? { transcriber: { ...storedTranscriber, apiKeySet: Boolean(sealed) } } : {}) };
        },
        async mineDemands(tenantId, calls, options) {
          const config = await configFor(tenantId);
          // Mine the redacted text: spoken card or phone digits are personal data, never a "demand".
          const ids = calls.map((c) => c.id);
          const analyses = await hub.transcripts.getAnalyses(tenantId, ids);
          const transcripts = (await hub.transcripts.listTranscriptsForCalls(tenantId, ids)).map(({ callId, transcript }) => {
            const analysis = analyses.get(callId);
            return { callId, transcript: analysis ? { language: transcript.language, segments: analysis.redactedSegments } : transcript };
          });
          return mineDemands(transcripts, config.categories, { topPhrases: options.top, stopWords: ['bank_card', 'cn_id', 'phone', 'email'] });
        },
      }),
    ],
  };
};
