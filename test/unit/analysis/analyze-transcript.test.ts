import { describe, it, expect } from 'vitest';
import { analyzeTranscript, buildAnalysisConfig, computeRiskScore, parseTranscript } from '../../../core/analysis/index';
import type { Transcript } from '../../../core/analysis/index';

const financeCall: Transcript = {
  language: 'zh',
  segments: [
    { speaker: 'agent', startS: 0, endS: 6, text: '您好，本次通话将录音，请问有什么可以帮您？' },
    { speaker: 'customer', startS: 6, endS: 14, text: '我想买点理财，卡号是6222021234567890128' },
    { speaker: 'agent', startS: 13, endS: 25, text: '这款产品保 本，保證收益，您放心' },
    { speaker: 'customer', startS: 25, endS: 35, text: '真的吗？那太好了，谢谢' },
  ],
};

describe('analyzeTranscript', () => {
  it('gives the same result before and after analysing other transcripts (the shared buffer leaks nothing)', () => {
    const config = buildAnalysisConfig({ industry: 'finance' });
    const first = analyzeTranscript(financeCall, config);
    const long: Transcript = {
      language: 'en',
      segments: Array.from({ length: 200 }, (_, i) => ({
        speaker: i % 2 === 0 ? ('agent' as const) : ('customer' as const),
        startS: i * 3,
        endS: i * 3 + 2,
        text: `segment ${i}: a guaranteed return, my card is 4111 1111 1111 1111`,
      })),
    };
    analyzeTranscript(long, config);
    expect(analyzeTranscript(financeCall, config)).toEqual(first);
  });

  const config = buildAnalysisConfig({ industry: 'finance' });
  const result = analyzeTranscript(financeCall, config);

  it('returns every section of the analysis contract', () => {
    expect(Object.keys(result).sort()).toEqual(
      ['clearedSensitive', 'emotion', 'flags', 'knowledge', 'language', 'metrics', 'pii', 'redactedSegments', 'redactionSpans', 'risk', 'scripts', 'sensitive', 'topics'].sort(),
    );
    expect(result.sensitive.map((h) => [h.term, h.segment, h.speaker])).toEqual([
      ['保本', 2, 'agent'],
      ['保证收益', 2, 'agent'],
    ]);
    expect(result.pii).toMatchObject([{ kind: 'bank_card', segment: 1 }]);
    expect(result.redactedSegments[1]?.text).toBe('我想买点理财，卡号是[BANK_CARD]');
    expect(result.scripts.find((s) => s.id === 'recording_notice')).toMatchObject({ found: true, segment: 0, required: true });
    expect(result.metrics).toMatchObject({ durationS: 35, customerTurns: 2, customerTurnsInterrupted: 1 });
  });

  it('raises the flags and a risk score from them', () => {
    const codes = result.flags.map((f) => f.code);
    expect(codes).toEqual(['SENSITIVE_WORD', 'MISSING_SCRIPT', 'PII_PRESENT', 'DURATION_ABNORMAL']);
    expect(result.flags.find((f) => f.code === 'MISSING_SCRIPT')?.details).toEqual(['privacy_notice', 'risk_disclosure', 'identity_verification']);
    expect(result.risk).toBe(computeRiskScore(result.flags));
    expect(result.risk).toBeGreaterThan(0.8);
    expect(result.risk).toBeLessThanOrEqual(1);
  });

  it('is deterministic and JSON-serialisable', () => {
    const again = analyzeTranscript(financeCall, config);
    expect(JSON.stringify(again)).toBe(JSON.stringify(result));
  });

  it('adds tenant lexicon terms and uses inquiry-type duration bands', () => {
    const tenant = buildAnalysisConfig({ industry: 'general', lexicon: ['特供产品'], durationBands: { quick: { minS: 10, maxS: 60 } } });
    const r = analyzeTranscript(
      { language: 'zh', segments: [{ speaker: 'agent', startS: 0, endS: 30, text: '这是特 供 产 品' }] },
      tenant,
      { inquiryType: 'quick' },
    );
    expect(r.sensitive.map((h) => h.term)).toEqual(['特供产品']);
    expect(r.flags.some((f) => f.code === 'DURATION_ABNORMAL')).toBe(false);
  });

  it('flags high interruption and an agitated customer in an English call', () => {
    const segments = [];
    for (let i = 0; i < 5; i++) {
      segments.push({ speaker: 'customer' as const, startS: i * 20, endS: i * 20 + 10, text: 'This is ridiculous, your service is terrible and I am furious' });
      segments.push({ speaker: 'agent' as const, startS: i * 20 + 5, endS: i * 20 + 18, text: 'Sir, let me explain the policy again' });
    }
    const r = analyzeTranscript({ language: 'en', segments }, buildAnalysisConfig({ industry: 'general' }));
    expect(r.metrics.interruptionRate).toBe(1);
    const codes = r.flags.map((f) => f.code);
    expect(codes).toContain('HIGH_INTERRUPTION');
    expect(codes).toContain('CUSTOMER_AGITATED');
    expect(r.emotion.customer.label).toBe('negative');
  });
});

describe('config and input validation', () => {
  it.each([
    [{ industry: 'mining' }, /Unknown industry/],
    [{ requiredScripts: ['nope'] }, /not defined/],
    [{ durationBands: { default: { minS: 500, maxS: 100 } } }, /minS < maxS/],
  ])('rejects %j', (input, message) => {
    expect(() => buildAnalysisConfig(input as never)).toThrow(message);
  });

  it.each([
    [{ segments: [{ speaker: 'bot', startS: 0, endS: 1, text: '' }] }, /segments\.0\.speaker/],
    [{ segments: [{ speaker: 'agent', startS: 5, endS: 1, text: '' }] }, /endS must not be before startS/],
    [{ language: 'fr', segments: [] }, /language/],
    ['not an object', /Invalid transcript/],
  ])('parseTranscript rejects bad input %#', (input, message) => {
    expect(() => parseTranscript(input)).toThrow(message);
  });
});
