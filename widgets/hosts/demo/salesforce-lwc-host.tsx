import { h } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { Locale } from '../../core/host-bridge';
import { HostError } from '../../core/host-error';
import type { CallsightApi } from '../salesforce/main';
import type { SalesforceDemoBridge } from './salesforce-demo-bridge';

/** Where the hub serves the Salesforce static resource, relative to the demo pages' base (`/demo/`). */
export const STATIC_RESOURCE_PATH = 'salesforce/callsight.iife.js';

let loading: Promise<CallsightApi> | null = null;

function readGlobal(): CallsightApi | undefined {
  return (globalThis as typeof globalThis & { Callsight?: CallsightApi }).Callsight;
}

/**
 * Loads the Salesforce static resource once per page, as `loadScript(this, CALLSIGHT)` does in an LWC, and
 * resolves with the global `Callsight` it defines. Rejects with HostError `STATIC_RESOURCE_FAILED` when the
 * script fails to load or defines no global; a later call tries again.
 */
export function loadCallsight(): Promise<CallsightApi> {
  const ready = readGlobal();
  if (ready !== undefined) return Promise.resolve(ready);
  loading ??= new Promise<CallsightApi>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = new URL(STATIC_RESOURCE_PATH, document.baseURI).href;
    script.onload = () => {
      const api = readGlobal();
      if (api === undefined) reject(new HostError('STATIC_RESOURCE_FAILED', 0, `${STATIC_RESOURCE_PATH} ran but defined no global Callsight`));
      else resolve(api);
    };
    script.onerror = () => reject(new HostError('STATIC_RESOURCE_FAILED', 0, `${STATIC_RESOURCE_PATH} could not be loaded`));
    document.head.appendChild(script);
  }).catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
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
    loadCallsight()
      .then(async (loaded) => {
        api = loaded;
        if (!connected) return;
        const available = loaded.components().includes(component);
        try {
          await loaded.mount(container, { component: component as never, bridge, fallbackLocale: locale, theme: 'slds' });
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
