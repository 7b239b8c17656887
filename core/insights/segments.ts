/**
 * Call content x CRM customer tags (DOMAIN R-QA-7): for one tag (e.g. high-value) against all other
 * calls, how often each demand and flag occurs, the lift, and whether the difference is significant;
 * plus the mean QA score difference. Many keys are tested at once, so significance is judged on
 * Benjamini-Hochberg q-values (false discovery rate), with the raw p-value kept alongside.
 */
import { CallsightError } from '../shared/errors';
import { computeMean } from '../stats/descriptive';
import { adjustBenjaminiHochberg, compareProportions, testWelch } from '../stats/hypothesis-tests';

export interface SegmentFact {
  readonly callId: string;
  /** Customer tags from the CRM. */
  readonly tags: readonly string[];
  /** Customer demands found in the call (e.g. 物流延迟 logistics delay); duplicates within a call count once. */
  readonly demands: readonly string[];
  /** Risk flags (e.g. sensitive_word, agitated_customer, missing_script). */
  readonly flags: readonly string[];
  readonly qaScore: number | null;
}

export interface SegmentShare {
  readonly count: number;
  readonly share: number | null;
}

export interface SegmentComparison {
  readonly kind: 'demand' | 'flag';
  readonly key: string;
  readonly tagged: SegmentShare;
  readonly rest: SegmentShare;
  /** Share among tagged calls / share among the rest; null when the rest share is 0 or a group is empty. */
  readonly lift: number | null;
  /** Tagged share minus rest share. */
  readonly diff: number | null;
  /** Fisher's exact test when any expected cell count is below 5, else the two-proportion z-test. */
  readonly test: 'fisher' | 'z' | 'none';
  readonly pValue: number | null;
  readonly qValue: number | null;
  readonly significant: boolean;
}

export interface SegmentReport {
  readonly tag: string;
  readonly taggedCalls: number;
  readonly restCalls: number;
  readonly items: readonly SegmentComparison[];
  readonly score: {
    readonly taggedMean: number | null;
    readonly restMean: number | null;
    readonly diff: number | null;
    /** Welch t-test; null when a group has fewer than two scored calls. */
    readonly pValue: number | null;
    readonly significant: boolean;
  };
}

export interface SegmentOptions {
  readonly tag: string;
  /** Significance level for q-values and the score test. Default 0.05. */
  readonly alpha?: number;
  /** Keys seen in fewer calls than this (both groups together) are left out. Default 1. */
  readonly minCalls?: number;
}

/**
 * Compares calls carrying `tag` with all other calls. Items are sorted by p-value then kind and key.
 * Throws VALIDATION_FAILED on an empty tag or an alpha outside (0, 1).
 */
export function compareSegments(facts: readonly SegmentFact[], options: SegmentOptions): SegmentReport {
  const tag = options.tag?.trim();
  if (!tag) throw new CallsightError('VALIDATION_FAILED', 'a customer tag is required to compare segments');
  const alpha = options.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw new CallsightError('VALIDATION_FAILED', 'alpha must be between 0 and 1');
  const minCalls = options.minCalls ?? 1;

  const tagged = facts.filter((f) => f.tags.includes(tag));
  const rest = facts.filter((f) => !f.tags.includes(tag));
  const count = (group: readonly SegmentFact[], pick: (f: SegmentFact) => readonly string[]) => {
    const counts = new Map<string, number>();
    for (const f of group) for (const key of new Set(pick(f))) counts.set(key, (counts.get(key) ?? 0) + 1);
    return counts;
  };

  const raw: Omit<SegmentComparison, 'qValue' | 'significant'>[] = [];
  for (const kind of ['demand', 'flag'] as const) {
    const pick = kind === 'demand' ? (f: SegmentFact) => f.demands : (f: SegmentFact) => f.flags;
    const inTagged = count(tagged, pick);
    const inRest = count(rest, pick);
    const keys = [...new Set([...inTagged.keys(), ...inRest.keys()])].sort();
    for (const key of keys) {
      const a = inTagged.get(key) ?? 0;
      const c = inRest.get(key) ?? 0;
      if (a + c < minCalls) continue;
      raw.push(compareOne(kind, key, a, tagged.length, c, rest.length));
    }
  }
  const tested = raw.map((r, i) => ({ r, i })).filter(({ r }) => r.pValue !== null);
  const q = adjustBenjaminiHochberg(tested.map(({ r }) => r.pValue!));
  const qByIndex = new Map(tested.map(({ i }, k) => [i, q[k]!] as const));
  const items: SegmentComparison[] = raw
    .map((r, i) => {
      const qValue = qByIndex.get(i) ?? null;
      return { ...r, qValue, significant: qValue !== null && qValue < alpha };
    })
    .sort((x, y) => (x.pValue ?? 2) - (y.pValue ?? 2) || (x.kind < y.kind ? -1 : x.kind > y.kind ? 1 : x.key < y.key ? -1 : x.key > y.key ? 1 : 0));

  const taggedScores = tagged.map((f) => f.qaScore).filter((s): s is number => s !== null);
  const restScores = rest.map((f) => f.qaScore).filter((s): s is number => s !== null);
  const taggedMean = computeMean(taggedScores);
  const restMean = computeMean(restScores);
  const welch = taggedScores.length >= 2 && restScores.length >= 2 ? testWelch(taggedScores, restScores) : null;
  return {
    tag,
    taggedCalls: tagged.length,
    restCalls: rest.length,
    items,
    score: {
      taggedMean,
      restMean,
      diff: taggedMean !== null && restMean !== null ? taggedMean - restMean : null,
      pValue: welch?.pValue ?? null,
      significant: welch !== null && welch.pValue < alpha,
    },
  };
}

function compareOne(kind: 'demand' | 'flag', key: string, a: number, n1: number, c: number, n2: number): Omit<SegmentComparison, 'qValue' | 'significant'> {
  const taggedShare = n1 > 0 ? a / n1 : null;
  const restShare = n2 > 0 ? c / n2 : null;
  const base = {
    kind,
    key,
    tagged: { count: a, share: taggedShare },
    rest: { count: c, share: restShare },
    lift: taggedShare !== null && restShare !== null && restShare > 0 ? taggedShare / restShare : null,
    diff: taggedShare !== null && restShare !== null ? taggedShare - restShare : null,
  };
  if (n1 === 0 || n2 === 0) return { ...base, test: 'none', pValue: null };
  const result = compareProportions(a, n1, c, n2);
  return { ...base, test: result.test, pValue: result.pValue };
}
