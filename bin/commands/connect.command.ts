import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { cliActor } from '../../app/shared/actor';
import { loadConfig } from '../config';
import { openHub } from '../hub';
import { connectUseCasesOf } from '../wiring/connect.wiring';

function readSecretFile(path: string, what: string): string {
  const secret = readFileSync(path, 'utf8').trim();
  if (secret === '') throw new Error(`${what} file ${path} is empty`);
  return secret;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter((s) => s !== '')];
}

interface ConnectAddOptions {
  tenant: string;
  instanceArn: string;
  bucket: string;
  region: string;
  firehoseAccessKeyFile?: string;
  kms?: string;
  awsAccessKeyId?: string;
  awsSecretFile?: string;
  s3Endpoint?: string;
  s3PathStyle?: boolean;
  tagAttribute: string[];
}

/**
 * `callsight connect add --tenant T --instance-arn ARN --bucket B --region R [--firehose-access-key-file F] [--kms ARN]
 * [--aws-access-key-id ID --aws-secret-file F] [--s3-endpoint URL --s3-path-style] [--tag-attribute KEY ...]`: links an
 * Amazon Connect instance to a tenant (README, command table). Without --firehose-access-key-file a random key is made and
 * printed once, to paste into the Firehose stream's HTTP endpoint settings; it is sealed and never shown again.
 */
export function registerConnectCommands(program: Command): void {
  const connect = program.command('connect').description('Amazon Connect capture (contact records through Firehose, recordings from S3)');
  connect
    .command('add')
    .description("link an Amazon Connect instance to a tenant: its recordings bucket, the Firehose stream's access key, how the hub reads S3")
    .requiredOption('--tenant <id>', 'the tenant the instance belongs to')
    .requiredOption('--instance-arn <arn>', 'the instance ARN, arn:aws:connect:<region>:<account>:instance/<id>')
    .requiredOption('--bucket <name>', "the instance's S3 bucket (call recordings and Contact Lens output)")
    .requiredOption('--region <region>', 'the AWS region of the instance and bucket, e.g. us-east-1')
    .option('--firehose-access-key-file <file>', 'file holding the access key the Firehose stream sends (default: make one and print it)')
    .option('--kms <arn>', 'the KMS key the bucket encrypts with (for the record; grant the hub kms:Decrypt on it)')
    .option('--aws-access-key-id <id>', 'access key id of an IAM user that may read the bucket (default: the AWS SDK default chain)')
    .option('--aws-secret-file <file>', 'file holding the secret access key of --aws-access-key-id')
    .option('--s3-endpoint <url>', 'an S3-compatible endpoint instead of AWS (MinIO and the like)')
    .option('--s3-path-style', 'address the bucket in the path (most S3-compatible servers need it)')
    .option('--tag-attribute <key>', 'a contact attribute whose value becomes customer tags (repeat or comma-separate; default CustomerTags, CustomerSegment)', collect, [])
    .action(async (opts: ConnectAddOptions) => {
      if ((opts.awsAccessKeyId === undefined) !== (opts.awsSecretFile === undefined)) {
        throw new Error('Give --aws-access-key-id and --aws-secret-file together, or neither to use the AWS SDK default credential chain');
      }
      const generated = opts.firehoseAccessKeyFile === undefined;
      const firehoseAccessKey = generated ? randomBytes(32).toString('base64url') : readSecretFile(opts.firehoseAccessKeyFile!, 'The Firehose access key');
      const hub = await openHub(loadConfig());
      try {
        const added = await connectUseCasesOf(hub).addConnectAccount(cliActor(opts.tenant), {
          instanceArn: opts.instanceArn,
          bucket: opts.bucket,
          region: opts.region,
          firehoseAccessKey,
          ...(opts.kms ? { kmsKeyArn: opts.kms } : {}),
          ...(opts.awsAccessKeyId ? { awsAccessKeyId: opts.awsAccessKeyId, awsSecretAccessKey: readSecretFile(opts.awsSecretFile!, 'The AWS secret access key') } : {}),
          ...(opts.s3Endpoint ? { s3Endpoint: opts.s3Endpoint } : {}),
          s3ForcePathStyle: opts.s3PathStyle === true,
          ...(opts.tagAttribute.length > 0 ? { tagAttributes: opts.tagAttribute } : {}),
        });
        const base = hub.config.publicUrl ? hub.config.publicUrl.replace(/\/$/, '') : 'https://<this hub>';
        process.stderr.write(
          `tenant ${opts.tenant}: Amazon Connect instance ${added.instanceId} linked (bucket ${added.settings.bucket}, ${added.settings.awsAccessKeyId ? 'static credentials' : 'AWS SDK default credentials'}; tags from ${added.settings.tagAttributes.join(', ') || 'no attributes'})\n` +
            `Firehose HTTP endpoint URL: ${base}/api/v1/connect/${added.instanceId}/records\n`,
        );
        if (generated) process.stdout.write(`${firehoseAccessKey}\n`);
        if (generated) process.stderr.write('Paste the access key above into the Firehose stream (HTTP endpoint "Access key"); it is not shown again.\n');
      } finally {
        await hub.close();
      }
    });
}
