import { z } from 'zod';
import { CallsightError } from '../../core/shared/errors';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import {
  CONNECT_PROVIDER,
  DEFAULT_TAG_ATTRIBUTES,
  connectSecretsJson,
  type ConnectAccountSettings,
  type ConnectPorts,
} from './connect.ports';

const secret = z.string().min(16, 'is shorter than 16 characters; use a long random secret').max(4096);

/**
 * An Amazon Connect instance linked to the actor's tenant: where its recordings are (bucket, region, KMS key), how the
 * hub reads them (static credentials, or the AWS SDK's default chain when none are given), the Firehose access key
 * its contact-record stream sends, and which contact attributes become customer tags. Secrets are sealed under the
 * tenant key and never echoed.
 */
export const addConnectAccountInput = z
  .object({
    instanceArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{12}:instance\/[A-Za-z0-9-]{1,100}$/, 'must be an Amazon Connect instance ARN (arn:aws:connect:<region>:<account>:instance/<id>)'),
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name'),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as us-east-1'),
    firehoseAccessKey: secret,
    kmsKeyArn: z.string().regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[A-Za-z0-9/_-]+$/, 'must be a KMS key or alias ARN').optional(),
    s3Endpoint: z.url({ protocol: /^https?$/ }).optional(),
    s3ForcePathStyle: z.boolean().default(false),
    awsAccessKeyId: z.string().regex(/^[A-Z0-9]{16,128}$/, 'must be an AWS access key id').optional(),
    awsSecretAccessKey: z.string().min(16).max(256).optional(),
    tagAttributes: z
      .array(z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/, 'must be a contact attribute key'))
      .max(32)
      .optional(),
  })
  .strict()
  .refine((v) => (v.awsAccessKeyId === undefined) === (v.awsSecretAccessKey === undefined), {
    message: 'give both the AWS access key id and its secret, or neither (the SDK default chain)',
    path: ['awsAccessKeyId'],
  });
export type AddConnectAccountInput = z.input<typeof addConnectAccountInput>;

/** The linked instance as stored (no secrets). */
export interface AddedConnectAccount {
  readonly instanceId: string;
  readonly settings: ConnectAccountSettings;
}

type Deps = Pick<ConnectPorts, 'accounts' | 'keys' | 'clock'>;

/** The instance id at the end of an instance ARN: the provider account id the Firehose route names. */
export function instanceIdOf(instanceArn: string): string {
  return instanceArn.slice(instanceArn.lastIndexOf('/') + 1);
}

/**
 * Links an Amazon Connect instance to the actor's tenant (`callsight connect add`), replacing an earlier link of
 * the same instance (a rotated access key). NOT_FOUND, with nothing written, when the tenant does not exist. Only
 * the system (the CLI on the hub's machine) links accounts. Audited as `change_settings`, reason `connect_add`.
 */
export const addConnectAccount = defineUseCase({
  name: 'connect.add-connect-account',
  action: 'change_settings',
  permission: 'system',
  input: addConnectAccountInput,
  invalidInput: 'Invalid Amazon Connect account',
  target: (input) => `connect-instance:${instanceIdOf(input.instanceArn)}`,
  async run({ deps, actor, input }: UseCaseContext<Deps, z.output<typeof addConnectAccountInput>>): Promise<AddedConnectAccount> {
    const instanceId = instanceIdOf(input.instanceArn);
    const arnRegion = input.instanceArn.split(':')[3];
    if (arnRegion !== input.region) {
      throw new CallsightError('VALIDATION_FAILED', 'Invalid Amazon Connect account: region: differs from the instance ARN’s region');
    }
    const settings: ConnectAccountSettings = {
      instanceArn: input.instanceArn,
      region: input.region,
      bucket: input.bucket,
      kmsKeyArn: input.kmsKeyArn ?? null,
      s3Endpoint: input.s3Endpoint ?? null,
      s3ForcePathStyle: input.s3ForcePathStyle,
      awsAccessKeyId: input.awsAccessKeyId ?? null,
      tagAttributes: input.tagAttributes ?? DEFAULT_TAG_ATTRIBUTES,
    };
    const sealed = deps.keys.sealSecret(
      actor.tenantId,
      CONNECT_PROVIDER,
      connectSecretsJson({ firehoseAccessKey: input.firehoseAccessKey, awsSecretAccessKey: input.awsSecretAccessKey ?? null }),
    );
    await deps.accounts.save(
      { provider: CONNECT_PROVIDER, accountId: instanceId, tenantId: actor.tenantId, sealedSecret: sealed, settings: { ...settings } },
      deps.clock.now(),
    );
    return { instanceId, settings };
  },
  audited: (out) => ({ reason: 'connect_add', details: { instanceId: out.instanceId, staticCredentials: out.settings.awsAccessKeyId !== null } }),
});
