import {
  ANALYZE_JOB,
  createAnalysisUseCases,
  purgeCallAnalysis,
  TRANSCRIBE_JOB,
  transcriptionJobsFor,
  type AnalysisUseCasePorts,
  type AnalysisUseCases,
} from '../../app/analysis/index';
import { jobHandler } from '../../app/jobs/index';
import { analysisRoutes } from '../../adapters/http/routes/analysis.routes';
import { redactWav } from '../../adapters/audio/redact';
import type { Capability, CapabilityFactory } from '../capabilities';
import type { Hub } from '../hub';
import { searchTokenizer } from './search.wiring';
import { createTranscriber, importProviderTranscript } from './transcribers';

export { ANALYZE_JOB, TRANSCRIBE_JOB };

/**
 * The analysis ports of a hub: its stores, keys and audio, the ASR engines, the WAV redactor and the jieba
 * tokenizer of the demand miner (the search tokenizer, loaded on first use).
 */
export function analysisPorts(hub: Hub): AnalysisUseCasePorts {
  return {
    calls: hub.calls,
    transcripts: hub.transcripts,
    tenantSettings: hub.tenantSettings,
    audio: hub.audio,
    jobQueue: hub.jobQueue,
    keys: hub.keys,
    clock: hub.clock,
    ids: hub.ids,
    events: { transcriptStored: (tenantId, callId, transcript) => hub.transcriptStored(tenantId, callId, transcript) },
    transcribers: { createTranscriber },
    transcriptImporter: { importProviderTranscript },
    redactor: { redactWav },
    demandTokenizer: { tokenize: (text) => searchTokenizer().tokenize(text) },
  };
}

/** The analysis use-cases bound to a hub's ports (also for the CLI and tests). */
export function analysisUseCasesOf(hub: Hub): AnalysisUseCases {
  return createAnalysisUseCases({ ...analysisPorts(hub), audit: (entry) => hub.audit(entry) });
}

/**
 * Transcription and analysis of every call (app/analysis): a stored call is queued for transcription in its own
 * transaction when the tenant has a transcriber; the job handlers run the transcribe and analyse use-cases as
 * the `worker`; a purged call loses its transcript, analysis and redacted audio copy; the HTTP routes call the
 * read, import, settings and insights use-cases.
 */
export const analysisCapability: CapabilityFactory = (hub: Hub): Capability => {
  const ports = analysisPorts(hub);
  const analysis = createAnalysisUseCases({ ...ports, audit: (entry) => hub.audit(entry) });
  hub.jobs.register(TRANSCRIBE_JOB, jobHandler(analysis.transcribeCall));
  hub.jobs.register(ANALYZE_JOB, jobHandler(analysis.analyzeCall));
  hub.onCallStored(async (call) => ({ jobs: await transcriptionJobsFor(ports, call) }));
  hub.onCallPurge((tenantId, callId) => purgeCallAnalysis(ports, tenantId, callId));

  return { name: 'analysis', plugins: [analysisRoutes(analysis)] };
};
