import { bindUseCases, type AuditDeps, type BoundUseCases, type PortsOf } from '../shared/use-case';
import { analyzeCall } from './analyze-call';
import { getAnalysis } from './get-analysis';
import { getAnalysisSettings } from './get-analysis-settings';
import { getDemandInsights } from './get-demand-insights';
import { getTranscript } from './get-transcript';
import { importTranscript } from './import-transcript';
import { saveAnalysisSettings } from './save-analysis-settings';
import { transcribeCall } from './transcribe-call';
import { createAnalysisConfigSource, type AnalysisConfigPorts, type AnalysisConfigSource } from './analysis.settings';
import type { PurgeAnalysisPorts, TranscriptionFollowUpPorts } from './analysis.pipeline';

export { analyzeCall, getAnalysis, getAnalysisSettings, getDemandInsights, getTranscript, importTranscript, saveAnalysisSettings, transcribeCall };
export type { AnalysisView } from './get-analysis';
export type { ImportTranscriptInput } from './import-transcript';
export type { AnalyzeCallOutcome } from './analyze-call';
export type { CallJobOutcome } from './transcribe-call';
export { MAX_DEMAND_CALLS } from './get-demand-insights';
export {
  ANALYZE_JOB,
  TRANSCRIBE_JOB,
  type AudioRedactor,
  type ProviderTranscriptImporter,
  type SecretSealer,
  type TranscriberFactory,
  type TranscriberSettings,
  type TranscriptEvents,
} from './analysis.ports';
export {
  ANALYSIS_REVISION_KEY,
  createAnalysisConfigSource,
  readAnalysisSettings,
  type AnalysisConfigPorts,
  type AnalysisConfigSource,
} from './analysis.settings';
export { purgeCallAnalysis, transcriptionJobsFor, type PurgeAnalysisPorts, type TranscriptionFollowUpPorts } from './analysis.pipeline';

/** Every analysis use-case: transcript and analysis reads, import, settings, demand insights and the two jobs. */
export const analysisUseCases = {
  getTranscript,
  getAnalysis,
  importTranscript,
  getSettings: getAnalysisSettings,
  saveSettings: saveAnalysisSettings,
  getDemandInsights,
  transcribeCall,
  analyzeCall,
};

/**
 * The ports of the analysis capability: what its use-cases need (besides the audit trail and the configuration
 * source they share) and what its call hooks (transcription follow-up, purge) use.
 */
export type AnalysisUseCasePorts = Omit<PortsOf<typeof analysisUseCases>, 'analysisConfigs'> &
  AnalysisConfigPorts &
  PurgeAnalysisPorts &
  TranscriptionFollowUpPorts;

/** The bound analysis use-cases, and the configuration source they share (one per process). */
export type AnalysisUseCases = BoundUseCases<typeof analysisUseCases> & { readonly analysisConfigs: AnalysisConfigSource };

/**
 * Binds the analysis use-cases to their ports. They share one compiled-configuration source over the stores,
 * so every use-case of this process sees settings saved by any process on its next use.
 */
export function createAnalysisUseCases(ports: AnalysisUseCasePorts & AuditDeps): AnalysisUseCases {
  const analysisConfigs = createAnalysisConfigSource(ports);
  return { ...bindUseCases(analysisUseCases, { ...ports, analysisConfigs }), analysisConfigs };
}
export { tryLexicon, type TryLexiconDeps } from './try-lexicon';
