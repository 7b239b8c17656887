import type { HostBridge, Locale } from '../../core/host-bridge';
import { resolveLocale } from '../../core/host-bridge';
import type { FeatureCatalog, FeatureId } from '../../features/feature';
import { isPlaceOf } from '../shared/location-registry';
import { mountLocation, unmountLocation } from '../shared/location-view';
import { SALESFORCE_COMPONENT_NAMES, SALESFORCE_COMPONENTS } from './salesforce-components';
import type { SalesforceComponent } from './salesforce-components';
import { applySalesforceTheme, clearSalesforceTheme, isSalesforceTheme, SALESFORCE_THEMES } from './salesforce-theme';
import type { SalesforceTheme } from './salesforce-theme';
import { setAssetLoader, type AssetLoader } from './salesforce-assets';

/** Options of `Callsight.mount`. */
export interface SalesforceMountOptions {
  /** The calling LWC's name, a key of SALESFORCE_COMPONENTS (e.g. `callsightCallHistory`). */
  readonly component: SalesforceComponent;
  /** The LWC's HostBridge (context from the record page, session through Apex, resize, customer changes). */
  readonly bridge: HostBridge;
  /** Language until the bridge's context is known; defaults to the browser's. */
  readonly fallbackLocale?: Locale;
  /** Injected for tests; defaults to every feature in the bundle. */
  readonly catalog?: FeatureCatalog;
  /**
   * `slds` styles the widget after the Lightning Design System (colours, type scale, buttons, badges, empty
   * states) inside `element` only; without it the widget keeps its own look.
   */
  readonly theme?: SalesforceTheme;
  /**
   * Loads another file of the `callsight` static resource (the chart runtime, on the first chart) as the LWC loads its
   * bundle: `(file) => loadScript(this, CALLSIGHT + '/' + file)`. Without it, charts say they are unavailable and the
   * tables beside them still hold the numbers.
   */
  readonly loadAsset?: AssetLoader;
}

/** A programmer mistake in a `Callsight.mount` call (unknown component, incomplete bridge, bad element). */
export class CallsightMountError extends Error {
  readonly code = 'MOUNT_INVALID';

  constructor(message: string) {
    super(message);
    this.name = 'CallsightMountError';
  }
}

const BRIDGE_METHODS = ['context', 'resize', 'fetchToken', 'onCustomerChanged'] as const;
const mounted = new WeakSet<Element>();
const bundled = new Set<string>(SALESFORCE_COMPONENT_NAMES);

/**
 * Limits this bundle to `names` (a per-component static resource holds one feature): other components are
 * refused as unknown by this bundle's `mount`. Called once by the bundle's entry.
 */
export function limitComponents(names: readonly string[]): void {
  bundled.clear();
  for (const name of names) bundled.add(name);
}

/**
 * Mounts the feature SALESFORCE_COMPONENTS names for `options.component` into `element` (an LWC's
 * `lwc:dom="manual"` container), adding its styles to the element's shadow root or document. Mounting
 * again into the same element replaces the widget. Resolves with the feature id once it is on screen.
 * Rejects with CallsightMountError for a non-element, a bridge missing a method, an unknown theme (nothing is
 * rendered then), or an unknown component (which also shows a message in the element); with the loader's error when the feature cannot load (a
 * message is shown); with MountAbandonedError when unmount or another mount comes first.
 */
export async function mount(element: Element, options: SalesforceMountOptions, knownComponents?: readonly string[]): Promise<FeatureId> {
  if (typeof element !== 'object' || element === null || element.nodeType !== 1) {
    throw new CallsightMountError('Callsight.mount needs a DOM element: pass the LWC container, e.g. this.template.querySelector(".callsight")');
  }
  const missing = BRIDGE_METHODS.filter((name) => typeof (options?.bridge as unknown as Record<string, unknown> | undefined)?.[name] !== 'function');
  if (missing.length > 0) {
    throw new CallsightMountError(`Callsight.mount: the bridge has no ${missing.join(', ')}; a HostBridge needs ${BRIDGE_METHODS.join(', ')}`);
  }
  if (options.theme !== undefined && !isSalesforceTheme(options.theme)) {
    throw new CallsightMountError(`Callsight.mount: no theme "${String(options.theme)}"; known themes: ${SALESFORCE_THEMES.join(', ')}`);
  }
  const component = String(options.component);
  const fallbackLocale = options.fallbackLocale ?? resolveLocale(globalThis.navigator?.language);
  const known = isPlaceOf(SALESFORCE_COMPONENTS, component) && bundled.has(component);
  mounted.add(element);
  if (options.theme === undefined) clearSalesforceTheme(element);
  else applySalesforceTheme(element, options.theme);
  setAssetLoader(options.loadAsset);
  const feature = await mountLocation(element, {
    feature: known ? SALESFORCE_COMPONENTS[component].feature : null,
    place: component,
    bridge: options.bridge,
    fallbackLocale,
    catalog: options.catalog,
  });
  if (feature === null) {
    throw new CallsightMountError(
      `Callsight.mount: no widget for component "${component}"; known components: ${(knownComponents ?? components()).join(', ')}`,
    );
  }
  return feature;
}

/**
 * Removes the widget from `element` (call it from the LWC's `disconnectedCallback`): its effects are cleaned
 * up, including its `onCustomerChanged` subscription. Does nothing for an element with no widget.
 */
export function unmount(element: Element): void {
  if (!mounted.has(element)) return;
  mounted.delete(element);
  unmountLocation(element);
  clearSalesforceTheme(element);
}

/** Component names this bundle can mount. */
export function components(): string[] {
  return Object.keys(SALESFORCE_COMPONENTS).filter((name) => bundled.has(name));
}
