import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import type { Locale } from '../../core/host-bridge';
import { resolveLocale } from '../../core/host-bridge';
import { errorCode } from '../../core/host-error';
import { translateError } from '../../core/i18n';
import caseIcon from '@salesforce-ux/design-system/assets/icons/standard/case.svg';
import contactIcon from '@salesforce-ux/design-system/assets/icons/standard/contact.svg';
import callHistoryIcon from '@salesforce-ux/design-system/assets/icons/standard/call_history.svg';
import reviewIcon from '@salesforce-ux/design-system/assets/icons/standard/call_coaching.svg';
import closeIcon from '@salesforce-ux/design-system/assets/icons/utility/close.svg';
import errorIcon from '@salesforce-ux/design-system/assets/icons/utility/error.svg';
import infoIcon from '@salesforce-ux/design-system/assets/icons/utility/info.svg';
import successIcon from '@salesforce-ux/design-system/assets/icons/utility/success.svg';
import warningIcon from '@salesforce-ux/design-system/assets/icons/utility/warning.svg';
import type { DemoCustomer } from './demo-bridge';
import { fetchDemoCustomers } from './demo-bridge';
import type { DemoRecordContext, RecordPageReference, SalesforceDemoBridge, SalesforceDemoRole, SalesforceToast } from './salesforce-demo-bridge';
import dashboardIcon from '@salesforce-ux/design-system/assets/icons/standard/dashboard.svg';
import { createSalesforceDemoBridge, SALESFORCE_DEMO_ROLES } from './salesforce-demo-bridge';
import type { DemoCase, DemoContact, DemoRecords } from './salesforce-demo-records';
import { buildDemoRecords } from './salesforce-demo-records';
import type { SalesforceDemoMessageKey } from './salesforce-demo-strings';
import { sfRoleName, sfText } from './salesforce-demo-strings';
import type { LwcMountOutcome } from './salesforce-lwc-host';
import { LwcHost } from './salesforce-lwc-host';

/** A Lightning record page, or the Callsight app page (insights, my calls, training, setup). */
type RecordPage = 'contact' | 'case' | 'app';

/** The Callsight app page's tabs, each one Lightning web component. */
const APP_TABS = [
  { id: 'insights', component: 'callsightInsights', tag: 'c-callsight-insights', label: 'tabInsights' },
  { id: 'my-calls', component: 'callsightMyCalls', tag: 'c-callsight-my-calls', label: 'tabMyCalls' },
  { id: 'training', component: 'callsightTraining', tag: 'c-callsight-training', label: 'tabTraining' },
  { id: 'setup', component: 'callsightAdminSetup', tag: 'c-callsight-admin-setup', label: 'tabAdmin' },
] as const;
type AppTab = (typeof APP_TABS)[number]['id'];

/** The tab the app page opens on for a role: what that user comes for. */
function defaultAppTab(role: SalesforceDemoRole): AppTab {
  if (role === 'manager') return 'insights';
  if (role === 'admin') return 'setup';
  if (role === 'qa') return 'training';
  return 'my-calls';
}

interface SalesforceDemoSelection {
  readonly role: SalesforceDemoRole;
  readonly agentId: string;
  /** The Contact's phone (the demo customer's), or '' for the first. */
  readonly phone: string;
  readonly page: RecordPage;
  /** The Case shown on the Case page, or '' for the Contact's first. */
  readonly caseId: string;
  /** The app page's tab, or '' for the role's default. */
  readonly tab: AppTab | '';
  readonly locale: Locale;
}

/** Reads the selection from the page URL so a view can be linked (and driven by the e2e test). */
export function readSalesforceSelection(search: string, fallbackLocale: Locale): SalesforceDemoSelection {
  const params = new URLSearchParams(search);
  const role = params.get('role');
  const locale = params.get('locale');
  return {
    role: SALESFORCE_DEMO_ROLES.includes(role as SalesforceDemoRole) ? (role as SalesforceDemoRole) : 'agent',
    agentId: params.get('agentId') ?? '',
    phone: params.get('customer') ?? '',
    page: params.get('page') === 'case' ? 'case' : params.get('page') === 'app' ? 'app' : 'contact',
    caseId: params.get('case') ?? '',
    tab: APP_TABS.find((item) => item.id === params.get('tab'))?.id ?? '',
    locale: locale === null ? fallbackLocale : resolveLocale(locale),
  };
}

/** The page's query string for a selection (the inverse of readSalesforceSelection). */
export function selectionQuery(selection: SalesforceDemoSelection): string {
  const params = new URLSearchParams();
  params.set('role', selection.role);
  if (selection.agentId !== '') params.set('agentId', selection.agentId);
  if (selection.phone !== '') params.set('customer', selection.phone);
  params.set('page', selection.page);
  if (selection.page === 'case' && selection.caseId !== '') params.set('case', selection.caseId);
  if (selection.page === 'app' && selection.tab !== '') params.set('tab', selection.tab);
  params.set('locale', selection.locale);
  return params.toString();
}

type CustomersState =
  | { readonly status: 'loading' }
  | { readonly status: 'error'; readonly code: string }
  | { readonly status: 'ready'; readonly records: DemoRecords };

interface ShownToast extends SalesforceToast {
  readonly key: number;
}

/** Info and success toasts leave on their own, as Lightning's `dismissible` mode does; warnings and errors stay until closed. */
const TOAST_DISMISS_MS = 6000;

const TOAST_ICONS: Record<SalesforceToast['variant'], string> = { error: errorIcon, warning: warningIcon, success: successIcon, info: infoIcon };
const TOAST_LABELS: Record<SalesforceToast['variant'], SalesforceDemoMessageKey> = {
  error: 'toastError',
  warning: 'toastWarning',
  success: 'toastSuccess',
  info: 'toastInfo',
};

/**
 * The `/demo/salesforce` page: demo pickers on top, then a Lightning record page built with SLDS (a Contact
 * with the call history, or a Case with the QA review panel and the contact's call history), where each
 * Callsight component is the Salesforce static resource mounted into an LWC-like shadow root through a demo
 * bridge. A new contact or case reaches mounted components as a record change (they reload in place); a new
 * role or language starts fresh components, as signing in again would.
 */
export function SalesforceDemoApp() {
  const [selection, setSelection] = useState(() => readSalesforceSelection(location.search, resolveLocale(navigator.language)));
  const [customers, setCustomers] = useState<CustomersState>({ status: 'loading' });
  const [toasts, setToasts] = useState<readonly ShownToast[]>([]);
  const toastCount = useRef(0);
  const { locale } = selection;

  useEffect(() => {
    fetchDemoCustomers().then(
      (list) => setCustomers({ status: 'ready', records: buildDemoRecords(list) }),
      (error: unknown) => setCustomers({ status: 'error', code: errorCode(error, 'INTERNAL') }),
    );
  }, []);

  useEffect(() => history.replaceState(null, '', `${location.pathname}?${selectionQuery(selection)}`), [selection]);
  useEffect(() => {
    document.documentElement.lang = locale === 'zh-cn' ? 'zh-CN' : 'en';
    document.title = sfText(locale, 'title');
  }, [locale]);

  const dismissToast = useCallback((key: number) => setToasts((shown) => shown.filter((toast) => toast.key !== key)), []);
  const showToast = useCallback(
    (toast: SalesforceToast) => {
      toastCount.current += 1;
      const key = toastCount.current;
      setToasts((shown) => [...shown.slice(-2), { ...toast, key }]);
      if (toast.variant === 'info' || toast.variant === 'success') setTimeout(() => dismissToast(key), TOAST_DISMISS_MS);
    },
    [dismissToast],
  );

  const records = customers.status === 'ready' ? customers.records : null;
  const contact = records?.contacts.find((c) => c.phone === selection.phone) ?? records?.contacts[0] ?? null;
  const contactCases = records === null || contact === null ? [] : records.cases.filter((c) => c.contactId === contact.id);
  const shownCase = selection.page === 'case' ? (contactCases.find((c) => c.id === selection.caseId) ?? contactCases[0] ?? null) : null;
  const recordContext: DemoRecordContext | null =
    selection.page === 'app'
      ? { location: 'workspace', customer: {} }
      : contact === null
        ? null
        : { location: shownCase === null ? 'customer-record' : 'case-record', customer: { id: contact.id, phone: contact.phone, name: contact.name } };
  const recordRef = useRef(recordContext);
  recordRef.current = recordContext;

  const update = (patch: Partial<SalesforceDemoSelection>) => setSelection((previous) => ({ ...previous, ...patch }));

  const navigate = useCallback(
    (reference: RecordPageReference) => {
      const { recordId, objectApiName } = reference.attributes;
      if (records === null) return;
      if (objectApiName === 'Case') {
        const target = records.cases.find((c) => c.id === recordId);
        const owner = records.contacts.find((c) => c.id === target?.contactId);
        if (target !== undefined && owner !== undefined) update({ page: 'case', caseId: target.id, phone: owner.phone });
      } else {
        const target = records.contacts.find((c) => c.id === recordId);
        if (target !== undefined) update({ page: 'contact', caseId: '', phone: target.phone });
      }
    },
    [records],
  );
  const navigateRef = useRef(navigate);
  navigateRef.current = navigate;

  const bridge = useMemo(() => {
    const first = recordRef.current;
    if (first === null) return null;
    return createSalesforceDemoBridge({
      role: selection.role,
      agentId: selection.agentId === '' ? undefined : selection.agentId,
      locale,
      record: first,
      onToast: showToast,
      sessionFailedToast: (code) => ({ variant: 'error', title: sfText(locale, 'sessionFailed'), message: translateError(locale, code) }),
      onNavigate: (reference) => navigateRef.current(reference),
    });
  }, [selection.role, selection.agentId, locale, recordContext === null, showToast]);

  useLayoutEffect(() => {
    if (bridge !== null && recordContext !== null) bridge.showRecord(recordContext);
  }, [bridge, recordContext?.location, recordContext?.customer.id]);

  const handleOutcome = useCallback(
    (outcome: LwcMountOutcome, error?: unknown) => {
      if (outcome !== 'failed') return;
      const code = errorCode(error, 'INTERNAL');
      showToast({
        variant: 'error',
        title: sfText(locale, code === 'STATIC_RESOURCE_FAILED' ? 'staticResourceFailed' : 'componentFailed'),
        message: translateError(locale, code),
      });
    },
    [locale, showToast],
  );

  const hrefFor = (patch: Partial<SalesforceDemoSelection>) => `salesforce?${selectionQuery({ ...selection, ...patch })}`;
  const zendeskHref = `./?${new URLSearchParams({
    role: selection.role === 'qa' || selection.role === 'admin' ? selection.role : 'agent',
    ...(selection.agentId === '' ? {} : { agentId: selection.agentId }),
    ...(contact === null ? {} : { customer: contact.phone }),
    locale,
  }).toString()}`;

  return (
    <div class="sfd">
      <header class="sfd-demo-bar">
        <div class="sfd-demo-bar__text">
          <strong>{sfText(locale, 'title')}</strong>
          <span class="sfd-demo-bar__intro">{sfText(locale, 'intro')}</span>
        </div>
        <a class="sfd-demo-bar__link" href={zendeskHref} data-testid="zendesk-demo-link">
          {sfText(locale, 'zendeskDemo')}
        </a>
      </header>
      <form class="sfd-controls" aria-label={sfText(locale, 'controls')} onSubmit={(event) => event.preventDefault()}>
        <Picker label={sfText(locale, 'role')} name="role" value={selection.role} onChange={(value) => update({ role: value as SalesforceDemoRole })}>
          {SALESFORCE_DEMO_ROLES.map((role) => (
            <option key={role} value={role}>
              {sfRoleName(locale, role)}
            </option>
          ))}
        </Picker>
        <Picker
          label={sfText(locale, 'customer')}
          name="customer"
          value={contact?.phone ?? ''}
          disabled={records === null || records.contacts.length === 0}
          onChange={(value) => update({ phone: value, caseId: '' })}
        >
          {(records?.contacts ?? []).map((c) => (
            <option key={c.id} value={c.phone}>
              {c.name}
            </option>
          ))}
        </Picker>
        <Picker
          label={sfText(locale, 'page')}
          name="page"
          value={selection.page}
          onChange={(value) => update({ page: value === 'case' ? 'case' : value === 'app' ? 'app' : 'contact', caseId: '' })}
        >
          <option value="contact">{sfText(locale, 'contact')}</option>
          <option value="case">{sfText(locale, 'case')}</option>
          <option value="app">{sfText(locale, 'appPage')}</option>
        </Picker>
        <Picker label={sfText(locale, 'language')} name="locale" value={locale} onChange={(value) => update({ locale: resolveLocale(value) })}>
          <option value="en">English</option>
          <option value="zh-cn">简体中文</option>
        </Picker>
      </form>
      <div class="sfd-app-bar">
        <span class="sfd-app-bar__launcher" aria-hidden="true" />
        <span class="sfd-app-bar__name">{sfText(locale, 'appName')}</span>
        <span class="sfd-app-bar__item">{sfText(locale, selection.page === 'case' ? 'navCases' : selection.page === 'app' ? 'navCallsight' : 'navContacts')}</span>
      </div>
      {customers.status === 'loading' ? <p class="sfd-note">{sfText(locale, 'loadingCustomers')}</p> : null}
      {customers.status === 'error' ? (
        <div class="slds-scoped-notification slds-theme_error sfd-note" role="alert">
          {sfText(locale, 'customersFailed')} {translateError(locale, customers.code)}
        </div>
      ) : null}
      {records !== null && records.contacts.length === 0 ? <p class="sfd-note">{sfText(locale, 'noCustomers')}</p> : null}
      {selection.page === 'app' && bridge !== null ? (
        <main class="sfd-page" key={`app|${selection.role}|${selection.agentId}|${locale}`}>
          <AppPage
            tab={selection.tab === '' ? defaultAppTab(selection.role) : selection.tab}
            onTab={(tab) => update({ tab })}
            locale={locale}
            bridge={bridge}
            onOutcome={handleOutcome}
          />
        </main>
      ) : null}
      {selection.page !== 'app' && contact !== null && bridge !== null ? (
        <main class="sfd-page" key={`${selection.role}|${selection.agentId}|${locale}`}>
          {shownCase === null ? (
            <ContactPage contact={contact} cases={contactCases} locale={locale} bridge={bridge} hrefFor={hrefFor} onOutcome={handleOutcome} />
          ) : (
            <CasePage record={shownCase} contact={contact} locale={locale} bridge={bridge} hrefFor={hrefFor} onOutcome={handleOutcome} />
          )}
        </main>
      ) : null}
      <div class="slds-notify_container sfd-toasts">
        {toasts.map((toast) => (
          <Toast key={toast.key} toast={toast} locale={locale} onClose={() => dismissToast(toast.key)} />
        ))}
      </div>
    </div>
  );
}

function Picker(props: { label: string; name: string; value: string; disabled?: boolean; onChange: (value: string) => void; children: ComponentChildren }) {
  const id = `sfd-picker-${props.name}`;
  return (
    <div class="slds-form-element sfd-controls__item">
      <label class="slds-form-element__label" for={id}>
        {props.label}
      </label>
      <div class="slds-form-element__control">
        <div class="slds-select_container">
          <select
            class="slds-select"
            id={id}
            name={props.name}
            value={props.value}
            disabled={props.disabled}
            onChange={(event) => props.onChange(event.currentTarget.value)}
          >
            {props.children}
          </select>
        </div>
      </div>
    </div>
  );
}

function Toast({ toast, locale, onClose }: { toast: SalesforceToast; locale: Locale; onClose: () => void }) {
  const urgent = toast.variant === 'error' || toast.variant === 'warning';
  return (
    <div class={`slds-notify slds-notify_toast slds-theme_${toast.variant} sfd-toast`} role={urgent ? 'alert' : 'status'} data-variant={toast.variant}>
      <span class="slds-assistive-text">{sfText(locale, TOAST_LABELS[toast.variant])}</span>
      <span class={`slds-icon_container slds-icon-utility-${toast.variant} slds-m-right_small slds-no-flex slds-align-top`}>
        <img class="slds-icon slds-icon_small sfd-icon-inverse" src={TOAST_ICONS[toast.variant]} alt="" />
      </span>
      <div class="slds-notify__content">
        <h2 class="slds-text-heading_small">{toast.title}</h2>
        <p>{toast.message}</p>
      </div>
      <div class="slds-notify__close">
        <button type="button" class="slds-button slds-button_icon slds-button_icon-inverse" title={sfText(locale, 'close')} onClick={onClose}>
          <img class="slds-button__icon slds-button__icon_large sfd-icon-inverse" src={closeIcon} alt="" />
          <span class="slds-assistive-text">{sfText(locale, 'close')}</span>
        </button>
      </div>
    </div>
  );
}

interface RecordHeaderProps {
  readonly icon: string;
  readonly iconClass: string;
  readonly objectLabel: string;
  readonly title: string;
  readonly details: readonly { label: string; value: ComponentChildren }[];
}

function RecordHeader({ icon, iconClass, objectLabel, title, details }: RecordHeaderProps) {
  return (
    <div class="slds-page-header slds-page-header_record-home sfd-record-header">
      <div class="slds-page-header__row">
        <div class="slds-page-header__col-title">
          <div class="slds-media">
            <div class="slds-media__figure">
              <span class={`slds-icon_container ${iconClass}`}>
                <img class="slds-icon slds-page-header__icon" src={icon} alt="" />
              </span>
            </div>
            <div class="slds-media__body">
              <div class="slds-page-header__name">
                <div class="slds-page-header__name-title">
                  <h1>
                    <span>{objectLabel}</span>
                    <span class="slds-page-header__title slds-truncate" title={title} data-testid="record-title">
                      {title}
                    </span>
                  </h1>
                </div>
              </div>
            </div>
          </div>
        </div>
      </div>
      {details.length === 0 ? null : (
      <div class="slds-page-header__row slds-page-header__row_gutters">
        <div class="slds-page-header__col-details">
          <ul class="slds-page-header__detail-row sfd-detail-row">
            {details.map((detail) => (
              <li class="slds-page-header__detail-block" key={detail.label}>
                <div class="slds-text-title slds-truncate">{detail.label}</div>
                <div class="slds-truncate">{detail.value}</div>
              </li>
            ))}
          </ul>
        </div>
      </div>
      )}
    </div>
  );
}

function Card(props: { icon: string; iconClass: string; title: string; testId?: string; children: ComponentChildren }) {
  return (
    <article class="slds-card sfd-card" data-testid={props.testId}>
      <div class="slds-card__header slds-grid">
        <header class="slds-media slds-media_center slds-has-flexi-truncate">
          <div class="slds-media__figure">
            <span class={`slds-icon_container ${props.iconClass}`}>
              <img class="slds-icon slds-icon_small" src={props.icon} alt="" />
            </span>
          </div>
          <div class="slds-media__body">
            <h2 class="slds-card__header-title">
              <span>{props.title}</span>
            </h2>
          </div>
        </header>
      </div>
      <div class="slds-card__body slds-card__body_inner">{props.children}</div>
    </article>
  );
}

function RecordLink(props: { href: string; reference: RecordPageReference; bridge: SalesforceDemoBridge; children: ComponentChildren }) {
  return (
    <a
      href={props.href}
      onClick={(event) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        props.bridge.navigate(props.reference);
      }}
    >
      {props.children}
    </a>
  );
}

function Fields({ fields }: { fields: readonly { label: string; value: ComponentChildren }[] }) {
  return (
    <dl class="slds-list_stacked sfd-fields">
      {fields.map((field) => (
        <div class="slds-form-element slds-form-element_readonly" key={field.label}>
          <dt class="slds-form-element__label">{field.label}</dt>
          <dd class="slds-form-element__control">
            <div class="slds-form-element__static">{field.value}</div>
          </dd>
        </div>
      ))}
    </dl>
  );
}

interface PageProps {
  readonly contact: DemoContact;
  readonly locale: Locale;
  readonly bridge: SalesforceDemoBridge;
  readonly hrefFor: (patch: Partial<SalesforceDemoSelection>) => string;
  readonly onOutcome: (outcome: LwcMountOutcome, error?: unknown) => void;
}

function ContactPage({ contact, cases, locale, bridge, hrefFor, onOutcome }: PageProps & { cases: readonly DemoCase[] }) {
  const [tab, setTab] = useState<'related' | 'details'>('related');
  const t = (key: SalesforceDemoMessageKey, values?: Record<string, string | number>) => sfText(locale, key, values);
  const tabs = [
    { id: 'related', label: t('related') },
    { id: 'details', label: t('details') },
  ] as const;
  function handleTabKey(event: KeyboardEvent) {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    event.preventDefault();
    const index = tabs.findIndex((item) => item.id === tab);
    const next = tabs[(index + (event.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length]!;
    setTab(next.id);
    document.getElementById(`sfd-tab-${next.id}`)?.focus();
  }
  return (
    <>
      <RecordHeader
        icon={contactIcon}
        iconClass="slds-icon-standard-contact"
        objectLabel={t('contact')}
        title={contact.name}
        details={[
          { label: t('contactTitle'), value: contact.title[locale] },
          { label: t('accountName'), value: contact.accountName },
          { label: t('phone'), value: <span class="sfd-phone">{contact.phone}</span> },
          { label: t('contactOwner'), value: t('owner') },
        ]}
      />
      <div class="slds-grid slds-wrap sfd-columns">
        <div class="slds-col slds-size_1-of-1 slds-large-size_8-of-12 sfd-main">
          <div class="slds-tabs_default slds-card sfd-tabs">
            <ul class="slds-tabs_default__nav" role="tablist" onKeyDown={handleTabKey}>
              {tabs.map((item) => (
                <li class={`slds-tabs_default__item${tab === item.id ? ' slds-is-active' : ''}`} role="presentation" key={item.id}>
                  <button
                    type="button"
                    class="slds-tabs_default__link sfd-tab-button"
                    role="tab"
                    id={`sfd-tab-${item.id}`}
                    aria-selected={tab === item.id}
                    aria-controls={`sfd-panel-${item.id}`}
                    tabIndex={tab === item.id ? 0 : -1}
                    onClick={() => setTab(item.id)}
                  >
                    {item.label}
                  </button>
                </li>
              ))}
            </ul>
            <div id="sfd-panel-related" class="slds-tabs_default__content" role="tabpanel" aria-labelledby="sfd-tab-related" hidden={tab !== 'related'}>
              <Card icon={callHistoryIcon} iconClass="slds-icon-standard-call-history" title={t('callHistoryCard')} testId="call-history-card">
                <LwcHost tag="c-callsight-call-history" component="callsightCallHistory" bridge={bridge} locale={locale} onOutcome={onOutcome} />
              </Card>
            </div>
            <div id="sfd-panel-details" class="slds-tabs_default__content sfd-details" role="tabpanel" aria-labelledby="sfd-tab-details" hidden={tab !== 'details'}>
              <Fields
                fields={[
                  { label: t('name'), value: contact.name },
                  { label: t('contactTitle'), value: contact.title[locale] },
                  { label: t('accountName'), value: contact.accountName },
                  { label: t('phone'), value: contact.phone },
                ]}
              />
            </div>
          </div>
        </div>
        <div class="slds-col slds-size_1-of-1 slds-large-size_4-of-12 sfd-side">
          <Card icon={caseIcon} iconClass="slds-icon-standard-case" title={t('cases', { count: cases.length })} testId="cases-card">
            <ul class="sfd-related">
              {cases.map((item) => (
                <li class="slds-tile sfd-related__item" key={item.id}>
                  <h3 class="slds-tile__title slds-truncate">
                    <RecordLink
                      href={hrefFor({ page: 'case', caseId: item.id })}
                      reference={{ type: 'standard__recordPage', attributes: { recordId: item.id, objectApiName: 'Case', actionName: 'view' } }}
                      bridge={bridge}
                    >
                      {item.caseNumber}
                    </RecordLink>
                  </h3>
                  <dl class="slds-list_horizontal slds-wrap sfd-tile-fields">
                    <dt class="slds-item_label slds-truncate">{t('subject')}:</dt>
                    <dd class="slds-item_detail slds-truncate">{item.subject[locale]}</dd>
                    <dt class="slds-item_label slds-truncate">{t('status')}:</dt>
                    <dd class="slds-item_detail slds-truncate">{item.status[locale]}</dd>
                  </dl>
                </li>
              ))}
            </ul>
          </Card>
        </div>
      </div>
    </>
  );
}

function CasePage({ record, contact, locale, bridge, hrefFor, onOutcome }: PageProps & { record: DemoCase }) {
  const t = (key: SalesforceDemoMessageKey) => sfText(locale, key);
  const contactLink = (
    <RecordLink
      href={hrefFor({ page: 'contact', caseId: '' })}
      reference={{ type: 'standard__recordPage', attributes: { recordId: contact.id, objectApiName: 'Contact', actionName: 'view' } }}
      bridge={bridge}
    >
      {contact.name}
    </RecordLink>
  );
  return (
    <>
      <RecordHeader
        icon={caseIcon}
        iconClass="slds-icon-standard-case"
        objectLabel={t('case')}
        title={`${record.caseNumber} · ${record.subject[locale]}`}
        details={[
          { label: t('priority'), value: record.priority[locale] },
          { label: t('status'), value: record.status[locale] },
          { label: t('contactName'), value: contactLink },
          { label: t('caseOrigin'), value: record.origin[locale] },
        ]}
      />
      <div class="slds-grid slds-wrap sfd-columns">
        <div class="slds-col slds-size_1-of-1 slds-large-size_8-of-12 sfd-main">
          <Card icon={reviewIcon} iconClass="slds-icon-standard-call-coaching" title={t('reviewCard')} testId="review-card">
            <LwcHost tag="c-callsight-review-panel" component="callsightReviewPanel" bridge={bridge} locale={locale} onOutcome={onOutcome} />
          </Card>
          <Card icon={callHistoryIcon} iconClass="slds-icon-standard-call-history" title={t('callHistoryCard')} testId="call-history-card">
            <LwcHost tag="c-callsight-call-history" component="callsightCallHistory" bridge={bridge} locale={locale} onOutcome={onOutcome} />
          </Card>
        </div>
        <div class="slds-col slds-size_1-of-1 slds-large-size_4-of-12 sfd-side">
          <Card icon={caseIcon} iconClass="slds-icon-standard-case" title={t('details')} testId="case-details-card">
            <Fields
              fields={[
                { label: t('caseNumber'), value: record.caseNumber },
                { label: t('subject'), value: record.subject[locale] },
                { label: t('status'), value: record.status[locale] },
                { label: t('priority'), value: record.priority[locale] },
                { label: t('caseOrigin'), value: record.origin[locale] },
                { label: t('contactName'), value: contactLink },
              ]}
            />
          </Card>
        </div>
      </div>
    </>
  );
}

interface AppPageProps {
  readonly tab: AppTab;
  readonly onTab: (tab: AppTab) => void;
  readonly locale: Locale;
  readonly bridge: SalesforceDemoBridge;
  readonly onOutcome: (outcome: LwcMountOutcome, error?: unknown) => void;
}

/**
 * The Callsight Lightning app page: one tab per app-page component (insights, my calls, training, setup), each an LWC
 * on a page with no record, as a Lightning App page holds them. Only the open tab's component is mounted, as Lightning
 * renders a tab's content when it is first shown; what each role may see is the hub's decision.
 */
function AppPage({ tab, onTab, locale, bridge, onOutcome }: AppPageProps) {
  const t = (key: SalesforceDemoMessageKey) => sfText(locale, key);
  const shown = APP_TABS.find((item) => item.id === tab) ?? APP_TABS[0];
  function handleTabKey(event: KeyboardEvent) {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    event.preventDefault();
    const index = APP_TABS.findIndex((item) => item.id === tab);
    const next = APP_TABS[(index + (event.key === 'ArrowRight' ? 1 : APP_TABS.length - 1)) % APP_TABS.length]!;
    onTab(next.id);
    document.getElementById(`sfd-app-tab-${next.id}`)?.focus();
  }
  return (
    <>
      <RecordHeader icon={dashboardIcon} iconClass="slds-icon-standard-dashboard" objectLabel={t('navCallsight')} title={t('appPage')} details={[]} />
      <div class="slds-tabs_default slds-card sfd-tabs sfd-app-tabs">
        <ul class="slds-tabs_default__nav" role="tablist" aria-label={t('appTabs')} onKeyDown={handleTabKey}>
          {APP_TABS.map((item) => (
            <li class={`slds-tabs_default__item${tab === item.id ? ' slds-is-active' : ''}`} role="presentation" key={item.id}>
              <button
                type="button"
                class="slds-tabs_default__link sfd-tab-button"
                role="tab"
                id={`sfd-app-tab-${item.id}`}
                aria-selected={tab === item.id}
                aria-controls="sfd-app-panel"
                tabIndex={tab === item.id ? 0 : -1}
                onClick={() => onTab(item.id)}
              >
                {t(item.label)}
              </button>
            </li>
          ))}
        </ul>
        <div id="sfd-app-panel" class="slds-tabs_default__content" role="tabpanel" aria-labelledby={`sfd-app-tab-${shown.id}`} data-testid={`app-panel-${shown.id}`}>
          <LwcHost key={shown.id} tag={shown.tag} component={shown.component} bridge={bridge} locale={locale} onOutcome={onOutcome} />
        </div>
      </div>
    </>
  );
}
