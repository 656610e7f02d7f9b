import type { IncomingMessage } from 'node:http';
import type { AppRouter, Context } from '@roster/api';
import { TRPCError } from '@trpc/server';
import { type HTTPBaseHandlerOptions, resolveResponse, type TRPCRequestInfo } from '@trpc/server/http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export type TrpcRoutesOptions = HTTPBaseHandlerOptions<AppRouter, Request> & {
  /** The most bytes a request's body may hold; past them it is refused (413) as tRPC reads it. */
  bodyLimit: number;
  /** What the 413 says. */
  tooLarge: string;
  createContext: (request: FastifyRequest, reply: FastifyReply, info: TRPCRequestInfo) => Promise<Context>;
};

/**
 * A request's body as tRPC reads it: its bytes as they arrive, refused past `limit` (413, the
 * request left unread so that the refusal can still be sent), and failed when the client goes away
 * before its end or the request times out, so that nothing waits for the rest or keeps what came.
 */
export function bodyOf(raw: IncomingMessage, limit: number, tooLarge: string): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let size = 0;
      const stop = () => {
        raw.off('data', onData);
        raw.off('end', onEnd);
        raw.off('close', onClose);
      };
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size <= limit) {
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          return;
        }
        stop();
        controller.error(new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message: tooLarge }));
      };
      const onEnd = () => {
        stop();
        controller.close();
      };
      const onClose = () => {
        if (raw.complete) return;
        stop();
        controller.error(new TRPCError({ code: 'CLIENT_CLOSED_REQUEST' }));
      };
      raw.on('data', onData);
      raw.on('end', onEnd);
      raw.on('close', onClose);
    },
    cancel() {
      raw.destroy();
    },
  });
}

/**
 * The fetch Request tRPC answers: the method, the path and query, the headers, the body read from
 * the request's own stream (`bodyOf`), and a signal aborted when the client goes away first.
 */
function requestOf(
  request: FastifyRequest,
  reply: FastifyReply,
  bodyLimit: number,
  tooLarge: string,
): Request {
  const raw = request.raw;
  const gone = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableEnded) gone.abort();
  });
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw.headers)) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value])
      headers.append(name, one);
  }
  const withBody = request.method !== 'GET' && request.method !== 'HEAD';
  // Only the path and the query are read from the URL; the host is not trusted for anything.
  return new Request(new URL(request.url, 'http://localhost'), {
    method: request.method,
    headers,
    signal: gone.signal,
    ...(withBody ? { body: bodyOf(raw, bodyLimit, tooLarge), duplex: 'half' } : {}),
  });
}

/**
 * The tRPC procedures under this plugin's prefix (`/trpc/<path>`), as `@trpc/server`'s fastify
 * adapter serves them but for the body: tRPC reads it from the request's own stream (`bodyOf`). The
 * adapter has fastify read it into a string, which tRPC then encodes into a Request and reads and
 * decodes again: for an Apply of 100,000 ticked ids (a 3.7 MB body) that was ~50 ms of the server's
 * CPU before the input was parsed (BENCHMARKS.md, issue 18 item 3). The body is read when the
 * procedure asks for its input, after the context (who is asking) is made.
 */
export async function trpcRoutes(app: FastifyInstance, options: TrpcRoutesOptions): Promise<void> {
  const { bodyLimit, tooLarge, createContext, ...handlerOptions } = options;
  // Left unread here: the request's stream goes to tRPC whole.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', (_request, _payload, done) => done(null));
  app.all<{ Params: { path: string } }>('/:path', async (request, reply) => {
    const response = await resolveResponse({
      ...handlerOptions,
      req: requestOf(request, reply, bodyLimit, tooLarge),
      path: request.params.path,
      error: null,
      createContext: ({ info }) => createContext(request, reply, info),
    });
    return reply.send(response);
  });
}
