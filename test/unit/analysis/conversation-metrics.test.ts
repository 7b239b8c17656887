import { describe, it, expect } from 'vitest';
import { computeConversationMetrics, detectLanguage } from '../../../core/analysis/metrics/conversation.metrics';
import type { Segment } from '../../../core/analysis/transcript.types';

const a = (startS: number, endS: number, text = '好的'): Segment => ({ speaker: 'agent', startS, endS, text });
const c = (startS: number, endS: number, text = '你好'): Segment => ({ speaker: 'customer', startS, endS, text });

describe('computeConversationMetrics', () => {
  it('matches a case computed by hand', () => {
    // Customer turns: [5,15] (agent starts at 12 -> talked over, 3 s overlap),
    // [20,30] (agent starts at 30 -> not over), [40,50] (agent 45-45.1 -> 0.1 s backchannel, below 0.3 s),
    // [60,70] (agent 65-72 -> talked over). 4 turns, 2 interrupted.
    const segments = [
      a(0, 5), c(5, 15), a(12, 20), c(20, 30), a(30, 40), c(40, 50), a(45, 45.1), a(50, 60), c(60, 70), a(65, 72),
    ];
    const m = computeConversationMetrics(segments, { band: { minS: 180, maxS: 480 }, minOverlapS: 0.3, language: 'zh' });
    expect(m.durationS).toBe(72);
    expect(m.agentTalkS).toBeCloseTo(5 + 8 + 10 + 0.1 + 10 + 7, 3);
    expect(m.customerTalkS).toBe(40);
    expect(m.overlapS).toBeCloseTo(3 + 0.1 + 5, 3);
    expect(m.silenceS).toBe(0);
    expect(m.talkRatio).toBeCloseTo(40.1 / 80.1, 4);
    expect(m.customerTurns).toBe(4);
    expect(m.customerTurnsInterrupted).toBe(2);
    expect(m.interruptionRate).toBe(0.5);
    expect(m.durationOutsideBandS).toBe(108);
  });

  it('counts silence, merges consecutive customer segments into one turn and uses the recording length', () => {
    const m = computeConversationMetrics([a(0, 10), c(20, 25), c(26, 30), a(40, 50)], {
      durationS: 300,
      band: { minS: 180, maxS: 480 },
      minOverlapS: 0.3,
      language: 'en',
    });
    expect(m.durationS).toBe(300);
    expect(m.silenceS).toBe(300 - 29);
    expect(m.customerTurns).toBe(1);
    expect(m.customerTurnsInterrupted).toBe(0);
    expect(m.durationOutsideBandS).toBe(0);
  });

  it('computes speaking rate in characters per minute for Chinese and words per minute for English', () => {
    const zh = computeConversationMetrics([c(0, 30, '我想查一下我的订单到哪里了')], { band: { minS: 0, maxS: 1 }, minOverlapS: 0, language: 'zh' });
    expect(zh.speakingRate.customer).toEqual({ unit: 'chars_per_min', value: 26 });
    const en = computeConversationMetrics([c(0, 30, "I'd like to check my order")], { band: { minS: 0, maxS: 1 }, minOverlapS: 0, language: 'en' });
    expect(en.speakingRate.customer).toEqual({ unit: 'words_per_min', value: 12 });
  });

  it('detects the language of an auto transcript', () => {
    expect(detectLanguage([c(0, 1, '您好请问有什么可以帮您')], 'auto')).toBe('zh');
    expect(detectLanguage([c(0, 1, 'hello how can I help you today')], 'auto')).toBe('en');
    expect(detectLanguage([c(0, 1, 'hello')], 'zh')).toBe('zh');
  });
});
