import { useEffect, useState } from 'preact/hooks';
import { errorCode } from '../../core/host-error';
import type { Locale } from '../../core/host-bridge';
import { formatDateTime } from '../../core/i18n';
import type { ScorecardCheckBody } from '../../../core/api/admin.api';
import type { ReviseScorecardRequest } from '../../../core/api/quality.api';
import type { AdminClient, Reviewer, SamplePlanRead, SampleSettings, ScorecardRead, StoredSamplePlan } from './admin-setup.client';
import { Failure, Loading, useLoad, type T } from './admin-setup.parts';
import type { AdminMessageKey } from './admin-setup.strings';

type Bilingual = { zh: string; en: string };
/** A criterion as the form edits it; `fresh` ones were added here and still take an id. */
interface CriterionDraft {
  id: string;
  label: Bilingual;
  kind: 'manual' | 'automatic';
  source: string;
  critical: boolean;
  allowNa: boolean;
  points: boolean;
  max: number;
  weight: number;
  fresh: boolean;
}
interface SectionDraft {
  id: string;
  label: Bilingual;
  weight: number;
  criteria: CriterionDraft[];
}

/**
 * The analysis codes an automatic criterion can be bound to (core/quality/scorecard.ts parseAutomaticSource);
 * offered as suggestions, the hub has the last word (`script:<id>` for any required script of the tenant).
 */
const SOURCES = ['no_sensitive_words', 'duration_in_band', 'customer_not_agitated', 'emotion_handled', 'knowledge_accurate', 'interruption_rate_below:0.2', 'script:recording_notice'];

function draftOf(card: ScorecardRead): SectionDraft[] {
  return card.sections.map((section) => ({
    id: section.id,
    label: { zh: section.label.zh, en: section.label.en },
    weight: section.weight,
    criteria: section.criteria.map((c) => {
      const scale = c.scale as { kind: string; max?: number };
      return {
        id: c.id,
        label: { zh: c.label.zh, en: c.label.en },
        kind: c.kind,
        source: typeof c['source'] === 'string' ? (c['source'] as string) : '',
        critical: c.critical,
        allowNa: c.allowNa,
        points: scale.kind === 'points',
        max: scale.max ?? 5,
        weight: c.weight,
        fresh: false,
      };
    }),
  }));
}

/** The PUT body of the draft; blanks go as they are, so the hub names them rather than the form guessing. */
function revisionOf(sections: readonly SectionDraft[], note: string): ReviseScorecardRequest {
  return {
    note,
    sections: sections.map((section) => ({
      id: section.id,
      label: section.label,
      weight: section.weight,
      criteria: section.criteria.map((c) => ({
        id: c.id,
        label: c.label,
        kind: c.kind,
        ...(c.kind === 'automatic' ? { source: c.source } : {}),
        critical: c.critical,
        allowNa: c.allowNa,
        scale: c.points ? { kind: 'points' as const, max: c.max } : { kind: 'pass_fail' as const },
        weight: c.weight,
      })),
    })),
  };
}

const value = (event: Event) => (event.currentTarget as HTMLInputElement).value;
const checked = (event: Event) => (event.currentTarget as HTMLInputElement).checked;
/** A number field's value; an emptied field is NaN, which is sent as null and refused by the hub by name. */
const numberOf = (event: Event) => (event.currentTarget as HTMLInputElement).valueAsNumber;

/**
 * The scorecard editor: pick a card, see its versions, edit sections and criteria (automatic ones bound to an
 * analysis code, manual ones, weights, N/A allowed, pass/fail or points), then save: the hub checks the revision
 * first (its own messages are shown, nothing is stored), and a valid one becomes the card's next version. Past
 * evaluations keep the version they were scored with.
 */
export function ScorecardEditor({ admin, t, locale }: { admin: AdminClient; t: T; locale: Locale }) {
  const [list, retryList] = useLoad(() => admin.scorecards().then((body) => body.items), [admin]);
  const [chosen, setChosen] = useState<string | null>(null);
  const id = chosen ?? (list.status === 'ready' && list.value.length > 0 ? list.value[0]!.id : null);
  const [reload, setReload] = useState(0);
  const [card, retryCard] = useLoad<ScorecardRead | null>(() => (id === null ? Promise.resolve(null) : admin.scorecard(id)), [admin, id, reload]);
  const [draft, setDraft] = useState<SectionDraft[]>([]);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [check, setCheck] = useState<ScorecardCheckBody | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [saved, setSaved] = useState<number | null>(null);
  useEffect(() => {
    if (card.status === 'ready' && card.value !== null) setDraft(draftOf(card.value));
  }, [card]);
  const name = (text: Bilingual) => (locale === 'zh-cn' ? text.zh : text.en);

  function editCriterion(s: number, c: number, change: Partial<CriterionDraft>) {
    setDraft((all) => all.map((section, i) => (i !== s ? section : { ...section, criteria: section.criteria.map((row, j) => (j === c ? { ...row, ...change } : row)) })));
    setCheck(null);
  }
  function editSection(s: number, change: Partial<SectionDraft>) {
    setDraft((all) => all.map((section, i) => (i === s ? { ...section, ...change } : section)));
    setCheck(null);
  }
  function addCriterion(s: number) {
    const fresh: CriterionDraft = { id: '', label: { zh: '', en: '' }, kind: 'manual', source: '', critical: false, allowNa: false, points: false, max: 5, weight: 1, fresh: true };
    editSection(s, { criteria: [...draft[s]!.criteria, fresh] });
  }
  function handleSave(event: Event) {
    event.preventDefault();
    if (id === null) return;
    const revision = revisionOf(draft, note.trim());
    setBusy(true);
    setFailure(null);
    setSaved(null);
    admin
      .checkScorecard(id, revision)
      .then(async (verdict) => {
        setCheck(verdict);
        if (!verdict.valid) return;
        await admin.reviseScorecard(id, revision);
        setSaved(verdict.nextVersion);
        setNote('');
        setCheck(null);
        setReload((n) => n + 1);
        retryList();
      })
      .catch((error: unknown) => setFailure(errorCode(error, 'INTERNAL')))
      .finally(() => setBusy(false));
  }

  const current = card.status === 'ready' ? card.value : null;
  return (
    <section class="cs-admin__card cs-admin__wide" aria-labelledby="cs-admin-scorecards" data-testid="scorecard-editor">
      <h2 id="cs-admin-scorecards" class="cs-admin__h2">{t('scorecards')}</h2>
      {list.status === 'loading' ? <Loading t={t} /> : null}
      {list.status === 'error' ? <Failure code={list.code} t={t} onRetry={retryList} /> : null}
      {list.status === 'ready' && list.value.length === 0 ? <p class="cs-message">{t('scorecardsEmpty')}</p> : null}
      {list.status === 'ready' && list.value.length > 0 ? (
        <div class="cs-admin__field">
          <label for="cs-admin-scorecard">{t('scorecard')}</label>
          <select id="cs-admin-scorecard" class="cs-admin__input" value={id ?? ''} onChange={(event) => setChosen(value(event))}>
            {list.value.map((item) => (
              <option key={item.id} value={item.id}>
                {t('scorecardOption', { name: name(item.name), version: item.version })}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {card.status === 'error' ? <Failure code={card.code} t={t} onRetry={retryCard} /> : null}
      {card.status === 'loading' && id !== null && list.status === 'ready' ? <Loading t={t} /> : null}
      {current !== null && draft.length > 0 ? (
        <form onSubmit={handleSave}>
          <details class="cs-admin__versions">
            <summary>{t('versions', { count: current.versions.length })}</summary>
            <ol class="cs-admin__list" data-testid="scorecard-versions">
              {[...current.versions].reverse().map((v) => (
                <li key={v.version} class="cs-admin__row" data-version={v.version}>
                  <span class="cs-admin__name">
                    {t('versionLine', { version: v.version, date: formatDateTime(v.createdAt, locale), by: v.createdBy })}
                    {v.changeNote ? <span class="cs-admin__sub">{v.changeNote}</span> : null}
                  </span>
                </li>
              ))}
            </ol>
          </details>
          {draft.map((section, s) => (
            <fieldset key={section.id} class="cs-admin__section" data-section={section.id}>
              <legend>{name(section.label)}</legend>
              <NumberField id={`cs-sc-${s}-w`} label={t('sectionWeight')} value={section.weight} onInput={(n) => editSection(s, { weight: n })} />
              {section.criteria.map((c, i) => (
                <CriterionRow key={`${s}-${i}`} t={t} s={s} i={i} c={c} onChange={(change) => editCriterion(s, i, change)} onRemove={() => editSection(s, { criteria: section.criteria.filter((_, j) => j !== i) })} name={name} />
              ))}
              <button type="button" class="cs-button" onClick={() => addCriterion(s)}>
                {t('addCriterion')}
              </button>
            </fieldset>
          ))}
          <datalist id="cs-admin-sources">
            {SOURCES.map((source) => (
              <option key={source} value={source} />
            ))}
          </datalist>
          <div class="cs-admin__field">
            <label for="cs-admin-change-note">{t('changeNote')}</label>
            <textarea id="cs-admin-change-note" class="cs-admin__input" rows={2} maxLength={2000} value={note} onInput={(event) => setNote(value(event))} />
          </div>
          <div class="cs-admin__actions">
            <button type="submit" class="cs-button cs-button--primary" disabled={busy}>
              {busy ? t('saving') : t('saveVersion', { version: current.version + 1 })}
            </button>
            <button type="button" class="cs-button" disabled={busy} onClick={() => (setDraft(draftOf(current)), setCheck(null))}>
              {t('discard')}
            </button>
          </div>
          {check !== null && !check.valid ? (
            <div class="cs-message cs-message--error" role="alert" data-testid="scorecard-problems">
              <p>{t('checkFailed')}</p>
              <ul>
                {check.problems.map((problem, n) => (
                  <li key={n} lang="en">
                    {problem.path ? `${problem.path}: ` : ''}
                    {problem.message}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {saved !== null ? (
            <p class="cs-admin__ok" role="status" data-testid="scorecard-saved">
              {t('versionSaved', { version: saved })}
            </p>
          ) : null}
          {failure !== null ? <Failure code={failure} t={t} /> : null}
        </form>
      ) : null}
    </section>
  );
}

function NumberField({ id, label, value: shown, onInput, min, max, step }: { id: string; label: string; value: number; onInput: (n: number) => void; min?: number; max?: number; step?: number }) {
  return (
    <div class="cs-admin__field cs-admin__num">
      <label for={id}>{label}</label>
      <input id={id} class="cs-admin__input" type="number" min={min ?? 0} max={max} step={step ?? 'any'} value={Number.isNaN(shown) ? '' : shown} onInput={(event) => onInput(numberOf(event))} />
    </div>
  );
}

function CriterionRow({ t, s, i, c, onChange, onRemove, name }: { t: T; s: number; i: number; c: CriterionDraft; onChange: (change: Partial<CriterionDraft>) => void; onRemove: () => void; name: (text: Bilingual) => string }) {
  const key = `cs-sc-${s}-${i}`;
  const title = name(c.label) || t('newCriterion');
  return (
    <div class="cs-admin__crit" role="group" aria-label={title} data-criterion={c.id}>
      <p class="cs-admin__crit-title">
        {title}
        {!c.fresh ? <span class="cs-admin__sub">{c.id}</span> : null}
      </p>
      <div class="cs-admin__crit-grid">
        {c.fresh ? (
          <div class="cs-admin__field">
            <label for={`${key}-id`}>{t('criterionId')}</label>
            <input id={`${key}-id`} class="cs-admin__input" value={c.id} onInput={(event) => onChange({ id: value(event) })} />
          </div>
        ) : null}
        <div class="cs-admin__field">
          <label for={`${key}-zh`}>{t('labelZh')}</label>
          <input id={`${key}-zh`} class="cs-admin__input" lang="zh-CN" value={c.label.zh} onInput={(event) => onChange({ label: { ...c.label, zh: value(event) } })} />
        </div>
        <div class="cs-admin__field">
          <label for={`${key}-en`}>{t('labelEn')}</label>
          <input id={`${key}-en`} class="cs-admin__input" lang="en" value={c.label.en} onInput={(event) => onChange({ label: { ...c.label, en: value(event) } })} />
        </div>
        <div class="cs-admin__field">
          <label for={`${key}-kind`}>{t('criterionKind')}</label>
          <select id={`${key}-kind`} class="cs-admin__input" value={c.kind} onChange={(event) => onChange({ kind: value(event) as CriterionDraft['kind'] })}>
            <option value="manual">{t('kind.manual')}</option>
            <option value="automatic">{t('kind.automatic')}</option>
          </select>
        </div>
        {c.kind === 'automatic' ? (
          <div class="cs-admin__field">
            <label for={`${key}-source`}>{t('analysisCode')}</label>
            <input id={`${key}-source`} class="cs-admin__input" list="cs-admin-sources" value={c.source} onInput={(event) => onChange({ source: value(event) })} />
          </div>
        ) : null}
        <NumberField id={`${key}-w`} label={t('weight')} value={c.weight} onInput={(n) => onChange({ weight: n })} />
        <div class="cs-admin__field">
          <label for={`${key}-scale`}>{t('scale')}</label>
          <select id={`${key}-scale`} class="cs-admin__input" value={c.points ? 'points' : 'pass_fail'} onChange={(event) => onChange({ points: value(event) === 'points' })}>
            <option value="pass_fail">{t('scale.pass_fail')}</option>
            <option value="points">{t('scale.points')}</option>
          </select>
        </div>
        {c.points ? <NumberField id={`${key}-max`} label={t('maxPoints')} value={c.max} min={1} max={100} step={1} onInput={(n) => onChange({ max: n })} /> : null}
      </div>
      <div class="cs-admin__actions">
        <label class="cs-admin__check">
          <input type="checkbox" checked={c.allowNa} onChange={(event) => onChange({ allowNa: checked(event) })} /> {t('allowNa')}
        </label>
        <label class="cs-admin__check">
          <input type="checkbox" checked={c.critical} onChange={(event) => onChange({ critical: checked(event) })} /> {t('critical')}
        </label>
        <button type="button" class="cs-button" onClick={onRemove} aria-label={`${t('remove')}: ${title}`}>
          {t('remove')}
        </button>
      </div>
    </div>
  );
}

/** The current month, UTC, as the hub's periods name it (YYYY-MM). */
function thisMonth(): string {
  return new Date().toISOString().slice(0, 7);
}

/** The planner's defaults (core/sampling/sample-plan.ts), shown until the month has a stored plan to start from. */
const DEFAULT_SETTINGS = { quotas: { new: 0.5, senior: 0.1 }, riskFirst: true, controlShare: 0.2, doubleScoreShare: 0.1, minRiskScore: 0 };
type Settings = typeof DEFAULT_SETTINGS;
const pct = (share: number) => Math.round(share * 1000) / 10;

/**
 * The sampling roster and quotas: the reviewers (each optionally an agent too, never assigned their own calls),
 * the share of each agent's calls sampled by seniority, risk first, the control and double-scoring shares. Preview
 * shows the plan the hub would draw for the month; Save, only after a preview of the same settings, stores the
 * roster and that plan (replacing the month's plan when there is one).
 */
export function SamplingEditor({ admin, t }: { admin: AdminClient; t: T }) {
  const [period, setPeriod] = useState(thisMonth());
  const [roster, retryRoster] = useLoad(() => admin.reviewers(), [admin]);
  const [stored, retryStored] = useLoad<StoredSamplePlan | null>(() => (/^\d{4}-\d{2}$/.test(period) ? admin.storedPlan(period) : Promise.resolve(null)), [admin, period]);
  const [reviewers, setReviewers] = useState<Reviewer[] | null>(null);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [preview, setPreview] = useState<{ status: 'ready'; key: string; plan: SamplePlanRead } | { status: 'loading' } | { status: 'error'; code: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [saved, setSaved] = useState<SamplePlanRead | null>(null);

  const people = reviewers ?? (roster.status === 'ready' ? roster.value : []);
  const storedSettings = stored.status === 'ready' && stored.value !== null ? stored.value.settings : null;
  const chosen: Settings = settings ?? (storedSettings ? { ...DEFAULT_SETTINGS, ...storedSettings, quotas: { ...storedSettings.quotas } } : DEFAULT_SETTINGS);
  const request: SampleSettings = {
    period,
    ...chosen,
    reviewers: people.map((r) => ({ id: r.id.trim(), ...(r.agentId ? { agentId: r.agentId.trim() } : {}) })),
  };
  const key = JSON.stringify(request);
  const plan = preview?.status === 'ready' && preview.key === key ? preview.plan : null;
  const change = (next: Partial<Settings>) => (setSettings({ ...chosen, ...next }), setSaved(null));
  const editReviewer = (n: number, next: Partial<Reviewer> | null) => {
    setReviewers(next === null ? people.filter((_, i) => i !== n) : people.map((r, i) => (i === n ? { ...r, ...next } : r)));
    setSaved(null);
  };

  function handlePreview() {
    setPreview({ status: 'loading' });
    setFailure(null);
    setSaved(null);
    admin.previewPlan(request).then(
      (result) => setPreview({ status: 'ready', key, plan: result }),
      (error: unknown) => setPreview({ status: 'error', code: errorCode(error, 'INTERNAL') }),
    );
  }
  function handleSave() {
    if (plan === null) return;
    setBusy(true);
    setFailure(null);
    admin
      .setReviewers(request.reviewers ?? [])
      .then(() => admin.savePlan(request, stored.status === 'ready' && stored.value !== null))
      .then((result) => {
        setSaved(result);
        setPreview(null);
        retryRoster();
        retryStored();
        setReviewers(null);
      })
      .catch((error: unknown) => setFailure(errorCode(error, 'INTERNAL')))
      .finally(() => setBusy(false));
  }

  return (
    <section class="cs-admin__card" aria-labelledby="cs-admin-sampling" data-testid="sampling-editor">
      <h2 id="cs-admin-sampling" class="cs-admin__h2">{t('sampling')}</h2>
      {roster.status === 'loading' ? <Loading t={t} /> : null}
      {roster.status === 'error' ? <Failure code={roster.code} t={t} onRetry={retryRoster} /> : null}
      {roster.status === 'ready' ? (
        <>
          <div class="cs-admin__field">
            <label for="cs-admin-period">{t('period')}</label>
            <input id="cs-admin-period" class="cs-admin__input" type="month" value={period} required onInput={(event) => (setPeriod(value(event)), setSettings(null), setSaved(null))} />
          </div>
          {stored.status === 'error' ? <Failure code={stored.code} t={t} onRetry={retryStored} /> : null}
          <p class="cs-admin__note" data-testid="stored-plan">
            {stored.status === 'ready' ? (stored.value === null ? t('noPlanYet', { period }) : t('planStored', { period, sampled: stored.value.totals.sampled, by: stored.value.createdBy })) : null}
          </p>
          <h3 class="cs-admin__h3">{t('reviewers')}</h3>
          {people.length === 0 ? <p class="cs-message">{t('reviewersEmpty')}</p> : null}
          <ul class="cs-admin__list" data-testid="roster">
            {people.map((r, n) => (
              <li key={n} class="cs-admin__row" data-reviewer={r.id}>
                <label class="cs-visually-hidden" for={`cs-admin-rev-${n}`}>
                  {t('reviewerId')}
                </label>
                <input id={`cs-admin-rev-${n}`} class="cs-admin__input cs-admin__agent" placeholder={t('reviewerId')} value={r.id} onInput={(event) => editReviewer(n, { id: value(event) })} />
                <label class="cs-visually-hidden" for={`cs-admin-rev-agent-${n}`}>
                  {`${t('alsoAgent')}: ${r.id}`}
                </label>
                <input id={`cs-admin-rev-agent-${n}`} class="cs-admin__input cs-admin__agent" placeholder={t('alsoAgent')} value={r.agentId ?? ''} onInput={(event) => editReviewer(n, { agentId: value(event) || null })} />
                <button type="button" class="cs-button" onClick={() => editReviewer(n, null)} aria-label={`${t('remove')}: ${r.id}`}>
                  {t('remove')}
                </button>
              </li>
            ))}
          </ul>
          <button type="button" class="cs-button" onClick={() => setReviewers([...people, { id: '' }])}>
            {t('addReviewer')}
          </button>
          <h3 class="cs-admin__h3">{t('quotas')}</h3>
          <div class="cs-admin__crit-grid">
            <NumberField id="cs-admin-q-new" label={t('quotaNew')} value={pct(chosen.quotas.new)} max={100} onInput={(n) => change({ quotas: { ...chosen.quotas, new: n / 100 } })} />
            <NumberField id="cs-admin-q-senior" label={t('quotaSenior')} value={pct(chosen.quotas.senior)} max={100} onInput={(n) => change({ quotas: { ...chosen.quotas, senior: n / 100 } })} />
            <NumberField id="cs-admin-q-control" label={t('controlShare')} value={pct(chosen.controlShare)} max={100} onInput={(n) => change({ controlShare: n / 100 })} />
            <NumberField id="cs-admin-q-double" label={t('doubleShare')} value={pct(chosen.doubleScoreShare)} max={100} onInput={(n) => change({ doubleScoreShare: n / 100 })} />
            <NumberField id="cs-admin-q-risk" label={t('minRisk')} value={chosen.minRiskScore} max={1} step={0.05} onInput={(n) => change({ minRiskScore: n })} />
          </div>
          <label class="cs-admin__check">
            <input type="checkbox" checked={chosen.riskFirst} onChange={(event) => change({ riskFirst: checked(event) })} /> {t('riskFirst')}
          </label>
          <div class="cs-admin__actions">
            <button type="button" class="cs-button" disabled={busy || preview?.status === 'loading'} onClick={handlePreview}>
              {preview?.status === 'loading' ? t('previewing') : t('previewPlan')}
            </button>
            <button type="button" class="cs-button cs-button--primary" disabled={busy || plan === null} aria-describedby={plan === null ? 'cs-admin-plan-first' : undefined} onClick={handleSave}>
              {busy ? t('saving') : t('savePlan')}
            </button>
          </div>
          {plan === null && saved === null ? (
            <p id="cs-admin-plan-first" class="cs-admin__hint">
              {t('previewPlanFirst')}
            </p>
          ) : null}
          {preview?.status === 'error' ? <Failure code={preview.code} t={t} /> : null}
          {plan !== null ? <PlanSummary plan={plan} t={t} /> : null}
          {saved !== null ? (
            <p class="cs-admin__ok" role="status" data-testid="plan-saved">
              {t('planSaved', { period: saved.period, sampled: saved.totals.sampled })}
            </p>
          ) : null}
          {failure !== null ? <Failure code={failure} t={t} /> : null}
        </>
      ) : null}
    </section>
  );
}

function PlanSummary({ plan, t }: { plan: SamplePlanRead; t: T }) {
  const strata = { risk: 0, control: 0, quota: 0 };
  for (const item of plan.items) strata[item.stratum] += 1;
  return (
    <div class="cs-admin__dryrun" role="status" aria-live="polite" data-testid="plan-preview">
      <p class="cs-admin__plan-total" data-testid="plan-sampled">
        {t('planSampled', { sampled: plan.totals.sampled, calls: plan.totals.callsInPeriod })}
      </p>
      <ul class="cs-admin__counts">
        <li data-testid="plan-strata">{t('planStrata', strata)}</li>
        <li data-testid="plan-double">{t('planDouble', { count: plan.totals.doubleScored })}</li>
        {plan.totals.unassigned > 0 ? <li data-testid="plan-unassigned">{t('planUnassigned', { count: plan.totals.unassigned })}</li> : null}
        {plan.agentsAssumedNew.length > 0 ? <li>{t('planAssumedNew', { count: plan.agentsAssumedNew.length })}</li> : null}
      </ul>
      <h3 class="cs-admin__h3">{t('planByReviewer')}</h3>
      <ul class="cs-admin__counts" data-testid="plan-reviewers">
        {plan.reviewers.map((r) => (
          <li key={r.reviewerId} data-reviewer={r.reviewerId}>
            {t('planReviewer', { id: r.reviewerId, assigned: r.assigned, double: r.doubleScored })}
          </li>
        ))}
      </ul>
    </div>
  );
}

export type { AdminMessageKey };
