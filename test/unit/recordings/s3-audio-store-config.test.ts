import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { loadConfig } from '../../../bin/config';
import { audioStoreConfigFromEnv } from '../../../bin/wiring/audio-store.wiring';

const S3 = { AUDIO_STORE: 's3', S3_BUCKET: 'calls-archive', S3_REGION: 'cn-hangzhou' } as const;

describe('audio store settings (AUDIO_STORE, S3_*)', () => {
  it('defaults to the data folder: nothing changes for npm start', () => {
    expect(audioStoreConfigFromEnv({})).toEqual({ kind: 'fs' });
    expect(loadConfig({}).audioStore).toEqual({ kind: 'fs' });
    expect(audioStoreConfigFromEnv({ ARCHIVE_DIR: '/mnt/cold' })).toEqual({ kind: 'fs', archiveDir: '/mnt/cold' });
  });

  it('reads an S3-compatible bucket with its endpoint, prefixes, path style, credentials and part size', () => {
    expect(
      audioStoreConfigFromEnv({
        ...S3,
        S3_ENDPOINT: 'https://oss-cn-hangzhou.aliyuncs.com',
        S3_PREFIX: 'callsight/',
        S3_ARCHIVE_PREFIX: 'callsight-cold/',
        S3_ARCHIVE_STORAGE_CLASS: 'STANDARD_IA',
        S3_FORCE_PATH_STYLE: 'true',
        S3_ACCESS_KEY_ID: 'AKID',
        S3_SECRET_ACCESS_KEY: 'secret-value',
        S3_PART_SIZE_MB: '16',
      }),
    ).toEqual({
      kind: 's3',
      endpoint: 'https://oss-cn-hangzhou.aliyuncs.com',
      region: 'cn-hangzhou',
      bucket: 'calls-archive',
      prefix: 'callsight/',
      archivePrefix: 'callsight-cold/',
      archiveStorageClass: 'STANDARD_IA',
      forcePathStyle: true,
      accessKeyId: 'AKID',
      secretAccessKey: 'secret-value',
      partBytes: 16 * 1024 * 1024,
    });
    // Without keys: the SDK's default chain (environment, profile, instance role); 8 MiB parts; virtual-hosted style.
    expect(audioStoreConfigFromEnv(S3)).toEqual({ kind: 's3', region: 'cn-hangzhou', bucket: 'calls-archive', prefix: '', forcePathStyle: false, partBytes: 8 * 1024 * 1024 });
  });

  it.each([
    [{ AUDIO_STORE: 's3' }, 'S3_BUCKET'],
    [{ ...S3, S3_PART_SIZE_MB: '4' }, 'S3_PART_SIZE_MB'],
    [{ ...S3, S3_ACCESS_KEY_ID: 'AKID' }, 'S3_ACCESS_KEY_ID'],
    [{ ...S3, S3_SECRET_ACCESS_KEY: 'only-the-secret' }, 'S3_ACCESS_KEY_ID'],
    [{ ...S3, S3_PREFIX: 'no-slash' }, 'S3_PREFIX'],
    [{ ...S3, S3_ARCHIVE_PREFIX: 'audio/' }, 'S3_ARCHIVE_PREFIX'],
    [{ ...S3, S3_PREFIX: 'x/', S3_ARCHIVE_PREFIX: 'x/audio/cold/' }, 'S3_ARCHIVE_PREFIX'],
    [{ ...S3, S3_ARCHIVE_STORAGE_CLASS: 'GLACIER' }, 'S3_ARCHIVE_STORAGE_CLASS'],
    [{ ...S3, S3_BUCKET: 'Not_A_Bucket' }, 'S3_BUCKET'],
    [{ AUDIO_STORE: 'ftp' }, 'AUDIO_STORE'],
  ])('refuses %j naming %s, never echoing a secret', (env, setting) => {
    let message = '';
    try {
      audioStoreConfigFromEnv(env);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(setting);
    expect(message).not.toContain('only-the-secret');
    expect(() => loadConfig(env)).toThrow(/Invalid configuration/);
  });
});

const OURS = "import { createS3Client } from './adapters/blob/s3/index.ts'; createS3Client({ region: 'us-east-1', forcePathStyle: true }).destroy(); console.log('made');";

describe('the AWS SDK NodeVersionSupportWarning', () => {
  const run = (code: string, extra: NodeJS.ProcessEnv = {}) => {
    const env = { ...process.env, ...extra };
    if (!('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED' in extra)) delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: process.cwd(), env, encoding: 'utf8', timeout: 30_000 });
  };

  it('is not shown by our S3 client, while the bare SDK client on this Node shows it', () => {
    const ours = run(OURS);
    expect(ours.stdout.trim()).toBe('made');
    expect(ours.stderr).not.toContain('NodeVersionSupportWarning');
    const major = Number(process.versions.node.split('.')[0]);
    if (major < 22) {
      // The control: without the documented switch, this SDK version does print it on Node 20.
      const bare = run("import { S3Client } from '@aws-sdk/client-s3'; new S3Client({ region: 'us-east-1' }).destroy();");
      expect(bare.stderr).toContain('NodeVersionSupportWarning');
      // An operator who wants to see it can turn it back on.
      const wanted = run(OURS, { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false' });
      expect(wanted.stderr).toContain('NodeVersionSupportWarning');
    }
  });
});
