import { describe, it, expect } from 'vitest';
import { prepareSegments } from '../../../core/analysis/text/segment-text';
import { FoldBuffer, normalizeForMatch } from '../../../core/analysis/text/normalize';
import { AhoCorasick } from '../../../core/analysis/text/aho-corasick';
import { countSegmentUnits, computeConversationMetrics } from '../../../core/analysis/metrics/conversation.metrics';
import { detectPii } from '../../../core/analysis/pii/pii.detector';
import { createSeededRandom } from '../../../core/shared/clock.port';
import type { Segment } from '../../../core/analysis/transcript.types';

const seg = (text: string, speaker: Segment['speaker'] = 'customer', startS = 0): Segment => ({ speaker, startS, endS: startS + 5, text });

describe('prepareSegments (one shared normalisation)', () => {
  const texts = ['保 證收益！', "I don't KNOW, it's ＲＩＳＫ－ＦＲＥＥ", '', '𠀋字 and 😀 emoji', 'ri\u200bsk ﬁne ㎏'];
  const segments = texts.map((t) => seg(t));

  it('gives each segment the same folding, offsets and word starts as normalizeForMatch', () => {
    const prepared = prepareSegments(segments);
    segments.forEach((s, i) => {
      const alone = normalizeForMatch(s.text);
      const from = prepared.segFrom[i] as number;
      const to = prepared.segFrom[i + 1] as number;
      expect(Array.from(prepared.codes.subarray(from, to))).toEqual(Array.from(alone.codes));
      expect(Array.from(prepared.origStart.subarray(from, to))).toEqual(Array.from(alone.origStart));
      expect(Array.from(prepared.wordStart.subarray(from, to))).toEqual(Array.from(alone.wordStart));
    });
  });

  it('keeps astral Han characters whole and drops emoji', () => {
    const n = normalizeForMatch('𠀋字 😀');
    expect(n.text).toBe('𠀋字');
    expect(n.origStart[0]).toBe(0);
    expect(n.origEnd[1]).toBe(2);
    expect(n.origStart[2]).toBe(2);
  });

  it('counts Han characters and words exactly like countSegmentUnits', () => {
    const prepared = prepareSegments(segments);
    const counted = countSegmentUnits(segments);
    expect(Array.from(prepared.units.han)).toEqual(Array.from(counted.han));
    expect(Array.from(prepared.units.words)).toEqual(Array.from(counted.words));
  });

  it('reuses a buffer across transcripts without leaking the previous one', () => {
    const buffer = new FoldBuffer(4);
    prepareSegments([seg('一段很长很长的中文文本，用来把缓冲区撑大')], buffer);
    const second = prepareSegments([seg('Risk free')], buffer);
    expect(String.fromCharCode(...second.codes.subarray(0, second.segFrom[1]))).toBe('riskfree');
  });
});

describe('AhoCorasick.searchCodes', () => {
  it('reports exactly the occurrences a naive scan finds', () => {
    const rand = createSeededRandom('aho-corasick-test');
    const alphabet = 'abc保本风险';
    const word = (min: number, max: number) =>
      Array.from({ length: min + Math.floor(rand.next() * (max - min + 1)) }, () => alphabet[Math.floor(rand.next() * alphabet.length)]).join('');
    const patterns = Array.from({ length: 60 }, () => word(1, 4));
    const automaton = AhoCorasick.build(patterns);
    for (let round = 0; round < 20; round++) {
      const text = word(0, 80);
      const codes = Uint16Array.from(text, (ch) => ch.charCodeAt(0));
      const found: string[] = [];
      automaton.searchCodes(codes, 0, codes.length, (p, end) => found.push(`${p}@${end}`));
      const expected: string[] = [];
      for (let end = 1; end <= text.length; end++) {
        patterns.forEach((p, index) => {
          if (p.length <= end && text.slice(end - p.length, end) === p) expected.push(`${index}@${end}`);
        });
      }
      expect(found.sort()).toEqual(expected.sort());
    }
  });

  it('searches only inside the given range', () => {
    const automaton = AhoCorasick.build(['保本']);
    const codes = Uint16Array.from('保本保本', (ch) => ch.charCodeAt(0));
    const ends: number[] = [];
    automaton.searchCodes(codes, 1, 4, (_p, end) => ends.push(end));
    expect(ends).toEqual([4]);
  });
});

describe('PII gate on the shared normalisation', () => {
  it.each([
    '卡号六二二二零二一二三四五六七八九零一二八',
    'triple one triple two one',
    'one\u200btwo\u200bthree\u200bfour\u200bfive\u200bsix\u200bseven',
    'áone two three four five six seven',
    '4one1one1one1',
    'double five double six seven',
    'call me on +44 20 7946 0958',
    '手机幺三八幺两三四五六七八',
    '身份证11010519491231002X',
    'it is jane dot doe at example dot com',
    '你好，请问有什么可以帮您',
    'Thank you for calling, this call may be recorded.',
  ])('finds the same PII with and without the gate in %j', (text) => {
    const segments = [seg(text)];
    expect(detectPii(segments, prepareSegments(segments))).toEqual(detectPii(segments));
  });
});

describe('interruption counting', () => {
  it('agrees with a brute-force count on random conversations, in any input order', () => {
    const rand = createSeededRandom('interruptions');
    for (let round = 0; round < 30; round++) {
      const segments: Segment[] = [];
      let t = 0;
      for (let i = 0; i < 40; i++) {
        const startS = Math.max(0, t - (rand.next() < 0.3 ? rand.next() * 3 : 0));
        const endS = startS + 0.2 + rand.next() * 6;
        segments.push({ speaker: rand.next() < 0.5 ? 'agent' : 'customer', startS, endS, text: '好' });
        t = endS + rand.next();
      }
      const options = { band: { minS: 0, maxS: 1e6 }, minOverlapS: 0.3, language: 'zh' as const };
      const m = computeConversationMetrics(segments, options);
      const reversed = computeConversationMetrics([...segments].reverse(), options);
      expect(reversed.customerTurnsInterrupted).toBe(m.customerTurnsInterrupted);
      expect(reversed.agentTalkS).toBe(m.agentTalkS);
      expect(reversed.silenceS).toBe(m.silenceS);
      // Brute force over the turns the metrics report.
      const ordered = [...segments].sort((a, b) => a.startS - b.startS || a.endS - b.endS);
      const turns: Array<[number, number]> = [];
      let current: [number, number] | null = null;
      let lastAgentEndS = -Infinity;
      for (const s of ordered) {
        if (s.speaker === 'customer') {
          if (current && (s.startS < current[1] || lastAgentEndS <= current[1])) current[1] = Math.max(current[1], s.endS);
          else {
            if (current) turns.push(current);
            current = [s.startS, s.endS];
          }
        } else {
          if (current && s.startS >= current[1]) {
            turns.push(current);
            current = null;
          }
          lastAgentEndS = Math.max(lastAgentEndS, s.endS);
        }
      }
      if (current) turns.push(current);
      const interrupted = turns.filter(([t0, t1]) =>
        ordered.some((a) => a.speaker === 'agent' && a.startS > t0 && a.startS < t1 && Math.min(a.endS, t1) - a.startS >= 0.3),
      ).length;
      expect(m.customerTurns).toBe(turns.length);
      expect(m.customerTurnsInterrupted).toBe(interrupted);
    }
  });
});
