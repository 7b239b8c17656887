import { buildAnalysisConfig, type AnalysisConfig, type AnalysisConfigInput } from '../../core/analysis/analysis.config';
import { analysisSettingsSchema, type AnalysisSettings, type AnalysisSettingsResponse } from '../../core/api/analysis.api';
import type { TenantSettingsStore } from '../../core/access/tenant-settings.port';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { AnalysisSettingsRow, TranscriptStore } from '../../core/transcription/transcript-store.port';
import { CallsightError } from '../../core/shared/errors';
import type { SecretSealer, TranscriberSettings } from './analysis.ports';

/** Purpose under which the transcriber's API key is sealed with the tenant key. */
export const ASR_KEY_PURPOSE = 'asr-api-key';

/**
 * Key of the tenant setting that stamps the revision of the analysis settings (tenant_settings table). Every
 * save moves it; every process compares it with the revision its compiled configuration was built from.
 */
export const ANALYSIS_REVISION_KEY = 'analysis-settings-revision';

/** Field of the stored settings JSON holding the revision of that row (never served, never accepted). */
const REVISION_FIELD = 'revision';

/** The tenant's analysis settings as saved (the API key excluded), with the revision of the stored row. */
export interface SavedAnalysisSettings {
  readonly settings: AnalysisSettings;
  /** The row's revision; `none` when the tenant never saved settings. */
  readonly revision: string;
  readonly apiKeySet: boolean;
  readonly sealedApiKey: Uint8Array | null;
}

/**
 * Reads the tenant's saved analysis settings. A stored row that no longer parses is INTERNAL (it was validated
 * when saved), never treated as "no settings", so that a damaged row cannot silently drop the tenant lexicon.
 */
export async function readAnalysisSettings(transcripts: Pick<TranscriptStore, 'getSettings'>, tenantId: string): Promise<SavedAnalysisSettings> {
  const row = await transcripts.getSettings(tenantId);
  if (!row) return { settings: {}, revision: 'none', apiKeySet: false, sealedApiKey: null };
  const { [REVISION_FIELD]: _revision, ...stored } = row.settings;
  const parsed = analysisSettingsSchema.safeParse(stored);
  if (!parsed.success) {
    throw new CallsightError('INTERNAL', 'The stored analysis settings are invalid: save them again (PUT /api/v1/settings/analysis)');
  }
  return { settings: parsed.data, revision: revisionOf(row), apiKeySet: row.sealedApiKey !== null, sealedApiKey: row.sealedApiKey };
}

/** The revision of a stored settings row: the one written with it, or its time and author for older rows. */
export function revisionOf(row: AnalysisSettingsRow): string {
  const written = row.settings[REVISION_FIELD];
  return typeof written === 'string' ? written : `${row.updatedAt}|${row.updatedBy}`;
}

/** The settings JSON to store for `revision`. */
export function withRevision(settings: Record<string, unknown>, revision: string): Record<string, unknown> {
  return { ...settings, [REVISION_FIELD]: revision };
}

/** What the settings API answers: the settings without the ASR key, with `apiKeySet` on the transcriber. */
export function settingsView(settings: AnalysisSettings, apiKeySet: boolean): AnalysisSettingsResponse {
  const { transcriber, ...rest } = settings;
  if (!transcriber) return rest;
  const { apiKey: _apiKey, ...shown } = transcriber as typeof transcriber & { apiKey?: string };
  return { ...rest, transcriber: { ...shown, apiKeySet } } as AnalysisSettingsResponse;
}

/** The tenant's transcriber with its API key opened, or null when transcription is off. */
export async function readTranscriberSettings(
  deps: { readonly transcripts: Pick<TranscriptStore, 'getSettings'>; readonly keys: Pick<SecretSealer, 'openSecret'> },
  tenantId: string,
): Promise<TranscriberSettings | null> {
  const saved = await readAnalysisSettings(deps.transcripts, tenantId);
  const transcriber = saved.settings.transcriber;
  if (!transcriber || transcriber.kind === 'none') return null;
  const { apiKey: _ignored, ...settings } = transcriber as typeof transcriber & { apiKey?: string };
  const apiKey = saved.sealedApiKey ? deps.keys.openSecret(tenantId, ASR_KEY_PURPOSE, saved.sealedApiKey) : undefined;
  return { ...settings, ...(apiKey ? { apiKey } : {}) } as TranscriberSettings;
}

/**
 * Compiles the tenant's analysis configuration: its industry's pack with its own settings on top (lexicon, scripts,
 * categories, bands, knowledge facts, negation, disclaimers). VALIDATION_FAILED for settings it cannot use.
 */
export function compileAnalysisConfig(industry: string, settings: AnalysisSettings): AnalysisConfig {
  const { transcriber: _transcriber, ...analysisInput } = settings;
  return buildAnalysisConfig({ industry, ...analysisInput } as AnalysisConfigInput);
}

/**
 * The compiled analysis configuration of each tenant, shared by every use-case of one process. Safe with
 * several processes on one database: each use reads the revision stamp (one small row) and the tenant's
 * industry, and reuses the compiled configuration only when both match what it was built from; otherwise it
 * loads the saved settings. A cold cache therefore always loads the saved lexicon, never an empty one.
 */
export interface AnalysisConfigSource {
  configFor(tenantId: string): Promise<AnalysisConfig>;
}

/** The ports the configuration source reads: the settings row, the revision stamp and the tenant. */
export interface AnalysisConfigPorts {
  readonly transcripts: Pick<TranscriptStore, 'getSettings'>;
  readonly tenantSettings: Pick<TenantSettingsStore, 'get'>;
  readonly calls: Pick<CallRepository, 'getTenant'>;
}

/**
 * Creates a configuration source over the stores. The stamp is written (by saveAnalysisSettings) before the row
 * it names, and the cache is keyed by the revision of the row it actually loaded, so a crash between the two
 * writes leaves every process reloading the row (correct, slower) until the next save, never a stale lexicon.
 */
export function createAnalysisConfigSource(ports: AnalysisConfigPorts): AnalysisConfigSource {
  const compiled = new Map<string, { revision: string; industry: string; config: AnalysisConfig }>();
  return {
    async configFor(tenantId) {
      const stamp = await ports.tenantSettings.get(tenantId, ANALYSIS_REVISION_KEY);
      const stamped = stampedRevision(stamp?.value);
      const industry = (await ports.calls.getTenant(tenantId))?.industry ?? 'general';
      const cached = compiled.get(tenantId);
      if (cached && cached.industry === industry && stamped !== null && cached.revision === stamped) return cached.config;
      const saved = await readAnalysisSettings(ports.transcripts, tenantId);
      if (cached && cached.industry === industry && cached.revision === saved.revision) return cached.config;
      const config = compileAnalysisConfig(industry, saved.settings);
      compiled.set(tenantId, { revision: saved.revision, industry, config });
      return config;
    },
  };
}

/** The stamp's value as written by saveAnalysisSettings: `{ revision }`. */
export function revisionStamp(revision: string): { revision: string } {
  return { revision };
}

function stampedRevision(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const revision = (value as { revision?: unknown }).revision;
  return typeof revision === 'string' ? revision : null;
}
