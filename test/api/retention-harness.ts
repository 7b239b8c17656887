import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type HubConfig } from '../../bin/config';
import { buildHubHttp, openHub, type Hub } from '../../bin/hub';
import { CAPABILITIES, type Capability } from '../../bin/capabilities';
import { createRetentionCapability, retentionCapability, type RetentionCapability, type RetentionOptions } from '../../bin/wiring/retention.wiring';
import type { Role } from '../../core/access/access.policy';
import { systemActor } from '../../app/shared/actor';
import type { SweepControl, SweepOutcome } from '../../app/retention';
import type { Call, Tenant } from '../../core/recordings/call';
import { synthesizeCallWav } from '../support/audio-fixtures';

/** A clock the test moves. */
export class TestClock {
  private ms: number;
  constructor(iso: string) {
    this.ms = Date.parse(iso);
  }
  now(): Date {
    return new Date(this.ms);
  }
  set(iso: string): void {
    this.ms = Date.parse(iso);
  }
  advanceDays(days: number): void {
    this.ms += days * 86_400_000;
  }
}

export interface RetentionTestHub {
  readonly dataDir: string;
  readonly config: HubConfig;
  readonly url: string;
  readonly hub: Hub;
  readonly retention: RetentionCapability;
  /** One sweep of the tenant now, as the scheduled sweep runs it. */
  sweep(control?: SweepControl): Promise<SweepOutcome>;
  token(role: Role, user?: string): Promise<string>;
  /** Stores a call of `durationS` seconds (audio seeded by providerCallId, so two hubs get the same bytes). */
  ingest(providerCallId: string, startedAt: string, durationS: number, extra?: Record<string, unknown>): Promise<Call>;
  call(providerCallId: string): Promise<Call>;
  api(method: string, path: string, options?: { token?: string; body?: unknown }): Promise<{ status: number; body: any }>;
  /** Stops the hub; the data folder is removed unless `keepData`. */
  close(options?: { keepData?: boolean }): Promise<void>;
}

export const TENANT = 'acme';

/**
 * A real hub (SQLite, encrypted files, HTTP on loopback) whose clock the test controls, with every capability,
 * the retention one built with `retention` options (e.g. a small page size to exercise checkpoints).
 */
export async function startRetentionHub(options: {
  clock?: TestClock;
  dataDir?: string;
  retention?: RetentionOptions;
  industry?: Tenant['industry'];
} = {}): Promise<RetentionTestHub> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'callsight-retention-'));
  const config = loadConfig({}, { dataDir, port: 0, host: '127.0.0.1', logLevel: 'silent', seedDemo: 'false', workers: false });
  const hub = options.clock ? await openHub(config, options.clock) : await openHub(config);
  const factories = CAPABILITIES.map((f) => (f === retentionCapability ? createRetentionCapability({ sweepIntervalMs: 0, ...options.retention }) : f));
  const capabilities: Capability[] = factories.map((create) => create(hub));
  const retention = capabilities.find((c) => c.name === 'retention') as RetentionCapability;
  await hub.ensureTenant({ id: TENANT, name: 'Acme', defaultRegion: 'CN', industry: options.industry ?? 'general' });
  const app: FastifyInstance = await buildHubHttp(hub, capabilities.flatMap((c) => c.plugins ?? []));
  const url = (await app.listen({ port: 0, host: '127.0.0.1' })).replace('[::1]', 'localhost');
  const byProvider = async (providerCallId: string) => {
    const call = await hub.calls.findByProviderCallId(TENANT, 'upload', providerCallId);
    if (!call) throw new Error(`no call ${providerCallId}`);
    return call;
  };
  return {
    dataDir,
    config,
    url,
    hub,
    retention,
    sweep: (control) => retention.useCases.sweep(systemActor(TENANT, 'retention-sweep'), control),
    token: (role, user) => hub.tokens.issue({ tenantId: TENANT, userId: user ?? `u-${role}`, role, teams: [], queues: [] }),
    async ingest(providerCallId, startedAt, durationS, extra = {}) {
      const metadata = { providerCallId, direction: 'inbound', startedAt, agentId: 'a-li', customerPhone: '+8613800000000', tags: [], ...extra };
      const { call } = await hub.ingest(TENANT, metadata, synthesizeCallWav({ durationS, seed: providerCallId }));
      return call;
    },
    call: byProvider,
    async api(method, path, o = {}) {
      const headers: Record<string, string> = {};
      if (o.token) headers.Authorization = `Bearer ${o.token}`;
      if (o.body !== undefined) headers['Content-Type'] = 'application/json';
      const response = await fetch(`${url}${path}`, { method, headers, ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}) });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // audio or empty bodies stay text
      }
      return { status: response.status, body };
    },
    async close(o = {}) {
      await app.close();
      for (const capability of capabilities) await capability.stop?.();
      await hub.close();
      if (!o.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs the real CLI (`node bin/callsight.mjs ...`) against a data folder; returns exit code and output. */
export function runCli(dataDir: string, args: string[]): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['bin/callsight.mjs', ...args], {
    cwd: join(__dirname, '..', '..'),
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Reads a call's audio from the hot store (throws RECORDING_GONE when the key or file is gone). */
export async function readAudio(hub: Hub, call: Call): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of hub.audio.read({ tenantId: call.tenantId, recordingId: call.id, keyId: call.recording!.keyId, bytes: call.recording!.bytes })) parts.push(part);
  return Buffer.concat(parts);
}
