import type { AnalysisSettingsResponse } from '../../core/api/analysis.api';
import type { TranscriptStore } from '../../core/transcription/transcript-store.port';
import type { Actor } from '../shared/actor';
import { defineUseCase } from '../shared/use-case';
import { readAnalysisSettings, settingsView } from './analysis.settings';

/** The ports of getAnalysisSettings. */
export interface GetAnalysisSettingsDeps {
  readonly transcripts: Pick<TranscriptStore, 'getSettings'>;
}

/** Reads the tenant's analysis settings as saved (`{}` before any save); the ASR key only as `apiKeySet`. Admins only. */
export const getAnalysisSettings = defineUseCase({
  name: 'analysis.get-settings',
  action: 'view_settings',
  permission: 'change_settings',
  forbidden: 'Only admins may read the analysis settings',
  target: () => 'settings:analysis',
  async run({ deps, actor }: { deps: GetAnalysisSettingsDeps; actor: Actor }): Promise<AnalysisSettingsResponse> {
    const saved = await readAnalysisSettings(deps.transcripts, actor.tenantId);
    return settingsView(saved.settings, saved.apiKeySet);
  },
});
