import { resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_PHONE_REGION } from '../core/recordings/phone';
import { describeIssues } from '../core/shared/validation';

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
  DEMO_CALLS: z.coerce.number().int().min(13).max(5000).default(220),
  TWILIO_API_BASE_URL: z.url().default('https://api.twilio.com'),
  WORKERS: z.enum(['true', 'false']).default('true'),
  DATABASE_URL: z
    .string()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .refine((v) => v === undefined || /^postgres(ql)?:\/\/[^\s]+$/.test(v), 'must be a postgres:// or postgresql:// URL'),
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
  readonly demoCalls: number;
  readonly twilioApiBaseUrl: string;
  readonly workers: boolean;
  /** When set, every store lives in this PostgreSQL database instead of DATA_DIR/callsight.db. Never logged. */
  readonly databaseUrl?: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<HubConfig> = {}): HubConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid configuration: ${describeIssues(parsed.error)}. See the configuration table in README.md.`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.DATA_DIR),
    ...(e.PUBLIC_URL ? { publicUrl: e.PUBLIC_URL } : {}),
    defaultRegion: e.DEFAULT_REGION.toUpperCase(),
    maxAudioBytes: Math.round(e.MAX_AUDIO_MB * 1024 * 1024),
    rateLimitPerMinute: e.RATE_LIMIT_PER_MIN,
    logLevel: e.LOG_LEVEL,
    seedDemo: e.SEED_DEMO,
    demoCalls: e.DEMO_CALLS,
    twilioApiBaseUrl: e.TWILIO_API_BASE_URL,
    workers: e.WORKERS === 'true',
    ...(e.DATABASE_URL ? { databaseUrl: e.DATABASE_URL } : {}),
    ...overrides,
  };
}
