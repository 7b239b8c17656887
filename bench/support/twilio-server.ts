import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getResponse } from 'msw';
import { twilioHandlers, type FakeTwilioState } from '../../test/fakes/twilio-api.fake';

/**
 * The Twilio REST fake of the tests (test/fakes/twilio-api.fake.ts, shaped as Twilio documents it) served over
 * real loopback HTTP, so that a benchmark measures the hub's actual download path (TWILIO_API_BASE_URL pointed
 * here) rather than an in-process interception. Requests are answered by the same msw handlers, matched as if
 * they had been sent to https://api.twilio.com.
 */
export async function startFakeTwilioServer(state: FakeTwilioState): Promise<{ readonly url: string; close(): Promise<void> }> {
  const handlers = twilioHandlers(state);
  const server: Server = createServer((req, res) => {
    void (async () => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
      const request = new Request(`https://api.twilio.com${req.url ?? '/'}`, { method: req.method ?? 'GET', headers });
      const response = await getResponse(handlers, request);
      if (!response) {
        res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ code: 20404, message: 'Not found', status: 404 }));
        return;
      }
      const body = Buffer.from(await response.arrayBuffer());
      res.writeHead(response.status, { 'Content-Type': response.headers.get('content-type') ?? 'application/octet-stream', 'Content-Length': body.length });
      res.end(body);
    })().catch((error: unknown) => {
      res.writeHead(500).end(String((error as Error).name));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
