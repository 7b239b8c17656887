import type { FeatureCatalog } from './feature';

/**
 * Every feature, each behind a dynamic import: the page builds (Zendesk iframe, demo) get one chunk per
 * feature, loaded only where a location mounts it; the Salesforce IIFE inlines them into its one file.
 */
export const FEATURE_CATALOG: FeatureCatalog = {
  'call-history': () => import('./call-history').then((module) => module.callHistoryFeature),
  'qa-review': () => import('./qa-review').then((module) => module.qaReviewFeature),
  'admin-setup': () => import('./admin-setup').then((module) => module.adminSetupFeature),
  'insights': () => import('./insights').then((module) => module.insightsFeature),
  'workspace': () => import('./workspace').then((module) => module.workspaceFeature),
  'my-calls': () => import('./my-calls').then((module) => module.myCallsFeature),
  'training': () => import('./training').then((module) => module.trainingFeature),
};
