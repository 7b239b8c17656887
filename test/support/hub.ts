import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type HubConfig } from '../../bin/config';
import { startHub, type RunningHub } from '../../bin/server';
import type { Role } from '../../core/access/access.policy';

export interface TestHub extends RunningHub {
  readonly dataDir: string;
  /** A bearer token of the demo tenant (or `tenant`) for a role. */
  token(role: Role, options?: { tenant?: string; user?: string; agentId?: string; teams?: string[]; queues?: string[]; ttlS?: number }): Promise<string>;
}

/**
 * Starts a real hub on a free loopback port with its own temporary data folder; with `demoCalls` it seeds
 * the demo tenant first. `close()` stops it and deletes the folder.
 */
export async function startTestHub(options: { demoCalls?: number; config?: Partial<HubConfig> } = {}): Promise<TestHub> {
  const dataDir = mkdtempSync(join(tmpdir(), 'callsight-test-'));
  const config = loadConfig(
    {},
    {
      dataDir,
      port: 0,
      host: '127.0.0.1',
      logLevel: 'silent',
      seedDemo: options.demoCalls ? 'true' : 'false',
      demoCalls: options.demoCalls ?? 10,
      workers: false,
      ...options.config,
    },
  );
  const running = await startHub(config, { quiet: true });
  return {
    ...running,
    dataDir,
    async token(role, o = {}) {
      return running.hub.tokens.issue({
        tenantId: o.tenant ?? 'demo',
        userId: o.user ?? `u-${role}`,
        role,
        ...(o.agentId ? { agentId: o.agentId } : {}),
        teams: o.teams ?? [],
        queues: o.queues ?? [],
        ...(o.ttlS ? { ttlS: o.ttlS } : {}),
      });
    },
    async close() {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
