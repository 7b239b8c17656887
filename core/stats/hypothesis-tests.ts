/**
 * Significance tests used by the coaching loop, KPIs and segment insights. Every test returns its
 * statistic and a p-value for the requested alternative; degenerate inputs (no variance, empty groups)
 * give a defined answer instead of NaN, documented per function.
 */
import { CallsightError } from '../shared/errors';
import { computeAverageRanks, computeMean, computePearson, computeSampleVariance } from './descriptive';
import { computeLogFactorial, computeNormalCdf, computeNormalQuantile, computeStudentTCdf } from './distributions';

/** `greater`: the first group is larger than the second; `less`: smaller. */
export type Alternative = 'two-sided' | 'greater' | 'less';

function pValueFromNormal(z: number, alternative: Alternative): number {
  if (alternative === 'greater') return 1 - computeNormalCdf(z);
  if (alternative === 'less') return computeNormalCdf(z);
  return Math.min(1, 2 * (1 - computeNormalCdf(Math.abs(z))));
}

function pValueFromT(t: number, df: number, alternative: Alternative): number {
  if (alternative === 'greater') return 1 - computeStudentTCdf(t, df);
  if (alternative === 'less') return computeStudentTCdf(t, df);
  return Math.min(1, 2 * computeStudentTCdf(-Math.abs(t), df));
}

function requireCount(name: string, successes: number, n: number): void {
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(successes) || successes < 0 || successes > n) {
    throw new CallsightError('VALIDATION_FAILED', `${name} needs integer counts with 0 <= successes <= n and n >= 1`, {
      details: { successes, n },
    });
  }
}

export interface ProportionTestResult {
  readonly p1: number;
  readonly p2: number;
  readonly diff: number;
  readonly z: number;
  readonly pValue: number;
}

/**
 * Two-proportion z-test with the pooled standard error. When both groups are all successes or all
 * failures the pooled SE is 0 and the proportions are equal: z = 0, p = 1.
 */
export function testTwoProportions(
  successes1: number,
  n1: number,
  successes2: number,
  n2: number,
  alternative: Alternative = 'two-sided',
): ProportionTestResult {
  requireCount('two-proportion test (group 1)', successes1, n1);
  requireCount('two-proportion test (group 2)', successes2, n2);
  const p1 = successes1 / n1;
  const p2 = successes2 / n2;
  const pooled = (successes1 + successes2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const z = se === 0 ? 0 : (p1 - p2) / se;
  return { p1, p2, diff: p1 - p2, z, pValue: se === 0 ? 1 : pValueFromNormal(z, alternative) };
}

export interface FisherExactResult {
  /** Sample odds ratio (a d) / (b c); Infinity when b c = 0 < a d, NaN when both are 0. */
  readonly oddsRatio: number;
  readonly pValue: number;
}

/**
 * Fisher's exact test on the 2x2 table [[a, b], [c, d]] (rows: group, columns: event yes/no).
 * Two-sided p sums the probabilities of all tables with the same margins that are no more likely than
 * the observed one (the convention of R's fisher.test), with a 1e-7 relative tolerance for ties.
 */
export function testFisherExact(a: number, b: number, c: number, d: number, alternative: Alternative = 'two-sided'): FisherExactResult {
  for (const v of [a, b, c, d]) {
    if (!Number.isInteger(v) || v < 0) {
      throw new CallsightError('VALIDATION_FAILED', 'Fisher exact test needs non-negative integer cell counts', { details: { a, b, c, d } });
    }
  }
  const row1 = a + b;
  const row2 = c + d;
  const col1 = a + c;
  const n = row1 + row2;
  const minA = Math.max(0, col1 - row2);
  const maxA = Math.min(row1, col1);
  const logMargins =
    computeLogFactorial(row1) + computeLogFactorial(row2) + computeLogFactorial(col1) + computeLogFactorial(n - col1) - computeLogFactorial(n);
  const probability = (x: number): number =>
    Math.exp(
      logMargins -
        computeLogFactorial(x) -
        computeLogFactorial(row1 - x) -
        computeLogFactorial(col1 - x) -
        computeLogFactorial(row2 - col1 + x),
    );
  const observed = probability(a);
  let pValue = 0;
  for (let x = minA; x <= maxA; x++) {
    const px = probability(x);
    if (alternative === 'greater' ? x >= a : alternative === 'less' ? x <= a : px <= observed * (1 + 1e-7)) pValue += px;
  }
  const oddsRatio = b * c === 0 ? (a * d === 0 ? Number.NaN : Number.POSITIVE_INFINITY) : (a * d) / (b * c);
  return { oddsRatio, pValue: Math.min(1, pValue) };
}

export interface WelchTestResult {
  readonly mean1: number;
  readonly mean2: number;
  readonly diff: number;
  readonly t: number;
  readonly df: number;
  readonly pValue: number;
}

/**
 * Welch's unequal-variance t-test. Needs at least two values per group. When both variances are 0 the
 * groups are constant: p = 1 if the means are equal, else 0 (the difference is certain).
 */
export function testWelch(group1: readonly number[], group2: readonly number[], alternative: Alternative = 'two-sided'): WelchTestResult {
  if (group1.length < 2 || group2.length < 2) {
    throw new CallsightError('VALIDATION_FAILED', 'Welch t-test needs at least two values in each group', {
      details: { n1: group1.length, n2: group2.length },
    });
  }
  const mean1 = computeMean(group1)!;
  const mean2 = computeMean(group2)!;
  const v1 = computeSampleVariance(group1)! / group1.length;
  const v2 = computeSampleVariance(group2)! / group2.length;
  const diff = mean1 - mean2;
  if (v1 + v2 === 0) {
    const sign = diff === 0 ? 0 : diff > 0 ? 1 : -1;
    const certain = alternative === 'two-sided' ? sign !== 0 : alternative === 'greater' ? sign > 0 : sign < 0;
    return { mean1, mean2, diff, t: sign === 0 ? 0 : sign * Number.POSITIVE_INFINITY, df: group1.length + group2.length - 2, pValue: certain ? 0 : 1 };
  }
  const t = diff / Math.sqrt(v1 + v2);
  const df = ((v1 + v2) * (v1 + v2)) / ((v1 * v1) / (group1.length - 1) + (v2 * v2) / (group2.length - 1));
  return { mean1, mean2, diff, t, df, pValue: pValueFromT(t, df, alternative) };
}

export interface MannWhitneyResult {
  /** U statistic of the first group (number of pairs where group 1 wins, ties counting one half). */
  readonly u: number;
  readonly z: number;
  readonly pValue: number;
}

/**
 * Mann-Whitney U test with the normal approximation, tie-corrected variance and a 0.5 continuity
 * correction (as R's wilcox.test with exact = FALSE). All values tied: p = 1.
 */
export function testMannWhitney(group1: readonly number[], group2: readonly number[], alternative: Alternative = 'two-sided'): MannWhitneyResult {
  const n1 = group1.length;
  const n2 = group2.length;
  if (n1 === 0 || n2 === 0) {
    throw new CallsightError('VALIDATION_FAILED', 'Mann-Whitney test needs at least one value in each group', { details: { n1, n2 } });
  }
  const all = [...group1, ...group2];
  const ranks = computeAverageRanks(all);
  let rankSum1 = 0;
  for (let i = 0; i < n1; i++) rankSum1 += ranks[i]!;
  const u = rankSum1 - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const tieCounts = new Map<number, number>();
  for (const v of all) tieCounts.set(v, (tieCounts.get(v) ?? 0) + 1);
  let tieTerm = 0;
  for (const t of tieCounts.values()) tieTerm += t * t * t - t;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (!(variance > 0)) return { u, z: 0, pValue: 1 };
  const centred = u - (n1 * n2) / 2;
  const correction = alternative === 'two-sided' ? Math.sign(centred) * 0.5 : alternative === 'greater' ? 0.5 : -0.5;
  const z = (centred - correction) / Math.sqrt(variance);
  return { u, z, pValue: pValueFromNormal(z, alternative) };
}

export interface SpearmanResult {
  readonly n: number;
  /** Spearman's rho (Pearson on average ranks, so ties are handled); null when n < 3 or a variable is constant. */
  readonly rho: number | null;
  /** Confidence interval by Fisher z with variance 1.06 / (n - 3) (Fieller, Hartley and Pearson 1957); null when n < 4. */
  readonly ci: { readonly level: number; readonly lower: number; readonly upper: number } | null;
  /** Two-sided p-value of rho = 0 from t = rho sqrt((n - 2) / (1 - rho^2)) with n - 2 df; null when rho is null. */
  readonly pValue: number | null;
}

/** Spearman rank correlation with a confidence interval (default 95%). */
export function computeSpearman(xs: readonly number[], ys: readonly number[], level = 0.95): SpearmanResult {
  if (xs.length !== ys.length) {
    throw new CallsightError('VALIDATION_FAILED', 'Spearman correlation needs paired lists of the same length', {
      details: { nx: xs.length, ny: ys.length },
    });
  }
  if (!(level > 0 && level < 1)) throw new CallsightError('VALIDATION_FAILED', 'confidence level must be in (0, 1)', { details: { level } });
  const n = xs.length;
  const rho = n < 3 ? null : computePearson(computeAverageRanks(xs), computeAverageRanks(ys));
  if (rho === null) return { n, rho: null, ci: null, pValue: null };
  let ci: SpearmanResult['ci'] = null;
  if (n > 3) {
    const clamped = Math.max(-0.999999999999, Math.min(0.999999999999, rho));
    const z = Math.atanh(clamped);
    const half = computeNormalQuantile(1 - (1 - level) / 2) * Math.sqrt(1.06 / (n - 3));
    ci = { level, lower: Math.tanh(z - half), upper: Math.tanh(z + half) };
  }
  const pValue = Math.abs(rho) >= 1 ? 0 : pValueFromT(rho * Math.sqrt((n - 2) / (1 - rho * rho)), n - 2, 'two-sided');
  return { n, rho, ci, pValue };
}

/**
 * Benjamini-Hochberg adjusted p-values (q-values), in input order; controls the false discovery rate
 * when many segments or criteria are tested at once.
 */
export function adjustBenjaminiHochberg(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, index) => ({ p, index })).sort((a, b) => b.p - a.p);
  const adjusted = new Array<number>(m);
  let running = 1;
  order.forEach(({ p, index }, k) => {
    const rank = m - k;
    running = Math.min(running, (p * m) / rank);
    adjusted[index] = Math.min(1, running);
  });
  return adjusted;
}

export interface ProportionComparison {
  readonly test: 'z' | 'fisher';
  readonly p1: number;
  readonly p2: number;
  readonly diff: number;
  readonly pValue: number;
}

/**
 * Compares two proportions with the two-proportion z-test, or Fisher's exact test when any expected cell
 * count is below 5 (where the normal approximation is poor).
 */
export function compareProportions(
  successes1: number,
  n1: number,
  successes2: number,
  n2: number,
  alternative: Alternative = 'two-sided',
): ProportionComparison {
  const z = testTwoProportions(successes1, n1, successes2, n2, alternative);
  const total = n1 + n2;
  const events = successes1 + successes2;
  const minExpected = Math.min(n1, n2) * Math.min(events, total - events) / total;
  if (minExpected < 5) {
    const fisher = testFisherExact(successes1, n1 - successes1, successes2, n2 - successes2, alternative);
    return { test: 'fisher', p1: z.p1, p2: z.p2, diff: z.diff, pValue: fisher.pValue };
  }
  return { test: 'z', p1: z.p1, p2: z.p2, diff: z.diff, pValue: z.pValue };
}
