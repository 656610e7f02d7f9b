import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Writable } from 'node:stream';
import { Readable } from 'node:stream';
import fastifyCompress from '@fastify/compress';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import {
  type ApiConfig,
  appRouter,
  bulkResultsCsv,
  createContext,
  exportUsersCsv,
  httpRefusal,
  logSafeError,
  type RequestInfo,
  requestEnded,
  requestStarted,
  resolveActor,
} from '@roster/api';
import { type Db, everyPool } from '@roster/db';
import { DOMAIN_ERROR_MESSAGES, DomainError } from '@roster/domain';
import { sql } from 'drizzle-orm';
import Fastify, { type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import type { TrustProxy } from './config';
import { DEFAULT_REQUEST_LIMITS, RequestLimiter, type RequestLimits } from './requestLimiter';
import { retryAfterHeader } from './retryAfterHeader';
import { SCIM_PREFIX, scimRoutes } from './scimRoutes';
import { trpcRoutes } from './trpcRoutes';
import { isAppRoute, registerWebApp, webAppPageOf } from './webApp';

export const SESSION_COOKIE = 'roster_session';
export const CSRF_HEADER = 'x-roster-csrf';
/**
 * Largest request body accepted; larger ones are refused before any work. A selection of 100,000
 * ticked users (SPEC §2) is about 4 MB of JSON.
 */
export const BODY_LIMIT_BYTES = 8 * 1024 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TOO_LARGE = `The request is larger than ${BODY_LIMIT_BYTES / 1024 / 1024} MiB.`;
/** Longest URL accepted (414 beyond); the clients' batch links split their GETs below it. */
export const MAX_URL_LENGTH = 8 * 1024;
/** A request must arrive whole within this time (408 otherwise). */
export const REQUEST_TIMEOUT_MS = 60_000;
/** How long /readyz waits for the database's answer. */
const READY_TIMEOUT_MS = 2_000;
/** Procedures whose answers carry a secret (a token, a session): never stored by a cache. */
const SECRET_PROCEDURES = new Set(['tokens.create', 'auth.signIn', 'invitations.accept']);

export type BuildServerOptions = {
  db: Db;
  api: ApiConfig;
  /** The built SPA to serve, if any. */
  webDist?: string | undefined;
  logLevel?: string;
  /** Where log lines go (standard output when unset). */
  logStream?: Writable;
  now?: () => Date;
  limits?: RequestLimits;
  /** Per SCIM token (default SCIM_REQUEST_LIMITS). */
  scimLimits?: RequestLimits | undefined;
  requestTimeoutMs?: number;
  /** The reverse proxies whose X-Forwarded-For names the client (`TrustProxy`); none by default. */
  trustProxy?: TrustProxy | undefined;
};

/** The tRPC procedures a `/trpc/<a>,<b>?batch=1` URL names. */
function trpcPaths(url: string): string[] {
  const path = url.slice('/trpc/'.length).split('?')[0] ?? '';
  return path.split(',');
}

/** A raw HTTP response in tRPC's error envelope, for refusals made before Fastify has a request. */
function rawRefusal(status: number, trpcCode: string, code: string, message: string): string {
  const body = JSON.stringify({
    error: { json: { message, code: -32600, data: { code, trpcCode, httpStatus: status } } },
  });
  const reason =
    status === 408 ? 'Request Timeout' : status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
  return `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\n\r\n${body}`;
}

function requestInfo(req: FastifyRequest, procedures: readonly string[] = []): RequestInfo {
  const authorization = req.headers.authorization;
  const bearer = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  return {
    sessionToken: req.cookies[SESSION_COOKIE] || undefined,
    bearerToken: bearer,
    ip: req.ip,
    userAgent: req.headers['user-agent'],
    hasCsrfHeader: req.headers[CSRF_HEADER] === '1',
    procedures,
  };
}

/**
 * The URL as logs may keep it: invitation links carry their secret in the path, and tRPC queries
 * and the users export carry their input (an invitation token, a search) in the query string.
 */
export function logSafeUrl(url: string): string {
  const redacted = url.replace(/\/invite\/[^/?#]+/, '/invite/[redacted]');
  return redacted.startsWith('/trpc') || redacted.startsWith('/api/users/export.csv')
    ? redacted.replace(/\?.*$/, '')
    : redacted;
}

export async function buildServer(options: BuildServerOptions) {
  const limits = options.limits ?? DEFAULT_REQUEST_LIMITS;
  const limiter = new RequestLimiter(limits);
  const requestTimeout = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  let draining = false;
  const app = Fastify({
    trustProxy: options.trustProxy ?? false,
    logger: {
      level: options.logLevel ?? 'info',
      ...(options.logStream ? { stream: options.logStream } : {}),
      serializers: {
        // Errors of failed queries carry their parameters (token hashes, password hashes, names).
        err: logSafeError,
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
    requestTimeout,
    // Node checks for timed-out requests only this often (30 s by default).
    serverFactory: (handler) =>
      createServer(
        { connectionsCheckingInterval: Math.min(1_000, requestTimeout), headersTimeout: requestTimeout },
        handler,
      ),
    // Refusals made by Node's HTTP parser (a request too slow, headers too large): the envelope too.
    clientErrorHandler: (error, socket) => {
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      const response =
        error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? rawRefusal(408, 'TIMEOUT', 'request_timeout', 'The request took too long to arrive.')
          : error.code === 'HPE_HEADER_OVERFLOW'
            ? rawRefusal(
                431,
                'REQUEST_HEADER_FIELDS_TOO_LARGE',
                'request_header_fields_too_large',
                'The request line or headers are too large.',
              )
            : rawRefusal(400, 'BAD_REQUEST', 'bad_request', 'The request is not valid HTTP.');
      if (socket.writable) socket.write(response);
      socket.destroy();
    },
  });
  const secureCookies = options.api.publicUrl.startsWith('https://');
  // API answers of 1 KiB and more (a users page is tens of KiB of JSON) go brotli- or gzip-compressed
  // to clients that accept it; the web app's files come compressed from the build (webApp.ts).
  // Browsers take brotli (quality 4, the plugin's default). Node's fetch (the typed client, the CLI)
  // takes gzip: at level 1 a 26 KB users page costs 0.24 ms of CPU instead of 0.44 at the default
  // level 6, for 3 % more bytes.
  //
  // tRPC answers with a fetch Response whose body is a web stream of one finished JSON text (the links
  // Roster's clients use never stream; a client asking for a streamed answer sends `trpc-accept`).
  // Read into a buffer before compression (status and headers copied as the plugin's own unwrapping
  // does), an answer is compressed in one synchronous call and sent with its length; through the
  // stream path (the web stream made a Node stream, a zlib stream on the thread pool) the server spent
  // ~1.4 ms more CPU an answer, even for an empty page (BENCHMARKS.md, issue16-load-pools: a search
  // with no match 5.3–5.9 → 3.9–4.3 ms). Anything but JSON (a subscription's event stream) is left
  // to stream.
  app.addHook('onSend', async (request, reply, payload) => {
    if (
      !(payload instanceof Response) ||
      request.headers['trpc-accept'] !== undefined ||
      !payload.headers.get('content-type')?.startsWith('application/json')
    )
      return payload;
    reply.code(payload.status);
    for (const [name, value] of payload.headers) reply.header(name, value);
    return Buffer.from(await payload.arrayBuffer());
  });
  // Up to 256 KiB (a page of 500 users), compressed inline; larger answers keep the stream path.
  await app.register(fastifyCompress, { zlibOptions: { level: 1 }, syncThreshold: 256 * 1024 });
  await app.register(fastifyCookie);
  // The SPA is built by Vite into files of its own: no inline script or style, no other origin.
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        workerSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // The invitation URL carries its token: no page of Roster tells another site where it came from.
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
    strictTransportSecurity: secureCookies ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  });

  // Errors raised before tRPC sees the request (a declared length too large, a content type no
  // procedure takes) get the envelope tRPC clients read, with a stable code; never a 500. (A body
  // sent in chunks past the limit, or malformed JSON, is refused by tRPC as it reads it: the same
  // envelope.)
  const refuse = (reply: FastifyReply, status: number, code: string, message: string, trpcCode?: string) =>
    reply.status(status).send({
      error: {
        json: {
          message,
          code: -32600,
          data: { code, trpcCode: trpcCode ?? code.toUpperCase(), httpStatus: status },
        },
      },
    });
  app.setErrorHandler((error: FastifyError, _req, reply) => {
    // A route outside tRPC (a CSV download) refused, or lost its database for now: typed alike.
    const refusal = httpRefusal(error);
    if (refusal) return refuse(reply, refusal.status, refusal.code, refusal.message, refusal.trpcCode);
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) {
      // Under `err`, through its serializer (logSafeError): an Error logged as the message itself
      // would carry a failed query's parameters (session-token hashes) into the log line.
      app.log.error({ err: error }, 'request failed');
      return refuse(reply, 500, 'internal_server_error', 'Something went wrong on the server.');
    }
    if (status === 413) return refuse(reply, 413, 'payload_too_large', TOO_LARGE);
    if (status === 415) return refuse(reply, 415, 'unsupported_media_type', 'Send JSON.');
    if (status === 408)
      return refuse(reply, 408, 'request_timeout', 'The request took too long to arrive.', 'TIMEOUT');
    return refuse(reply, status, 'bad_request', error.message);
  });
  // The embedded database's bulk runner lets the requests in flight be answered between two of its
  // transactions (giveWayToRequests): each request is counted once, until answered or abandoned.
  const counted = new WeakSet<object>();
  const answered = async (req: object) => {
    if (counted.delete(req)) requestEnded();
  };
  app.addHook('onRequest', async (req) => {
    counted.add(req);
    requestStarted();
  });
  app.addHook('onResponse', answered);
  app.addHook('onRequestAbort', answered);
  app.addHook('onRequest', async (req, reply) => {
    if (req.url.length > MAX_URL_LENGTH) {
      return refuse(
        reply,
        414,
        'uri_too_long',
        `The URL is longer than ${MAX_URL_LENGTH} characters.`,
        'URI_TOO_LONG',
      );
    }
  });
  // Work is bounded before it starts: the size of a batch, then the calls in flight per principal
  // and in total. A refused client is told when to try again.
  app.addHook('onRequest', async (req, reply) => {
    const isTrpc = req.url.startsWith('/trpc/');
    if (!isTrpc && !req.url.startsWith('/api/bulk-operations/')) return;
    const calls = isTrpc ? trpcPaths(req.url).length : 1;
    if (calls > limits.maxBatchSize) {
      return refuse(
        reply,
        400,
        'batch_too_large',
        `A batch may carry at most ${limits.maxBatchSize} calls; this one carries ${calls}.`,
        'BAD_REQUEST',
      );
    }
    const info = requestInfo(req);
    const principal = info.sessionToken
      ? `session:${info.sessionToken}`
      : info.bearerToken
        ? `token:${info.bearerToken}`
        : `address:${req.ip}`;
    const release = await limiter.acquire(principal, calls);
    if (!release) {
      reply.header('retry-after', String(limits.retryAfterSeconds));
      return refuse(reply, 429, 'too_many_requests', 'Too many requests at once. Try again in a moment.');
    }
    // 'close' comes when the answer is sent and when the client goes away first — maybe while it waited.
    if (req.raw.socket.destroyed) {
      release();
      return reply.hijack();
    }
    reply.raw.once('close', release);
  });
  app.addHook('onSend', async (req, reply) => {
    if (req.url.startsWith('/trpc/') && trpcPaths(req.url).some((path) => SECRET_PROCEDURES.has(path))) {
      reply.header('cache-control', 'no-store');
    }
  });
  // tRPC reads a body itself, up to the limit (trpcRoutes.ts): a declared length over it, a content
  // type other than JSON or a body encoded (compressed) are refused here first, before a byte is read.
  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/trpc')) return;
    if (Number(req.headers['content-length'] ?? 0) > BODY_LIMIT_BYTES)
      return refuse(reply, 413, 'payload_too_large', TOO_LARGE);
    const type = req.headers['content-type'];
    if (req.method === 'POST' && type && !type.startsWith('application/json')) {
      return refuse(reply, 415, 'unsupported_media_type', 'Send JSON.');
    }
    // tRPC reads the body from the request's own stream (trpcRoutes.ts), as it arrived.
    const encoding = req.headers['content-encoding'];
    if (encoding && encoding.toLowerCase() !== 'identity') {
      return refuse(reply, 415, 'unsupported_media_type', 'Send JSON without a content encoding.');
    }
  });

  await app.register(trpcRoutes, {
    prefix: '/trpc',
    bodyLimit: BODY_LIMIT_BYTES,
    tooLarge: TOO_LARGE,
    router: appRouter,
    maxBatchSize: limits.maxBatchSize,
    createContext: (req, res, info) =>
      createContext(
        { db: options.db, config: options.api, now: options.now },
        requestInfo(
          req,
          info.calls.map((call) => call.path),
        ),
        {
          set: (token, expiresAt) =>
            void res.setCookie(SESSION_COOKIE, token, {
              httpOnly: true,
              sameSite: 'lax',
              secure: secureCookies,
              path: '/',
              expires: expiresAt,
            }),
          clear: () => void res.clearCookie(SESSION_COOKIE, { path: '/' }),
        },
      ),
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR')
        app.log.error({ err: error, path }, 'tRPC procedure failed');
    },
    // A refusal that time lifts (a throttled sign-in or invitation acceptance) says when, as the
    // request limiter's 429 does.
    responseMeta: ({ errors }) => {
      const retryAfter = retryAfterHeader(errors);
      return retryAfter ? { headers: { 'retry-after': retryAfter } } : {};
    },
  });

  // Identity providers: SCIM 2.0, with its own tokens (the `scim` scope), limits and error shape.
  await app.register(scimRoutes, {
    prefix: SCIM_PREFIX,
    db: options.db,
    api: options.api,
    now: options.now,
    limits: options.scimLimits,
  });

  app.get('/api/health', () => ({ ok: true }));
  /** Liveness: the process answers. */
  app.get('/healthz', () => ({ ok: true }));
  /** Readiness: the database answers a trivial query, and the process is not shutting down. */
  app.get('/readyz', async (_req, reply) => {
    if (draining) return reply.status(503).send({ ok: false, reason: 'shutting_down' });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('The database did not answer in time')), READY_TIMEOUT_MS);
    });
    try {
      // Every pool answers: a request reads its caller on one and its page on others.
      await Promise.race([
        Promise.all(everyPool(options.db).map((pool) => pool.execute(sql`select 1`))),
        timeout,
      ]);
      return { ok: true };
    } catch (error) {
      app.log.warn({ err: error }, 'readiness check: the database did not answer');
      return reply.status(503).send({ ok: false, reason: 'database_unavailable' });
    } finally {
      clearTimeout(timer);
    }
  });
  // Shutting down: load balancers see /readyz fail at once, while requests in flight finish.
  app.addHook('preClose', async () => {
    draining = true;
  });

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

  /**
   * The users of a view or a selection as CSV, streamed (`exportUsersCsv`). GET takes the export's
   * input as JSON in `?input=` (a view: filter, sort, columns); POST takes it as a JSON body, or as a
   * form's `input` field (the web app's download of a selection too long for a URL). A POST signed in
   * with the session cookie must come from the app itself: the CSRF header, or a same-origin form.
   */
  await app.register(async (exportScope) => {
    exportScope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    /** `input` as JSON text (none: every user, the essential columns); undefined when unreadable. */
    const jsonInput = (text: unknown): { value: unknown } | undefined => {
      if (text === undefined || text === '') return { value: {} };
      try {
        return { value: JSON.parse(String(text)) };
      } catch {
        return undefined;
      }
    };
    const exportUsers = async (
      req: FastifyRequest,
      reply: FastifyReply,
      input: { value: unknown } | undefined,
    ) => {
      const info = requestInfo(req);
      const now = options.now?.() ?? new Date();
      const actor = await resolveActor(options.db, info, now);
      if (!actor) return refuse(reply, 401, 'not_signed_in', 'Sign in to continue.');
      const sameOrigin = req.headers['sec-fetch-site'] === 'same-origin';
      try {
        if (req.method === 'POST' && !info.bearerToken && !info.hasCsrfHeader && !sameOrigin)
          throw new DomainError('csrf');
        if (!actor.isAdmin) throw new DomainError('not_admin');
        if (!input) return refuse(reply, 400, 'invalid_input', 'input: not JSON.', 'BAD_REQUEST');
        const csv = await exportUsersCsv(options.db, actor, input.value, now);
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${csv.fileName}"`)
          .header('cache-control', 'no-store')
          .send(Readable.from(csv.lines));
      } catch (error) {
        const refusal = httpRefusal(error);
        if (!refusal) throw error;
        return refuse(reply, refusal.status, refusal.code, refusal.message, refusal.trpcCode);
      }
    };
    exportScope.get<{ Querystring: { input?: string } }>('/api/users/export.csv', (req, reply) =>
      exportUsers(req, reply, jsonInput(req.query.input)),
    );
    exportScope.post<{ Body: unknown }>('/api/users/export.csv', (req, reply) => {
      const body = req.body;
      const isForm = req.headers['content-type']?.startsWith('application/x-www-form-urlencoded');
      return exportUsers(
        req,
        reply,
        isForm && body !== null && typeof body === 'object' && 'input' in body
          ? jsonInput(body.input)
          : { value: body ?? {} },
      );
    });
  });

  const serveSpa = Boolean(options.webDist && existsSync(options.webDist));
  if (serveSpa) await registerWebApp(app, options.webDist ?? '');
  // The SPA owns every other GET path (client-side routes such as /users or /invite/<token>); a
  // missing asset or source map is a 404, never index.html. Without the SPA, unknown paths are
  // refused here rather than by Fastify's default, which logs the raw URL.
  app.setNotFoundHandler((req, reply) => {
    if (serveSpa && isAppRoute(req.method, req.url)) return reply.sendFile(webAppPageOf(req.url));
    return refuse(reply, 404, 'not_found', 'Not found.');
  });
  return app;
}
