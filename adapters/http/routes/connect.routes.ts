import * as z from 'zod/mini';
import type { RouteDoc } from '../openapi/openapi.routes-table';
import type { HttpPlugin } from '../http.deps';

/** A Firehose delivery as the route hands it on: the instance id of the path, the headers and the raw body. */
export interface ConnectDeliveryRequest {
  readonly instanceId: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Uint8Array;
}

/** What to answer: a status and Firehose's JSON body (acknowledgement or error). */
export interface ConnectDeliveryAnswer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * Firehose sends at most its buffer size (1 to 64 MiB, before compression) in one request:
 * https://docs.aws.amazon.com/firehose/latest/dev/httpdeliveryrequestresponse.html
 */
export const CONNECT_DELIVERY_BODY_LIMIT = 64 * 1024 * 1024;

/**
 * Amazon Connect contact records over HTTP (issue 19 item 1): `POST /api/v1/connect/:instanceId/records` is the
 * HTTPS endpoint of a Firehose stream (or a Kinesis Data Streams consumer forwarding the same records). The body
 * is read as raw bytes, so that a gzip body is decompressed and a malformed one is answered in Firehose's own error
 * format by `receive` (the access-key check, decoding and the accept use-case live behind it). The answer is always
 * JSON; Content-Type application/json, as Firehose sends it.
 */
export function connectRoutes(receive: (request: ConnectDeliveryRequest) => Promise<ConnectDeliveryAnswer>): HttpPlugin {
  return async (app) => {
    await app.register(async (scope) => {
      scope.removeContentTypeParser('application/json');
      scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: CONNECT_DELIVERY_BODY_LIMIT }, (_request, body, done) => {
        done(null, body);
      });
      scope.post('/api/v1/connect/:instanceId/records', { bodyLimit: CONNECT_DELIVERY_BODY_LIMIT }, async (request, reply) => {
        const { instanceId } = request.params as { instanceId: string };
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const answer = await receive({ instanceId, headers: request.headers, body });
        return reply.status(answer.status).type('application/json').send(answer.body);
      });
    });
  };
}

const ack = z.object({
  requestId: z.string(),
  timestamp: z.number(),
});
const refusal = z.object({
  requestId: z.string(),
  timestamp: z.number(),
  errorMessage: z.string(),
});

/** The OpenAPI entry of the Firehose endpoint, listed in adapters/http/openapi/openapi.routes-table.ts. */
export const CONNECT_ROUTE_DOCS: readonly RouteDoc[] = [
  {
    method: 'POST',
    path: '/api/v1/connect/:instanceId/records',
    operationId: 'receiveConnectContactRecords',
    summary: 'Amazon Connect contact records from a Firehose stream (HTTP endpoint delivery)',
    description:
      'Firehose HTTP endpoint delivery (request and response format of https://docs.aws.amazon.com/firehose/latest/dev/httpdeliveryrequestresponse.html): ' +
      'authenticated by `X-Amz-Firehose-Access-Key`, compared in constant time with the key sealed for the instance; the body may be gzip. ' +
      '200 once every record is durable (recordings are fetched later by a job); a refused delivery stores nothing and Firehose retries it.',
    tags: ['telephony'],
    auth: 'webhook-signature',
    params: z.object({ instanceId: z.string() }),
    headers: [
      { name: 'X-Amz-Firehose-Access-Key', description: "The access key configured on the Firehose stream (the one given to `callsight connect add`)" },
      { name: 'X-Amz-Firehose-Request-Id', description: 'Firehose’s id of the request, echoed in the answer' },
      { name: 'Content-Encoding', description: '`gzip` when the stream compresses its requests' },
    ],
    body: { json: z.object({ requestId: z.string(), timestamp: z.number(), records: z.array(z.object({ data: z.string() })) }) },
    responses: {
      200: { description: 'Every record taken (Firehose acknowledgement)', json: ack },
      401: { description: 'Wrong access key, or an instance no tenant has linked (Firehose error answer)', json: refusal },
      422: { description: 'Not gzip, not JSON, a record that is not base64 or not a contact record of this instance (Firehose error answer)', json: refusal },
      500: { description: 'The hub could not store the records; Firehose retries (Firehose error answer)', json: refusal },
    },
    errors: [429],
  },
];
