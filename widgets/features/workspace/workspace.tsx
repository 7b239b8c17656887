import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Role } from '../../../core/access/access.policy';
import { adoptStyles } from '../../core/adopt-styles';
import type { HostBridge, Locale } from '../../core/host-bridge';
import { resolveLocale } from '../../core/host-bridge';
import { errorCode } from '../../core/host-error';
import { translateError } from '../../core/i18n';
import type { FeatureCatalog, FeatureProps, WidgetFeature } from '../feature';
import { FEATURE_CATALOG } from '../feature-catalog';
import { readSessionRole } from './session-role';
import { tabsForRole, WORKSPACE_TABS, type WorkspaceTab } from './workspace-tabs';
import { workspaceText } from './workspace.strings';

export interface WorkspaceProps extends FeatureProps {
  /** Injected for tests; defaults to the shipped tabs. */
  readonly tabs?: readonly WorkspaceTab[];
  /** Injected for tests; defaults to every shipped feature. */
  readonly catalog?: FeatureCatalog;
}

type ShellState =
  | { readonly status: 'loading' }
  | { readonly status: 'error'; readonly code: string }
  | { readonly status: 'ready'; readonly locale: Locale; readonly tabs: readonly WorkspaceTab[] };

type PanelState = { readonly status: 'loading' } | { readonly status: 'failed' } | { readonly status: 'ready'; readonly feature: WidgetFeature };

/**
 * The full-page app shell (Zendesk nav bar): one tab per feature the reader's role uses, from WORKSPACE_TABS. The
 * role is read from the hub session only to choose tabs (a token without one offers every tab; the hub refuses what
 * the reader may not see). A tab's feature is loaded when the tab is first opened, and gets the same bridge with the
 * host resize left to the shell. Tabs follow the ARIA tabs pattern (arrow keys, Home, End).
 */
export function Workspace({ bridge, fallbackLocale, tabs: registry = WORKSPACE_TABS, catalog = FEATURE_CATALOG }: WorkspaceProps) {
  const [state, setState] = useState<ShellState>({ status: 'loading' });
  const [selected, setSelected] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const rootRef = useRef<HTMLDivElement>(null);
  const tabRefs = useRef(new Map<string, HTMLButtonElement>());
  const locale = state.status === 'ready' ? state.locale : (fallbackLocale ?? resolveLocale(globalThis.navigator?.language));
  const innerBridge = useMemo<HostBridge>(() => ({ ...bridge, resize: () => undefined, context: () => bridge.context(), fetchToken: () => bridge.fetchToken(), onCustomerChanged: (l) => bridge.onCustomerChanged(l) }), [bridge]);

  useEffect(() => {
    const element = rootRef.current;
    if (element === null || typeof ResizeObserver === 'undefined') return undefined;
    const observer = new ResizeObserver(() => bridge.resize(Math.ceil(element.getBoundingClientRect().height)));
    observer.observe(element);
    return () => observer.disconnect();
  }, [bridge]);

  useEffect(() => {
    let current = true;
    setState({ status: 'loading' });
    Promise.all([bridge.context(), bridge.fetchToken()])
      .then(([context, session]) => {
        if (!current) return;
        const role: Role | null = readSessionRole(session.token);
        const tabs = role === null ? [...registry] : tabsForRole(role, registry);
        setState({ status: 'ready', locale: context.locale, tabs });
        setSelected((previous) => (previous !== null && tabs.some((tab) => tab.id === previous) ? previous : (tabs[0]?.id ?? null)));
      })
      .catch((error: unknown) => {
        if (current) setState({ status: 'error', code: errorCode(error, 'HOST_UNAVAILABLE') });
      });
    return () => {
      current = false;
    };
  }, [bridge, registry, attempt]);

  const tabs = state.status === 'ready' ? state.tabs : [];
  const active = tabs.find((tab) => tab.id === selected) ?? null;

  const handleKeyDown = (event: KeyboardEvent) => {
    const index = tabs.findIndex((tab) => tab.id === selected);
    const next =
      event.key === 'ArrowRight' ? (index + 1) % tabs.length
      : event.key === 'ArrowLeft' ? (index - 1 + tabs.length) % tabs.length
      : event.key === 'Home' ? 0
      : event.key === 'End' ? tabs.length - 1
      : -1;
    if (next < 0 || tabs[next] === undefined) return;
    event.preventDefault();
    setSelected(tabs[next].id);
    tabRefs.current.get(tabs[next].id)?.focus();
  };

  return (
    <div class="cs-root cs-workspace" ref={rootRef} lang={locale === 'zh-cn' ? 'zh-CN' : 'en'}>
      {state.status === 'loading' ? (
        <p class="cs-message" role="status">
          {workspaceText(locale, 'loading')}
        </p>
      ) : null}
      {state.status === 'error' ? (
        <div class="cs-message cs-message--error" role="alert">
          <p>
            {workspaceText(locale, 'failed')} {translateError(locale, state.code)}
          </p>
          <button type="button" class="cs-button" onClick={() => setAttempt((n) => n + 1)}>
            {workspaceText(locale, 'retry')}
          </button>
        </div>
      ) : null}
      {state.status === 'ready' && tabs.length === 0 ? <p class="cs-message" data-testid="workspace-empty">{workspaceText(locale, 'nothing')}</p> : null}
      {tabs.length > 0 ? (
        <nav class="cs-workspace__nav" aria-label={workspaceText(locale, 'tabs')}>
          <div role="tablist" aria-label={workspaceText(locale, 'tabs')} class="cs-workspace__tabs" onKeyDown={handleKeyDown}>
            {tabs.map((tab) => (
              <button
                key={tab.id}
                type="button"
                role="tab"
                id={`cs-tab-${tab.id}`}
                class="cs-workspace__tab"
                aria-selected={tab.id === selected}
                aria-controls={`cs-panel-${tab.id}`}
                tabIndex={tab.id === selected ? 0 : -1}
                ref={(element) => {
                  if (element) tabRefs.current.set(tab.id, element);
                  else tabRefs.current.delete(tab.id);
                }}
                onClick={() => setSelected(tab.id)}
              >
                {tab.label[locale]}
              </button>
            ))}
          </div>
        </nav>
      ) : null}
      {active !== null ? (
        <div role="tabpanel" id={`cs-panel-${active.id}`} aria-labelledby={`cs-tab-${active.id}`} class="cs-workspace__panel" data-tab={active.id}>
          <TabPanel key={active.id} tab={active} bridge={innerBridge} locale={locale} catalog={catalog} />
        </div>
      ) : null}
    </div>
  );
}

function TabPanel({ tab, bridge, locale, catalog }: { tab: WorkspaceTab; bridge: HostBridge; locale: Locale; catalog: FeatureCatalog }) {
  const [state, setState] = useState<PanelState>({ status: 'loading' });
  const hostRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let current = true;
    catalog[tab.feature]().then(
      (feature) => {
        if (!current) return;
        if (hostRef.current !== null) adoptStyles(hostRef.current, feature.id, feature.styles);
        setState({ status: 'ready', feature });
      },
      (error: unknown) => {
        if (!current) return;
        setState({ status: 'failed' });
        setTimeout(() => {
          throw error;
        });
      },
    );
    return () => {
      current = false;
    };
  }, [tab, catalog]);
  useLayoutEffect(() => {
    if (state.status === 'ready' && hostRef.current !== null) adoptStyles(hostRef.current, state.feature.id, state.feature.styles);
  }, [state]);
  return (
    <div ref={hostRef} data-feature={tab.feature}>
      {state.status === 'loading' ? (
        <p class="cs-message" role="status">
          {workspaceText(locale, 'loading')}
        </p>
      ) : null}
      {state.status === 'failed' ? (
        <p class="cs-message cs-message--error" role="alert">
          {workspaceText(locale, 'loadFailed')}
        </p>
      ) : null}
      {state.status === 'ready' ? <state.feature.View bridge={bridge} fallbackLocale={locale} /> : null}
    </div>
  );
}
