import type { LocationRegistry } from '../shared/location-registry';

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
