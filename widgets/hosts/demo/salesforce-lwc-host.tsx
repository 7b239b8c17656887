import { h } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { Locale } from '../../core/host-bridge';
import { HostError } from '../../core/host-error';
import type { CallsightApi } from '../salesforce/main';
import { SALESFORCE_COMPONENT_NAMES, salesforceBundleFile } from '../salesforce/salesforce-components';
import type { SalesforceComponent } from '../salesforce/salesforce-components';
import type { SalesforceDemoBridge } from './salesforce-demo-bridge';

/** Where the hub serves the Salesforce static resources, relative to the demo pages' base (`/demo/`). */
export const STATIC_RESOURCE_DIR = 'salesforce/';

const loading = new Map<string, Promise<CallsightApi>>();

function readGlobal(): CallsightApi | undefined {
  return (globalThis as typeof globalThis & { Callsight?: CallsightApi }).Callsight;
}

/** The static resource holding `component`'s bundle, relative to the demo pages' base; null for an unknown component. */
export function staticResourcePath(component: string): string | null {
  return isSalesforceComponent(component) ? `${STATIC_RESOURCE_DIR}${salesforceBundleFile(component)}` : null;
}

function isSalesforceComponent(component: string): component is SalesforceComponent {
  return (SALESFORCE_COMPONENT_NAMES as readonly string[]).includes(component);
}

/**
 * Loads `component`'s static resource (`salesforce/callsight-<name>.iife.js`) once per page, as
 * `loadScript(this, CALLSIGHT + '/' + bundleFile)` does in an LWC, and resolves with the global `Callsight`; when
 * the global already mounts `component` nothing is loaded. An unknown component loads nothing and resolves with the
 * global of the first bundle (loading the call history's when none is there), whose mount refuses it with its
 * message. Rejects with HostError `STATIC_RESOURCE_FAILED` when the script fails to load or leaves no global
 * holding the component; a later call tries again.
 */
export function loadCallsight(component: string): Promise<CallsightApi> {
  const ready = readGlobal();
  if (ready !== undefined && (ready.components().includes(component) || !isSalesforceComponent(component))) return Promise.resolve(ready);
  const wanted: SalesforceComponent = isSalesforceComponent(component) ? component : 'callsightCallHistory';
  const path = staticResourcePath(wanted)!;
  let pending = loading.get(path);
  if (pending === undefined) {
    pending = new Promise<CallsightApi>((resolve, reject) => {
      const script = document.createElement('script');
      script.src = new URL(path, document.baseURI).href;
      script.onload = () => {
        const api = readGlobal();
        if (api === undefined) reject(new HostError('STATIC_RESOURCE_FAILED', 0, `${path} ran but defined no global Callsight`));
        else if (!api.components().includes(wanted)) reject(new HostError('STATIC_RESOURCE_FAILED', 0, `${path} ran but the global Callsight has no ${wanted}`));
        else resolve(api);
      };
      script.onerror = () => reject(new HostError('STATIC_RESOURCE_FAILED', 0, `${path} could not be loaded`));
      document.head.appendChild(script);
    }).catch((error: unknown) => {
      loading.delete(path);
      throw error;
    });
    loading.set(path, pending);
  }
  return pending;
}

const assets = new Map<string, Promise<void>>();

/**
 * Loads another file of the static resource (the chart runtime) once per page, as the LWC's
 * `loadScript(this, CALLSIGHT + '/' + file)` does; a failed load is forgotten so a later chart tries again.
 */
export function loadStaticResourceFile(file: string): Promise<void> {
  const path = `${STATIC_RESOURCE_DIR}${file}`;
  let pending = assets.get(path);
  if (pending === undefined) {
    pending = new Promise<void>((resolve, reject) => {
      const script = document.createElement('script');
      script.src = new URL(path, document.baseURI).href;
      script.onload = () => resolve();
      script.onerror = () => reject(new HostError('STATIC_RESOURCE_FAILED', 0, `${path} could not be loaded`));
      document.head.appendChild(script);
    }).catch((error: unknown) => {
      assets.delete(path);
      throw error;
    });
    assets.set(path, pending);
  }
  return pending;
}

/** How a component's mount ended: on screen, a component this bundle has no widget for (its message shows), or failed. */
export type LwcMountOutcome = 'mounted' | 'not-available' | 'failed';

export interface LwcHostProps {
  /** The LWC's element name, e.g. `c-callsight-call-history`. */
  readonly tag: string;
  /** The component name passed to Callsight.mount, e.g. `callsightCallHistory`. */
  readonly component: string;
  readonly bridge: SalesforceDemoBridge;
  readonly locale: Locale;
  /** Called once per mount with how it ended, and with the error when it failed. */
  readonly onOutcome: (outcome: LwcMountOutcome, error?: unknown) => void;
}

/**
 * One Callsight LWC as Lightning renders it: a custom element whose shadow root holds the `lwc:dom="manual"`
 * container, into which the static resource mounts the component with the SLDS theme; unmounted when the
 * element leaves the page or its bridge, component or language changes (the LWC's disconnectedCallback).
 */
export function LwcHost({ tag, component, bridge, locale, onOutcome }: LwcHostProps) {
  const hostRef = useRef<HTMLElement>(null);
  const report = useRef(onOutcome);
  report.current = onOutcome;

  useEffect(() => {
    const host = hostRef.current;
    if (host === null) return undefined;
    const shadow = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
    const container = document.createElement('div');
    container.className = 'callsight';
    shadow.replaceChildren(container);
    let connected = true;
    let api: CallsightApi | null = null;
    loadCallsight(component)
      .then(async (loaded) => {
        api = loaded;
        if (!connected) return;
        const available = loaded.components().includes(component);
        try {
          await loaded.mount(container, { component: component as never, bridge, fallbackLocale: locale, theme: 'slds', loadAsset: loadStaticResourceFile });
          if (connected) report.current('mounted');
        } catch (error) {
          if (!connected && (error as { code?: unknown }).code === 'MOUNT_ABANDONED') return;
          if (!available && (error as { code?: unknown }).code === 'MOUNT_INVALID') report.current('not-available');
          else report.current('failed', error);
        }
      })
      .catch((error: unknown) => {
        if (connected) report.current('failed', error);
      });
    return () => {
      connected = false;
      api?.unmount(container);
      container.remove();
    };
  }, [component, bridge, locale]);

  return h(tag, { ref: hostRef, class: 'sfd-lwc', 'data-component': component });
}
