import type { AppRouter, Context } from '@roster/api';
import { incomingMessageToRequest } from '@trpc/server/adapters/node-http';
import { type HTTPBaseHandlerOptions, resolveResponse, type TRPCRequestInfo } from '@trpc/server/http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export type TrpcRoutesOptions = HTTPBaseHandlerOptions<AppRouter, Request> & {
  /** The most bytes a request's body may hold; past them tRPC stops reading and refuses it (413). */
  bodyLimit: number;
  createContext: (request: FastifyRequest, reply: FastifyReply, info: TRPCRequestInfo) => Promise<Context>;
};

/**
 * The tRPC procedures under this plugin's prefix (`/trpc/<path>`), as `@trpc/server`'s fastify
 * adapter serves them but for the body: tRPC reads it from the request's own stream, up to
 * `bodyLimit`. The adapter has fastify read it into a string, which tRPC then encodes into a
 * Request and reads and decodes again: for an Apply of 100,000 ticked ids (a 3.7 MB body) that was
 * ~35 ms of the server's CPU before the input was parsed (BENCHMARKS.md, issue 18 item 3).
 */
export async function trpcRoutes(app: FastifyInstance, options: TrpcRoutesOptions): Promise<void> {
  const { bodyLimit, createContext, ...handlerOptions } = options;
  // Left unread here: the request's stream goes to tRPC whole.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', (_request, _payload, done) => done(null));
  app.all<{ Params: { path: string } }>('/:path', async (request, reply) => {
    const response = await resolveResponse({
      ...handlerOptions,
      req: incomingMessageToRequest(request.raw, reply.raw, { maxBodySize: bodyLimit }),
      path: request.params.path,
      error: null,
      createContext: ({ info }) => createContext(request, reply, info),
    });
    return reply.send(response);
  });
}
