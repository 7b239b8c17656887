import { describe, expect, it } from 'vitest';
import {
  groupTokensIntoSegments,
  labelChannelSegments,
  labelMonoSegments,
  mergeSegmentTimelines,
  normalizeLanguage,
  speakerForChannel,
  type TimedToken,
} from '../../../core/transcription/timeline';

describe('speaker labelling of two-channel audio', () => {
  it.each([
    [0, undefined, 'agent'],
    [1, undefined, 'customer'],
    [0, 1, 'customer'],
    [1, 1, 'agent'],
  ] as const)('channel %i with agentChannel %s is the %s', (channel, agentChannel, expected) => {
    expect(speakerForChannel(channel, agentChannel)).toBe(expected);
  });

  it('labels a channel, trims text, keeps confidence and drops empty segments', () => {
    expect(
      labelChannelSegments(
        [
          { startS: 0, endS: 1, text: ' Hello. ', confidence: 0.9 },
          { startS: 1, endS: 2, text: '  ' },
        ],
        1,
      ),
    ).toEqual([{ speaker: 'customer', startS: 0, endS: 1, text: 'Hello.', confidence: 0.9 }]);
  });
});

describe('mergeSegmentTimelines', () => {
  it('interleaves two channels by start time, then end time, ties in list order', () => {
    const agent = [
      { speaker: 'agent' as const, startS: 0, endS: 2, text: 'a1' },
      { speaker: 'agent' as const, startS: 5, endS: 7, text: 'a2' },
      { speaker: 'agent' as const, startS: 9, endS: 10, text: 'a3' },
    ];
    const customer = [
      { speaker: 'customer' as const, startS: 9, endS: 10, text: 'c3' },
      { speaker: 'customer' as const, startS: 1.5, endS: 4, text: 'c1' },
      { speaker: 'customer' as const, startS: 5, endS: 6, text: 'c2' },
    ];
    expect(mergeSegmentTimelines(agent, customer).map((s) => s.text)).toEqual(['a1', 'c1', 'c2', 'a2', 'a3', 'c3']);
    expect(customer[0]?.text).toBe('c3');
  });
});

describe('labelMonoSegments', () => {
  const segments = [
    { startS: 0, endS: 2, text: 'Hello, this call may be recorded.' },
    { startS: 2.2, endS: 3, text: 'How can I help?' },
    { startS: 4, endS: 6, text: 'My parcel is late.' },
    { startS: 6.8, endS: 8, text: 'Let me check.' },
  ];

  it('alternates speakers on pauses at least pauseS long, agent first', () => {
    expect(labelMonoSegments(segments, { kind: 'alternate-on-pause', pauseS: 0.6 }).map((s) => s.speaker)).toEqual([
      'agent',
      'agent',
      'customer',
      'agent',
    ]);
  });

  it('gives every segment one speaker when told to', () => {
    expect(labelMonoSegments(segments, { kind: 'customer' }).map((s) => s.speaker)).toEqual(['customer', 'customer', 'customer', 'customer']);
  });
});

describe('groupTokensIntoSegments', () => {
  const word = (speaker: 'agent' | 'customer', text: string, startS: number, endS: number, confidence?: number): TimedToken => ({
    speaker,
    text,
    kind: 'word',
    startS,
    endS,
    ...(confidence === undefined ? {} : { confidence }),
  });
  const mark = (speaker: 'agent' | 'customer', text: string): TimedToken => ({ speaker, text, kind: 'punctuation' });

  it('cuts at speaker changes and long pauses, attaches punctuation, averages confidence', () => {
    const segments = groupTokensIntoSegments(
      [
        mark('agent', ','),
        word('agent', 'Hello', 0, 0.4, 1),
        mark('agent', ','),
        word('agent', 'there', 0.5, 0.9, 0.5),
        mark('agent', '.'),
        word('customer', 'Hi', 1.2, 1.4, 0.9),
        word('customer', 'again', 5, 5.5, 0.7),
      ],
      { maxGapS: 2 },
    );
    expect(segments).toEqual([
      { speaker: 'agent', startS: 0, endS: 0.9, text: 'Hello, there.', confidence: 0.75 },
      { speaker: 'customer', startS: 1.2, endS: 1.4, text: 'Hi', confidence: 0.9 },
      { speaker: 'customer', startS: 5, endS: 5.5, text: 'again', confidence: 0.7 },
    ]);
  });

  it('joins CJK without spaces and mixed text with them', () => {
    const segments = groupTokensIntoSegments([word('agent', '保证', 0, 0.3), word('agent', '收益', 0.3, 0.6), word('agent', 'OK', 0.6, 0.8), word('agent', '吗', 0.8, 1)]);
    expect(segments[0]?.text).toBe('保证收益 OK 吗');
    expect(segments[0]).not.toHaveProperty('confidence');
  });
});

describe('normalizeLanguage', () => {
  it.each([
    ['english', 'en'],
    ['en-US', 'en'],
    ['EN', 'en'],
    ['chinese', 'zh'],
    ['zh-CN', 'zh'],
    ['zh_TW', 'zh'],
    ['cmn', 'zh'],
    ['french', 'auto'],
    ['', 'auto'],
    [undefined, 'auto'],
  ])('maps %s to %s', (input, expected) => {
    expect(normalizeLanguage(input)).toBe(expected);
  });
});
