import { describe, expect, it } from 'vitest';
import { computeKrippendorffAlpha, transposeCoderMatrix, type CodedValue } from '../../../core/stats/krippendorff-alpha';

// K. Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011), reliability data matrices.
const _ = null;
const FOUR_CODERS: CodedValue[][] = [
  [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
  [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
  [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
  [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
];
const TWO_CODERS_BINARY: CodedValue[][] = [
  [0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
  [1, 1, 1, 0, 0, 1, 0, 0, 0, 0],
];

describe("Krippendorff's alpha against the published worked examples", () => {
  it.each([
    ['nominal', 0.743],
    ['ordinal', 0.815],
    ['interval', 0.849],
    ['ratio', 0.797],
  ] as const)('4 coders x 12 units with missing values, %s: alpha = %f', (level, published) => {
    const result = computeKrippendorffAlpha(transposeCoderMatrix(FOUR_CODERS), level);
    expect(result.alpha!).toBeCloseTo(published, 3);
    // Unit 12 has a single value and is not pairable; the rest hold 40 pairable values.
    expect(result.pairableUnits).toBe(11);
    expect(result.pairableValues).toBe(40);
  });

  it('2 coders, binary data: alpha = 0.095', () => {
    const result = computeKrippendorffAlpha(transposeCoderMatrix(TWO_CODERS_BINARY), 'nominal');
    expect(result.alpha!).toBeCloseTo(0.095, 3);
    // The paper's coincidence matrix: o00 = 10, o01 = o10 = 4, o11 = 2.
    expect(result.coincidences).toEqual([
      [10, 4],
      [4, 2],
    ]);
  });

  it('has the nominal coincidence matrix of the paper (n = 40)', () => {
    const result = computeKrippendorffAlpha(transposeCoderMatrix(FOUR_CODERS), 'nominal');
    const marginals = result.coincidences.map((row) => row.reduce((a, b) => a + b, 0));
    expect(result.values).toEqual([1, 2, 3, 4, 5]);
    expect(marginals.map((m) => Math.round(m * 1000) / 1000)).toEqual([9, 13, 10, 5, 3]);
    expect(result.coincidences[0]![0]).toBeCloseTo(7, 12);
    expect(result.coincidences[0]![1]).toBeCloseTo(4 / 3, 12);
  });

  it('does not depend on which coder gave which value, nor on unit order', () => {
    const units = transposeCoderMatrix(FOUR_CODERS);
    const shuffled = [...units].reverse().map((unit) => [...unit].reverse());
    expect(computeKrippendorffAlpha(shuffled, 'ordinal').alpha).toBeCloseTo(computeKrippendorffAlpha(units, 'ordinal').alpha!, 12);
  });

  it('is 1 for perfect agreement and undefined without variation', () => {
    expect(computeKrippendorffAlpha([[1, 1], [2, 2], [3, 3, 3]], 'interval').alpha).toBe(1);
    expect(computeKrippendorffAlpha([[2, 2], [2, 2, null]], 'nominal').alpha).toBeNull();
    expect(computeKrippendorffAlpha([[1, null], [null, 2]], 'nominal').alpha).toBeNull();
  });

  it('accepts labels at the nominal level only', () => {
    expect(computeKrippendorffAlpha([['pass', 'pass'], ['fail', 'pass'], ['fail', 'fail']], 'nominal').alpha).toBeCloseTo(
      computeKrippendorffAlpha([[1, 1], [0, 1], [0, 0]], 'nominal').alpha!,
      12,
    );
    expect(() => computeKrippendorffAlpha([['a', 'b']], 'ordinal')).toThrow(/numeric/);
    expect(() => computeKrippendorffAlpha([[Number.NaN, 1]], 'interval')).toThrow(/finite/);
  });
});
