import { describe, it, expect } from 'vitest';
import { normalizeForMatch, normalizeTerm } from '../../../core/analysis/text/normalize';

describe('normalizeForMatch', () => {
  it.each([
    ['保 本', '保本'],
    ['保-本', '保本'],
    ['保\u200b本', '保本'],
    ['保證收益', '保证收益'],
    ['穩賺不賠', '稳赚不赔'],
    ['ＲＩＳＫ－ＦＲＥＥ', 'riskfree'],
    ['R I S K free', 'riskfree'],
    ['Risk-Free!', 'riskfree'],
    ['Café', 'cafe'],
    ['６２２２', '6222'],
  ])('folds %j to %j', (input, expected) => {
    expect(normalizeForMatch(input).text).toBe(expected);
    expect(normalizeTerm(input)).toBe(expected);
  });

  it('maps every normalised character back to its original position', () => {
    const original = '您好，保 證收益！';
    const n = normalizeForMatch(original);
    const at = n.text.indexOf('保证收益');
    expect(original.slice(n.origStart[at], n.origEnd[at + 3])).toBe('保 證收益');
  });

  it('marks word starts only where the original had a boundary', () => {
    const n = normalizeForMatch('brisk-freedom risk');
    expect(n.text).toBe('briskfreedomrisk');
    expect(n.wordStart[0]).toBe(1);
    expect(n.wordStart[1]).toBe(0);
    expect(n.wordStart[5]).toBe(1);
    expect(n.wordStart[12]).toBe(1);
  });

  it('does not split a word at a zero-width character', () => {
    const n = normalizeForMatch('ri\u200bsk');
    expect(n.text).toBe('risk');
    expect(Array.from(n.wordStart)).toEqual([1, 0, 0, 0]);
  });
});
