import { describe, it, expect } from 'vitest';
import { buildAnalysisConfig } from '../../../core/analysis/analysis.config';
import { analyzeTranscript } from '../../../core/analysis/analyze-transcript';
import { checkScripts } from '../../../core/analysis/scripts/required-scripts';
import { compileLexicon, findSensitiveWords } from '../../../core/analysis/lexicon/sensitive-words';
import { computeConversationMetrics } from '../../../core/analysis/metrics/conversation.metrics';
import { detectPii } from '../../../core/analysis/pii/pii.detector';
import { FoldBuffer } from '../../../core/analysis/text/normalize';
import { prepareSegments } from '../../../core/analysis/text/segment-text';
import { createSeededRandom } from '../../../core/shared/clock.port';
import type { Segment } from '../../../core/analysis/transcript.types';

const seg = (text: string, speaker: Segment['speaker'] = 'customer', startS = 0): Segment => ({ speaker, startS, endS: startS + 5, text });

describe('PII gate (numerals and letter runs shaped like digit words)', () => {
  const pieces = [
    'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'niner', 'zero', 'oh', 'o', 'x', 'X',
    'double', 'triple', 'Triple', 'ONE', 'the', 'tone', 'on', 'of', 'fine', 'oh,', '1', '38', '4111', '+', '+86', '-', ' ',
    '幺', '三八', '两', '零', '〇', '壹', '貳', '１３', 'at', '@', 'dot', 'com', 'example', '\u200b', '、', '.', 'é', 'ﬁve',
  ];
  it('finds the same PII with and without the gate on random mixes of digits, digit words and prose', () => {
    const rand = createSeededRandom('pii-gate');
    for (let round = 0; round < 400; round++) {
      const parts: string[] = [];
      const n = 1 + Math.floor(rand.next() * 24);
      for (let k = 0; k < n; k++) parts.push(pieces[Math.floor(rand.next() * pieces.length)] as string);
      const text = parts.join(rand.next() < 0.7 ? ' ' : '');
      const segments = [seg(text)];
      expect(detectPii(segments, prepareSegments(segments)), text).toEqual(detectPii(segments));
    }
  });

  it('still reads numbers spoken in words inside ordinary English', () => {
    const text = 'sure, the best number to reach me is one three eight one two three four five six seven eight, thanks';
    const [hit] = detectPii([seg(text)], prepareSegments([seg(text)]));
    expect(hit?.kind).toBe('phone');
    expect(text.slice(hit?.start, hit?.end)).toBe('one three eight one two three four five six seven eight');
  });

  it('looks for e-mail only around "@", "艾特" or the word "at"', () => {
    const kinds = (text: string) => detectPii([seg(text)]).map((h) => text.slice(h.start, h.end));
    expect(kinds('write to jane dot doe AT example dot com')).toEqual(['jane dot doe AT example dot com']);
    expect(kinds('write to zhangsan 艾特 qq 点 com')).toEqual(['zhangsan 艾特 qq 点 com']);
    expect(kinds('that example dot com is down')).toEqual([]);
    expect(kinds('jane_at example dot com')).toEqual([]);
  });
});

describe('reused buffers and scratch state', () => {
  it('gives the same per-segment counters from a reused buffer as from a fresh one, read by segment', () => {
    const buffer = new FoldBuffer(4);
    const long = Array.from({ length: 40 }, (_, i) => seg(i % 2 ? `电话 ${i} 号 one two` : 'Thank you, 保本'));
    prepareSegments(long, buffer);
    const short = [seg('一二三四五六七 triple one'), seg("don't 繁體"), seg('')];
    const reused = prepareSegments(short, buffer);
    const fresh = prepareSegments(short);
    for (let s = 0; s < short.length; s++) {
      expect(reused.segFrom[s + 1]).toBe(fresh.segFrom[s + 1]);
      expect(reused.numeralUnits[s]).toBe(fresh.numeralUnits[s]);
      expect(reused.letterRuns[s]).toBe(fresh.letterRuns[s]);
      expect(reused.units.han[s]).toBe(fresh.units.han[s]);
      expect(reused.units.words[s]).toBe(fresh.units.words[s]);
    }
    expect(fresh.units.han).toHaveLength(short.length);
  });

  it('checks scripts the same after other transcripts used the compiled scripts', () => {
    const input = { industry: 'finance' as const };
    const used = buildAnalysisConfig(input);
    const first = [seg('您好，本次通话将录音', 'agent', 1), seg('理财有风险', 'agent', 50), seg('核实一下您的身份', 'agent', 60)];
    const second = [seg('this call may be recorded', 'agent', 2), seg('investments carry risk and you could lose money', 'agent', 90)];
    checkScripts(used.scripts, prepareSegments(first));
    const again = checkScripts(used.scripts, prepareSegments(second));
    expect(again).toEqual(checkScripts(buildAnalysisConfig(input).scripts, prepareSegments(second)));
    expect(again.find((r) => r.id === 'risk_disclosure')).toMatchObject({ found: true, segment: 1 });
  });

  it('orders many matches in one segment by offset, longest first, as with few', () => {
    const lexicon = compileLexicon([{ term: '保本' }, { term: '保本保息' }, { term: '本保' }]);
    const text = Array.from({ length: 12 }, () => '保本保息，').join('');
    const hits = findSensitiveWords(lexicon, prepareSegments([seg(text)]));
    expect(hits.map((h) => [h.term, h.start])).toEqual(Array.from({ length: 12 }, (_, i) => ['保本保息', 5 * i]));
  });

  it('computes the same conversation metrics for segments in any order', () => {
    const rand = createSeededRandom('metrics-order');
    const segments: Segment[] = [];
    let t = 0;
    for (let i = 0; i < 60; i++) {
      const startS = Math.max(0, t - rand.next() * 2);
      segments.push({ speaker: rand.next() < 0.5 ? 'agent' : 'customer', startS, endS: startS + rand.next() * 5, text: '好的 ok' });
      t = startS + rand.next() * 4;
    }
    const options = { band: { minS: 0, maxS: 100 }, minOverlapS: 0.3, language: 'en' as const };
    const shuffled = [...segments].sort(() => (rand.next() < 0.5 ? -1 : 1));
    expect(computeConversationMetrics(shuffled, options)).toEqual(computeConversationMetrics(segments, options));
  });

  it('gives the same analysis for a transcript whether or not others were analysed before it', () => {
    const config = buildAnalysisConfig({ industry: 'finance', lexicon: ['alpha bravo'] });
    const a = { language: 'auto' as const, segments: [seg('卡号6222021234567890128', 'customer', 1), seg('alpha bravo, this call may be recorded', 'agent', 3)] };
    const b = { language: 'auto' as const, segments: [seg('本次通话将录音', 'agent', 0), seg('太慢了 my number is 13812345678', 'customer', 4)] };
    const alone = JSON.stringify(analyzeTranscript(b, config));
    analyzeTranscript(a, config);
    expect(JSON.stringify(analyzeTranscript(b, config))).toBe(alone);
  });
});
