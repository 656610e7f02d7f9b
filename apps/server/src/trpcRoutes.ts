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
 * A request's body as tRPC reads it: its bytes as they arrive, refused past `limit` (413; the rest
 * is read and dropped, so that the refusal can still be sent), and failed when the request closes
 * before its end (the client gone, the request timed out), so that nothing waits for the rest or
 * keeps what came.
 */
export function bodyOf(raw: IncomingMessage, limit: number, tooLarge: string): ReadableStream<Uint8Array> {
  const listeners: { data?: (chunk: Buffer) => void; end?: () => void; close?: () => void } = {};
  const stop = () => {
    if (listeners.data) raw.off('data', listeners.data);
    if (listeners.end) raw.off('end', listeners.end);
    if (listeners.close) raw.off('close', listeners.close);
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let size = 0;
      listeners.data = (chunk: Buffer) => {
        size += chunk.length;
        if (size <= limit) {
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          return;
        }
        stop();
        controller.error(new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message: tooLarge }));
      };
      listeners.end = () => {
        stop();
        controller.close();
      };
      // Only before the end: once it has come, `stop` has taken this listener off.
      listeners.close = () => {
        stop();
        controller.error(new TRPCError({ code: 'CLIENT_CLOSED_REQUEST' }));
      };
      raw.on('data', listeners.data);
      raw.on('end', listeners.end);
      raw.on('close', listeners.close);
    },
    cancel() {
      stop();
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
  // A body already ended (none was sent, nothing is left to read) is none, as tRPC's own reader has it.
  const withBody = request.method !== 'GET' && request.method !== 'HEAD' && !raw.readableEnded;
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
 * CPU before the input was parsed (BENCHMARKS.md, issue 18 item 3). Its bytes are taken as they
 * arrive; tRPC parses them when the procedure asks for its input, after the context (who is asking)
 * is made.
 */
export async function trpcRoutes(app: FastifyInstance, options: TrpcRoutesOptions): Promise<void> {
  const { bodyLimit, tooLarge, createContext, ...handlerOptions } = options;
  // Left unread here: the request's stream goes to tRPC whole.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', (_request, _payload, done) => done(null));
  // The methods a fetch Request can carry (tRPC answers all but GET and POST with 405); TRACE and
  // CONNECT, which it cannot, are no route here (404) rather than a failure to build the Request.
  app.route<{ Params: { path: string } }>({
    method: ['DELETE', 'GET', 'OPTIONS', 'PATCH', 'POST', 'PUT'],
    url: '/:path',
    handler: async (request, reply) => {
      const response = await resolveResponse({
        ...handlerOptions,
        req: requestOf(request, reply, bodyLimit, tooLarge),
        path: request.params.path,
        error: null,
        createContext: ({ info }) => createContext(request, reply, info),
      });
      return reply.send(response);
    },
  });
}
