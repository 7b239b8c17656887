import { createHash, timingSafeEqual } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import type { AcceptContactRecordsOutcome, ContactRecord } from '../../../app/connect/index';
import { CallsightError } from '../../../core/shared/errors';
import { contactTraceRecordSchema, toContactRecord } from './connect.ctr';

/**
 * Amazon Data Firehose HTTP endpoint delivery, as specified in
 * https://docs.aws.amazon.com/firehose/latest/dev/httpdeliveryrequestresponse.html
 * Request: POST, `Content-Type: application/json`, optionally `Content-Encoding: gzip`, headers
 * `X-Amz-Firehose-Request-Id` (the same on every retry of a request), `X-Amz-Firehose-Access-Key` (the key
 * configured on the stream, copied verbatim) and `X-Amz-Firehose-Protocol-Version: 1.0`; body
 * `{ "requestId": "…", "timestamp": <ms>, "records": [{ "data": "<base64>" }] }`.
 * Response: 200 with `{ "requestId": "<the request's>", "timestamp": <ms> }` once the data is durable; any other
 * status is a failed delivery that Firehose retries (and, past its retry duration, backs up to S3); the spec's
 * error body `{ requestId, timestamp, errorMessage }` only feeds Firehose's error log (see `rejected` below).
 */
export const FIREHOSE_ACCESS_KEY_HEADER = 'x-amz-firehose-access-key';
export const FIREHOSE_REQUEST_ID_HEADER = 'x-amz-firehose-request-id';

const firehoseEnvelopeSchema = z.object({
  requestId: z.string().min(1).max(256),
  timestamp: z.number(),
  records: z.array(z.object({ data: z.string() })).max(100_000),
});
/**
 * What a Kinesis Data Streams consumer that forwards its batch unchanged sends (the Lambda event shape,
 * https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html): `{ "Records": [{ "kinesis": { "data": … } }] }`.
 */
const kinesisEventSchema = z.object({
  Records: z.array(z.object({ kinesis: z.object({ data: z.string() }) })).max(100_000),
});

/** A Connect instance known to the hub: its tenant, the stream's access key and which attributes become tags. */
export interface ConnectFirehoseAccount {
  readonly tenantId: string;
  readonly instanceId: string;
  readonly instanceArn: string;
  readonly firehoseAccessKey: string;
  readonly tagAttributes: readonly string[];
}

export interface ConnectFirehoseDeps {
  /** The account of an instance id; null when the hub does not know it. */
  readonly findAccount: (instanceId: string) => Promise<ConnectFirehoseAccount | null>;
  /** Takes the batch durably (app/connect accept-contact-records as the system actor `connect`). */
  readonly accept: (tenantId: string, instanceId: string, contacts: readonly ContactRecord[]) => Promise<AcceptContactRecordsOutcome>;
  readonly now: () => Date;
  /** Largest body once decompressed; default 128 MiB (Firehose buffers at most 64 MiB before compression). */
  readonly maxDecodedBytes?: number;
}

/** A delivery as the route received it: the instance id of its path, headers, and the raw body. */
export interface FirehoseDelivery {
  readonly instanceId: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Uint8Array;
}

export type FirehoseAck = { readonly requestId: string; readonly timestamp: number };

/** A delivery taken: Firehose's acknowledgement (to answer with 200) and what the batch did. */
export interface FirehoseReceipt {
  readonly ack: FirehoseAck;
  readonly outcome: AcceptContactRecordsOutcome;
}

/**
 * A refused delivery. Refusals are answered with the hub's error envelope (`{ error: { code, message } }`, the one
 * every error of the API uses) rather than Firehose's `{ requestId, timestamp, errorMessage }`: Firehose treats any
 * status but 200 as a failed delivery and retries it whatever the body says, so only the diagnostic text differs.
 */
function rejected(code: 'UNAUTHENTICATED' | 'VALIDATION_FAILED' | 'PAYLOAD_TOO_LARGE', message: string): CallsightError {
  return new CallsightError(code, message);
}

function header(headers: FirehoseDelivery['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Compares in constant time whatever the lengths (both sides are hashed first). */
export function sameAccessKey(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = createHash('sha256').update(expected, 'utf8').digest();
  const b = createHash('sha256').update(given, 'utf8').digest();
  return timingSafeEqual(a, b) && expected.length === given.length;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeBase64(data: string, index: number): string {
  const compact = data.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) throw rejected('VALIDATION_FAILED', `Invalid Firehose delivery: records[${index}].data is not base64`);
  return Buffer.from(compact, 'base64').toString('utf8');
}

/** One record's JSON: one contact record, or several separated by newlines. */
function parseRecordJson(text: string, index: number): unknown[] {
  try {
    return [JSON.parse(text)];
  } catch {
    const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
    if (lines.length > 1) {
      try {
        return lines.map((line) => JSON.parse(line) as unknown);
      } catch {
        // fall through to the rejection below
      }
    }
    throw rejected('VALIDATION_FAILED', `Invalid Firehose delivery: records[${index}].data is not JSON`);
  }
}

/**
 * Receives Amazon Connect contact records from a Firehose stream (or a Kinesis Data Streams consumer forwarding
 * the same records): checks the access key of the instance named in the path with a constant-time comparison
 * before reading anything else, decompresses (gzip), decodes every record and validates it as a contact record,
 * all before the batch is handed on, so that a refused request stores nothing: UNAUTHENTICATED (401) for a wrong key
 * or an unknown instance, VALIDATION_FAILED (400) for a body or record that cannot be read, PAYLOAD_TOO_LARGE (413).
 * Error messages name the record and field, never a value.
 */
export class ConnectFirehoseReceiver {
  constructor(private readonly deps: ConnectFirehoseDeps) {}

  async receive(delivery: FirehoseDelivery): Promise<FirehoseReceipt> {
    let requestId = header(delivery.headers, FIREHOSE_REQUEST_ID_HEADER) ?? '';
    const account = await this.deps.findAccount(delivery.instanceId);
    const key = header(delivery.headers, FIREHOSE_ACCESS_KEY_HEADER);
    if (!account || !sameAccessKey(account.firehoseAccessKey, key)) {
      throw rejected('UNAUTHENTICATED', 'The access key (X-Amz-Firehose-Access-Key) does not match this Connect instance');
    }
    const data = this.parseEnvelope(delivery, (id) => {
      requestId = id;
    });
    const contacts: ContactRecord[] = [];
    data.forEach((encoded, index) => {
      for (const document of parseRecordJson(decodeBase64(encoded, index), index)) {
        const ctr = contactTraceRecordSchema.safeParse(document);
        if (!ctr.success) {
          const fields = [...new Set(ctr.error.issues.map((issue) => issue.path.join('.') || '(root)'))].join(', ');
          throw rejected('VALIDATION_FAILED', `Invalid Firehose delivery: records[${index}] is not an Amazon Connect contact record (${fields})`);
        }
        if (ctr.data.InstanceARN !== account.instanceArn) {
          throw rejected('VALIDATION_FAILED', `Invalid Firehose delivery: records[${index}] comes from another Connect instance than this endpoint's`);
        }
        contacts.push(toContactRecord(ctr.data, account.tagAttributes));
      }
    });
    const outcome = await this.deps.accept(account.tenantId, account.instanceId, contacts);
    return { ack: { requestId, timestamp: this.deps.now().getTime() }, outcome };
  }

  /** The base64 data of every record, from a Firehose body or a Kinesis consumer's batch. */
  private parseEnvelope(delivery: FirehoseDelivery, setRequestId: (id: string) => void): string[] {
    let raw: Uint8Array = delivery.body;
    const encoding = header(delivery.headers, 'content-encoding')?.toLowerCase();
    if (encoding === 'gzip') {
      try {
        raw = gunzipSync(raw, { maxOutputLength: this.deps.maxDecodedBytes ?? 128 * 1024 * 1024 });
      } catch (cause) {
        if ((cause as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw rejected('PAYLOAD_TOO_LARGE', 'The Firehose delivery is too large once decompressed');
        throw rejected('VALIDATION_FAILED', 'Invalid Firehose delivery: the body is not valid gzip');
      }
    } else if (encoding !== undefined && encoding !== 'identity') {
      throw rejected('VALIDATION_FAILED', `Invalid Firehose delivery: Content-Encoding ${encoding.slice(0, 32)} is not supported (gzip or none)`);
    }
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(raw).toString('utf8'));
    } catch {
      throw rejected('VALIDATION_FAILED', 'Invalid Firehose delivery: the body is not JSON');
    }
    const firehose = firehoseEnvelopeSchema.safeParse(json);
    if (firehose.success) {
      setRequestId(firehose.data.requestId);
      return firehose.data.records.map((r) => r.data);
    }
    const kinesis = kinesisEventSchema.safeParse(json);
    if (kinesis.success) return kinesis.data.Records.map((r) => r.kinesis.data);
    throw rejected('VALIDATION_FAILED', 'Invalid Firehose delivery: the body is not { requestId, timestamp, records: [{ data }] }');
  }
}
