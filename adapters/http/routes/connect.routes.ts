import * as z from 'zod/mini';
import type { RouteDoc } from '../openapi/openapi.routes-table';
import type { HttpPlugin } from '../http.deps';

/** A Firehose delivery as the route hands it on: the instance id of the path, the headers and the raw body. */
export interface ConnectDeliveryRequest {
  readonly instanceId: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Uint8Array;
}

/** Firehose's acknowledgement of a delivery taken: its request id and the time, in ms since the epoch. */
export interface ConnectDeliveryAck {
  readonly requestId: string;
  readonly timestamp: number;
}

/**
 * Firehose sends at most its buffer size (1 to 64 MiB, before compression) in one request:
 * https://docs.aws.amazon.com/firehose/latest/dev/httpdeliveryrequestresponse.html
 */
export const CONNECT_DELIVERY_BODY_LIMIT = 64 * 1024 * 1024;

/**
 * Amazon Connect contact records over HTTP (issue 19 item 1): `POST /api/v1/connect/:instanceId/records` is the
 * HTTPS endpoint of a Firehose stream (or a Kinesis Data Streams consumer forwarding the same records). The body
 * is read as raw bytes (Content-Type application/json, as Firehose sends it), so that `receive` can check the access
 * key before decoding anything and decompress a gzip body itself; it answers Firehose's acknowledgement, or throws a
 * CallsightError that the hub answers with its error envelope (UNAUTHENTICATED 401, VALIDATION_FAILED 400...).
 */
export function connectRoutes(receive: (request: ConnectDeliveryRequest) => Promise<ConnectDeliveryAck>): HttpPlugin {
  return async (app) => {
    await app.register(async (scope) => {
      scope.removeContentTypeParser('application/json');
      scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: CONNECT_DELIVERY_BODY_LIMIT }, (_request, body, done) => {
        done(null, body);
      });
      scope.post('/api/v1/connect/:instanceId/records', { bodyLimit: CONNECT_DELIVERY_BODY_LIMIT }, async (request, reply) => {
        const { instanceId } = request.params as { instanceId: string };
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const ack = await receive({ instanceId, headers: request.headers, body });
        return reply.status(200).send({ requestId: ack.requestId, timestamp: ack.timestamp });
      });
    });
  };
}

const ack = z.object({
  requestId: z.string(),
  timestamp: z.number(),
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
      '200 once every record is durable (recordings are fetched later by a job). A refused delivery stores nothing and is answered with the error envelope ' +
      '(Firehose retries any answer but 200): 401 wrong access key or unlinked instance, 400 a body or record that is not gzip, JSON, base64 or a contact record of this instance, 413 too large.',
    tags: ['telephony'],
    auth: 'webhook-signature',
    params: z.object({ instanceId: z.string() }),
    headers: [
      { name: 'X-Amz-Firehose-Access-Key', description: "The access key configured on the Firehose stream (the one given to `callsight connect add`)" },
      { name: 'X-Amz-Firehose-Request-Id', description: 'Firehose’s id of the request, echoed in the answer' },
      { name: 'Content-Encoding', description: '`gzip` when the stream compresses its requests' },
    ],
    body: { json: z.object({ requestId: z.string(), timestamp: z.number(), records: z.array(z.object({ data: z.string() })) }) },
    responses: { 200: { description: 'Every record taken (Firehose acknowledgement)', json: ack } },
    errors: [400, 401, 413, 429, 500],
  },
];
