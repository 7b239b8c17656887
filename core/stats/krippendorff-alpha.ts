/**
 * Krippendorff's alpha by the coincidence-matrix method of K. Krippendorff, "Computing Krippendorff's
 * Alpha-Reliability" (2011): any number of coders, missing values, and nominal, ordinal, interval or
 * ratio metrics. Units with fewer than two values are not pairable and are left out, as the paper does.
 */
import { CallsightError } from '../shared/errors';

export type MeasurementLevel = 'nominal' | 'ordinal' | 'interval' | 'ratio';

/** One coded value; null or undefined is a missing value. Strings are allowed for nominal data only. */
export type CodedValue = number | string | null | undefined;

export interface KrippendorffAlphaResult {
  readonly level: MeasurementLevel;
  /** Alpha in (-1, 1]; null when it is undefined (fewer than two pairable values, or no variation at all). */
  readonly alpha: number | null;
  /** Units with at least two values. */
  readonly pairableUnits: number;
  /** n: the number of pairable values. */
  readonly pairableValues: number;
  readonly observedDisagreement: number;
  readonly expectedDisagreement: number;
  /** Distinct values in ascending order and the coincidence matrix o_ck over them. */
  readonly values: readonly (number | string)[];
  readonly coincidences: readonly (readonly number[])[];
}

/**
 * Computes alpha from reliability data given unit by unit: `units[u]` lists the values assigned to unit u
 * by each coder (missing as null; which coder gave which value does not matter for alpha).
 * Throws VALIDATION_FAILED for non-finite numbers or strings at a non-nominal level.
 */
export function computeKrippendorffAlpha(units: readonly (readonly CodedValue[])[], level: MeasurementLevel): KrippendorffAlphaResult {
  const pairable: (number | string)[][] = [];
  for (const unit of units) {
    const present: (number | string)[] = [];
    for (const value of unit) {
      if (value === null || value === undefined) continue;
      if (typeof value === 'number' && !Number.isFinite(value)) {
        throw new CallsightError('VALIDATION_FAILED', 'Krippendorff alpha: values must be finite numbers or missing (null)');
      }
      if (typeof value === 'string' && level !== 'nominal') {
        throw new CallsightError('VALIDATION_FAILED', `Krippendorff alpha: ${level} data must be numeric; use the nominal level for labels`);
      }
      present.push(value);
    }
    if (present.length >= 2) pairable.push(present);
  }
  if (level === 'ratio' && pairable.some((unit) => unit.some((v) => (v as number) < 0))) {
    throw new CallsightError('VALIDATION_FAILED', 'Krippendorff alpha: ratio data must be non-negative');
  }

  const values = [...new Set(pairable.flat())].sort(compareValues);
  const indexOf = new Map(values.map((v, i) => [v, i] as const));
  const size = values.length;
  const coincidences = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  for (const unit of pairable) {
    const counts = new Map<number, number>();
    for (const v of unit) {
      const i = indexOf.get(v)!;
      counts.set(i, (counts.get(i) ?? 0) + 1);
    }
    const weight = 1 / (unit.length - 1);
    for (const [c, nc] of counts) {
      for (const [k, nk] of counts) {
        coincidences[c]![k]! += (c === k ? nc * (nc - 1) : nc * nk) * weight;
      }
    }
  }
  const marginals = coincidences.map((row) => row.reduce((a, b) => a + b, 0));
  const n = marginals.reduce((a, b) => a + b, 0);
  const delta = buildSquaredDifferences(values, marginals, level);

  let observed = 0;
  let expected = 0;
  for (let c = 0; c < size; c++) {
    for (let k = 0; k < size; k++) {
      const d = delta[c]![k]!;
      if (d === 0) continue;
      observed += coincidences[c]![k]! * d;
      expected += marginals[c]! * marginals[k]! * d;
    }
  }
  const observedDisagreement = n > 0 ? observed / n : 0;
  const expectedDisagreement = n > 1 ? expected / (n * (n - 1)) : 0;
  const alpha = expectedDisagreement > 0 ? 1 - observedDisagreement / expectedDisagreement : null;
  return {
    level,
    alpha,
    pairableUnits: pairable.length,
    pairableValues: Math.round(n),
    observedDisagreement,
    expectedDisagreement,
    values,
    coincidences,
  };
}

/** Turns a coders x units matrix (`matrix[coder][unit]`) into the unit-major form {@link computeKrippendorffAlpha} takes. */
export function transposeCoderMatrix(matrix: readonly (readonly CodedValue[])[]): CodedValue[][] {
  const unitCount = Math.max(0, ...matrix.map((row) => row.length));
  return Array.from({ length: unitCount }, (_, u) => matrix.map((row) => row[u] ?? null));
}

function compareValues(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function buildSquaredDifferences(values: readonly (number | string)[], marginals: readonly number[], level: MeasurementLevel): number[][] {
  const size = values.length;
  const delta = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  for (let c = 0; c < size; c++) {
    for (let k = c + 1; k < size; k++) {
      let d: number;
      if (level === 'nominal') {
        d = 1;
      } else if (level === 'ordinal') {
        let between = 0;
        for (let g = c; g <= k; g++) between += marginals[g]!;
        const spread = between - (marginals[c]! + marginals[k]!) / 2;
        d = spread * spread;
      } else {
        const vc = values[c] as number;
        const vk = values[k] as number;
        if (level === 'interval') d = (vc - vk) * (vc - vk);
        else d = vc + vk === 0 ? 0 : ((vc - vk) / (vc + vk)) ** 2;
      }
      delta[c]![k] = d;
      delta[k]![c] = d;
    }
  }
  return delta;
}
