/**
 * Entry of the Salesforce static resource: built as one IIFE (`dist/widgets/salesforce/callsight.iife.js`)
 * whose exports become the global `Callsight`. An LWC loads it once with `loadScript`, then calls
 * `Callsight.mount(container, {component, bridge})` and, in `disconnectedCallback`, `Callsight.unmount(container)`.
 */
export { CallsightMountError, components, mount, unmount } from './callsight-global';
export type { SalesforceMountOptions } from './callsight-global';
