import { existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import {
  type ApiConfig,
  type AppRouter,
  appRouter,
  bulkResultsCsv,
  createContext,
  type RequestInfo,
  resolveActor,
} from '@roster/api';
import type { Db } from '@roster/db';
import { DOMAIN_ERROR_MESSAGES } from '@roster/domain';
import { type FastifyTRPCPluginOptions, fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'roster_session';
export const CSRF_HEADER = 'x-roster-csrf';
/**
 * Largest request body accepted; larger ones are refused before any work. A selection of 100,000
 * ticked users (SPEC §2) is about 4 MB of JSON.
 */
export const BODY_LIMIT_BYTES = 8 * 1024 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TOO_LARGE = `The request is larger than ${BODY_LIMIT_BYTES / 1024 / 1024} MiB.`;

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

/**
 * The URL as logs may keep it: invitation links carry their secret in the path, and tRPC queries
 * carry their input (an invitation token, a search) in the query string.
 */
export function logSafeUrl(url: string): string {
  const redacted = url.replace(/\/invite\/[^/?#]+/, '/invite/[redacted]');
  return redacted.startsWith('/trpc') ? redacted.replace(/\?.*$/, '') : redacted;
}

export async function buildServer(options: BuildServerOptions) {
  const app = Fastify({
    logger: {
      level: options.logLevel ?? 'info',
      serializers: {
        req: (req: { method: string; url: string; ip?: string }) => ({
          method: req.method,
          url: logSafeUrl(req.url),
          remoteAddress: req.ip,
        }),
      },
      redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
    },
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { maxParamLength: 5000 },
  });
  const secureCookies = options.api.publicUrl.startsWith('https://');
  await app.register(fastifyCookie);

  // Errors raised before tRPC sees the request (a body too large, malformed JSON, a content type no
  // procedure takes) get the envelope tRPC clients read, with a stable code; never a 500.
  const refuse = (reply: FastifyReply, status: number, code: string, message: string) =>
    reply.status(status).send({
      error: {
        json: {
          message,
          code: -32600,
          data: { code: code.toUpperCase(), domainCode: code, httpStatus: status },
        },
      },
    });
  app.setErrorHandler((error: FastifyError, _req, reply) => {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) {
      app.log.error(error);
      return refuse(reply, 500, 'internal_server_error', 'Something went wrong on the server.');
    }
    if (status === 413) return refuse(reply, 413, 'payload_too_large', TOO_LARGE);
    if (status === 415) return refuse(reply, 415, 'unsupported_media_type', 'Send JSON.');
    return refuse(reply, status, 'bad_request', error.message);
  });
  // Fastify's body limit covers the bodies it parses; tRPC reads other content types itself, so
  // the limit and the content type are checked here first, before a byte is read.
  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/trpc')) return;
    if (Number(req.headers['content-length'] ?? 0) > BODY_LIMIT_BYTES)
      return refuse(reply, 413, 'payload_too_large', TOO_LARGE);
    const type = req.headers['content-type'];
    if (req.method === 'POST' && type && !type.startsWith('application/json')) {
      return refuse(reply, 415, 'unsupported_media_type', 'Send JSON.');
    }
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

  /** The per-user results of a bulk operation as CSV, for administrators (cookie or bearer token). */
  app.get<{ Params: { id: string } }>('/api/bulk-operations/:id/results.csv', async (req, reply) => {
    const actor = await resolveActor(options.db, requestInfo(req), options.now?.() ?? new Date());
    if (!actor) return refuse(reply, 401, 'not_signed_in', 'Sign in to continue.');
    if (!actor.isAdmin) return refuse(reply, 403, 'not_admin', 'Only administrators can do this.');
    if (!UUID.test(req.params.id)) return refuse(reply, 400, 'invalid_input', 'An operation id is a UUID.');
    const csv = await bulkResultsCsv(options.db, req.params.id);
    if (!csv) return refuse(reply, 404, 'operation_not_found', DOMAIN_ERROR_MESSAGES.operation_not_found);
    // The name is made of the kind's letters, digits and hyphens: no quoting or encoding is needed.
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${csv.fileName}"`)
      .send(Readable.from(csv.lines));
  });

  const serveSpa = Boolean(options.webDist && existsSync(options.webDist));
  if (serveSpa) await app.register(fastifyStatic, { root: options.webDist ?? '', wildcard: false });
  // The SPA owns every other GET path (client-side routes such as /users or /invite/<token>). Without
  // it, unknown paths are refused here rather than by Fastify's default, which logs the raw URL.
  app.setNotFoundHandler((req, reply) => {
    if (serveSpa && req.method === 'GET' && !req.url.startsWith('/trpc') && !req.url.startsWith('/api/')) {
      return reply.sendFile('index.html');
    }
    return refuse(reply, 404, 'not_found', 'Not found.');
  });
  return app;
}
