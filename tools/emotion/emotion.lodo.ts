/**
 * Leave-one-domain-out evaluation: for each domain of a language, fit on every other domain and
 * measure on the held-out one. The held-out domain takes no part in its own fold: not in the
 * fit, not in the feature filter, not in the NB ratios, not in the temperature used for its figures.
 */
import { domainsOf, type LabelledText } from './emotion.dataset';
import { expectedCalibrationError, featurise, fit, fitTemperature, logitsOf, softmax, type Example, type FitSettings } from './emotion.trainer';

/** The task each language is measured on (issue 18): zh negative vs not, en negative vs positive. */
export type BinaryTask = 'negative-vs-not' | 'negative-vs-positive';

export const TASK_OF: Readonly<Record<'zh' | 'en', BinaryTask>> = { zh: 'negative-vs-not', en: 'negative-vs-positive' };

export interface DomainFigure {
  readonly domain: string;
  /** Rows measured (for negative-vs-positive: the polar rows only). */
  readonly n: number;
  readonly accuracy: number;
  /** Expected calibration error of P(negative) vs "is negative" over all the domain's rows, temperature fitted on the other domains' folds. */
  readonly ece: number;
}

export interface LodoResult {
  readonly domains: readonly DomainFigure[];
  /** Mean of the per-domain accuracies: every held-out domain counts once. */
  readonly macroAccuracy: number;
  /** All held-out rows together. */
  readonly pooledAccuracy: number;
  /** Temperature fitted on all out-of-domain logits (the one to ship with a model fitted on every domain). */
  readonly temperature: number;
  readonly ece: number;
}

interface Held {
  readonly domain: number;
  readonly logits: readonly number[];
  readonly y: number;
}

/** Decision of the binary task from calibrated probabilities (or logits for negative-vs-positive). */
function decide(task: BinaryTask, z: readonly number[], t: number): boolean {
  if (task === 'negative-vs-positive') return z[0]! > z[2]!;
  return softmax(z, t)[0] >= 0.5;
}

function counts(task: BinaryTask, y: number): boolean {
  return task === 'negative-vs-not' || y !== 1;
}

/**
 * Runs the folds. `log` receives one line per finished fold (progress). Deterministic for the same
 * rows and settings.
 */
export function leaveOneDomainOut(
  rows: readonly LabelledText[],
  language: 'zh' | 'en',
  settings: FitSettings,
  log: (line: string) => void = () => {},
): LodoResult {
  const domains = domainsOf(rows, language);
  const langRows = rows.filter((r) => r.language === language);
  const trainOnly = [...new Set(langRows.filter((r) => r.trainOnly).map((r) => r.domain))].sort();
  // Train-only domains get indices after the measured ones, so no fold ever holds them out.
  const examples = featurise(langRows, settings.buckets, [...domains, ...trainOnly]);
  const task = TASK_OF[language];
  const held: Held[] = [];
  for (let d = 0; d < domains.length; d++) {
    const trainEx: Example[] = [];
    const testEx: Example[] = [];
    for (const ex of examples) (ex.domain === d ? testEx : trainEx).push(ex);
    const model = fit(trainEx, settings);
    for (const ex of testEx) held.push({ domain: d, logits: logitsOf(model, ex, settings.lengthPower), y: ex.y });
    log(`  fold ${domains[d]}: fitted on ${trainEx.length}, held out ${testEx.length}`);
  }
  const figures: DomainFigure[] = domains.map((domain, d) => {
    const others = held.filter((h) => h.domain !== d);
    const t = fitTemperature(others.map((h) => h.logits), others.map((h) => h.y));
    const mine = held.filter((h) => h.domain === d && counts(task, h.y));
    let right = 0;
    for (const h of mine) if (decide(task, h.logits, t) === (h.y === 0)) right++;
    const every = held.filter((h) => h.domain === d);
    const p = every.map((h) => softmax(h.logits, t)[0]);
    return { domain, n: mine.length, accuracy: right / Math.max(1, mine.length), ece: expectedCalibrationError(p, every.map((h) => h.y === 0)) };
  });
  const temperature = fitTemperature(held.map((h) => h.logits), held.map((h) => h.y));
  const pooledRight = figures.reduce((acc, f) => acc + f.accuracy * f.n, 0);
  const pooledN = figures.reduce((acc, f) => acc + f.n, 0);
  return {
    domains: figures,
    macroAccuracy: figures.reduce((a, f) => a + f.accuracy, 0) / figures.length,
    pooledAccuracy: pooledRight / Math.max(1, pooledN),
    temperature,
    ece: expectedCalibrationError(held.map((h) => softmax(h.logits, temperature)[0]), held.map((h) => h.y === 0)),
  };
}
