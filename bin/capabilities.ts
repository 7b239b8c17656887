import type { HttpPlugin } from '../adapters/http/http.deps';
import type { Hub } from './hub';
import type { Call } from '../core/recordings/call';
import type { Principal } from '../core/access/access.policy';
import { analysisCapability } from './wiring/analysis.wiring';
import { retentionCapability } from './wiring/retention.wiring';
import { accessCapability } from './wiring/access.wiring';
import { zendeskCapability } from './wiring/zendesk.wiring';
import { demoCapability } from './wiring/demo.wiring';
import { qualityCapability } from './wiring/quality.wiring';
import { searchCapability } from './wiring/search.wiring';
import { recordingsCapability } from './wiring/recordings.wiring';
import { trainingCapability } from './wiring/training.wiring';
import { adminCapability } from './wiring/admin.wiring';
import { storageCapability } from './wiring/storage.wiring';
import { connectCapability } from './wiring/connect.wiring';

/**
 * A capability wires one area of the product into the hub: its HTTP routes, its job handlers (registered on
 * hub.jobs when created) and any periodic work. Each lives in bin/wiring/<name>.wiring.ts; this list is the
 * one place that enables them.
 */
export interface Capability {
  readonly name: string;
  readonly plugins?: readonly HttpPlugin[];
  /** Runs before a recording is played (e.g. brings it back from the archive). */
  beforePlay?(call: Call, principal: Principal): Promise<Call>;
  /** Starts periodic work (e.g. a daily sweep); called only when the hub serves with workers on. */
  start?(): void;
  stop?(): Promise<void>;
}

export type CapabilityFactory = (hub: Hub) => Capability;

/**
 * Capabilities whose periodic work runs once per hub, not once per worker process (a daily sweep or prune of every
 * tenant): on PostgreSQL only the worker holding the leader lock starts them (bin/server.ts). The others' periodic
 * work (the CRM outbox drain) claims with FOR UPDATE SKIP LOCKED and runs on every worker.
 */
export const ONE_WORKER_CAPABILITIES: ReadonlySet<string> = new Set(['retention', 'access']);

export const CAPABILITIES: readonly CapabilityFactory[] = [
  analysisCapability,
  accessCapability,
  zendeskCapability,
  demoCapability,
  retentionCapability,
  qualityCapability,
  searchCapability,
  recordingsCapability,
  connectCapability,
  adminCapability,
  trainingCapability,
  storageCapability,
];
