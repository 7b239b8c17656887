import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Locale } from '../../core/host-bridge';
import { resolveLocale } from '../../core/host-bridge';
import { errorCode } from '../../core/host-error';
import { translateError } from '../../core/i18n';
import { featureAt } from '../shared/location-registry';
import { LocationView } from '../shared/location-view';
import { ZENDESK_LOCATIONS } from '../zendesk/zendesk-locations';
import type { DemoCustomer, DemoRole } from './demo-bridge';
import { createDemoBridge, DEMO_ROLES, fetchDemoCustomers } from './demo-bridge';
import { demoText, roleName } from './demo-strings';
import logoUrl from './logo.svg';

/** The demo frames the app as Zendesk shows it in the user sidebar, so it mounts what that location mounts. */
const DEMO_LOCATION = 'support.user_sidebar';

interface DemoSelection {
  readonly role: DemoRole;
  readonly agentId: string;
  readonly phone: string;
  readonly locale: Locale;
}

/** Reads the selection from the page URL so a view can be linked (and driven by the e2e test). */
export function readSelection(search: string, fallbackLocale: Locale): DemoSelection {
  const params = new URLSearchParams(search);
  const role = params.get('role');
  const locale = params.get('locale');
  return {
    role: DEMO_ROLES.includes(role as DemoRole) ? (role as DemoRole) : 'agent',
    agentId: params.get('agentId') ?? '',
    phone: params.get('customer') ?? '',
    locale: locale === null ? fallbackLocale : resolveLocale(locale),
  };
}

function writeSelection(selection: DemoSelection): void {
  const params = new URLSearchParams();
  params.set('role', selection.role);
  if (selection.agentId !== '') params.set('agentId', selection.agentId);
  if (selection.phone !== '') params.set('customer', selection.phone);
  params.set('locale', selection.locale);
  history.replaceState(null, '', `${location.pathname}?${params.toString()}`);
}

type CustomersState =
  | { readonly status: 'loading' }
  | { readonly status: 'error'; readonly code: string }
  | { readonly status: 'ready'; readonly customers: readonly DemoCustomer[] };

/**
 * The `/demo` page: pickers on top, a mock Zendesk user page with the app in a 320px sidebar below. A new
 * customer reaches the mounted widget through the bridge's customer-changed event; a new role, agent or
 * language starts a fresh widget (another session or language, as a reload in Zendesk would).
 */
export function DemoApp() {
  const [selection, setSelection] = useState(() => readSelection(location.search, resolveLocale(navigator.language)));
  const [customers, setCustomers] = useState<CustomersState>({ status: 'loading' });
  const frameRef = useRef<HTMLDivElement>(null);
  const { locale } = selection;

  useEffect(() => {
    fetchDemoCustomers().then(
      (list) => setCustomers({ status: 'ready', customers: list }),
      (error: unknown) => setCustomers({ status: 'error', code: errorCode(error, 'INTERNAL') }),
    );
  }, []);

  useEffect(() => writeSelection(selection), [selection]);
  useEffect(() => {
    document.documentElement.lang = locale === 'zh-cn' ? 'zh-CN' : 'en';
    document.title = demoText(locale, 'title');
  }, [locale]);

  const customerList = customers.status === 'ready' ? customers.customers : [];
  const customer = customerList.find((c) => c.phone === selection.phone) ?? customerList[0] ?? null;
  const customerRef = useRef(customer);
  customerRef.current = customer;

  const bridge = useMemo(
    () =>
      createDemoBridge({
        role: selection.role,
        agentId: selection.agentId === '' ? undefined : selection.agentId,
        customer: customerRef.current,
        locale,
        resize: (heightPx) => {
          if (frameRef.current !== null) frameRef.current.style.height = `${heightPx}px`;
        },
      }),
    [selection.role, selection.agentId, locale],
  );

  useLayoutEffect(() => bridge.showCustomer(customer), [bridge, customer]);

  const salesforceHref = `salesforce?${new URLSearchParams({
    role: selection.role,
    ...(selection.agentId === '' ? {} : { agentId: selection.agentId }),
    ...(customer === null ? {} : { customer: customer.phone }),
    locale,
  }).toString()}`;

  const update = (patch: Partial<DemoSelection>) => setSelection((previous) => ({ ...previous, ...patch }));

  return (
    <div class="demo">
      <header class="demo-topbar">
        <strong>{demoText(locale, 'title')}</strong>
        <span class="demo-intro">{demoText(locale, 'intro')}</span>
        <a class="demo-topbar__link" href={salesforceHref} data-testid="salesforce-demo-link">
          {demoText(locale, 'salesforceDemo')}
        </a>
      </header>
      <form class="demo-controls" onSubmit={(event) => event.preventDefault()}>
        <label>
          {demoText(locale, 'role')}
          <select name="role" value={selection.role} onChange={(event) => update({ role: event.currentTarget.value as DemoRole })}>
            {DEMO_ROLES.map((role) => (
              <option key={role} value={role}>
                {roleName(locale, role)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {demoText(locale, 'customer')}
          <select
            name="customer"
            value={customer?.phone ?? ''}
            disabled={customerList.length === 0}
            onChange={(event) => update({ phone: event.currentTarget.value })}
          >
            {customerList.map((c) => (
              <option key={c.phone} value={c.phone}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {demoText(locale, 'language')}
          <select name="locale" value={locale} onChange={(event) => update({ locale: resolveLocale(event.currentTarget.value) })}>
            <option value="en">English</option>
            <option value="zh-cn">简体中文</option>
          </select>
        </label>
      </form>
      {customers.status === 'loading' ? <p class="demo-note">{demoText(locale, 'loadingCustomers')}</p> : null}
      {customers.status === 'error' ? (
        <p class="demo-note demo-note--error" role="alert">
          {demoText(locale, 'customersFailed')} {translateError(locale, customers.code)}
        </p>
      ) : null}
      {customers.status === 'ready' && customerList.length === 0 ? <p class="demo-note">{demoText(locale, 'noCustomers')}</p> : null}
      {customer !== null ? (
        <main class="demo-workspace">
          <section class="demo-profile" aria-label={demoText(locale, 'profile')}>
            <div class="demo-avatar" aria-hidden="true">
              {customer.name.slice(0, 1)}
            </div>
            <h1 class="demo-name">{customer.name}</h1>
            <p>
              {demoText(locale, 'phone')}: <span class="demo-phone">{customer.phone}</span>
            </p>
          </section>
          <aside class="demo-sidebar" aria-label={demoText(locale, 'sidebar')}>
            <div class="demo-sidebar__title">{demoText(locale, 'apps')}</div>
            <div class="demo-app-header">
              <img src={logoUrl} alt="" width="20" height="20" />
              <span>Callsight</span>
            </div>
            <div class="demo-frame" ref={frameRef} data-testid="widget-frame">
              <LocationView
                key={`${selection.role}|${selection.agentId}|${locale}`}
                feature={featureAt(ZENDESK_LOCATIONS, DEMO_LOCATION)}
                place={DEMO_LOCATION}
                bridge={bridge}
                fallbackLocale={locale}
              />
            </div>
          </aside>
        </main>
      ) : null}
    </div>
  );
}
