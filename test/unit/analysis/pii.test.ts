import { describe, it, expect } from 'vitest';
import { isChineseIdValid, isLuhnValid } from '../../../core/analysis/pii/pii.checksums';
import { computeRedactionSpans, detectPii, redactSegments } from '../../../core/analysis/pii/pii.detector';
import type { Segment } from '../../../core/analysis/transcript.types';

const customer = (text: string, startS = 0, endS = 10): Segment => ({ speaker: 'customer', startS, endS, text });
const kinds = (text: string) => detectPii([customer(text)]).map((h) => [h.kind, text.slice(h.start, h.end)]);

describe('checksums', () => {
  it.each([
    ['4111111111111111', true],
    ['4111111111111112', false],
    ['6222021234567890128', true],
    ['6222021234567890127', false],
    ['6228480012345671', true],
    ['12a4', false],
  ])('Luhn %s -> %s', (digits, valid) => expect(isLuhnValid(digits)).toBe(valid));

  it.each([
    ['11010519491231002X', true],
    ['11010519491231002x', true],
    ['510108200002294560', true],
    ['110105194912310021', false],
    ['510108200102294569', false],
    ['11010519491331002X', false],
    ['01010519491231002X', false],
  ])('resident ID %s -> %s', (id, valid) => expect(isChineseIdValid(id)).toBe(valid));
});

describe('detectPii', () => {
  it.each([
    ['卡号是6222021234567890128', [['bank_card', '6222021234567890128']]],
    ['卡号 6222 0212 3456 7890 128 对吧', [['bank_card', '6222 0212 3456 7890 128']]],
    ['卡号是6222021234567890127', []],
    ['身份证11010519491231002X', [['cn_id', '11010519491231002X']]],
    ['身份证110105194912310021', []],
    ['手机13812345678', [['phone', '13812345678']]],
    ['手机12812345678', []],
    ['call me on +44 20 7946 0958', [['phone', '+44 20 7946 0958'.slice(1)]]],
    ['mail me at jane.doe@example.com please', [['email', 'jane.doe@example.com']]],
    ['it is jane dot doe at example dot com', [['email', 'jane dot doe at example dot com']]],
    ['订单号20231105998877', []],
  ])('%j', (text, expected) => {
    expect(kinds(text)).toEqual(expected);
  });

  it('reads Chinese spoken digits, 幺 as 1 and 两 as 2', () => {
    expect(kinds('我的手机是幺三八幺两三四五六七八')).toEqual([['phone', '幺三八幺两三四五六七八']]);
    expect(kinds('卡号六二二二零二一二三四五六七八九零一二八')).toEqual([['bank_card', '六二二二零二一二三四五六七八九零一二八']]);
  });

  it('reads English spoken digits with "oh" and "double"', () => {
    const text = 'my card is four one one one, one one one one, one one one one, one one one one';
    expect(kinds(text)).toEqual([['bank_card', text.slice(11)]]);
    expect(kinds('number is one three eight double one two three four five six oh')).toEqual([
      ['phone', 'one three eight double one two three four five six oh'],
    ]);
  });

  it('reads full-width digits', () => {
    expect(kinds('手机１３８１２３４５６７８')).toEqual([['phone', '１３８１２３４５６７８']]);
  });

  it('separates two numbers said one after the other', () => {
    expect(kinds('13812345678 13912345678').map((k) => k[0])).toEqual(['phone', 'phone']);
  });

  it('redacts the transcript and computes padded audio spans', () => {
    const segments = [customer('卡号6222021234567890128谢谢', 10, 20), customer('好的', 20, 21)];
    const hits = detectPii(segments);
    expect(redactSegments(segments, hits).map((s) => s.text)).toEqual(['卡号[BANK_CARD]谢谢', '好的']);
    const [hit] = hits;
    expect(hit?.startS).toBeCloseTo(10 + (10 * 2) / 23, 3);
    expect(hit?.endS).toBeCloseTo(10 + (10 * 21) / 23, 3);
    const spans = computeRedactionSpans(segments, hits, 0.5);
    expect(spans).toHaveLength(1);
    expect(spans[0]?.startS).toBeCloseTo((hit?.startS ?? 0) - 0.5, 3);
    expect(spans[0]?.kinds).toEqual(['bank_card']);
  });
});
