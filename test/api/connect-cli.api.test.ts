import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactRecord, firehoseDelivery } from '../fakes/aws-connect.fake';
import { startTestHub, type TestHub } from '../support/hub';

const run = promisify(execFile);
const CLI = resolve(__dirname, '../../bin/callsight.mjs');
const INSTANCE_ID = '5f0e4c1a-2222-4333-8444-555566667777';
const INSTANCE_ARN = `arn:aws:connect:eu-west-2:123456789012:instance/${INSTANCE_ID}`;

let hub: TestHub;

async function callsight(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: { ...process.env, DATA_DIR: hub.dataDir, LOG_LEVEL: 'silent' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

beforeAll(async () => {
  hub = await startTestHub();
  await hub.hub.ensureTenant({ id: 'globex', name: 'Globex', defaultRegion: 'GB', industry: 'general' });
});
afterAll(async () => {
  await hub.close();
});

describe('callsight connect add', () => {
  it('links an instance with a generated Firehose access key, printed once, which the endpoint then accepts', async () => {
    const added = await callsight('connect', 'add', '--tenant', 'globex', '--instance-arn', INSTANCE_ARN, '--bucket', 'globex-connect', '--region', 'eu-west-2', '--tag-attribute', 'CustomerTags,tier');
    expect(added.code, added.stderr).toBe(0);
    expect(added.stderr).toContain(`/api/v1/connect/${INSTANCE_ID}/records`);
    expect(added.stderr).toContain('AWS SDK default credentials');
    expect(added.stderr).not.toContain('NodeVersionSupportWarning');
    const accessKey = added.stdout.trim();
    expect(accessKey).toMatch(/^[A-Za-z0-9_-]{40,}$/);

    const row = await hub.hub.accounts.find('connect', INSTANCE_ID);
    expect(row).toMatchObject({ tenantId: 'globex', settings: { bucket: 'globex-connect', region: 'eu-west-2', tagAttributes: ['CustomerTags', 'tier'], awsAccessKeyId: null } });
    expect(Buffer.from(row!.sealedSecret).toString('utf8')).not.toContain(accessKey);

    // A chat contact: acknowledged without fetching anything, so the check needs no S3.
    const chat = contactRecord({ contactId: '22222222-aaaa-4bbb-8ccc-dddddddddddd', instanceArn: INSTANCE_ARN, bucket: 'globex-connect', channel: 'CHAT', initiatedAt: new Date(), recordingKey: null });
    const wrong = await fetch(`${hub.url}/api/v1/connect/${INSTANCE_ID}/records`, { method: 'POST', ...firehoseDelivery([chat], { accessKey: `${accessKey}x` }) });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${hub.url}/api/v1/connect/${INSTANCE_ID}/records`, { method: 'POST', ...firehoseDelivery([chat], { accessKey, requestId: 'cli-check' }) });
    expect(right.status).toBe(200);
    expect(await right.json()).toEqual({ requestId: 'cli-check', timestamp: expect.any(Number) });
  });

  it('takes the access key and static AWS credentials from files; refuses a bad ARN naming the field, changing nothing', async () => {
    const keyFile = join(hub.dataDir, 'firehose-key');
    const secretFile = join(hub.dataDir, 'aws-secret');
    writeFileSync(keyFile, 'a-firehose-access-key-from-a-file-0123\n');
    writeFileSync(secretFile, 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n');
    const otherArn = INSTANCE_ARN.replace(INSTANCE_ID, '6a1f5d2b-3333-4444-8555-666677778888');
    const bad = await callsight('connect', 'add', '--tenant', 'globex', '--instance-arn', 'arn:aws:connect:eu-west-2:1234:instance/x', '--bucket', 'globex-connect', '--region', 'eu-west-2', '--firehose-access-key-file', keyFile);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('instanceArn');
    expect(bad.stderr).not.toContain('a-firehose-access-key-from-a-file');
    expect(await hub.hub.accounts.find('connect', 'x')).toBeNull();

    const added = await callsight('connect', 'add', '--tenant', 'globex', '--instance-arn', otherArn, '--bucket', 'globex-connect', '--region', 'eu-west-2',
      '--firehose-access-key-file', keyFile, '--aws-access-key-id', 'AKIAIOSFODNN7EXAMPLE', '--aws-secret-file', secretFile, '--kms', 'arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toBe('');
    expect(added.stderr).toContain('static credentials');
    const row = await hub.hub.accounts.find('connect', '6a1f5d2b-3333-4444-8555-666677778888');
    expect(row?.settings).toMatchObject({ awsAccessKeyId: 'AKIAIOSFODNN7EXAMPLE', kmsKeyArn: 'arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab', tagAttributes: ['CustomerTags', 'customer_tags', 'CustomerSegment', 'customer_segment'] });
    expect(JSON.stringify(row?.settings)).not.toContain('wJalrXUtnFEMI');
  });
});
