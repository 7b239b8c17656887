import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  analyzeTranscript,
  buildAnalysisConfig,
  DEFAULT_DEMAND_CATEGORIES,
  DEFAULT_LEXICON_PACKS,
  DEFAULT_SCRIPTS,
  EMOTION_LABELS,
  PII_MASKS,
  SEVERITY_WEIGHT,
  type FlagCode,
  type Transcript,
} from '../../../core/analysis';
import {
  ANALYSIS_LABELS,
  CLEARED_BY_LABELS,
  FLAG_LABELS,
  KNOWLEDGE_VERDICT_LABELS,
  labelAnalysisCode,
  type AnalysisLabelKind,
} from '../../../core/analysis/analysis.labels';
import { DEFAULT_FLAG_THRESHOLDS, raiseFlags, type FlagInputs } from '../../../core/analysis/risk/risk.score';
import type { KnowledgeFinding } from '../../../core/analysis/knowledge/knowledge.check';
import type { ClearedHit } from '../../../core/analysis/lexicon/sensitive-words';
import { transcriptHighlightSchema } from '../../../core/api/analysis.api';

const HAN = /[\u3400-\u9fff]/u;

/** The FlagCode union as written in risk.score.ts: a new member there is a new code here without editing this test. */
function flagCodesInSource(): string[] {
  const source = readFileSync(new URL('../../../core/analysis/risk/risk.score.ts', import.meta.url), 'utf8');
  const union = /export type FlagCode\s*=([^;]+);/.exec(source)?.[1];
  if (!union) throw new Error('FlagCode union not found in core/analysis/risk/risk.score.ts');
  return [...union.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]!);
}

/** Every flag the scorer raises, with inputs that trip each rule (and both duration details). */
function raisedFlags(): { codes: string[]; durationDetails: string[] } {
  const base = {
    sensitive: [{ term: '保本', severity: 'high', segment: 0, speaker: 'agent', startS: 0, endS: 1, start: 0, end: 2 }],
    scripts: [{ id: 'recording_notice', required: true, found: false }],
    pii: [{ kind: 'bank_card' }],
    emotion: { peakNegative: 0.95, customer: { label: 'negative' }, timeline: [] },
    thresholds: DEFAULT_FLAG_THRESHOLDS,
    knowledge: { checked: 1, contradictions: [{ factId: 'refund_days' }], confirmations: [] },
  };
  const metrics = (durationS: number) => ({
    durationS,
    durationBand: { minS: 180, maxS: 480 },
    durationOutsideBandS: durationS < 180 ? 180 - durationS : durationS - 480,
    customerTurns: 6,
    customerTurnsInterrupted: 4,
    interruptionRate: 4 / 6,
  });
  const short = raiseFlags({ ...base, metrics: metrics(60) } as unknown as FlagInputs);
  const long = raiseFlags({ ...base, metrics: metrics(900) } as unknown as FlagInputs);
  const duration = [...short, ...long].filter((f) => f.code === 'DURATION_ABNORMAL').flatMap((f) => f.details);
  return { codes: [...new Set([...short, ...long].map((f) => f.code))], durationDetails: [...new Set(duration)] };
}

let emitted: Record<AnalysisLabelKind, string[]> | undefined;

/** Codes of each kind the analysis can emit, read from core's own constants, types and behaviour. */
function emittedCodes(): Record<AnalysisLabelKind, string[]> {
  emitted ??= deriveEmittedCodes();
  return emitted;
}

function deriveEmittedCodes(): Record<AnalysisLabelKind, string[]> {
  const raised = raisedFlags();
  const tenantHit = analyzeTranscript(
    { language: 'zh', segments: [{ speaker: 'agent', startS: 0, endS: 3, text: '这款产品保证到手就是独家秘方' }] } satisfies Transcript,
    buildAnalysisConfig({ industry: 'general', lexicon: ['独家秘方'] }),
  ).sensitive.map((h) => h.category ?? '');
  const checked = analyzeTranscript(
    {
      language: 'zh',
      segments: [
        { speaker: 'agent', startS: 0, endS: 3, text: '退款7个工作日到账。' },
        { speaker: 'agent', startS: 3, endS: 6, text: '退款3个工作日到账。' },
        { speaker: 'agent', startS: 6, endS: 9, text: '这个产品不保本。' },
        { speaker: 'agent', startS: 9, endS: 12, text: '市场波动大，稳赚这种说法都不可信。' },
      ],
    } satisfies Transcript,
    buildAnalysisConfig({
      industry: 'finance',
      knowledgeFacts: [{ id: 'refund_days', statement: '退款7个工作日到账' }],
      disclaimers: ['稳赚这种说法都不可信'],
    }),
  );
  return {
    flag: [...new Set([...flagCodesInSource(), ...raised.codes])],
    highlight: [...transcriptHighlightSchema.shape.kind.options],
    demand: [...new Set(Object.values(DEFAULT_DEMAND_CATEGORIES).flat().map((c) => c.id))],
    emotion: [...EMOTION_LABELS],
    pii: Object.keys(PII_MASKS),
    severity: Object.keys(SEVERITY_WEIGHT),
    knowledgeVerdict: [...new Set([...checked.knowledge!.contradictions, ...checked.knowledge!.confirmations].map((f) => f.verdict))],
    clearedBy: [...new Set(checked.clearedSensitive!.map((h) => h.clearedBy))],
    script: DEFAULT_SCRIPTS.map((s) => s.id),
    durationDetail: raised.durationDetails,
    lexiconCategory: [...new Set([...Object.values(DEFAULT_LEXICON_PACKS).flat().map((e) => e.category ?? ''), ...tenantHit])],
  };
}

describe('analysis labels', () => {
  it('the label tables are keyed by exactly the codes of the core types', () => {
    expectTypeOf<keyof typeof FLAG_LABELS>().toEqualTypeOf<FlagCode>();
    expectTypeOf<keyof typeof KNOWLEDGE_VERDICT_LABELS>().toEqualTypeOf<KnowledgeFinding['verdict']>();
    expectTypeOf<keyof typeof CLEARED_BY_LABELS>().toEqualTypeOf<ClearedHit['clearedBy']>();
  });

  it('finds the codes it checks (the derivation itself works)', () => {
    const codes = emittedCodes();
    expect(codes.flag).toEqual(expect.arrayContaining(['SENSITIVE_WORD', 'MISSING_SCRIPT', 'PII_PRESENT', 'CUSTOMER_AGITATED', 'DURATION_ABNORMAL', 'HIGH_INTERRUPTION', 'KNOWLEDGE_CONTRADICTION']));
    expect(codes.durationDetail.sort()).toEqual(['too_long', 'too_short']);
    expect(codes.lexiconCategory).toContain('tenant');
    expect(codes.demand).toContain('refund_complex');
    expect(codes.highlight.sort()).toEqual(['pii', 'sensitive']);
    expect(codes.knowledgeVerdict.sort()).toEqual(['consistent', 'contradicts']);
    expect(codes.clearedBy.sort()).toEqual(['disclaimer', 'negation']);
  });

  it.each(Object.keys(ANALYSIS_LABELS) as AnalysisLabelKind[])('every %s code the analysis can emit has a Chinese and an English label', (kind) => {
    const missing: string[] = [];
    for (const code of emittedCodes()[kind]) {
      const zh = labelAnalysisCode(kind, code, 'zh-CN');
      const en = labelAnalysisCode(kind, code, 'en');
      if (zh === null || !HAN.test(zh)) missing.push(`${code} (zh-CN)`);
      if (en === null || en.trim() === '' || HAN.test(en)) missing.push(`${code} (en)`);
    }
    expect(missing, `${kind} codes without a label: add them to core/analysis/analysis.labels.ts`).toEqual([]);
  });

  it('answers null for a code it does not know, never a prototype property', () => {
    expect(labelAnalysisCode('demand', 'tenant_own_category', 'en')).toBeNull();
    expect(labelAnalysisCode('flag', 'toString', 'zh-CN')).toBeNull();
    expect(labelAnalysisCode('flag', 'SENSITIVE_WORD', 'zh-CN')).toBe('敏感词');
    expect(labelAnalysisCode('demand', 'refund_complex', 'en')).toBe('Refund process too complicated');
  });
});
