import type { FeatureId } from '../../features/feature';

/** What a host place mounts: a feature, or `null` for a place the host knows but no feature serves yet. */
export interface LocationEntry {
  readonly feature: FeatureId | null;
}

/**
 * A host's typed map from each of its places (a Zendesk location, a Salesforce component name) to what it
 * mounts. Hosts may add their own fields to the entries (`E`), such as the host-neutral location kind.
 */
export type LocationRegistry<L extends string, E extends LocationEntry = LocationEntry> = { readonly [K in L]: E };

/** The feature `registry` mounts at `place`, or null when the place is unknown or has no feature yet. */
export function featureAt<L extends string>(registry: LocationRegistry<L>, place: string): FeatureId | null {
  return isPlaceOf(registry, place) ? registry[place].feature : null;
}

/** True when `place` is one of the registry's own keys (never an inherited name such as `toString`). */
export function isPlaceOf<L extends string>(registry: LocationRegistry<L>, place: string): place is L {
  return Object.prototype.hasOwnProperty.call(registry, place);
}
