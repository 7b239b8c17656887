import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request that went through the proxy. */
export interface ProxiedRequest {
  readonly method: string;
  /** Path and query as sent, e.g. `/bucket/audio/t1/rec.csa?uploadId=...&partNumber=2`. */
  readonly url: string;
  readonly range: string | null;
  /** Request body bytes forwarded to the server. */
  requestBytes: number;
  /** Response body bytes returned to the client. */
  responseBytes: number;
  status: number | null;
  /** What the proxy did to it. */
  fault: 'none' | 'cut' | '500';
}

export type FaultMode = 'cut' | '500';

export interface S3FaultProxy {
  readonly endpoint: string;
  /** Every request since the last `clear()`, in arrival order. */
  readonly requests: readonly ProxiedRequest[];
  clear(): void;
  /**
   * From now on, request bodies (uploads: PUT and POST) pass until `afterBytes` bytes in all went through; the request
   * that crosses the budget is cut there (the connection is destroyed, the server's request aborted) or answered
   * 500 InternalError, and so is every later request with a body. GET, HEAD and DELETE still pass (abort, cleanup).
   */
  failUploads(afterBytes: number, mode: FaultMode): void;
  heal(): void;
  stop(): Promise<void>;
}

const INTERNAL_ERROR = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error>';

/**
 * A loopback HTTP proxy in front of an S3-protocol server, for counting what the client fetches (ranged GETs) and
 * failing uploads part-way. It forwards every header unchanged, so SigV4 signatures (which cover the Host header
 * the client used) still verify at the server.
 */
export async function startS3FaultProxy(upstream: string): Promise<S3FaultProxy> {
  const target = new URL(upstream);
  let requests: ProxiedRequest[] = [];
  let budget: { left: number; mode: FaultMode } | null = null;

  const fail = (record: ProxiedRequest, req: IncomingMessage, res: ServerResponse, mode: FaultMode) => {
    record.fault = mode;
    if (mode === 'cut') {
      req.socket.destroy();
      return;
    }
    // Read the rest of the body first so the client sees the answer, not a reset.
    req.resume();
    const answer = () => {
      if (res.headersSent || res.destroyed) return;
      record.status = 500;
      res.writeHead(500, { 'content-type': 'application/xml', connection: 'close' }).end(INTERNAL_ERROR);
    };
    if (req.readableEnded) answer();
    else req.on('end', answer);
  };

  const server = createServer((req, res) => {
    const record: ProxiedRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      range: typeof req.headers.range === 'string' ? req.headers.range : null,
      requestBytes: 0,
      responseBytes: 0,
      status: null,
      fault: 'none',
    };
    requests.push(record);
    const hasBody = record.method === 'PUT' || record.method === 'POST';
    if (hasBody && budget && budget.left <= 0) {
      fail(record, req, res, budget.mode);
      return;
    }
    const forward = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        record.status = answer.statusCode ?? null;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.on('data', (piece: Buffer) => {
          record.responseBytes += piece.length;
        });
        answer.pipe(res);
      },
    );
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    req.on('data', (piece: Buffer) => {
      if (record.fault !== 'none') return;
      if (hasBody && budget) {
        if (piece.length >= budget.left) {
          const allowed = piece.subarray(0, budget.left);
          budget.left = 0;
          record.requestBytes += allowed.length;
          if (allowed.length > 0) forward.write(allowed);
          forward.destroy();
          fail(record, req, res, budget.mode);
          return;
        }
        budget.left -= piece.length;
      }
      record.requestBytes += piece.length;
      forward.write(piece);
    });
    req.on('end', () => {
      if (record.fault === 'none') forward.end();
    });
    req.on('error', () => forward.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    clear() {
      requests = [];
    },
    failUploads(afterBytes, mode) {
      budget = { left: afterBytes, mode };
    },
    heal() {
      budget = null;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
