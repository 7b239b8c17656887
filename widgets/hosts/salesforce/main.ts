/**
 * Entry of the Salesforce static resource: built as one IIFE (`dist/widgets/salesforce/callsight.iife.js`)
 * that sets the global `Callsight`. An LWC loads it once with `loadScript`, then calls
 * `Callsight.mount(container, {component, bridge})` and, in `disconnectedCallback`, `Callsight.unmount(container)`.
 * The global is assigned explicitly rather than left to the bundler's top-level `var`: Locker and Lightning
 * Web Security evaluate static resources inside a wrapper, where a top-level `var` never reaches `window`.
 */
import { CallsightMountError, components, mount, unmount } from './callsight-global';
import { MountAbandonedError } from '../shared/location-view';

/** The API the global `Callsight` exposes to Lightning web components. */
export interface CallsightApi {
  readonly mount: typeof mount;
  readonly unmount: typeof unmount;
  readonly components: typeof components;
  readonly CallsightMountError: typeof CallsightMountError;
  readonly MountAbandonedError: typeof MountAbandonedError;
}

const api: CallsightApi = Object.freeze({ mount, unmount, components, CallsightMountError, MountAbandonedError });
(globalThis as typeof globalThis & { Callsight?: CallsightApi }).Callsight = api;
