import { describe, expect, it } from 'vitest';
import {
  computeLogGamma,
  computeNormalCdf,
  computeNormalQuantile,
  computeRegularizedIncompleteBeta,
  computeStudentTCdf,
} from '../../../core/stats/distributions';

// Reference values from scipy.stats / scipy.special 1.17 (norm.cdf, norm.ppf, t.cdf, betainc).
describe('standard normal', () => {
  it.each([
    [1.96, 0.9750021048517795],
    [-1, 0.15865525393145707],
    [0, 0.5],
    [3, 0.9986501019683699],
    [-8, 6.22096057427174e-16],
  ])('Φ(%f) = %f', (x, expected) => {
    expect(computeNormalCdf(x)).toBeCloseTo(expected, 14);
    if (x === -8) expect(computeNormalCdf(x) / expected).toBeCloseTo(1, 7);
  });

  it.each([
    [0.975, 1.959963984540054],
    [0.001, -3.090232306167813],
    [0.5, 0],
  ])('quantile(%f) = %f', (p, expected) => {
    expect(computeNormalQuantile(p)).toBeCloseTo(expected, 12);
  });

  it('keeps about nine digits in the far tail', () => {
    expect(computeNormalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 8);
  });

  it('rejects probabilities outside (0, 1)', () => {
    expect(() => computeNormalQuantile(0)).toThrow(RangeError);
    expect(() => computeNormalQuantile(1)).toThrow(RangeError);
  });
});

describe('log-gamma and incomplete beta', () => {
  it('matches factorials and Γ(1/2) = √π', () => {
    expect(computeLogGamma(10)).toBeCloseTo(Math.log(362880), 12);
    expect(computeLogGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 13);
    expect(computeLogGamma(0.1)).toBeCloseTo(2.252712651734206, 12);
  });

  it.each([
    [0.3, 2, 1, 0.3 ** 2],
    [0.3, 1, 4, 1 - 0.7 ** 4],
    [0.5, 7.5, 7.5, 0.5],
    [0.4, 2.5, 3.7, 0.5151961496687577],
    [0.45, 30, 40, 0.6447480085585666],
    [0, 2, 3, 0],
    [1, 2, 3, 1],
  ])('I_%f(%f, %f) = %f', (x, a, b, expected) => {
    expect(computeRegularizedIncompleteBeta(x, a, b)).toBeCloseTo(expected, 12);
  });
});

describe('Student t CDF', () => {
  it.each([-3, -0.5, 0, 0.7, 4])('df = 1 is the Cauchy distribution (t = %f)', (t) => {
    expect(computeStudentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 13);
  });

  it.each([-2, 0.4, 3])('df = 2 has the closed form 1/2 + t / (2 sqrt(2 + t^2)) (t = %f)', (t) => {
    expect(computeStudentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 13);
  });

  it.each([
    [2.228138851986274, 10, 0.975],
    [2.042272456301238, 30, 0.975],
    [1.5, 7.3, 0.912218453598457],
    [-2.5, 3, 0.04385332350403278],
    [0.3, 150, 0.6177037528058207],
  ])('P(T <= %f; df %f) = %f', (t, df, expected) => {
    expect(computeStudentTCdf(t, df)).toBeCloseTo(expected, 11);
  });

  it('approaches the normal for large df', () => {
    expect(computeStudentTCdf(1.96, 1e7)).toBeCloseTo(computeNormalCdf(1.96), 6);
  });
});
