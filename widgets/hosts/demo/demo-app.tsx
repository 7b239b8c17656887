import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Locale } from '../../core/host-bridge';
import { resolveLocale } from '../../core/host-bridge';
import { errorCode } from '../../core/host-error';
import { translateError } from '../../core/i18n';
import { featureAt } from '../shared/location-registry';
import { LocationView } from '../shared/location-view';
import { ZENDESK_LOCATIONS, type ZendeskLocation } from '../zendesk/zendesk-locations';
import type { DemoCustomer, DemoRole } from './demo-bridge';
import { createDemoBridge, DEMO_ROLES, fetchDemoCustomers } from './demo-bridge';
import { demoText, roleName, type DemoMessageKey } from './demo-strings';
import logoUrl from './logo.svg';

/** The Zendesk locations the demo frames, each mounting what ZENDESK_LOCATIONS says, with its switcher label. */
export const DEMO_LOCATIONS: readonly { readonly place: ZendeskLocation; readonly label: DemoMessageKey }[] = [
  { place: 'support.user_sidebar', label: 'userSidebar' },
  { place: 'support.ticket_sidebar', label: 'ticketSidebar' },
  { place: 'support.nav_bar', label: 'navBar' },
];

/** `sidebar`: the 320 px Zendesk sidebar; `full`: the app given the whole page width. */
export type DemoWidth = 'sidebar' | 'full';

interface DemoSelection {
  readonly role: DemoRole;
  readonly agentId: string;
  readonly phone: string;
  readonly locale: Locale;
  readonly place: ZendeskLocation;
  readonly width: DemoWidth;
}

/** Reads the selection from the page URL so a view can be linked (and driven by the e2e test). */
export function readSelection(search: string, fallbackLocale: Locale): DemoSelection {
  const params = new URLSearchParams(search);
  const role = params.get('role');
  const locale = params.get('locale');
  const place = DEMO_LOCATIONS.find((entry) => entry.place === params.get('location'))?.place ?? 'support.user_sidebar';
  const width = params.get('width');
  return {
    role: DEMO_ROLES.includes(role as DemoRole) ? (role as DemoRole) : 'agent',
    agentId: params.get('agentId') ?? '',
    phone: params.get('customer') ?? '',
    locale: locale === null ? fallbackLocale : resolveLocale(locale),
    place,
    width: width === 'full' || width === 'sidebar' ? width : place === 'support.nav_bar' ? 'full' : 'sidebar',
  };
}

function writeSelection(selection: DemoSelection): void {
  const params = new URLSearchParams();
  params.set('role', selection.role);
  if (selection.agentId !== '') params.set('agentId', selection.agentId);
  if (selection.phone !== '') params.set('customer', selection.phone);
  params.set('locale', selection.locale);
  params.set('location', selection.place);
  params.set('width', selection.width);
  history.replaceState(null, '', `${location.pathname}?${params.toString()}`);
}

type CustomersState =
  | { readonly status: 'loading' }
  | { readonly status: 'error'; readonly code: string }
  | { readonly status: 'ready'; readonly customers: readonly DemoCustomer[] };

/**
 * The `/demo` page: pickers on top (role, customer, language, Zendesk location, width), below a mock Zendesk page
 * with the app where that location shows it: the user or ticket sidebar (320 px, or given the full width), or the
 * nav bar app's full page. A new customer reaches the mounted widget through the bridge's customer-changed event;
 * a new role, agent, language or location starts a fresh widget (as a reload in Zendesk would).
 */
export function DemoApp() {
  const [selection, setSelection] = useState(() => readSelection(location.search, resolveLocale(navigator.language)));
  const [customers, setCustomers] = useState<CustomersState>({ status: 'loading' });
  const frameRef = useRef<HTMLDivElement>(null);
  const { locale, place, width } = selection;
  const entry = ZENDESK_LOCATIONS[place];

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
        location: entry.kind,
        resize: (heightPx) => {
          if (frameRef.current !== null) frameRef.current.style.height = `${heightPx}px`;
        },
      }),
    [selection.role, selection.agentId, locale, entry.kind],
  );

  useLayoutEffect(() => bridge.showCustomer(customer), [bridge, customer]);

  const salesforceHref = `salesforce?${new URLSearchParams({
    role: selection.role,
    ...(selection.agentId === '' ? {} : { agentId: selection.agentId }),
    ...(customer === null ? {} : { customer: customer.phone }),
    locale,
  }).toString()}`;

  const update = (patch: Partial<DemoSelection>) => setSelection((previous) => ({ ...previous, ...patch }));
  const widget = (
    <LocationView
      key={`${selection.role}|${selection.agentId}|${locale}|${place}`}
      feature={featureAt(ZENDESK_LOCATIONS, place)}
      place={place}
      bridge={bridge}
      fallbackLocale={locale}
    />
  );

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
            disabled={customerList.length === 0 || place === 'support.nav_bar'}
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
        <label>
          {demoText(locale, 'location')}
          <select
            name="location"
            value={place}
            onChange={(event) => {
              const next = event.currentTarget.value as ZendeskLocation;
              update({ place: next, width: next === 'support.nav_bar' ? 'full' : 'sidebar' });
            }}
          >
            {DEMO_LOCATIONS.map((option) => (
              <option key={option.place} value={option.place}>
                {demoText(locale, option.label)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {demoText(locale, 'width')}
          <select name="width" value={width} onChange={(event) => update({ width: event.currentTarget.value === 'full' ? 'full' : 'sidebar' })}>
            <option value="sidebar">{demoText(locale, 'widthSidebar')}</option>
            <option value="full">{demoText(locale, 'widthFull')}</option>
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
      {place === 'support.nav_bar' ? (
        <main class={`demo-navbar demo-navbar--${width}`} aria-label={demoText(locale, 'navBarFrame')}>
          <nav class="demo-navbar__rail" aria-label={demoText(locale, 'apps')}>
            <span class="demo-navbar__icon" aria-current="page" title="Callsight">
              <img src={logoUrl} alt="Callsight" width="22" height="22" />
            </span>
          </nav>
          <div class="demo-navbar__page">
            <div class="demo-frame demo-frame--page" ref={frameRef} data-testid="widget-frame" data-location={place}>
              {widget}
            </div>
          </div>
        </main>
      ) : customer !== null ? (
        <main class={`demo-workspace demo-workspace--${width}`}>
          <section class="demo-profile" aria-label={demoText(locale, place === 'support.ticket_sidebar' ? 'ticket' : 'profile')}>
            {place === 'support.ticket_sidebar' ? (
              <>
                <h1 class="demo-name">{demoText(locale, 'ticketSubject')}</h1>
                <p>
                  {demoText(locale, 'requester')}: {customer.name} · <span class="demo-phone">{customer.phone}</span>
                </p>
              </>
            ) : (
              <>
                <div class="demo-avatar" aria-hidden="true">
                  {customer.name.slice(0, 1)}
                </div>
                <h1 class="demo-name">{customer.name}</h1>
                <p>
                  {demoText(locale, 'phone')}: <span class="demo-phone">{customer.phone}</span>
                </p>
              </>
            )}
          </section>
          <aside class="demo-sidebar" aria-label={demoText(locale, place === 'support.ticket_sidebar' ? 'ticketSidebarFrame' : 'sidebar')}>
            <div class="demo-sidebar__title">{demoText(locale, 'apps')}</div>
            <div class="demo-app-header">
              <img src={logoUrl} alt="" width="20" height="20" />
              <span>Callsight</span>
            </div>
            <div class="demo-frame" ref={frameRef} data-testid="widget-frame" data-location={place}>
              {widget}
            </div>
          </aside>
        </main>
      ) : null}
    </div>
  );
}
