import type { ComponentType } from 'preact';
import type { HostBridge, Locale } from '../core/host-bridge';

/** The features the widgets ship (one per line); a host's location registry names one of these per location. */
export const FEATURE_IDS = [
  'call-history',
  'qa-review',
  'admin-setup',
  'insights',
  'workspace',
  'my-calls',
  'training',
] as const;

export type FeatureId = (typeof FEATURE_IDS)[number];

/** What every feature's root component receives from the host: the bridge, and nothing host-specific. */
export interface FeatureProps {
  readonly bridge: HostBridge;
  /** Language used until the host context is known (and if it never is). */
  readonly fallbackLocale?: Locale;
}

/** One feature as the hosts mount it. */
export interface WidgetFeature {
  readonly id: FeatureId;
  readonly View: ComponentType<FeatureProps>;
  /** The feature's own CSS text, added once to each document or shadow root the feature is mounted in. */
  readonly styles: string;
}

/** Loads a feature's code; hosts call it only for the location they are shown in, so each chunk loads on demand. */
export type FeatureLoader = () => Promise<WidgetFeature>;

/** One loader per feature: a new FeatureId does not compile until it has its loader. */
export type FeatureCatalog = { readonly [F in FeatureId]: FeatureLoader };
