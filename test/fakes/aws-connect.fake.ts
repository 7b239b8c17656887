import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { http, HttpResponse } from 'msw';

/**
 * Fakes of the AWS side of Amazon Connect capture, shaped as AWS documents them.
 *
 * Firehose is the caller (it POSTs to the hub), so for it this file only builds requests:
 * - HTTP endpoint delivery request: https://docs.aws.amazon.com/firehose/latest/dev/httpdeliveryrequestresponse.html
 *   (`X-Amz-Firehose-Request-Id`, `X-Amz-Firehose-Access-Key`, `X-Amz-Firehose-Protocol-Version: 1.0`,
 *   `X-Amz-Firehose-Source-Arn`, optional `Content-Encoding: gzip`; body `{ requestId, timestamp, records: [{ data }] }`
 *   with each record's data base64-encoded).
 * - Each record is one contact record, per the data model:
 *   https://docs.aws.amazon.com/connect/latest/adminguide/ctr-data-model.html
 * - Contact Lens output files (the analysis JSON the hub imports):
 *   https://docs.aws.amazon.com/connect/latest/adminguide/contact-lens-example-output-files.html, written under
 *   Analysis/Voice/YYYY/MM/DD/<contactId>_analysis_<time>.json as
 *   https://docs.aws.amazon.com/connect/latest/adminguide/example-contact-lens-output-locations.html shows.
 *
 * S3 is called by the hub, so it is an msw fake at the regional virtual-hosted endpoint
 * (https://<bucket>.s3.<region>.amazonaws.com/<key>):
 * - GetObject https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html and HeadObject
 *   https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html: an object encrypted with SSE-KMS is
 *   answered decrypted with `x-amz-server-side-encryption: aws:kms` and
 *   `x-amz-server-side-encryption-aws-kms-key-id` (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html);
 *   a missing key is 404 with the `NoSuchKey` XML error (HeadObject: 404 without a body);
 *   a request not signed with the bucket's access key id is 403 `AccessDenied`
 *   (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
 * - ListObjectsV2 https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html (`list-type=2`, `prefix`):
 *   a `ListBucketResult` XML document.
 * Objects can be given a `readyAt` instant (read on `clock`): until then they do not exist, as a recording Connect
 * writes some minutes after the contact ends.
 */
export interface FakeS3Object {
  readonly body: Uint8Array;
  readonly contentType: string;
  /** When the object appears (absent: at once). */
  readonly readyAt?: Date;
}

export interface FakeS3State {
  readonly region: string;
  readonly bucket: string;
  /** The access key id requests must be signed with (SigV4 Credential=...). */
  readonly accessKeyId: string;
  readonly kmsKeyArn: string;
  readonly objects: Map<string, FakeS3Object>;
  readonly requests: { method: string; key: string | null; query: string }[];
  readonly clock?: () => Date;
}

const S3_HOST = /^https:\/\/([a-z0-9][a-z0-9.-]*)\.s3\.([a-z0-9-]+)\.amazonaws\.com\//;

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function s3Error(status: number, code: string, message: string, key: string | null): Response {
  const requestId = createHash('sha1').update(`${code}${key}`).digest('hex').slice(0, 16).toUpperCase();
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message>${key ? `<Key>${xmlEscape(key)}</Key>` : ''}<RequestId>${requestId}</RequestId><HostId>host-id</HostId></Error>`;
  return new HttpResponse(body, { status, headers: { 'Content-Type': 'application/xml', 'x-amz-request-id': requestId } });
}

/** msw handlers of the instance bucket (GetObject, HeadObject, ListObjectsV2). */
export function s3Handlers(state: FakeS3State) {
  const now = () => (state.clock ? state.clock() : new Date());
  const visible = (object: FakeS3Object | undefined) => object !== undefined && (!object.readyAt || object.readyAt.getTime() <= now().getTime());
  const parse = (request: Request) => {
    const url = new URL(request.url);
    const match = S3_HOST.exec(request.url);
    const key = decodeURIComponent(url.pathname.replace(/^\//, ''));
    return { url, bucket: match?.[1] ?? '', region: match?.[2] ?? '', key };
  };
  const signedByBucketKey = (request: Request) => (request.headers.get('authorization') ?? '').startsWith(`AWS4-HMAC-SHA256 Credential=${state.accessKeyId}/`);
  const objectHeaders = (object: FakeS3Object, key: string) => ({
    'Content-Type': object.contentType,
    'Content-Length': String(object.body.byteLength),
    ETag: `"${createHash('md5').update(object.body).digest('hex')}"`,
    'Last-Modified': new Date(object.readyAt ?? 0).toUTCString(),
    'x-amz-server-side-encryption': 'aws:kms',
    'x-amz-server-side-encryption-aws-kms-key-id': state.kmsKeyArn,
    'x-amz-server-side-encryption-bucket-key-enabled': 'true',
    'x-amz-request-id': createHash('sha1').update(key).digest('hex').slice(0, 16).toUpperCase(),
  });

  return [
    http.get(S3_HOST, ({ request }) => {
      const { url, bucket, region, key } = parse(request);
      state.requests.push({ method: 'GET', key: key || null, query: url.search });
      if (bucket !== state.bucket || region !== state.region) return s3Error(404, 'NoSuchBucket', 'The specified bucket does not exist', null);
      if (!signedByBucketKey(request)) return s3Error(403, 'AccessDenied', 'Access Denied', key || null);
      if (key === '' && url.searchParams.get('list-type') === '2') {
        const prefix = url.searchParams.get('prefix') ?? '';
        const keys = [...state.objects.entries()].filter(([k, o]) => k.startsWith(prefix) && visible(o)).map(([k]) => k).sort();
        const contents = keys
          .map((k) => {
            const o = state.objects.get(k)!;
            return `<Contents><Key>${xmlEscape(k)}</Key><LastModified>${new Date(o.readyAt ?? 0).toISOString()}</LastModified><ETag>&quot;${createHash('md5').update(o.body).digest('hex')}&quot;</ETag><Size>${o.body.byteLength}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
          })
          .join('');
        const body =
          '<?xml version="1.0" encoding="UTF-8"?>\n' +
          `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${state.bucket}</Name><Prefix>${xmlEscape(prefix)}</Prefix>` +
          `<KeyCount>${keys.length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`;
        return new HttpResponse(body, { status: 200, headers: { 'Content-Type': 'application/xml' } });
      }
      const object = state.objects.get(key);
      if (!visible(object)) return s3Error(404, 'NoSuchKey', 'The specified key does not exist.', key);
      return new HttpResponse(object!.body, { status: 200, headers: objectHeaders(object!, key) });
    }),
    http.head(S3_HOST, ({ request }) => {
      const { url, bucket, key } = parse(request);
      state.requests.push({ method: 'HEAD', key, query: url.search });
      if (bucket !== state.bucket || !signedByBucketKey(request)) return new HttpResponse(null, { status: 403 });
      const object = state.objects.get(key);
      if (!visible(object)) return new HttpResponse(null, { status: 404 });
      return new HttpResponse(null, { status: 200, headers: objectHeaders(object!, key) });
    }),
  ];
}

/** The fields of a contact record a test sets; the rest take documented example values. */
export interface ContactRecordFields {
  readonly contactId: string;
  readonly instanceArn: string;
  readonly bucket: string;
  readonly channel?: 'VOICE' | 'CHAT' | 'TASK' | 'EMAIL';
  readonly initiationMethod?: string;
  readonly initiatedAt: Date;
  readonly durationS?: number;
  readonly agentUsername?: string | null;
  readonly queue?: string | null;
  readonly customerAddress?: string | null;
  readonly attributes?: Record<string, string>;
  /** Key of the recording in the bucket; null for a contact that was not recorded. */
  readonly recordingKey?: string | null;
  readonly contactLens?: boolean;
  readonly lastUpdatedAt?: Date;
}

/** ISO-8601 UTC to the second, as contact records write timestamps ("2026-11-20T10:00:01Z"). */
function ctrTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The key Connect writes a call recording under: connect/<instance alias>/CallRecordings/YYYY/MM/DD/<contactId>_<time>_UTC.wav. */
export function recordingKeyOf(contactId: string, at: Date): string {
  const day = at.toISOString().slice(0, 10).replace(/-/g, '/');
  const stamp = at.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', 'T');
  return `connect/acme-contact-centre/CallRecordings/${day}/${contactId}_${stamp}_UTC.wav`;
}

/** A contact record (CTR) shaped as the data model documents it. */
export function contactRecord(f: ContactRecordFields): Record<string, unknown> {
  const accountId = f.instanceArn.split(':')[4];
  const instanceId = f.instanceArn.slice(f.instanceArn.lastIndexOf('/') + 1);
  const connectedAt = new Date(f.initiatedAt.getTime() + 12_000);
  const disconnectAt = new Date(f.initiatedAt.getTime() + (f.durationS ?? 60) * 1000);
  const voice = (f.channel ?? 'VOICE') === 'VOICE';
  const recording = voice && f.recordingKey ? `${f.bucket}/${f.recordingKey}` : null;
  const agent =
    f.agentUsername === null
      ? null
      : {
          ARN: `${f.instanceArn}/agent/${createHash('md5').update(f.agentUsername ?? 'agent').digest('hex').replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, '$1-$2-$3-$4-$5')}`,
          AfterContactWorkDuration: 10,
          AfterContactWorkEndTimestamp: ctrTime(new Date(disconnectAt.getTime() + 10_000)),
          AfterContactWorkStartTimestamp: ctrTime(disconnectAt),
          AgentInteractionDuration: (f.durationS ?? 60) - 12,
          ConnectedToAgentTimestamp: ctrTime(connectedAt),
          CustomerHoldDuration: 0,
          HierarchyGroups: null,
          LongestHoldDuration: 0,
          NumberOfHolds: 0,
          RoutingProfile: { ARN: `${f.instanceArn}/routing-profile/0000`, Name: 'Basic Routing Profile' },
          Username: f.agentUsername ?? 'agent',
          DeviceInfo: { PlatformName: 'Chrome', PlatformVersion: '120', OperatingSystem: 'Windows 10' },
        };
  return {
    AWSAccountId: accountId,
    AWSContactTraceRecordFormatVersion: '2017-03-10',
    Agent: agent,
    AgentConnectionAttempts: 1,
    AnsweringMachineDetectionStatus: null,
    Attributes: f.attributes ?? {},
    Campaign: { CampaignId: null },
    Channel: f.channel ?? 'VOICE',
    ConnectedToSystemTimestamp: ctrTime(new Date(f.initiatedAt.getTime() + 1000)),
    ContactDetails: {},
    ContactId: f.contactId,
    ContactLens: f.contactLens
      ? { ConversationalAnalytics: { Configuration: { Enabled: true, ChannelConfiguration: { AnalyticsModes: ['PostContact'] }, LanguageLocale: 'en-US', RedactionConfiguration: null, SentimentConfiguration: null, SummaryConfiguration: null } } }
      : null,
    CustomerEndpoint: f.customerAddress === null ? null : { Address: f.customerAddress ?? '+14155550123', Type: 'TELEPHONE_NUMBER' },
    CustomerVoiceActivity: null,
    DisconnectReason: 'CUSTOMER_DISCONNECT',
    DisconnectTimestamp: ctrTime(disconnectAt),
    InitialContactId: null,
    InitiationMethod: f.initiationMethod ?? 'INBOUND',
    InitiationTimestamp: ctrTime(f.initiatedAt),
    InstanceARN: f.instanceArn,
    LastUpdateTimestamp: ctrTime(f.lastUpdatedAt ?? new Date(disconnectAt.getTime() + 15_000)),
    MediaStreams: [{ Type: 'AUDIO' }],
    NextContactId: null,
    PreviousContactId: null,
    Queue: f.queue === null ? null : { ARN: `${f.instanceArn}/queue/1111`, DequeueTimestamp: ctrTime(connectedAt), Duration: 11, EnqueueTimestamp: ctrTime(new Date(f.initiatedAt.getTime() + 1000)), Name: f.queue ?? 'BasicQueue' },
    Recording: recording ? { DeletionReason: null, Location: recording, Status: 'AVAILABLE', Type: 'AUDIO' } : null,
    Recordings: recording
      ? [{ DeletionReason: null, FragmentStartNumber: null, FragmentStopNumber: null, Location: recording, MediaStreamType: 'AUDIO', ParticipantType: null, Participant: null, StartTimestamp: ctrTime(connectedAt), Status: 'AVAILABLE', StopTimestamp: ctrTime(disconnectAt), StorageType: 'S3' }]
      : null,
    References: [],
    ScheduledTimestamp: null,
    SystemEndpoint: { Address: '+18005550199', Type: 'TELEPHONE_NUMBER' },
    TransferCompletedTimestamp: null,
    TransferredToEndpoint: null,
    VoiceIdResult: null,
    InstanceId: instanceId,
  };
}

/** The key Contact Lens writes a contact's analysis under (dated by the agent-connected instant, UTC). */
export function contactLensKeyOf(contactId: string, connectedAt: Date): string {
  const day = connectedAt.toISOString().slice(0, 10).replace(/-/g, '/');
  return `Analysis/Voice/${day}/${contactId}_analysis_${ctrTime(connectedAt)}.json`;
}

/** A Contact Lens output file for a call, shaped as the documented example (a short two-party conversation). */
export function contactLensOutput(accountId: string, turns: readonly { participant: 'AGENT' | 'CUSTOMER'; beginMs: number; endMs: number; text: string }[]): Record<string, unknown> {
  return {
    Version: '1.1.0',
    AccountId: accountId,
    Channel: 'VOICE',
    ContentMetadata: { Output: 'Raw' },
    JobStatus: 'COMPLETED',
    LanguageCode: 'en-US',
    Participants: [
      { ParticipantId: 'CUSTOMER', ParticipantRole: 'CUSTOMER' },
      { ParticipantId: 'AGENT', ParticipantRole: 'AGENT' },
    ],
    Categories: { MatchedCategories: [], MatchedDetails: {} },
    ConversationCharacteristics: {
      TotalConversationDurationMillis: Math.max(0, ...turns.map((t) => t.endMs)),
      Sentiment: { OverallSentiment: { AGENT: 0, CUSTOMER: 0 }, SentimentByPeriod: { QUARTER: { AGENT: [], CUSTOMER: [] } } },
      Interruptions: { InterruptionsByInterrupter: {}, TotalCount: 0, TotalTimeMillis: 0 },
      NonTalkTime: { TotalTimeMillis: 0, Instances: [] },
      TalkSpeed: { DetailsByParticipant: { AGENT: { AverageWordsPerMinute: 150 }, CUSTOMER: { AverageWordsPerMinute: 140 } } },
      TalkTime: { TotalTimeMillis: 0, DetailsByParticipant: { AGENT: { TotalTimeMillis: 0 }, CUSTOMER: { TotalTimeMillis: 0 } } },
    },
    CustomModels: [],
    Transcript: turns.map((t, i) => ({
      BeginOffsetMillis: t.beginMs,
      Content: t.text,
      EndOffsetMillis: t.endMs,
      Id: `0000000${i}-aaaa-bbbb-cccc-dddddddddddd`,
      ParticipantId: t.participant,
      Sentiment: 'NEUTRAL',
      LoudnessScore: [70, 72],
    })),
  };
}

/** A Firehose HTTP endpoint delivery of `documents` (one contact record per record), optionally gzip-compressed. */
export function firehoseDelivery(
  documents: readonly unknown[],
  options: { readonly accessKey: string | null; readonly requestId?: string; readonly gzip?: boolean; readonly now?: Date; readonly rawRecords?: readonly string[] },
): { body: Uint8Array<ArrayBuffer>; headers: Record<string, string> } {
  const requestId = options.requestId ?? 'ed4acda5-034f-9f42-bba1-f29aea6d7d8f';
  const records = options.rawRecords
    ? options.rawRecords.map((data) => ({ data }))
    : documents.map((doc) => ({ data: Buffer.from(JSON.stringify(doc), 'utf8').toString('base64') }));
  const json = Buffer.from(JSON.stringify({ requestId, timestamp: (options.now ?? new Date()).getTime(), records }), 'utf8');
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'X-Amz-Firehose-Protocol-Version': '1.0',
    'X-Amz-Firehose-Request-Id': requestId,
    'X-Amz-Firehose-Source-Arn': 'arn:aws:firehose:us-east-1:123456789012:deliverystream/connect-ctr',
    'User-Agent': 'Amazon Kinesis Data Firehose Agent/1.0',
  };
  if (options.accessKey !== null) headers['X-Amz-Firehose-Access-Key'] = options.accessKey;
  if (options.gzip) headers['Content-Encoding'] = 'gzip';
  return { body: new Uint8Array(options.gzip ? gzipSync(json) : json), headers };
}
