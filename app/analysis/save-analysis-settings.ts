import { analysisSettingsSchema, type AnalysisSettings, type AnalysisSettingsResponse } from '../../core/api/analysis.api';
import type { TenantSettingsStore } from '../../core/access/tenant-settings.port';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { TranscriptStore } from '../../core/transcription/transcript-store.port';
import type { Clock, IdGenerator } from '../../core/shared/clock.port';
import { auditIdentity, type Actor } from '../shared/actor';
import { defineUseCase } from '../shared/use-case';
import type { SecretSealer } from './analysis.ports';
import { ANALYSIS_REVISION_KEY, ASR_KEY_PURPOSE, compileAnalysisConfig, revisionStamp, settingsView, withRevision } from './analysis.settings';

/** The ports of saveAnalysisSettings. */
export interface SaveAnalysisSettingsDeps {
  readonly calls: Pick<CallRepository, 'getTenant'>;
  readonly transcripts: Pick<TranscriptStore, 'getSettings' | 'saveSettings'>;
  readonly tenantSettings: Pick<TenantSettingsStore, 'put'>;
  readonly keys: Pick<SecretSealer, 'sealSecret'>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

/**
 * Replaces the tenant's analysis settings (industry lexicon additions, negatable or not, scripts, categories, duration
 * bands, knowledge facts, negation rules, disclaimers, the transcriber). They are compiled first, so settings the
 * analysis cannot use (VALIDATION_FAILED, e.g. a required script that does not exist, a knowledge fact without
 * exactly one quantity or with a duplicate id) change nothing. The transcriber's API key is
 * stored sealed and never returned; a transcriber without a key keeps the stored one, another engine drops it.
 * Every process sees the new settings on its next analysis: the revision stamp is written before the row it
 * names (see createAnalysisConfigSource). Admins only.
 */
export const saveAnalysisSettings = defineUseCase({
  name: 'analysis.save-settings',
  action: 'change_settings',
  permission: 'change_settings',
  forbidden: 'Only admins may change the analysis settings',
  input: analysisSettingsSchema,
  invalidInput: 'Invalid analysis settings',
  target: () => 'settings:analysis',
  async run({ deps, actor, input }: { deps: SaveAnalysisSettingsDeps; actor: Actor; input: AnalysisSettings }): Promise<AnalysisSettingsResponse> {
    const { tenantId } = actor;
    const industry = (await deps.calls.getTenant(tenantId))?.industry ?? 'general';
    compileAnalysisConfig(industry, input);
    const { transcriber, ...analysisInput } = input;
    let sealed = (await deps.transcripts.getSettings(tenantId))?.sealedApiKey ?? null;
    let storedTranscriber: AnalysisSettings['transcriber'] = transcriber;
    if (transcriber && transcriber.kind === 'openai-compatible') {
      const { apiKey, ...rest } = transcriber;
      if (apiKey) sealed = deps.keys.sealSecret(tenantId, ASR_KEY_PURPOSE, apiKey);
      storedTranscriber = rest;
    } else if (transcriber) {
      sealed = null;
    }
    const toStore: AnalysisSettings = { ...analysisInput, ...(storedTranscriber ? { transcriber: storedTranscriber } : {}) };
    const revision = deps.ids.newId('rev');
    const by = auditIdentity(actor).actor ?? 'unknown';
    const now = deps.clock.now();
    await deps.tenantSettings.put({ tenantId, key: ANALYSIS_REVISION_KEY, value: revisionStamp(revision), updatedBy: by, updatedAt: now.toISOString() });
    await deps.transcripts.saveSettings(tenantId, withRevision(toStore, revision), sealed, by, now);
    return settingsView(toStore, Boolean(sealed));
  },
});
