import { CallsightError } from '../shared/errors';
import { DEFAULT_LEXICON_PACKS, INDUSTRIES, type Industry, type LexiconEntry } from './lexicon/lexicon.packs';
import { compileLexicon, type CompiledLexicon } from './lexicon/sensitive-words';
import type { NegationOptions } from './lexicon/negation.rules';
import { compileKnowledgeFacts, type CompiledKnowledge, type KnowledgeFact } from './knowledge/knowledge.check';
import { DEFAULT_SCRIPTS, REQUIRED_SCRIPTS_BY_INDUSTRY, type ScriptDefinition } from './scripts/script.presets';
import { compileScripts, type CompiledScripts } from './scripts/required-scripts';
import { DEFAULT_DEMAND_CATEGORIES, type DemandCategory } from './demands/demand.categories';
import { compileCategories, type CompiledCategories } from './demands/demands';
import { DEFAULT_DURATION_BAND, type DurationBand } from './metrics/conversation.metrics';
import { DEFAULT_FLAG_THRESHOLDS, type FlagThresholds } from './risk/risk.score';
import type { EmotionModel } from './emotion/emotion.model';
import { getDefaultEmotionModel } from './emotion/emotion.default';

/** Tenant and industry settings for analysis; everything but `industry` is optional. */
export interface AnalysisConfigInput {
  readonly industry?: Industry;
  /** Tenant terms (plain strings or entries), added to the industry pack; any number. */
  readonly lexicon?: ReadonlyArray<string | LexiconEntry>;
  /** Use only the tenant lexicon, without the industry pack. */
  readonly replaceDefaultLexicon?: boolean;
  /** Extra scripts, or replacements of built-in ones with the same id. */
  readonly scripts?: readonly ScriptDefinition[];
  /** Overrides the industry preset of required script ids. */
  readonly requiredScripts?: readonly string[];
  /** Extra demand categories, or replacements of defaults with the same id. */
  readonly categories?: readonly DemandCategory[];
  /** Duration bands by inquiry type; key "default" replaces the 3-8 min default. */
  readonly durationBands?: Readonly<Record<string, DurationBand>>;
  /** Overlap (s) before an agent start counts as talking over a customer turn (default 0.3). */
  readonly interruptionMinOverlapS?: number;
  readonly flagThresholds?: Partial<FlagThresholds>;
  /** Emotion model; the shipped one by default. */
  readonly emotionModel?: EmotionModel;
  /**
   * Negation clearing of sensitive-word hits ("不保本", "not risk-free"): on by default, and only
   * for lexicon entries marked `negatable`; `{ enabled: false }` turns it off.
   */
  readonly negation?: NegationOptions;
  /**
   * Disclaimer texts inside which a sensitive-word hit is not a violation. The variants of this
   * configuration's required scripts always count as disclaimers too.
   */
  readonly disclaimers?: readonly string[];
  /**
   * Product facts agents must state correctly (产品知识准确率): "退款 7 个工作日到账",
   * "年化收益 3%-4%", "refunds arrive within 7 business days"; see KnowledgeFact.
   */
  readonly knowledgeFacts?: readonly KnowledgeFact[];
}

/** A compiled, immutable configuration: build once per tenant, analyse any number of transcripts. */
export interface AnalysisConfig {
  readonly industry: Industry;
  readonly lexicon: CompiledLexicon;
  readonly scripts: CompiledScripts;
  readonly categories: CompiledCategories;
  readonly durationBands: Readonly<Record<string, DurationBand>>;
  readonly interruptionMinOverlapS: number;
  readonly flagThresholds: FlagThresholds;
  readonly emotionModel: EmotionModel;
  readonly knowledge: CompiledKnowledge;
}

function invalid(message: string): CallsightError {
  return new CallsightError('VALIDATION_FAILED', message);
}

function mergeById<T extends { readonly id: string }>(base: readonly T[], extra: readonly T[] | undefined): T[] {
  const byId = new Map(base.map((item) => [item.id, item]));
  for (const item of extra ?? []) byId.set(item.id, item);
  return [...byId.values()];
}

/**
 * Validates the settings and compiles the lexicon, scripts and categories into automata once.
 * Throws CallsightError VALIDATION_FAILED for an unknown industry, an unknown required script id,
 * a malformed script, band or knowledge fact.
 */
export function buildAnalysisConfig(input: AnalysisConfigInput = {}): AnalysisConfig {
  const industry = input.industry ?? 'general';
  if (!INDUSTRIES.includes(industry)) {
    throw invalid(`Unknown industry "${String(industry)}"; use one of ${INDUSTRIES.join(', ')}.`);
  }
  const tenantTerms: LexiconEntry[] = (input.lexicon ?? []).map((t, i) => {
    const entry = typeof t === 'string' ? { term: t, category: 'tenant' } : t;
    if (typeof entry.term !== 'string') throw invalid(`Lexicon entry ${i} has no "term" string.`);
    return entry;
  });
  const scripts = mergeById(DEFAULT_SCRIPTS, input.scripts);
  for (const s of scripts) {
    if (!Array.isArray(s.variants) || s.variants.length === 0) throw invalid(`Script "${s.id}" needs at least one variant.`);
    if (!['agent', 'customer', 'any'].includes(s.speaker)) throw invalid(`Script "${s.id}" has an unknown speaker.`);
    if (s.threshold !== undefined && !(s.threshold > 0 && s.threshold <= 1)) throw invalid(`Script "${s.id}" threshold must be in (0, 1].`);
  }
  const required = input.requiredScripts ?? REQUIRED_SCRIPTS_BY_INDUSTRY[industry];
  const known = new Set(scripts.map((s) => s.id));
  for (const id of required) if (!known.has(id)) throw invalid(`Required script "${id}" is not defined; define it in "scripts".`);

  const durationBands: Record<string, DurationBand> = { default: DEFAULT_DURATION_BAND, ...(input.durationBands ?? {}) };
  for (const [key, band] of Object.entries(durationBands)) {
    if (!(band.minS >= 0 && band.maxS > band.minS)) throw invalid(`Duration band "${key}" needs 0 <= minS < maxS (seconds).`);
  }
  const disclaimers = [...scripts.filter((s) => required.includes(s.id)).flatMap((s) => s.variants), ...(input.disclaimers ?? [])];
  for (const d of input.disclaimers ?? []) if (typeof d !== 'string') throw invalid('Each disclaimer must be a string.');
  const lexicon = compileLexicon([...(input.replaceDefaultLexicon ? [] : DEFAULT_LEXICON_PACKS[industry]), ...tenantTerms], {
    negation: input.negation,
    disclaimers,
  });
  const overlap = input.interruptionMinOverlapS ?? 0.3;
  if (!(overlap >= 0)) throw invalid('interruptionMinOverlapS must be >= 0 seconds.');

  return {
    industry,
    lexicon,
    scripts: compileScripts(scripts, new Set(required)),
    categories: compileCategories(mergeById(DEFAULT_DEMAND_CATEGORIES[industry], input.categories)),
    durationBands,
    interruptionMinOverlapS: overlap,
    flagThresholds: { ...DEFAULT_FLAG_THRESHOLDS, ...(input.flagThresholds ?? {}) },
    emotionModel: input.emotionModel ?? getDefaultEmotionModel(),
    knowledge: compileKnowledgeFacts(input.knowledgeFacts ?? []),
  };
}
