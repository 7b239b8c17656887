import { useEffect, useMemo, useState } from 'preact/hooks';
import { createHubClient, type HubClient } from '../../core/api-client';
import { errorCode } from '../../core/host-error';
import { resolveLocale, type HostBridge, type Locale } from '../../core/host-bridge';
import { formatDateTime } from '../../core/i18n';
import type { ConnectionStatusBody, CrmUserListBody, LegalHoldRead, ZendeskRolesBody, RetentionPolicyRead, RetentionPreviewBody, TryLexiconBody } from '../../../core/api/admin.api';
import { createAdminClient, RETENTION_PRESETS, type AdminClient, type RetentionPreset } from './admin-setup.client';
import { adminText, isAdminMessageKey, type AdminMessageKey } from './admin-setup.strings';
import { Failure, Loading, useLoad, type Load, type T } from './admin-setup.parts';
import { SamplingEditor, ScorecardEditor } from './quality-editors';

export interface AdminSetupProps {
  readonly bridge: HostBridge;
  readonly fallbackLocale?: Locale;
  /** Injected for tests; defaults to a client built on `bridge.fetchToken`. */
  readonly client?: HubClient;
}

/**
 * The admin setup workspace: connection status with a test per service, role-mapping guidance, the retention
 * preset with its dry run shown before saving, legal holds, and a "try a sentence" check of the lexicon. What the
 * reader may see and change is decided by the hub; a refused role sees one bilingual message.
 */
export function AdminSetup({ bridge, fallbackLocale, client: injected }: AdminSetupProps) {
  const hub = useMemo(() => injected ?? createHubClient({ fetchToken: () => bridge.fetchToken() }), [bridge, injected]);
  const admin = useMemo(() => createAdminClient(hub), [hub]);
  const [locale, setLocale] = useState<Locale>(fallbackLocale ?? resolveLocale(globalThis.navigator?.language));
  useEffect(() => {
    bridge.context().then((context) => setLocale(context.locale), () => undefined);
  }, [bridge]);
  const t = (key: AdminMessageKey, vars?: Record<string, string | number>) => adminText(locale, key, vars);
  const connections = useLoad(() => admin.connections().then((body) => body.items), [admin]);
  const refused = connections[0].status === 'error' && connections[0].code === 'FORBIDDEN';
  const zendesk = connections[0].status === 'ready' ? connections[0].value.find((item) => item.kind === 'zendesk') : undefined;
  const zendeskSubdomain = zendesk !== undefined && zendesk.status !== 'not_configured' ? zendesk.target : null;

  return (
    <div class="cs-root cs-admin" lang={locale === 'zh-cn' ? 'zh-CN' : 'en'}>
      <h1 class="cs-heading cs-admin__title">{t('title')}</h1>
      {connections[0].status === 'loading' ? <Loading t={t} /> : null}
      {refused ? (
        <p class="cs-message cs-message--error" role="alert">
          {t('forbidden')}
        </p>
      ) : null}
      {connections[0].status === 'loading' || refused ? null : (
        <div class="cs-admin__grid">
          <ConnectionsSection admin={admin} t={t} load={connections} />
          <RetentionSection admin={admin} t={t} />
          <HoldsSection admin={admin} t={t} locale={locale} />
          <LexiconSection admin={admin} t={t} />
          <SamplingEditor admin={admin} t={t} />
          <section class="cs-admin__card" aria-labelledby="cs-admin-roles">
            <h2 id="cs-admin-roles" class="cs-admin__h2">{t('roles')}</h2>
            <ZendeskRoles admin={admin} t={t} subdomain={zendeskSubdomain} />
          <p class="cs-admin__note">{t('rolesSalesforce')}</p>
            {zendeskSubdomain === null ? <p class="cs-admin__note">{t('rolesZendesk')}</p> : null}
            {zendeskSubdomain === null ? (
              <pre class="cs-admin__code">
                <code>callsight zendesk roles</code>
              </pre>
            ) : null}
          </section>
          <ScorecardEditor admin={admin} t={t} locale={locale} />
        </div>
      )}
    </div>
  );
}

/** A preset policy by its translated preset name; rules an admin wrote keep the name they were given. */
function policyName(t: T, source: 'preset' | 'custom', preset: string | null, name: string): string {
  return source === 'preset' && preset !== null ? t('presetPolicy', { preset: t(`preset.${preset}` as AdminMessageKey) }) : name;
}

/** A connection test's code in words where the screen knows it, the code itself kept for support. */
function codeText(t: T, code: string): string {
  const key = `code.${code}`;
  return isAdminMessageKey(key) ? `${t(key)} (${code})` : code;
}

function ConnectionsSection({ admin, t, load }: { admin: AdminClient; t: T; load: ReturnType<typeof useLoad<ConnectionStatusBody[]>> }) {
  const [list, retry, setList] = load;
  const [testing, setTesting] = useState<string | null>(null);
  const [testError, setTestError] = useState<string | null>(null);
  function handleTest(item: ConnectionStatusBody) {
    setTesting(item.kind);
    setTestError(null);
    admin.testConnection(item.kind).then(
      (result) => {
        setTesting(null);
        if (list.status === 'ready') setList(list.value.map((entry) => (entry.kind === result.kind ? result : entry)));
      },
      (error: unknown) => {
        setTesting(null);
        setTestError(errorCode(error, 'INTERNAL'));
      },
    );
  }
  return (
    <section class="cs-admin__card" aria-labelledby="cs-admin-connections" data-testid="connections">
      <h2 id="cs-admin-connections" class="cs-admin__h2">{t('connections')}</h2>
      {list.status === 'error' ? <Failure code={list.code} t={t} onRetry={retry} /> : null}
      {list.status === 'ready' && list.value.length === 0 ? <p class="cs-message">{t('connectionsEmpty')}</p> : null}
      {list.status === 'ready' && list.value.length > 0 ? (
        <ul class="cs-admin__list">
          {list.value.map((item) => (
            <li key={item.kind} class="cs-admin__row" data-kind={item.kind}>
              <span class="cs-admin__name">{t(`kind.${item.kind}` as AdminMessageKey)}</span>
              <span class={`cs-admin__status cs-admin__status--${item.status}`} data-status={item.status}>
                {t(`status.${item.status}` as AdminMessageKey, { code: item.code === null ? '' : codeText(t, item.code) })}
              </span>
              <button type="button" class="cs-button" disabled={testing !== null} onClick={() => handleTest(item)} aria-label={`${t('test')} ${t(`kind.${item.kind}` as AdminMessageKey)}`}>
                {testing === item.kind ? t('testing') : t('test')}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {testError !== null ? <Failure code={testError} t={t} /> : null}
    </section>
  );
}

function RetentionSection({ admin, t }: { admin: AdminClient; t: T }) {
  const [policy, retry, setPolicy] = useLoad<RetentionPolicyRead>(() => admin.policy(), [admin]);
  const [preset, setPreset] = useState<RetentionPreset | null>(null);
  const [preview, setPreview] = useState<{ preset: RetentionPreset; plan: RetentionPreviewBody } | null>(null);
  const [busy, setBusy] = useState<'preview' | 'save' | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [saved, setSaved] = useState<RetentionPolicyRead | null>(null);
  const chosen: RetentionPreset = preset ?? (policy.status === 'ready' && policy.value.preset !== null ? policy.value.preset : 'general');
  const previewed = preview !== null && preview.preset === chosen;

  function handlePreview() {
    setBusy('preview');
    setFailure(null);
    setSaved(null);
    admin.previewPreset(chosen).then(
      (plan) => {
        setBusy(null);
        setPreview({ preset: chosen, plan });
      },
      (error: unknown) => {
        setBusy(null);
        setFailure(errorCode(error, 'INTERNAL'));
      },
    );
  }
  function handleSave() {
    if (!previewed) return;
    setBusy('save');
    setFailure(null);
    admin.savePreset(chosen).then(
      (view) => {
        setBusy(null);
        setSaved(view);
        setPolicy(view);
        setPreview(null);
      },
      (error: unknown) => {
        setBusy(null);
        setFailure(errorCode(error, 'INTERNAL'));
      },
    );
  }
  const plan = previewed ? preview.plan : null;
  return (
    <section class="cs-admin__card" aria-labelledby="cs-admin-retention">
      <h2 id="cs-admin-retention" class="cs-admin__h2">{t('retention')}</h2>
      {policy.status === 'loading' ? <Loading t={t} /> : null}
      {policy.status === 'error' ? <Failure code={policy.code} t={t} onRetry={retry} /> : null}
      {policy.status === 'ready' ? (
        <>
          <p class="cs-admin__note" data-testid="current-policy">
            {t('currentPolicy', { name: policyName(t, policy.value.source, policy.value.preset, policy.value.policy.name), version: policy.value.version })}
          </p>
          <div class="cs-admin__field">
            <label for="cs-admin-preset">{t('preset')}</label>
            <select
              id="cs-admin-preset"
              class="cs-admin__input"
              value={chosen}
              onChange={(event) => {
                setPreset((event.currentTarget as HTMLSelectElement).value as RetentionPreset);
                setSaved(null);
              }}
            >
              {RETENTION_PRESETS.map((name) => (
                <option key={name} value={name}>
                  {t(`preset.${name}` as AdminMessageKey)}
                </option>
              ))}
            </select>
          </div>
          <div class="cs-admin__actions">
            <button type="button" class="cs-button" disabled={busy !== null} onClick={handlePreview}>
              {busy === 'preview' ? t('previewing') : t('preview')}
            </button>
            <button type="button" class="cs-button cs-button--primary" disabled={busy !== null || !previewed} aria-describedby={previewed ? undefined : 'cs-admin-preview-first'} onClick={handleSave}>
              {busy === 'save' ? t('saving') : t('save')}
            </button>
          </div>
          {!previewed && saved === null ? (
            <p id="cs-admin-preview-first" class="cs-admin__hint">
              {t('previewFirst')}
            </p>
          ) : null}
          {plan !== null ? (
            <div class="cs-admin__dryrun" role="status" aria-live="polite" data-testid="dry-run">
              <p class="cs-admin__dryrun-title">{t('dryRunTitle', { name: policyName(t, 'preset', chosen, plan.proposed.policy.name), total: plan.proposed.total })}</p>
              <p class="cs-admin__dryrun-delete" data-testid="would-delete">
                {t('wouldDelete', { count: plan.proposed.counts.delete })}
              </p>
              <ul class="cs-admin__counts">
                <li data-testid="would-archive">{t('wouldArchive', { count: plan.proposed.counts.archive })}</li>
                <li data-testid="would-keep">{t('wouldKeep', { count: plan.proposed.counts.keep })}</li>
                <li data-testid="would-hold">{t('wouldHold', { count: plan.proposed.counts.held })}</li>
              </ul>
              <p class="cs-admin__hint" data-testid="current-delete">
                {t('comparedToCurrent', { count: plan.current.counts.delete })}
              </p>
            </div>
          ) : null}
          {saved !== null ? (
            <p class="cs-admin__ok" role="status" data-testid="saved">
              {t('saved', { name: policyName(t, saved.source, saved.preset, saved.policy.name), version: saved.version })}
            </p>
          ) : null}
          {failure !== null ? <Failure code={failure} t={t} /> : null}
        </>
      ) : null}
    </section>
  );
}

function HoldsSection({ admin, t, locale }: { admin: AdminClient; t: T; locale: Locale }) {
  const [holds, retry] = useLoad<LegalHoldRead[]>(() => admin.holds(), [admin]);
  const [callIds, setCallIds] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  function act(work: Promise<unknown>) {
    setBusy(true);
    setFailure(null);
    work.then(
      () => {
        setBusy(false);
        retry();
      },
      (error: unknown) => {
        setBusy(false);
        setFailure(errorCode(error, 'INTERNAL'));
      },
    );
  }
  function handlePlace(event: Event) {
    event.preventDefault();
    const ids = callIds.split(/[\s,，]+/).filter((id) => id !== '');
    act(
      admin.placeHold(ids, reason.trim()).then(() => {
        setCallIds('');
        setReason('');
      }),
    );
  }
  return (
    <section class="cs-admin__card" aria-labelledby="cs-admin-holds">
      <h2 id="cs-admin-holds" class="cs-admin__h2">{t('holds')}</h2>
      {holds.status === 'loading' ? <Loading t={t} /> : null}
      {holds.status === 'error' ? <Failure code={holds.code} t={t} onRetry={retry} /> : null}
      {holds.status === 'ready' && holds.value.length === 0 ? <p class="cs-message">{t('holdsEmpty')}</p> : null}
      {holds.status === 'ready' && holds.value.length > 0 ? (
        <ul class="cs-admin__list" data-testid="holds">
          {holds.value.map((hold) => (
            <li key={hold.id} class="cs-admin__row" data-hold={hold.id}>
              <span class="cs-admin__name">
                {hold.reason}
                <span class="cs-admin__sub">{t('holdBy', { kind: t(`holdKind.${hold.by.kind}` as AdminMessageKey), date: formatDateTime(hold.createdAt, locale) })}</span>
              </span>
              <button type="button" class="cs-button" disabled={busy} onClick={() => act(admin.releaseHold(hold.id))} aria-label={`${t('release')}: ${hold.reason}`}>
                {t('release')}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <form class="cs-admin__form" onSubmit={handlePlace}>
        <h3 class="cs-admin__h3">{t('placeHold')}</h3>
        <div class="cs-admin__field">
          <label for="cs-admin-hold-calls">{t('holdCallIds')}</label>
          <input id="cs-admin-hold-calls" class="cs-admin__input" value={callIds} required onInput={(event) => setCallIds((event.currentTarget as HTMLInputElement).value)} />
        </div>
        <div class="cs-admin__field">
          <label for="cs-admin-hold-reason">{t('holdReason')}</label>
          <input id="cs-admin-hold-reason" class="cs-admin__input" value={reason} required onInput={(event) => setReason((event.currentTarget as HTMLInputElement).value)} />
        </div>
        <button type="submit" class="cs-button" disabled={busy}>
          {t('placeHold')}
        </button>
      </form>
      {failure !== null ? <Failure code={failure} t={t} /> : null}
    </section>
  );
}

function LexiconSection({ admin, t }: { admin: AdminClient; t: T }) {
  const [sentence, setSentence] = useState('');
  const [speaker, setSpeaker] = useState<'agent' | 'customer'>('agent');
  const [result, setResult] = useState<Load<TryLexiconBody> | null>(null);
  function handleTry(event: Event) {
    event.preventDefault();
    setResult({ status: 'loading' });
    admin.trySentence(sentence, speaker).then(
      (value) => setResult({ status: 'ready', value }),
      (error: unknown) => setResult({ status: 'error', code: errorCode(error, 'INTERNAL') }),
    );
  }
  const found = result?.status === 'ready' ? result.value : null;
  return (
    <section class="cs-admin__card" aria-labelledby="cs-admin-lexicon">
      <h2 id="cs-admin-lexicon" class="cs-admin__h2">{t('lexicon')}</h2>
      <form class="cs-admin__form" onSubmit={handleTry}>
        <div class="cs-admin__field">
          <label for="cs-admin-sentence">{t('trySentence')}</label>
          <textarea id="cs-admin-sentence" class="cs-admin__input" rows={2} maxLength={2000} required value={sentence} onInput={(event) => setSentence((event.currentTarget as HTMLTextAreaElement).value)} />
        </div>
        <div class="cs-admin__field">
          <label for="cs-admin-speaker">{t('speaker')}</label>
          <select id="cs-admin-speaker" class="cs-admin__input" value={speaker} onChange={(event) => setSpeaker((event.currentTarget as HTMLSelectElement).value as 'agent' | 'customer')}>
            <option value="agent">{t('speaker.agent')}</option>
            <option value="customer">{t('speaker.customer')}</option>
          </select>
        </div>
        <button type="submit" class="cs-button">
          {t('tryButton')}
        </button>
      </form>
      {result?.status === 'loading' ? <Loading t={t} /> : null}
      {result?.status === 'error' ? <Failure code={result.code} t={t} /> : null}
      {found !== null ? (
        <div role="status" aria-live="polite" data-testid="lexicon-result">
          {found.sensitive.length + found.cleared.length + found.scripts.length === 0 ? <p class="cs-message">{t('noHits')}</p> : null}
          <ul class="cs-admin__hits">
            {found.sensitive.map((hit) => (
              <li key={`s${hit.start}`} class={`cs-admin__hit cs-admin__hit--${hit.severity}`} data-term={hit.term}>
                {t('hit', { term: hit.term, severity: t(`severity.${hit.severity}` as AdminMessageKey) })}
              </li>
            ))}
            {found.cleared.map((hit) => (
              <li key={`c${hit.start}`} class="cs-admin__hit cs-admin__hit--cleared">
                {t('cleared', { term: hit.term, by: t(`clearedBy.${hit.clearedBy}` as AdminMessageKey) })}
              </li>
            ))}
            {found.scripts.map((script) => (
              <li key={script.id} class="cs-admin__hit cs-admin__hit--script">
                {t('scriptFound', { label: script.label })}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

const CALLSIGHT_ROLES = ['agent', 'qa', 'manager', 'admin', 'auditor'] as const;
type CallsightRole = (typeof CALLSIGHT_ROLES)[number];

/** The Zendesk user picker: staff found through the Zendesk API, granted a Callsight role; mapped users removable. */
function ZendeskRoles({ admin, t, subdomain }: { admin: AdminClient; t: T; subdomain: string | null }) {
  const [mapping, retry, setMapping] = useLoad<ZendeskRolesBody | null>(() => (subdomain === null ? Promise.resolve(null) : admin.zendeskRoles(subdomain)), [admin, subdomain]);
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<Load<CrmUserListBody['items']> | null>(null);
  const [choice, setChoice] = useState<Record<string, { role: CallsightRole; agentId: string }>>({});
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  if (subdomain === null) return null;
  const names = new Map((found?.status === 'ready' ? found.value : []).map((user) => [user.id, user.name]));

  function handleSearch(event: Event) {
    event.preventDefault();
    setFound({ status: 'loading' });
    admin.searchZendeskStaff(query).then(
      (list) => setFound({ status: 'ready', value: list.items }),
      (error: unknown) => setFound({ status: 'error', code: errorCode(error, 'INTERNAL') }),
    );
  }
  function change(update: Parameters<AdminClient['updateZendeskRoles']>[0]) {
    setBusy(true);
    setFailure(null);
    admin.updateZendeskRoles(update).then(
      (value) => {
        setBusy(false);
        setMapping(value);
      },
      (error: unknown) => {
        setBusy(false);
        setFailure(errorCode(error, 'INTERNAL'));
      },
    );
  }
  function handleGrant(userId: string) {
    const picked = choice[userId] ?? { role: 'agent', agentId: '' };
    const teams = picked.agentId.split(/[\s,，]+/).filter((team) => team !== '');
    const grant =
      picked.role === 'agent' ? { role: picked.role, agentId: picked.agentId.trim() } : picked.role === 'qa' || picked.role === 'manager' ? { role: picked.role, teams } : { role: picked.role };
    change({ subdomain: subdomain as string, users: { [userId]: grant } });
  }
  const users = mapping.status === 'ready' && mapping.value !== null ? Object.entries(mapping.value.users) : [];
  return (
    <div class="cs-admin__zendesk">
      <h3 class="cs-admin__h3">{t('zendeskMapping', { subdomain })}</h3>
      {mapping.status === 'loading' ? <Loading t={t} /> : null}
      {mapping.status === 'error' ? <Failure code={mapping.code} t={t} onRetry={retry} /> : null}
      {mapping.status === 'ready' && users.length === 0 ? <p class="cs-message">{t('noMapped')}</p> : null}
      {users.length > 0 ? (
        <ul class="cs-admin__list" data-testid="mapped-users" aria-label={t('mappedUsers')}>
          {users.map(([id, grant]) => (
            <li key={id} class="cs-admin__row" data-user={id}>
              <span class="cs-admin__name">
                {names.get(id) ?? t('mappedUser', { id })}
                <span class="cs-admin__sub">
                  {t(`role.${grant.role}` as AdminMessageKey)}
                  {grant.agentId ? ` · ${grant.agentId}` : ''}
                  {grant.teams && grant.teams.length > 0 ? ` · ${grant.teams.join(', ')}` : ''}
                </span>
              </span>
              <button type="button" class="cs-button" disabled={busy} onClick={() => change({ subdomain, removeUsers: [id] })} aria-label={`${t('remove')}: ${names.get(id) ?? id}`}>
                {t('remove')}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <form class="cs-admin__form" onSubmit={handleSearch} role="search">
        <div class="cs-admin__field">
          <label for="cs-admin-staff-query">{t('searchStaff')}</label>
          <input id="cs-admin-staff-query" class="cs-admin__input" type="search" required maxLength={100} value={query} onInput={(event) => setQuery((event.currentTarget as HTMLInputElement).value)} />
        </div>
        <button type="submit" class="cs-button">
          {t('searchButton')}
        </button>
      </form>
      {found?.status === 'loading' ? <Loading t={t} /> : null}
      {found?.status === 'error' ? <Failure code={found.code} t={t} /> : null}
      {found?.status === 'ready' && found.value.length === 0 ? <p class="cs-message">{t('noStaff')}</p> : null}
      {found?.status === 'ready' && found.value.length > 0 ? (
        <ul class="cs-admin__list" data-testid="staff-results">
          {found.value.map((user) => {
            const picked = choice[user.id] ?? { role: 'agent' as CallsightRole, agentId: '' };
            const pick = (next: Partial<typeof picked>) => setChoice((all) => ({ ...all, [user.id]: { ...picked, ...next } }));
            return (
              <li key={user.id} class="cs-admin__row cs-admin__staff" data-staff={user.id}>
                <span class="cs-admin__name">
                  {user.name}
                  <span class="cs-admin__sub">
                    {user.email ?? ''} · {user.role === 'admin' || user.role === 'agent' ? t(`crmRole.${user.role}` as AdminMessageKey) : user.role}
                  </span>
                </span>
                <label class="cs-visually-hidden" for={`cs-admin-role-${user.id}`}>
                  {`${t('role')}: ${user.name}`}
                </label>
                <select id={`cs-admin-role-${user.id}`} class="cs-admin__input cs-admin__role" value={picked.role} onChange={(event) => pick({ role: (event.currentTarget as HTMLSelectElement).value as CallsightRole })}>
                  {CALLSIGHT_ROLES.map((role) => (
                    <option key={role} value={role}>
                      {t(`role.${role}` as AdminMessageKey)}
                    </option>
                  ))}
                </select>
                {picked.role === 'agent' || picked.role === 'qa' || picked.role === 'manager' ? (
                  <>
                    <label class="cs-visually-hidden" for={`cs-admin-agent-${user.id}`}>
                      {`${t(picked.role === 'agent' ? 'agentId' : 'teams')}: ${user.name}`}
                    </label>
                    <input
                      id={`cs-admin-agent-${user.id}`}
                      class="cs-admin__input cs-admin__agent"
                      placeholder={t(picked.role === 'agent' ? 'agentId' : 'teams')}
                      value={picked.agentId}
                      onInput={(event) => pick({ agentId: (event.currentTarget as HTMLInputElement).value })}
                    />
                  </>
                ) : null}
                <button type="button" class="cs-button" disabled={busy} onClick={() => handleGrant(user.id)} aria-label={`${t('grant')}: ${user.name}`}>
                  {t('grant')}
                </button>
              </li>
            );
          })}
        </ul>
      ) : null}
      {failure !== null ? <Failure code={failure} t={t} /> : null}
    </div>
  );
}
