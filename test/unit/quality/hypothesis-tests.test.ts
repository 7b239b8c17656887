import { describe, expect, it } from 'vitest';
import { computePairAgreement } from '../../../core/stats/agreement';
import {
  adjustBenjaminiHochberg,
  compareProportions,
  computeSpearman,
  testFisherExact,
  testMannWhitney,
  testTwoProportions,
  testWelch,
} from '../../../core/stats/hypothesis-tests';

// Reference values from scipy.stats 1.17 (ttest_ind, mannwhitneyu, fisher_exact, spearmanr).
describe('two-proportion z-test', () => {
  it('computes the pooled z by hand', () => {
    // 45/100 vs 30/100: pooled 0.375, se = sqrt(0.375 * 0.625 * 0.02) = 0.0684653
    const result = testTwoProportions(45, 100, 30, 100);
    expect(result.z).toBeCloseTo(0.15 / Math.sqrt(0.375 * 0.625 * 0.02), 12);
    expect(result.pValue).toBeCloseTo(0.028459736916310, 9);
    expect(testTwoProportions(45, 100, 30, 100, 'greater').pValue).toBeCloseTo(0.014229868458155, 9);
  });

  it('gives p = 1 when both groups are all passes', () => {
    expect(testTwoProportions(10, 10, 20, 20).pValue).toBe(1);
  });

  it('rejects impossible counts', () => {
    expect(() => testTwoProportions(11, 10, 1, 2)).toThrow(/0 <= successes <= n/);
  });
});

describe('Fisher exact test', () => {
  it.each([
    [[3, 1, 1, 3], 'two-sided', 0.48571428571428565],
    [[1, 9, 11, 3], 'two-sided', 0.0027594561852200836],
    [[1, 9, 11, 3], 'less', 0.0013797280926100418],
  ] as const)('table %j (%s) p = %f', (cells, alternative, expected) => {
    const [a, b, c, d] = cells;
    expect(testFisherExact(a, b, c, d, alternative).pValue).toBeCloseTo(expected, 12);
  });

  it('is chosen over the z-test when expected counts are small', () => {
    expect(compareProportions(1, 6, 11, 14).test).toBe('fisher');
    expect(compareProportions(40, 100, 60, 100).test).toBe('z');
  });
});

describe('Welch and Mann-Whitney', () => {
  it('Welch matches scipy ttest_ind(equal_var=False)', () => {
    const r = testWelch([1, 2, 3, 4, 5], [2, 4, 6, 8, 10]);
    expect(r.t).toBeCloseTo(-1.8973665961010275, 12);
    expect(r.df).toBeCloseTo(5.882352941176471, 12);
    expect(r.pValue).toBeCloseTo(0.10753119493062728, 10);
  });

  it('Welch on two constant groups is certain about a difference and silent about none', () => {
    expect(testWelch([1, 1], [2, 2]).pValue).toBe(0);
    expect(testWelch([1, 1], [1, 1]).pValue).toBe(1);
  });

  it('Mann-Whitney matches scipy (asymptotic, continuity correction, ties)', () => {
    const a = [1, 2, 3, 4, 5, 5];
    const b = [3, 4, 6, 8, 10, 10, 11];
    expect(testMannWhitney(a, b).u).toBe(6);
    expect(testMannWhitney(a, b).pValue).toBeCloseTo(0.037259909504905916, 10);
    expect(testMannWhitney(a, b, 'less').pValue).toBeCloseTo(0.018629954752452958, 10);
  });
});

describe('Spearman with a Fisher-z interval', () => {
  it('matches scipy spearmanr and the 1.06/(n-3) interval', () => {
    const r = computeSpearman([70, 85, 60, 90, 75, 80], [3, 4, 2, 5, 4, 3]);
    expect(r.rho).toBeCloseTo(0.8533103351879245, 12);
    expect(r.pValue).toBeCloseTo(0.030698562972677913, 9);
    expect(r.ci!.lower).toBeCloseTo(0.1028014560794095, 10);
    expect(r.ci!.upper).toBeCloseTo(0.9847169481613486, 10);
  });

  it('is undefined for a constant variable or fewer than three pairs', () => {
    expect(computeSpearman([1, 2, 3, 4], [5, 5, 5, 5]).rho).toBeNull();
    expect(computeSpearman([1, 2], [1, 2]).rho).toBeNull();
    expect(computeSpearman([1, 2, 3], [1, 2, 4]).ci).toBeNull();
  });
});

describe('Benjamini-Hochberg and agreement', () => {
  it('adjusts p-values in input order', () => {
    expect(adjustBenjaminiHochberg([0.01, 0.04, 0.03, 0.005])).toEqual([0.02, 0.04, 0.04, 0.02]);
  });

  it("computes Cohen's kappa by hand", () => {
    // 10 items: agree on 7 (4 pass-pass, 3 fail-fail); A passes 6, B passes 5 -> pe = 0.6*0.5 + 0.4*0.5 = 0.5
    const a = ['p', 'p', 'p', 'p', 'p', 'p', 'f', 'f', 'f', 'f'];
    const b = ['p', 'p', 'p', 'p', 'f', 'f', 'f', 'f', 'f', 'p'];
    const r = computePairAgreement(a, b);
    expect(r.percentAgreement).toBeCloseTo(0.7, 12);
    expect(r.kappa).toBeCloseTo((0.7 - 0.5) / 0.5, 12);
    expect(computePairAgreement(['p', 'p'], ['p', 'p']).kappa).toBeNull();
  });
});
