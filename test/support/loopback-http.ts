import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getResponse, type RequestHandler } from 'msw';

/**
 * msw handlers (test/fakes/*.ts, shaped as each vendor documents its API) served over real loopback HTTP, for the
 * hub's child processes (`callsight` CLI runs, chaos cluster processes) that msw in the test process cannot
 * intercept. `origin` is the URL the handlers were written for (https://api.twilio.com); requests are matched as if
 * sent there (default: the server's own URL). `port` picks the port (default: a free one). `delayMs` holds each
 * answer back by that long, so a test can interrupt a child mid-run.
 */
export interface LoopbackHttp {
  readonly url: string;
  /** Requests no handler answered (a test asserts there are none). */
  readonly unhandled: string[];
  close(): Promise<void>;
}

export async function serveOnLoopback(
  handlers: readonly RequestHandler[],
  options: { readonly origin?: string; readonly port?: number; readonly delayMs?: (path: string) => number } = {},
): Promise<LoopbackHttp> {
  const unhandled: string[] = [];
  let own = '';
  const server: Server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
      const method = req.method ?? 'GET';
      const body = method === 'GET' || method === 'HEAD' ? undefined : Buffer.concat(chunks);
      const path = req.url ?? '/';
      const wait = options.delayMs?.(path) ?? 0;
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const response = await getResponse([...handlers], new Request(`${options.origin ?? own}${path}`, { method, headers, ...(body ? { body } : {}) }));
      if (!response) {
        unhandled.push(`${method} ${path}`);
        res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"error":"unhandled by the fake"}');
        return;
      }
      const payload = Buffer.from(await response.arrayBuffer());
      const out: Record<string, string> = { 'Content-Length': String(payload.length) };
      response.headers.forEach((value, name) => {
        if (name !== 'content-length' && name !== 'transfer-encoding') out[name] = value;
      });
      res.writeHead(response.status, out).end(payload);
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end((error as Error).name);
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  own = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: own,
    unhandled,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
