import type { FeatureId } from '../../features/feature';
import type { SalesforceMountOptions } from './callsight-global';

/** One per-component bundle as the global sees it: its components and its own mount / unmount. */
export interface CallsightBundle {
  readonly components: readonly string[];
  mount(element: Element, options: SalesforceMountOptions, knownComponents?: readonly string[]): Promise<FeatureId>;
  unmount(element: Element): void;
}

/** The API the global `Callsight` exposes to Lightning web components. */
export interface CallsightApi {
  mount(element: Element, options: SalesforceMountOptions): Promise<FeatureId>;
  unmount(element: Element): void;
  /** Every component the bundles loaded on this page can mount. */
  components(): string[];
  /** Adds a later bundle's components; the first bundle registered for a component keeps it. */
  register(bundle: CallsightBundle): void;
  readonly CallsightMountError: new (message: string) => Error;
  readonly MountAbandonedError: new (...args: never[]) => Error;
}

/**
 * Creates the frozen global for `first` bundle. `mount` goes to the bundle owning `options.component` (an unknown
 * component goes to the first bundle, which refuses it naming every known component); mounting into an element
 * another bundle holds first unmounts it there; `unmount` goes to the bundle that mounted the element.
 */
export function createCallsightApi(
  first: CallsightBundle,
  errors: Pick<CallsightApi, 'CallsightMountError' | 'MountAbandonedError'>,
): CallsightApi {
  const owners = new Map<string, CallsightBundle>();
  const holders = new WeakMap<Element, CallsightBundle>();
  const register = (bundle: CallsightBundle) => {
    for (const name of bundle.components) if (!owners.has(name)) owners.set(name, bundle);
  };
  register(first);
  const components = () => [...owners.keys()];
  return Object.freeze({
    mount(element: Element, options: SalesforceMountOptions) {
      const bundle = owners.get(String(options?.component)) ?? first;
      const holder = typeof element === 'object' && element !== null ? holders.get(element) : undefined;
      if (holder !== undefined && holder !== bundle) holder.unmount(element);
      if (typeof element === 'object' && element !== null) holders.set(element, bundle);
      return bundle.mount(element, options, components());
    },
    unmount(element: Element) {
      const holder = typeof element === 'object' && element !== null ? holders.get(element) : undefined;
      if (holder === undefined) return;
      holders.delete(element);
      holder.unmount(element);
    },
    components,
    register,
    ...errors,
  });
}
