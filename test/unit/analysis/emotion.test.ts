import { describe, it, expect } from 'vitest';
import { classifyEmotion, getDefaultEmotionModel } from '../../../core/analysis/emotion/emotion.default';
import { analyzeCustomerEmotion } from '../../../core/analysis/emotion/emotion.analysis';
import { loadEmotionModel } from '../../../core/analysis/emotion/emotion.model';
import { extractEmotionFeatures } from '../../../core/analysis/emotion/emotion.features';
import type { Segment } from '../../../core/analysis/transcript.types';

describe('emotion model', () => {
  it.each([
    ['你们的服务太差了，我要投诉', 'negative'],
    ['等了一个星期还没发货，太失望了', 'negative'],
    ['非常感谢，问题解决了，你们太棒了', 'positive'],
    ['This is ridiculous, I have been on hold for an hour', 'negative'],
    ['Thank you so much, that was really helpful', 'positive'],
    ['The worst customer service I have ever had', 'negative'],
  ])('labels %j as %s', (text, label) => {
    expect(classifyEmotion(text).label).toBe(label);
  });

  it('turns negation into its own feature', () => {
    const plain = extractEmotionFeatures('good service', 1 << 16).buckets;
    const negated = extractEmotionFeatures('not good service', 1 << 16).buckets;
    expect(negated).not.toContain(plain[0]);
    expect(classifyEmotion('the agent was not helpful at all').label).toBe('negative');
  });

  it('drops @mentions, URLs as one cue, numbers, and squashes elongation', () => {
    const bucketsOf = (text: string) => Array.from(extractEmotionFeatures(text, 1 << 20).buckets).sort((a, b) => a - b);
    expect(bucketsOf('@united thanks')).toEqual(bucketsOf('thanks'));
    expect(bucketsOf('thanks 12345')).toEqual(bucketsOf('thanks'));
    expect(bucketsOf('thanks https://t.co/abc')).toEqual(bucketsOf('thanks www.example.com/x'));
    expect(bucketsOf('thanks https://t.co/abc')).not.toEqual(bucketsOf('thanks'));
    const elongated = bucketsOf('sooooo good');
    expect(elongated).toEqual(expect.arrayContaining(bucketsOf('soo good')));
    expect(elongated.length).toBe(bucketsOf('soo good').length + 1);
  });

  it('adds cues for emoticons, emoji, exclamations and shouting', () => {
    const count = (text: string) => extractEmotionFeatures(text, 1 << 20).buckets.length;
    const base = count('late again');
    expect(count('late again :(')).toBe(base + 1);
    expect(count('late again 😡')).toBe(base + 1);
    expect(count('late again!')).toBe(base + 1);
    expect(count('late again!!')).toBe(base + 2);
    expect(count('LATE again')).toBe(base + 1);
    expect(extractEmotionFeatures(':)', 1 << 20).buckets).not.toEqual(extractEmotionFeatures(':(', 1 << 20).buckets);
  });

  it('gives lexicon words their polarity strength as shared features, flipped under negation', () => {
    const bucketsOf = (text: string) => new Set(extractEmotionFeatures(text, 1 << 20).buckets);
    const shared = (a: string, b: string) => [...bucketsOf(a)].filter((x) => bucketsOf(b).has(x)).length;
    // "abhorrent" and "nasty" (no character n-gram in common) are both strongly negative in the
    // lexicon; "splendid" is positive.
    expect(shared('abhorrent', 'nasty')).toBeGreaterThanOrEqual(3);
    expect(shared('abhorrent', 'splendid')).toBe(0);
    expect(shared('not happy', 'sad')).toBeGreaterThanOrEqual(3);
    expect(shared('happy', 'sad')).toBe(0);
    expect(classifyEmotion('I am not happy with this').label).toBe('negative');
  });

  it('reads traditional Chinese like simplified', () => {
    expect(classifyEmotion('服務太差了').label).toBe(classifyEmotion('服务太差了').label);
    expect(classifyEmotion('服務太差了').score).toBeCloseTo(classifyEmotion('服务太差了').score, 6);
  });

  it('returns probabilities that sum to 1 and is deterministic', () => {
    const a = classifyEmotion('我想问一下退款的进度');
    const b = classifyEmotion('我想问一下退款的进度');
    expect(a).toEqual(b);
    expect(a.probabilities.negative + a.probabilities.neutral + a.probabilities.positive).toBeCloseTo(1, 9);
  });

  it('rejects a malformed model file', () => {
    expect(() => loadEmotionModel({ format: 'other' })).toThrow(/callsight-emotion/);
    expect(() => loadEmotionModel({ format: 'callsight-emotion/1', models: { zh: { buckets: 3 } } })).toThrow(/malformed/);
  });
});

describe('analyzeCustomerEmotion', () => {
  const c = (startS: number, text: string): Segment => ({ speaker: 'customer', startS, endS: startS + 5, text });

  it('builds a timeline of customer segments only and finds an agitated stretch', () => {
    const segments: Segment[] = [
      { speaker: 'agent', startS: 0, endS: 3, text: '您好，请问有什么可以帮您' },
      c(3, '我的快递等了十天还没到，太慢了'),
      c(10, '你们怎么回事，太差劲了，我要投诉'),
      c(20, '客服态度太差了，气死我了'),
      c(30, '嗯'),
    ];
    const e = analyzeCustomerEmotion(getDefaultEmotionModel(), segments);
    expect(e.timeline.map((p) => p.segment)).toEqual([1, 2, 3, 4]);
    expect(e.timeline[3]?.label).toBe('neutral');
    expect(e.customer.label).toBe('negative');
    expect(e.peakNegative).toBeGreaterThan(0.75);
  });

  it('reports neutral for a call without customer speech', () => {
    const e = analyzeCustomerEmotion(getDefaultEmotionModel(), [{ speaker: 'agent', startS: 0, endS: 1, text: 'hello' }]);
    expect(e.customer).toEqual({ label: 'neutral', score: 1 });
    expect(e.timeline).toEqual([]);
  });
});

describe('customer emotion over the call (shipped model)', () => {
  const c = (startS: number, text: string): Segment => ({ speaker: 'customer', startS, endS: startS + 5, text });
  const a = (startS: number, text: string): Segment => ({ speaker: 'agent', startS, endS: startS + 5, text });

  it('sees an upset customer calmed down: negative start, better turn, recovered', () => {
    const e = analyzeCustomerEmotion(getDefaultEmotionModel(), [
      c(0, '你们这什么破服务，太差劲了，我要投诉'),
      a(6, '非常抱歉给您带来不便，我马上帮您处理'),
      c(12, '等了半个月了还没到，气死我了'),
      a(18, '已经为您加急，明天一定送到'),
      c(24, '嗯'),
      c(30, '好的，那谢谢你了，服务很好'),
      c(36, '太好了，非常感谢你的耐心'),
    ]);
    const t = e.trajectory;
    expect(t?.start.label).toBe('negative');
    expect(t?.end.label).not.toBe('negative');
    expect(t?.recovered).toBe(true);
    expect(t?.lowest.fromSegment).toBe(0);
    expect(t?.turns.some((turn) => turn.direction === 'better' && turn.segment >= 5)).toBe(true);
  });

  it('sees a calm customer turning upset: no recovery to judge, a worse turn', () => {
    const e = analyzeCustomerEmotion(getDefaultEmotionModel(), [
      c(0, 'I would like to check the status of my order'),
      c(6, 'Can you tell me when it will be delivered'),
      c(12, 'This is ridiculous, the worst service ever, I am furious'),
      c(18, 'Terrible, absolutely unacceptable, I want a refund now'),
    ]);
    expect(e.trajectory?.start.label).not.toBe('negative');
    expect(e.trajectory?.end.label).toBe('negative');
    expect(e.trajectory?.recovered).toBeNull();
    expect(e.trajectory?.turns.map((turn) => turn.direction)).toContain('worse');
  });
});
