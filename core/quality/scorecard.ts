/**
 * Versioned scorecards (DOMAIN R-QA-5, R-LOOP-4). A scorecard is immutable: editing it yields a new
 * version with the same id, and evaluations reference {scorecardId, version}, so past scores never move.
 */
import { CallsightError } from '../shared/errors';

export interface BilingualText {
  readonly zh: string;
  readonly en: string;
}

/** `pass_fail` scores 1 or 0; `points` scores an integer 0..max. */
export type CriterionScale = { readonly kind: 'pass_fail' } | { readonly kind: 'points'; readonly max: number };

/**
 * Where an automatic criterion takes its answer from the analysis summary:
 * `script:<scriptId>` required script found; `no_sensitive_words`; `interruption_rate_below:<0..1>`;
 * `duration_in_band`; `customer_not_agitated`; `emotion_handled` (a customer who starts upset ends neutral or
 * positive: 情绪应对); `knowledge_accurate` (no agent statement contradicts a tenant knowledge fact: 产品知识准确率).
 */
export type AutomaticSource =
  | { readonly type: 'script'; readonly scriptId: string }
  | { readonly type: 'no_sensitive_words' }
  | { readonly type: 'interruption_rate_below'; readonly threshold: number }
  | { readonly type: 'duration_in_band' }
  | { readonly type: 'customer_not_agitated' }
  | { readonly type: 'emotion_handled' }
  | { readonly type: 'knowledge_accurate' };

export interface Criterion {
  readonly id: string;
  readonly label: BilingualText;
  readonly kind: 'manual' | 'automatic';
  /** The source string as written (e.g. `script:recording_notice`); present exactly when kind is automatic. */
  readonly source?: string;
  /** A failed critical criterion fails the whole call (total 0). Critical criteria are pass/fail. */
  readonly critical: boolean;
  readonly allowNa: boolean;
  readonly scale: CriterionScale;
  /** Relative weight inside its section (default 1). */
  readonly weight: number;
}

export interface ScorecardSection {
  readonly id: string;
  readonly label: BilingualText;
  /** Relative weight of the section in the total; weights are renormalised over sections that are not N/A. */
  readonly weight: number;
  readonly criteria: readonly Criterion[];
}

export interface Scorecard {
  readonly id: string;
  /** 1 for the first version, +1 for every revision. */
  readonly version: number;
  readonly name: BilingualText;
  readonly sections: readonly ScorecardSection[];
  readonly createdAt: string;
  readonly createdBy: string;
  readonly changeNote: string | null;
}

/** The reference an evaluation keeps to the exact scorecard version it was scored with. */
export interface ScorecardRef {
  readonly scorecardId: string;
  readonly version: number;
}

export interface CriterionInput {
  readonly id: string;
  readonly label: BilingualText;
  readonly kind: 'manual' | 'automatic';
  readonly source?: string;
  readonly critical?: boolean;
  readonly allowNa?: boolean;
  readonly scale?: CriterionScale;
  readonly weight?: number;
}

export interface ScorecardSectionInput {
  readonly id: string;
  readonly label: BilingualText;
  readonly weight: number;
  readonly criteria: readonly CriterionInput[];
}

export interface ScorecardInput {
  readonly id: string;
  readonly name: BilingualText;
  readonly sections: readonly ScorecardSectionInput[];
}

export interface AuthorStamp {
  readonly by: string;
  /** ISO-8601 instant, given by the caller's Clock. */
  readonly at: string;
}

const ID_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

function invalid(message: string, details?: Record<string, unknown>): CallsightError {
  return new CallsightError('VALIDATION_FAILED', message, details ? { details } : undefined);
}

/** Parses an automatic source string; throws VALIDATION_FAILED naming the accepted forms. */
export function parseAutomaticSource(source: string): AutomaticSource {
  if (source === 'no_sensitive_words') return { type: 'no_sensitive_words' };
  if (source === 'duration_in_band') return { type: 'duration_in_band' };
  if (source === 'customer_not_agitated') return { type: 'customer_not_agitated' };
  if (source === 'emotion_handled') return { type: 'emotion_handled' };
  if (source === 'knowledge_accurate') return { type: 'knowledge_accurate' };
  const script = /^script:([a-z0-9][a-z0-9_.-]*)$/.exec(source);
  if (script) return { type: 'script', scriptId: script[1]! };
  const rate = /^interruption_rate_below:(\d*\.?\d+)$/.exec(source);
  if (rate) {
    const threshold = Number(rate[1]);
    if (threshold > 0 && threshold <= 1) return { type: 'interruption_rate_below', threshold };
  }
  throw invalid(
    `unknown automatic source "${source}": use script:<id>, no_sensitive_words, interruption_rate_below:<0..1>, duration_in_band, customer_not_agitated, emotion_handled or knowledge_accurate`,
  );
}

function requireText(text: BilingualText | undefined, where: string): BilingualText {
  if (!text || typeof text.zh !== 'string' || typeof text.en !== 'string' || !text.zh.trim() || !text.en.trim()) {
    throw invalid(`${where} needs a label in both Chinese (zh) and English (en)`);
  }
  return Object.freeze({ zh: text.zh.trim(), en: text.en.trim() });
}

function requireWeight(weight: number, where: string): number {
  if (!Number.isFinite(weight) || weight <= 0) throw invalid(`${where} weight must be a positive number`, { weight });
  return weight;
}

function buildCriterion(input: CriterionInput, sectionId: string): Criterion {
  if (!ID_PATTERN.test(input.id)) throw invalid(`criterion id "${input.id}" must be lower-case letters, digits, _ . - (max 64)`);
  const where = `criterion ${sectionId}/${input.id}`;
  const scale: CriterionScale = input.scale ?? { kind: 'pass_fail' };
  if (scale.kind === 'points' && (!Number.isInteger(scale.max) || scale.max < 1 || scale.max > 100)) {
    throw invalid(`${where}: a points scale needs an integer max between 1 and 100`, { max: scale.max });
  }
  if (scale.kind !== 'pass_fail' && scale.kind !== 'points') throw invalid(`${where}: scale must be pass_fail or points`);
  const critical = input.critical ?? false;
  if (critical && scale.kind !== 'pass_fail') throw invalid(`${where}: a critical criterion must use the pass_fail scale`);
  if (input.kind !== 'manual' && input.kind !== 'automatic') throw invalid(`${where}: kind must be manual or automatic`);
  if (input.kind === 'automatic') {
    if (!input.source) throw invalid(`${where}: an automatic criterion needs a source`);
    parseAutomaticSource(input.source);
  } else if (input.source !== undefined) {
    throw invalid(`${where}: a manual criterion takes no automatic source`);
  }
  return Object.freeze({
    id: input.id,
    label: requireText(input.label, where),
    kind: input.kind,
    ...(input.kind === 'automatic' ? { source: input.source } : {}),
    critical,
    allowNa: input.allowNa ?? false,
    scale: Object.freeze({ ...scale }),
    weight: requireWeight(input.weight ?? 1, where),
  });
}

function buildSections(inputs: readonly ScorecardSectionInput[]): readonly ScorecardSection[] {
  if (!inputs || inputs.length === 0) throw invalid('a scorecard needs at least one section');
  const sectionIds = new Set<string>();
  const criterionIds = new Set<string>();
  const sections = inputs.map((section) => {
    if (!ID_PATTERN.test(section.id)) throw invalid(`section id "${section.id}" must be lower-case letters, digits, _ . - (max 64)`);
    if (sectionIds.has(section.id)) throw invalid(`section id "${section.id}" appears twice`);
    sectionIds.add(section.id);
    if (!section.criteria || section.criteria.length === 0) throw invalid(`section ${section.id} needs at least one criterion`);
    const criteria = section.criteria.map((c) => {
      const criterion = buildCriterion(c, section.id);
      if (criterionIds.has(criterion.id)) throw invalid(`criterion id "${criterion.id}" appears twice; criterion ids are unique per scorecard`);
      criterionIds.add(criterion.id);
      return criterion;
    });
    return Object.freeze({
      id: section.id,
      label: requireText(section.label, `section ${section.id}`),
      weight: requireWeight(section.weight, `section ${section.id}`),
      criteria: Object.freeze(criteria),
    });
  });
  return Object.freeze(sections);
}

/** Creates version 1 of a scorecard. Throws VALIDATION_FAILED on duplicate ids, bad weights, scales or sources. */
export function createScorecard(input: ScorecardInput, stamp: AuthorStamp): Scorecard {
  if (!ID_PATTERN.test(input.id)) throw invalid(`scorecard id "${input.id}" must be lower-case letters, digits, _ . - (max 64)`);
  return Object.freeze({
    id: input.id,
    version: 1,
    name: requireText(input.name, 'scorecard'),
    sections: buildSections(input.sections),
    createdAt: stamp.at,
    createdBy: stamp.by,
    changeNote: null,
  });
}

export interface ScorecardChanges {
  readonly name?: BilingualText;
  /** The full new list of sections (unchanged ones can be passed through from the old card). */
  readonly sections?: readonly ScorecardSectionInput[];
  /** Why the standard changed; required so that the version history explains itself. */
  readonly note: string;
}

/**
 * Returns the next version of `card` with `changes` applied; `card` itself is untouched (it is frozen).
 * Throws VALIDATION_FAILED when nothing changes or the result is not a valid scorecard.
 */
export function reviseScorecard(card: Scorecard, changes: ScorecardChanges, stamp: AuthorStamp): Scorecard {
  if (!changes.note || !changes.note.trim()) throw invalid('a scorecard revision needs a note saying what changed and why');
  if (changes.name === undefined && changes.sections === undefined) throw invalid('a scorecard revision must change the name or the sections');
  return Object.freeze({
    id: card.id,
    version: card.version + 1,
    name: changes.name ? requireText(changes.name, 'scorecard') : card.name,
    sections: changes.sections ? buildSections(changes.sections) : card.sections,
    createdAt: stamp.at,
    createdBy: stamp.by,
    changeNote: changes.note.trim(),
  });
}

/** The reference to store with an evaluation. */
export function referenceScorecard(card: Scorecard): ScorecardRef {
  return Object.freeze({ scorecardId: card.id, version: card.version });
}

/** Finds the exact version an evaluation was scored with; NOT_FOUND when that version is not in `versions`. */
export function findScorecardVersion(versions: readonly Scorecard[], ref: ScorecardRef): Scorecard {
  const card = versions.find((v) => v.id === ref.scorecardId && v.version === ref.version);
  if (!card) throw new CallsightError('NOT_FOUND', 'scorecard version not found', { details: { ...ref } });
  return card;
}

/** Every criterion of a card with its section id, in card order. */
export function listCriteria(card: Scorecard): { readonly sectionId: string; readonly criterion: Criterion }[] {
  return card.sections.flatMap((section) => section.criteria.map((criterion) => ({ sectionId: section.id, criterion })));
}

/**
 * The default bilingual scorecard (R-QA-5): compliance 30, communication 30, problem resolution 20,
 * customer experience 20; the recording notice and "no sensitive words" are automatic critical criteria.
 */
export function createDefaultScorecard(stamp: AuthorStamp, id = 'default'): Scorecard {
  return createScorecard(
    {
      id,
      name: { zh: '标准质检评分表', en: 'Standard QA scorecard' },
      sections: [
        {
          id: 'compliance',
          label: { zh: '合规', en: 'Compliance' },
          weight: 30,
          criteria: [
            { id: 'recording_notice', label: { zh: '播报录音提示', en: 'Recording notice given' }, kind: 'automatic', source: 'script:recording_notice', critical: true },
            { id: 'no_sensitive_words', label: { zh: '无敏感词', en: 'No sensitive words' }, kind: 'automatic', source: 'no_sensitive_words', critical: true },
            { id: 'identity_verified', label: { zh: '核实客户身份', en: 'Customer identity verified' }, kind: 'manual', allowNa: true },
            { id: 'risk_disclosure', label: { zh: '风险提示（理财有风险）', en: 'Risk disclosure given' }, kind: 'automatic', source: 'script:risk_disclosure', allowNa: true },
          ],
        },
        {
          id: 'communication',
          label: { zh: '沟通', en: 'Communication' },
          weight: 30,
          criteria: [
            { id: 'greeting', label: { zh: '规范开场与结束语', en: 'Standard greeting and closing' }, kind: 'manual', scale: { kind: 'points', max: 5 } },
            { id: 'no_interruptions', label: { zh: '不打断客户', en: 'Does not talk over the customer' }, kind: 'automatic', source: 'interruption_rate_below:0.2' },
            { id: 'clarity', label: { zh: '表达清晰、语速适中', en: 'Clear and well paced' }, kind: 'manual', scale: { kind: 'points', max: 5 } },
          ],
        },
        {
          id: 'problem_resolution',
          label: { zh: '问题解决', en: 'Problem resolution' },
          weight: 20,
          criteria: [
            { id: 'product_knowledge', label: { zh: '产品知识准确', en: 'Accurate product knowledge' }, kind: 'manual', scale: { kind: 'points', max: 5 } },
            { id: 'issue_resolved', label: { zh: '问题得到解决', en: 'Issue resolved' }, kind: 'manual' },
            { id: 'duration_in_band', label: { zh: '通话时长合理', en: 'Call duration in band' }, kind: 'automatic', source: 'duration_in_band', allowNa: true },
          ],
        },
        {
          id: 'customer_experience',
          label: { zh: '客户体验', en: 'Customer experience' },
          weight: 20,
          criteria: [
            { id: 'empathy', label: { zh: '共情与安抚', en: 'Empathy and soothing' }, kind: 'manual', scale: { kind: 'points', max: 5 } },
            { id: 'customer_calm', label: { zh: '客户情绪未激化', en: 'Customer not agitated' }, kind: 'automatic', source: 'customer_not_agitated' },
          ],
        },
      ],
    },
    stamp,
  );
}
