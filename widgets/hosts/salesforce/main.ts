/**
 * Entry of a Salesforce static resource: built once per component as an IIFE
 * (`dist/widgets/salesforce/callsight-<component>.iife.js`, holding that component's feature only) that sets or
 * extends the global `Callsight`. An LWC loads its bundle with `loadScript`, then calls
 * `Callsight.mount(container, {component, bridge})` and, in `disconnectedCallback`, `Callsight.unmount(container)`.
 * The first bundle on a page defines the global; each later one registers its components with it, and the global
 * sends each call to the bundle that owns the component (every bundle carries its own Preact, so a widget must be
 * rendered and removed by the bundle that holds its feature). The global is assigned explicitly rather than left to
 * the bundler's top-level `var`: Locker and Lightning Web Security evaluate static resources inside a wrapper,
 * where a top-level `var` never reaches `window`.
 */
import { CallsightMountError, components, limitComponents, mount, unmount } from './callsight-global';
import { MountAbandonedError } from '../shared/location-view';
import { createCallsightApi } from './callsight-registry';
import type { CallsightApi } from './callsight-registry';

export type { CallsightApi } from './callsight-registry';

declare const __CALLSIGHT_COMPONENTS__: readonly string[] | undefined;

const own = typeof __CALLSIGHT_COMPONENTS__ === 'undefined' ? components() : __CALLSIGHT_COMPONENTS__;
limitComponents(own);
const bundle = { components: own, mount, unmount };
const host = globalThis as typeof globalThis & { Callsight?: CallsightApi };
if (typeof host.Callsight?.register === 'function') host.Callsight.register(bundle);
else (globalThis as typeof host).Callsight = createCallsightApi(bundle, { CallsightMountError, MountAbandonedError });
