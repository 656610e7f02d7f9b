import { once } from 'node:events';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { bodyOf } from '../src/trpcRoutes';

const LIMIT = 1_000;
const TOO_LARGE = 'Too large.';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

/**
 * A server that reads each request's body through `bodyOf` and hands back how that went: the text
 * read, or the error; the request is answered (204) once the body is settled, if it still can be.
 */
async function serve(): Promise<{ port: number; read: () => Promise<string | Error> }> {
  const outcomes: Promise<string | Error>[] = [];
  server = createServer((req: IncomingMessage, res) => {
    const read = new Response(bodyOf(req, LIMIT, TOO_LARGE)).text().catch((error: Error) => error);
    outcomes.push(read);
    void read.then(() => {
      if (!res.destroyed) res.writeHead(204).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    read: async () => {
      await expect.poll(() => outcomes.length).toBe(1);
      const outcome = outcomes[0];
      if (!outcome) throw new Error('no request');
      return outcome;
    },
  };
}

describe("a tRPC request's body, read from the request's own stream", () => {
  it('is read whole, in chunks and without a length', async () => {
    const { port, read } = await serve();
    const sent = request({ port, method: 'POST', headers: { 'content-type': 'application/json' } });
    for (const part of ['{"json":', '{"a":1}', '}']) sent.write(part);
    sent.end();
    const [answer] = await once(sent, 'response');
    expect(answer.statusCode).toBe(204);
    expect(await read()).toBe('{"json":{"a":1}}');
  });

  it('fails past the limit with 413 PAYLOAD_TOO_LARGE, the request still able to be answered', async () => {
    const { port, read } = await serve();
    const sent = request({ port, method: 'POST' });
    sent.write('x'.repeat(LIMIT));
    sent.end('x');
    const [answer] = await once(sent, 'response');
    expect(answer.statusCode).toBe(204);
    expect(await read()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: TOO_LARGE });
  });

  it('fails when the client goes away before the end, rather than wait for the rest', async () => {
    const { port, read } = await serve();
    const sent = request({ port, method: 'POST', headers: { 'content-length': '500' } });
    sent.on('error', () => {});
    sent.write('{"json":');
    // The server has the first bytes before the client goes.
    await new Promise((resolve) => setTimeout(resolve, 100));
    sent.destroy();
    expect(await read()).toMatchObject({ code: 'CLIENT_CLOSED_REQUEST' });
  });
});
