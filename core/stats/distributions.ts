/**
 * Probability distributions needed by the quality statistics, in double precision and without
 * dependencies: standard normal CDF and quantile, log-gamma, the regularised incomplete beta
 * function and Student's t CDF built on it.
 */

const SQRT_2PI = 2.5066282746310002;

/**
 * Standard normal cumulative distribution Φ(x), accurate to about 1e-15 absolute and 1e-8 relative in
 * the far tails (Hart 1968 as given by G. West, "Better approximations to cumulative normal functions", 2005).
 */
export function computeNormalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const xAbs = Math.abs(x);
  let tail: number;
  if (xAbs > 37) {
    tail = 0;
  } else {
    const exponential = Math.exp(-(xAbs * xAbs) / 2);
    if (xAbs < 7.07106781186547) {
      let num = 3.52624965998911e-2 * xAbs + 0.700383064443688;
      num = num * xAbs + 6.37396220353165;
      num = num * xAbs + 33.912866078383;
      num = num * xAbs + 112.079291497871;
      num = num * xAbs + 221.213596169931;
      num = num * xAbs + 220.206867912376;
      let den = 8.83883476483184e-2 * xAbs + 1.75566716318264;
      den = den * xAbs + 16.064177579207;
      den = den * xAbs + 86.7807322029461;
      den = den * xAbs + 296.564248779674;
      den = den * xAbs + 637.333633378831;
      den = den * xAbs + 793.826512519948;
      den = den * xAbs + 440.413735824752;
      tail = (exponential * num) / den;
    } else {
      let frac = xAbs + 0.65;
      frac = xAbs + 4 / frac;
      frac = xAbs + 3 / frac;
      frac = xAbs + 2 / frac;
      frac = xAbs + 1 / frac;
      tail = exponential / frac / SQRT_2PI;
    }
  }
  return x > 0 ? 1 - tail : tail;
}

const ACKLAM_A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const ACKLAM_B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const ACKLAM_C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const ACKLAM_D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

function evaluatePolynomial(coefficients: readonly number[], x: number): number {
  let value = 0;
  for (const c of coefficients) value = value * x + c;
  return value;
}

/**
 * Inverse of the standard normal CDF for p in (0, 1): Acklam's rational approximation followed by one
 * Halley step against {@link computeNormalCdf}: about 1e-13 for 1e-6 < p < 1 - 1e-6, 1e-9 further out. Throws RangeError outside (0, 1).
 */
export function computeNormalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normal quantile needs 0 < p < 1, got ${p}`);
  const pLow = 0.02425;
  let x: number;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = evaluatePolynomial(ACKLAM_C, q) / (evaluatePolynomial(ACKLAM_D, q) * q + 1);
  } else if (p <= 1 - pLow) {
    const q = p - 0.5;
    const r = q * q;
    x = (evaluatePolynomial(ACKLAM_A, r) * q) / (evaluatePolynomial(ACKLAM_B, r) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -evaluatePolynomial(ACKLAM_C, q) / (evaluatePolynomial(ACKLAM_D, q) * q + 1);
  }
  const e = computeNormalCdf(x) - p;
  const u = e * SQRT_2PI * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7), relative error about 1e-15. */
export function computeLogGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`log-gamma needs x > 0, got ${x}`);
  if (x < 0.5) {
    // Reflection keeps the Lanczos series in its accurate range.
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - computeLogGamma(1 - x);
  }
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

function continuedFractionBeta(x: number, a: number, b: number): number {
  const maxIterations = 300;
  const epsilon = 1e-15;
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= maxIterations; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < epsilon) return h;
  }
  return h;
}

/**
 * Regularised incomplete beta function I_x(a, b) for a, b > 0 and 0 <= x <= 1, by Lentz's continued
 * fraction (Numerical Recipes §6.4), using the symmetry I_x(a,b) = 1 - I_{1-x}(b,a) where it converges faster.
 */
export function computeRegularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new RangeError(`incomplete beta needs a, b > 0, got a=${a}, b=${b}`);
  if (!(x >= 0 && x <= 1)) throw new RangeError(`incomplete beta needs 0 <= x <= 1, got ${x}`);
  if (x === 0) return 0;
  if (x === 1) return 1;
  const logFront =
    computeLogGamma(a + b) - computeLogGamma(a) - computeLogGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  const front = Math.exp(logFront);
  if (x < (a + 1) / (a + b + 2)) return (front * continuedFractionBeta(x, a, b)) / a;
  return 1 - (front * continuedFractionBeta(1 - x, b, a)) / b;
}

/** Student's t cumulative distribution P(T <= t) with `df` > 0 degrees of freedom (fractional df allowed). */
export function computeStudentTCdf(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`Student t needs df > 0, got ${df}`);
  if (Number.isNaN(t)) return Number.NaN;
  if (t === Number.POSITIVE_INFINITY) return 1;
  if (t === Number.NEGATIVE_INFINITY) return 0;
  const x = df / (df + t * t);
  const tail = 0.5 * computeRegularizedIncompleteBeta(x, df / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

/** ln(n!) for a non-negative integer n. */
export function computeLogFactorial(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`log-factorial needs a non-negative integer, got ${n}`);
  return n < 2 ? 0 : computeLogGamma(n + 1);
}
