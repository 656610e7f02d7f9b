import { existsSync } from 'node:fs';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import { type ApiConfig, type AppRouter, appRouter, createContext, type RequestInfo } from '@roster/api';
import type { Db } from '@roster/db';
import { type FastifyTRPCPluginOptions, fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyError, type FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'roster_session';
export const CSRF_HEADER = 'x-roster-csrf';
/** Largest request body accepted; larger ones are refused before any work. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

export type BuildServerOptions = {
  db: Db;
  api: ApiConfig;
  /** The built SPA to serve, if any. */
  webDist?: string | undefined;
  logLevel?: string;
  now?: () => Date;
};

function requestInfo(req: FastifyRequest): RequestInfo {
  const authorization = req.headers.authorization;
  const bearer = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  return {
    sessionToken: req.cookies[SESSION_COOKIE] || undefined,
    bearerToken: bearer,
    ip: req.ip,
    userAgent: req.headers['user-agent'],
    hasCsrfHeader: req.headers[CSRF_HEADER] === '1',
  };
}

export async function buildServer(options: BuildServerOptions) {
  const app = Fastify({
    logger: {
      level: options.logLevel ?? 'info',
      redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
    },
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { maxParamLength: 5000 },
    trustProxy: true,
  });
  const secureCookies = options.api.publicUrl.startsWith('https://');
  await app.register(fastifyCookie);

  // Errors fastify raises before tRPC sees the request (a body too large, malformed JSON) get the
  // same typed shape as tRPC's own, never a 500.
  app.setErrorHandler((error: FastifyError, _req, reply) => {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    const code =
      status === 413 ? 'payload_too_large' : status === 500 ? 'internal_server_error' : 'bad_request';
    if (status === 500) app.log.error(error);
    void reply.status(status).send({
      error: {
        message:
          status === 413
            ? `The request is larger than ${BODY_LIMIT_BYTES / 1024} KiB.`
            : status === 500
              ? 'Something went wrong on the server.'
              : error.message,
        code: -32600,
        data: { code: code.toUpperCase(), domainCode: code, httpStatus: status },
      },
    });
  });

  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      createContext: ({ req, res }) =>
        createContext({ db: options.db, config: options.api, now: options.now }, requestInfo(req), {
          set: (token, expiresAt) =>
            void res.setCookie(SESSION_COOKIE, token, {
              httpOnly: true,
              sameSite: 'lax',
              secure: secureCookies,
              path: '/',
              expires: expiresAt,
            }),
          clear: () => void res.clearCookie(SESSION_COOKIE, { path: '/' }),
        }),
      onError: ({ error, path }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR')
          app.log.error({ err: error, path }, 'tRPC procedure failed');
      },
    } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
  });

  app.get('/api/health', () => ({ ok: true }));

  if (options.webDist && existsSync(options.webDist)) {
    await app.register(fastifyStatic, { root: options.webDist, wildcard: false });
    // The SPA owns every other GET path (client-side routes such as /users or /invite/<token>).
    app.setNotFoundHandler((req, reply) => {
      if (req.method === 'GET' && !req.url.startsWith('/trpc') && !req.url.startsWith('/api/')) {
        return reply.sendFile('index.html');
      }
      return reply
        .status(404)
        .send({ error: { message: 'Not found', data: { domainCode: 'not_found', httpStatus: 404 } } });
    });
  }
  return app;
}
