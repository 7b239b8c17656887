import type { HttpPlugin } from '../adapters/http/http.deps';
import type { Hub } from './hub';
import { analysisCapability } from './wiring/analysis.wiring';

/**
 * A capability wires one area of the product into the hub: its HTTP routes, its job handlers (registered on
 * hub.jobs when created) and any periodic work. Each lives in bin/wiring/<name>.wiring.ts; this list is the
 * one place that enables them.
 */
export interface Capability {
  readonly name: string;
  readonly plugins?: readonly HttpPlugin[];
  /** Starts periodic work (e.g. a daily sweep); called only when the hub serves with workers on. */
  start?(): void;
  stop?(): Promise<void>;
}

export type CapabilityFactory = (hub: Hub) => Capability;

export const CAPABILITIES: readonly CapabilityFactory[] = [
  analysisCapability,
];
