import { join } from 'node:path';
import { z } from 'zod';
import type { HubAudioStore } from '../../core/recordings/audio-store.port';
import type { KeyVault } from '../../core/recordings/key-vault.port';
import { describeIssues } from '../../core/shared/validation';
import { EncryptedFsAudioStore } from '../../adapters/blob/encrypted-fs';

/** Where the hub keeps the encrypted audio: the data folder (default) or an S3-compatible bucket. */
export type AudioStoreConfig =
  | {
      readonly kind: 'fs';
      /** Root of the archive tier; default DATA_DIR/archive. */
      readonly archiveDir?: string;
    }
  | {
      readonly kind: 's3';
      /** e.g. https://oss-cn-hangzhou.aliyuncs.com, http://minio:9000; absent: AWS S3 of `region`. */
      readonly endpoint?: string;
      readonly region: string;
      readonly bucket: string;
      /** Key prefix of everything the hub stores (`''` or ending in `/`). */
      readonly prefix?: string;
      /** Key prefix of the archive tier; default `<prefix>archive/`. */
      readonly archivePrefix?: string;
      /** Storage class of archived objects; default the bucket's. */
      readonly archiveStorageClass?: ArchiveStorageClass;
      readonly forcePathStyle: boolean;
      /** Both or neither; neither = the AWS SDK's default credential chain (env, profile, instance role). Never logged. */
      readonly accessKeyId?: string;
      readonly secretAccessKey?: string;
      /** Multipart part size in bytes (>= 5 MiB from the environment). */
      readonly partBytes?: number;
    };

/** Storage classes that read at once (thaw-on-play copies back while the listener waits): no GLACIER or DEEP_ARCHIVE. */
const ARCHIVE_STORAGE_CLASSES = ['STANDARD', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR'] as const;
type ArchiveStorageClass = (typeof ARCHIVE_STORAGE_CLASSES)[number];
const KEY_PREFIX = /^([A-Za-z0-9._-]+\/)*$/;
const MIB = 1024 * 1024;

const envSchema = z
  .object({
    AUDIO_STORE: z.enum(['fs', 's3']).default('fs'),
    ARCHIVE_DIR: z.string().min(1).optional(),
    S3_ENDPOINT: z.url().optional(),
    S3_REGION: z.string().min(1).default('us-east-1'),
    S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a bucket name (3-63 lower-case letters, digits, "." and "-")').optional(),
    S3_PREFIX: z.string().regex(KEY_PREFIX, 'must be empty or end in "/" (e.g. callsight/)').default(''),
    S3_ARCHIVE_PREFIX: z.string().min(1).regex(KEY_PREFIX, 'must end in "/" (e.g. callsight-archive/)').optional(),
    S3_ARCHIVE_STORAGE_CLASS: z.enum(ARCHIVE_STORAGE_CLASSES).optional(),
    S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).default('false'),
    S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    S3_PART_SIZE_MB: z.coerce.number().int().min(5).max(5 * 1024).default(8),
  })
  .superRefine((e, ctx) => {
    if (e.AUDIO_STORE !== 's3') return;
    if (!e.S3_BUCKET) ctx.addIssue({ code: 'custom', path: ['S3_BUCKET'], message: 'is required with AUDIO_STORE=s3' });
    if ((e.S3_ACCESS_KEY_ID === undefined) !== (e.S3_SECRET_ACCESS_KEY === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['S3_ACCESS_KEY_ID'], message: 'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together (or leave both out for the SDK default chain)' });
    }
    const hot = `${e.S3_PREFIX}audio/`;
    const archive = e.S3_ARCHIVE_PREFIX ?? `${e.S3_PREFIX}archive/`;
    if (hot.startsWith(archive) || archive.startsWith(hot)) {
      ctx.addIssue({ code: 'custom', path: ['S3_ARCHIVE_PREFIX'], message: `must not overlap the hot tier's keys (${hot})` });
    }
  });

/**
 * The audio store settings from the environment: AUDIO_STORE (fs|s3, default fs), ARCHIVE_DIR, and for s3 S3_ENDPOINT,
 * S3_REGION, S3_BUCKET, S3_PREFIX, S3_ARCHIVE_PREFIX, S3_ARCHIVE_STORAGE_CLASS, S3_FORCE_PATH_STYLE, S3_ACCESS_KEY_ID,
 * S3_SECRET_ACCESS_KEY, S3_PART_SIZE_MB. Throws naming the bad setting (never its value).
 */
export function audioStoreConfigFromEnv(env: NodeJS.ProcessEnv): AudioStoreConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid configuration: ${describeIssues(parsed.error)}. See the configuration table in README.md.`);
  const e = parsed.data;
  if (e.AUDIO_STORE === 'fs') return { kind: 'fs', ...(e.ARCHIVE_DIR ? { archiveDir: e.ARCHIVE_DIR } : {}) };
  return {
    kind: 's3',
    ...(e.S3_ENDPOINT ? { endpoint: e.S3_ENDPOINT } : {}),
    region: e.S3_REGION,
    bucket: e.S3_BUCKET!,
    prefix: e.S3_PREFIX,
    ...(e.S3_ARCHIVE_PREFIX ? { archivePrefix: e.S3_ARCHIVE_PREFIX } : {}),
    ...(e.S3_ARCHIVE_STORAGE_CLASS ? { archiveStorageClass: e.S3_ARCHIVE_STORAGE_CLASS } : {}),
    forcePathStyle: e.S3_FORCE_PATH_STYLE === 'true',
    ...(e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY } : {}),
    partBytes: e.S3_PART_SIZE_MB * MIB,
  };
}

/**
 * The hub's audio store (hot and archive tiers, inventory) for its configuration. The AWS SDK is loaded only for
 * AUDIO_STORE=s3, so the embedded default starts as before.
 */
export async function openAudioStore(config: AudioStoreConfig | undefined, dataDir: string, keys: KeyVault): Promise<HubAudioStore> {
  if (!config || config.kind === 'fs') {
    return new EncryptedFsAudioStore(join(dataDir, 'audio'), keys, undefined, { archiveRoot: config?.archiveDir ?? join(dataDir, 'archive') });
  }
  const { S3AudioStore, createS3Client } = await import('../../adapters/blob/s3');
  const client = createS3Client({
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(config.accessKeyId && config.secretAccessKey ? { credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } } : {}),
  });
  return new S3AudioStore(client, keys, {
    bucket: config.bucket,
    ...(config.prefix !== undefined ? { prefix: config.prefix } : {}),
    ...(config.archivePrefix ? { archivePrefix: config.archivePrefix } : {}),
    ...(config.archiveStorageClass ? { archiveStorageClass: config.archiveStorageClass } : {}),
    ...(config.partBytes ? { partBytes: config.partBytes } : {}),
  });
}
