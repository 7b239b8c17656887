import * as z from 'zod/mini';
import { tryLexiconRequestSchema, type TryLexiconBody } from '../../core/api/admin.api';
import { analysisSettingsSchema } from '../../core/api/analysis.api';
import { validationError } from '../../core/shared/validation';
import { analyzeTranscript } from '../../core/analysis/analyze-transcript';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { TranscriptStore } from '../../core/transcription/transcript-store.port';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { compileAnalysisConfig, readAnalysisSettings } from './analysis.settings';

/** The ports of tryLexicon. */
export interface TryLexiconDeps {
  readonly transcripts: Pick<TranscriptStore, 'getSettings'>;
  readonly calls: Pick<CallRepository, 'getTenant'>;
}

type Input = z.output<typeof tryLexiconRequestSchema>;

/**
 * Screens one sentence the way a call is screened: with the tenant's saved lexicon and scripts, or with a proposed
 * set of analysis settings (not saved). Returns the sensitive hits (offsets into the sentence), the hits cleared by
 * negation or a disclaimer and the scripts the sentence satisfies. Stores nothing; the sentence never reaches the
 * audit trail. Invalid proposed settings are VALIDATION_FAILED. Admins only.
 */
export const tryLexicon = defineUseCase({
  name: 'analysis.try-lexicon',
  action: 'try_lexicon',
  permission: 'change_settings',
  forbidden: 'Only admins may try the analysis lexicon',
  input: tryLexiconRequestSchema,
  invalidInput: 'Invalid lexicon trial',
  target: () => 'settings:analysis',
  async run({ deps, actor, input }: UseCaseContext<TryLexiconDeps, Input>): Promise<TryLexiconBody> {
    const industry = (await deps.calls.getTenant(actor.tenantId))?.industry ?? 'general';
    let settings = (await readAnalysisSettings(deps.transcripts, actor.tenantId)).settings;
    if (input.settings !== undefined) {
      const proposed = z.safeParse(analysisSettingsSchema, input.settings);
      if (!proposed.success) throw validationError('Invalid proposed analysis settings', proposed.error);
      settings = proposed.data;
    }
    const config = compileAnalysisConfig(industry, settings);
    const endS = Math.max(1, input.sentence.length / 4);
    const analysis = analyzeTranscript({ language: 'auto', segments: [{ speaker: input.speaker, startS: 0, endS, text: input.sentence }] }, config);
    const hit = (h: (typeof analysis.sensitive)[number]) => ({ term: h.term, category: h.category ?? null, severity: h.severity, start: h.start, end: h.end });
    return {
      language: analysis.language,
      source: input.settings === undefined ? 'saved' : 'proposed',
      sensitive: analysis.sensitive.map(hit),
      cleared: (analysis.clearedSensitive ?? []).map((h) => ({ ...hit(h), clearedBy: h.clearedBy })),
      scripts: analysis.scripts.filter((s) => s.found).map((s) => ({ id: s.id, label: s.label, required: s.required, score: s.score })),
    };
  },
  audited: (result) => ({ reason: result.source, details: { sensitive: result.sensitive.length, cleared: result.cleared.length, scripts: result.scripts.length } }),
});
