import { describe, expect, it } from 'vitest';
import { findActiveSegment, splitHighlights } from '../../../widgets/features/call-history/transcript-timeline';
import { transcriptFixture } from './fixtures/hub-fixtures';

describe('findActiveSegment', () => {
  it.each([
    [-1, -1],
    [0, 0],
    [4.19, 0],
    [4.2, 1],
    [8.99, 1],
    [9.5, -1],
    [10, 2],
    [15, -1],
    [100, -1],
  ])('at %d s the active segment is %i', (timeS, expected) => {
    expect(findActiveSegment(transcriptFixture.segments, timeS)).toBe(expected);
  });

  it('finds nothing in an empty transcript', () => {
    expect(findActiveSegment([], 3)).toBe(-1);
  });
});

describe('splitHighlights', () => {
  const text = '我想退款，你们说过保本承诺。';

  it('cuts out the highlighted range of its own segment only', () => {
    expect(splitHighlights(text, 1, transcriptFixture.highlights)).toEqual([
      { text: '我想退款，你们说过' },
      { text: '保本承诺', kind: 'SENSITIVE_WORD' },
      { text: '。' },
    ]);
    expect(splitHighlights(text, 0, transcriptFixture.highlights)).toEqual([{ text }]);
  });

  it.each([
    ['clamps ranges past the end', [{ segment: 0, start: 2, end: 99, kind: 'PII' }], ['ab', 'cd|PII']],
    ['drops empty and inverted ranges', [{ segment: 0, start: 2, end: 2, kind: 'PII' }, { segment: 0, start: 3, end: 1, kind: 'PII' }], ['abcd']],
    [
      'drops a range overlapping an earlier one',
      [
        { segment: 0, start: 0, end: 2, kind: 'A' },
        { segment: 0, start: 1, end: 3, kind: 'B' },
        { segment: 0, start: 3, end: 4, kind: 'C' },
      ],
      ['ab|A', 'c', 'd|C'],
    ],
    ['handles a highlight covering everything', [{ segment: 0, start: 0, end: 4, kind: 'PII' }], ['abcd|PII']],
  ])('%s', (_name, highlights, expected) => {
    const runs = splitHighlights('abcd', 0, highlights);
    expect(runs.map((run) => (run.kind === undefined ? run.text : `${run.text}|${run.kind}`))).toEqual(expected);
    expect(runs.map((run) => run.text).join('')).toBe('abcd');
  });

  it('keeps an empty segment as one empty run', () => {
    expect(splitHighlights('', 0, [])).toEqual([{ text: '' }]);
  });
});
