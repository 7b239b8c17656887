import { resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_PHONE_REGION } from '../core/recordings/phone';
import { describeIssues } from '../core/shared/validation';
import { audioStoreConfigFromEnv, type AudioStoreConfig } from './wiring/audio-store.wiring';

/** Hub configuration from the environment; every setting has a default that works on one machine. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().default('./data'),
  PUBLIC_URL: z.url().optional(),
  DEFAULT_REGION: z.string().length(2).default(DEFAULT_PHONE_REGION),
  MAX_AUDIO_MB: z.coerce.number().positive().max(4096).default(200),
  RATE_LIMIT_PER_MIN: z.coerce.number().int().positive().default(1200),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SEED_DEMO: z.enum(['auto', 'true', 'false']).default('auto'),
  DEMO: z.enum(['auto', 'true', 'false']).default('auto'),
  DEMO_CALLS: z.coerce.number().int().min(13).max(5000).default(220),
  TWILIO_API_BASE_URL: z.url().default('https://api.twilio.com'),
  WORKERS: z.enum(['true', 'false']).default('true'),
  ROLE: z.enum(['api', 'worker', 'all']).default('all'),
  SHUTDOWN_TIMEOUT_S: z.coerce.number().positive().max(3600).default(30),
  HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(8788),
  DATABASE_URL: z
    .string()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .refine((v) => v === undefined || /^postgres(ql)?:\/\/[^\s]+$/.test(v), 'must be a postgres:// or postgresql:// URL'),
  KEY_STORE: z.enum(['file', 'database']).default('file'),
  MASTER_KEY_FILE: z.string().min(1).optional(),
  ORPHAN_GRACE_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(60),
});

export interface HubConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly publicUrl?: string;
  readonly defaultRegion: string;
  readonly maxAudioBytes: number;
  readonly rateLimitPerMinute: number;
  readonly logLevel: string;
  readonly seedDemo: 'auto' | 'true' | 'false';
  /**
   * Demo mode: the `/demo` page and its endpoints exist only when true. On by default on the embedded defaults
   * (`npm start`); off as soon as PUBLIC_URL is set, or with DEMO=false / `callsight serve --no-demo`.
   */
  readonly demo: boolean;
  readonly demoCalls: number;
  readonly twilioApiBaseUrl: string;
  readonly workers: boolean;
  /**
   * What `callsight serve` runs (docs/decisions/processes-and-roles.md): `api` serves HTTP and runs no jobs or
   * periodic work; `worker` runs the job runner and periodic work and serves only a health endpoint on HEALTH_PORT;
   * `all` (default) does both, as one process on one machine.
   */
  readonly role: 'api' | 'worker' | 'all';
  /** Seconds a SIGTERM waits for in-flight requests and jobs before the process exits anyway. */
  readonly shutdownTimeoutS: number;
  /** Port of a worker's health endpoint (GET /health), on HOST; 0 picks a free port. */
  readonly healthPort: number;
  /** When set, every store lives in this PostgreSQL database instead of DATA_DIR/callsight.db. Never logged. */
  readonly databaseUrl?: string;
  /**
   * Where tenant secrets and recording keys live (docs/decisions/database-key-store.md): `file` (default) under
   * DATA_DIR/keys, one machine; `database` in the hub's database, wrapped under the master key of MASTER_KEY_FILE or
   * CALLSIGHT_MASTER_KEY (read from the environment by bin/wiring/key-store.wiring.ts, never kept here).
   */
  readonly keyStore?: 'file' | 'database';
  /** A file (mode 0600) holding the database key store's master key; CALLSIGHT_MASTER_KEY is the alternative. */
  readonly masterKeyFile?: string;
  /** Minutes before an unreferenced stored item or data key counts as stranded (crash recovery and storage GC). */
  readonly orphanGraceMinutes?: number;
  /** Where the encrypted audio lives: the data folder (default) or an S3-compatible bucket (AUDIO_STORE, S3_*). */
  readonly audioStore?: AudioStoreConfig;
}

/**
 * The hub's configuration from `env` with `overrides` on top. Demo mode is decided last, on the merged values:
 * DEMO=false (or `demo: false`) turns it off; PUBLIC_URL (a hub reachable from a network) turns it off too, and
 * DEMO=true together with PUBLIC_URL is refused as a contradiction. With demo mode off, SEED_DEMO=auto seeds
 * nothing. Throws naming the bad setting.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<HubConfig> = {}): HubConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid configuration: ${describeIssues(parsed.error)}. See the configuration table in README.md.`);
  }
  const e = parsed.data;
  const merged = {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.DATA_DIR),
    ...(e.PUBLIC_URL ? { publicUrl: e.PUBLIC_URL } : {}),
    defaultRegion: e.DEFAULT_REGION.toUpperCase(),
    maxAudioBytes: Math.round(e.MAX_AUDIO_MB * 1024 * 1024),
    rateLimitPerMinute: e.RATE_LIMIT_PER_MIN,
    logLevel: e.LOG_LEVEL,
    seedDemo: e.SEED_DEMO,
    demo: true,
    demoCalls: e.DEMO_CALLS,
    twilioApiBaseUrl: e.TWILIO_API_BASE_URL,
    workers: e.WORKERS === 'true',
    role: e.ROLE,
    shutdownTimeoutS: e.SHUTDOWN_TIMEOUT_S,
    healthPort: e.HEALTH_PORT,
    ...(e.DATABASE_URL ? { databaseUrl: e.DATABASE_URL } : {}),
    keyStore: e.KEY_STORE,
    ...(e.MASTER_KEY_FILE ? { masterKeyFile: resolve(e.MASTER_KEY_FILE) } : {}),
    orphanGraceMinutes: e.ORPHAN_GRACE_MINUTES,
    audioStore: audioStoreConfigFromEnv(env),
    ...overrides,
  };
  const publicHub = merged.publicUrl !== undefined;
  if (publicHub && (overrides.demo === true || (overrides.demo === undefined && e.DEMO === 'true'))) {
    throw new Error('Invalid configuration: DEMO=true with PUBLIC_URL set: the demo hands out tokens and runs only on a hub without a public URL');
  }
  const demo = overrides.demo ?? (e.DEMO !== 'false' && !publicHub);
  const seedDemo = !demo && overrides.seedDemo === undefined && merged.seedDemo === 'auto' ? 'false' : merged.seedDemo;
  return { ...merged, demo, seedDemo };
}
