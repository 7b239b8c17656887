import type { LocationRegistry } from '../shared/location-registry';
import { CHARTS_BUNDLE_FILE } from './salesforce-assets';

/** Names of the Lightning web components that host Callsight widgets (their LWC bundle names), one per line. */
export const SALESFORCE_COMPONENT_NAMES = [
  'callsightCallHistory',
  'callsightReviewPanel',
  'callsightAdminSetup',
  'callsightInsights',
  'callsightMyCalls',
  'callsightTraining',
] as const;

export type SalesforceComponent = (typeof SALESFORCE_COMPONENT_NAMES)[number];

/**
 * What each Callsight LWC mounts when it calls `Callsight.mount(element, {component, bridge})`. The LWC's
 * bridge, not this map, says which kind of record page it sits on (Contact, Account, Case).
 */
export const SALESFORCE_COMPONENTS: LocationRegistry<SalesforceComponent> = {
  callsightCallHistory: { feature: 'call-history' },
  callsightReviewPanel: { feature: 'qa-review' },
  callsightAdminSetup: { feature: 'admin-setup' },
  callsightInsights: { feature: 'insights' },
  callsightMyCalls: { feature: 'my-calls' },
  callsightTraining: { feature: 'training' },
};

/**
 * File name of a component's static-resource IIFE (`callsightCallHistory` → `callsight-call-history.iife.js`):
 * the build writes it under dist/widgets/salesforce/, the package zips it into the `callsight` resource, and the
 * demo serves it under /demo/salesforce/.
 */
export function salesforceBundleFile(component: SalesforceComponent): string {
  return `${component.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}.iife.js`;
}

/**
 * Every file of the `callsight` static resource: each component's bundle in SALESFORCE_COMPONENT_NAMES order, then the
 * chart runtime the insights bundle loads on its first chart (salesforce-assets.ts).
 */
export const SALESFORCE_BUNDLE_FILES: readonly string[] = [...SALESFORCE_COMPONENT_NAMES.map(salesforceBundleFile), CHARTS_BUNDLE_FILE];
