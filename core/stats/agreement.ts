/** Agreement between two raters on categorical labels: percent agreement and Cohen's kappa. */
import { CallsightError } from '../shared/errors';

export interface PairAgreement {
  readonly n: number;
  /** Share of items with the same label, 0..1; null when n = 0. */
  readonly percentAgreement: number | null;
  /**
   * Cohen's kappa (po - pe) / (1 - pe); null when n = 0 or when chance agreement is 1 (both raters used
   * a single, identical label), where kappa is undefined.
   */
  readonly kappa: number | null;
}

/** Agreement of paired labels `a[i]` vs `b[i]`. Throws VALIDATION_FAILED when the lists differ in length. */
export function computePairAgreement(a: readonly (string | number)[], b: readonly (string | number)[]): PairAgreement {
  if (a.length !== b.length) {
    throw new CallsightError('VALIDATION_FAILED', 'agreement needs two label lists of the same length', { details: { na: a.length, nb: b.length } });
  }
  const n = a.length;
  if (n === 0) return { n, percentAgreement: null, kappa: null };
  const countsA = new Map<string | number, number>();
  const countsB = new Map<string | number, number>();
  let same = 0;
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i]) same++;
    countsA.set(a[i]!, (countsA.get(a[i]!) ?? 0) + 1);
    countsB.set(b[i]!, (countsB.get(b[i]!) ?? 0) + 1);
  }
  const po = same / n;
  let pe = 0;
  for (const [label, ca] of countsA) pe += (ca / n) * ((countsB.get(label) ?? 0) / n);
  const kappa = pe >= 1 - 1e-12 ? null : (po - pe) / (1 - pe);
  return { n, percentAgreement: po, kappa };
}
