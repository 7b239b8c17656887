/** Descriptive statistics shared by the quality modules. All functions ignore nothing: filter first. */

/** Arithmetic mean; null for an empty list. */
export function computeMean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Unbiased sample variance (n - 1 denominator); null when fewer than two values. */
export function computeSampleVariance(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  const mean = computeMean(values)!;
  let ss = 0;
  for (const v of values) ss += (v - mean) * (v - mean);
  return ss / (values.length - 1);
}

/** Ranks 1..n with ties given their average rank (fractional ranking), in input order. */
export function computeAverageRanks(values: readonly number[]): number[] {
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const ranks = new Array<number>(values.length);
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]!.value === order[i]!.value) j++;
    const rank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) ranks[order[k]!.index] = rank;
    i = j + 1;
  }
  return ranks;
}

/** Pearson product-moment correlation; null when n < 2 or either variable is constant. */
export function computePearson(xs: readonly number[], ys: readonly number[]): number | null {
  if (xs.length !== ys.length) throw new RangeError(`correlation needs paired lists, got ${xs.length} and ${ys.length}`);
  if (xs.length < 2) return null;
  const mx = computeMean(xs)!;
  const my = computeMean(ys)!;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** Rounds to `digits` decimals for presentation; keeps null. */
export function roundTo(value: number | null, digits: number): number | null {
  if (value === null) return null;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
