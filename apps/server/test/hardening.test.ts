import { connect } from 'node:net';
import { PassThrough } from 'node:stream';
import { ensureBootstrapAdmin, hashToken } from '@roster/api';
import { queryRows } from '@roster/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_HEADER, MAX_URL_LENGTH, SESSION_COOKIE } from '../src/buildServer';
import { startTestServer, TEST_ADMIN, type TestServer } from '../src/testing';

/** Issue 16 items 5, 6, 9 and 13: log redaction, browser headers, transport refusals, health. */

let server: TestServer;
let httpsServer: TestServer;
let log = '';
const logStream = new PassThrough();
logStream.on('data', (chunk: Buffer) => {
  log += chunk.toString();
});

beforeAll(async () => {
  server = await startTestServer({ logStream, requestTimeoutMs: 1_000 });
  await ensureBootstrapAdmin(server.testDb.db, TEST_ADMIN.email, TEST_ADMIN.password);
  httpsServer = await startTestServer({ publicUrl: 'https://roster.example' });
}, 120_000);
afterAll(async () => {
  await server?.close();
  await httpsServer?.close();
});

const trpcError = (httpStatus: number, domainCode: string) => ({
  error: { json: { message: expect.any(String), data: { httpStatus, code: domainCode } } },
});

async function signIn(url = server.url): Promise<{ cookie: string; response: Response }> {
  const response = await fetch(`${url}/trpc/auth.signIn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [CSRF_HEADER]: '1' },
    body: JSON.stringify({ json: TEST_ADMIN }),
  });
  expect(response.status).toBe(200);
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { cookie, response };
}

/** Sends raw bytes and returns the whole answer, as the server wrote it before closing. */
function rawRequest(url: string, bytes: string, keepOpenMs = 0): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = connect(Number(port), hostname, () => {
      socket.write(bytes);
      if (keepOpenMs === 0) socket.end();
    });
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') resolve(answer);
      else reject(error);
    });
    socket.on('close', () => resolve(answer));
  });
}

function bodyOf(raw: string): unknown {
  return JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));
}

describe('failed queries in the log (item 5)', () => {
  it('logs the statement by its first words and its error code, never its parameters', async () => {
    const { cookie } = await signIn();
    const token = cookie.slice(SESSION_COOKIE.length + 1);
    // The next look-up of the session fails on the database, with the token's hash as parameter.
    await server.testDb.db.execute('alter table sessions rename to sessions_gone');
    try {
      log = '';
      const response = await fetch(`${server.url}/trpc/tokens.list`, { headers: { cookie } });
      expect(response.status).toBe(500);
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await server.testDb.db.execute('alter table sessions_gone rename to sessions');
    }
    const lines = log.split('\n').filter((line) => line.includes('"err"'));
    expect(lines.length).toBeGreaterThan(0);
    expect(log).toContain('Failed query: select');
    expect(log).toContain('"code":"42P01"');
    expect(log).not.toContain('params');
    expect(log).not.toContain(hashToken(token));
    expect(log).not.toContain(token);
  });

  // The CSV downloads are routes of their own, outside tRPC: Fastify's error handler logs for them.
  const CSV_ROUTES = ['/api/users/export.csv', `/api/bulk-operations/${crypto.randomUUID()}/results.csv`];

  it('the CSV downloads log a failed query the same way, and answer in the envelope', async () => {
    const { cookie } = await signIn();
    const token = cookie.slice(SESSION_COOKIE.length + 1);
    await server.testDb.db.execute('alter table sessions rename to sessions_gone');
    const answers: { status: number; body: unknown }[] = [];
    try {
      log = '';
      for (const path of CSV_ROUTES) {
        const response = await fetch(`${server.url}${path}`, { headers: { cookie } });
        answers.push({ status: response.status, body: await response.json() });
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await server.testDb.db.execute('alter table sessions_gone rename to sessions');
    }
    for (const answer of answers) {
      expect(answer).toMatchObject({ status: 500, body: trpcError(500, 'internal_server_error') });
    }
    expect(log).toContain('Failed query: select');
    expect(log).toContain('"code":"42P01"');
    expect(log).not.toContain('params');
    expect(log).not.toContain(hashToken(token));
    expect(log).not.toContain(token);
  });

  it('the CSV downloads answer 503 database_unavailable when the database is (for now) unavailable', async () => {
    const { cookie } = await signIn();
    // Reading the session fails as a database shutting down fails (SQLSTATE 57P01, transient).
    await server.testDb.db.execute('alter table sessions rename to sessions_gone');
    await server.testDb.db.execute(`create function sessions_shutting_down() returns setof sessions_gone
      language plpgsql as $$ begin raise exception 'terminating connection' using errcode = '57P01'; end $$`);
    await server.testDb.db.execute('create view sessions as select * from sessions_shutting_down()');
    const answers: { status: number; body: unknown }[] = [];
    try {
      for (const path of CSV_ROUTES) {
        const response = await fetch(`${server.url}${path}`, { headers: { cookie } });
        answers.push({ status: response.status, body: await response.json() });
      }
    } finally {
      await server.testDb.db.execute('drop view sessions');
      await server.testDb.db.execute('drop function sessions_shutting_down()');
      await server.testDb.db.execute('alter table sessions_gone rename to sessions');
    }
    for (const answer of answers) {
      expect(answer).toMatchObject({ status: 503, body: trpcError(503, 'database_unavailable') });
    }
  });
});

describe('browser security headers (item 6)', () => {
  it('sends a strict CSP, no framing, nosniff and no referrer; no HSTS over http', async () => {
    for (const path of ['/', '/api/health', '/trpc/auth.me']) {
      const response = await fetch(`${server.url}${path}`);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('strict-transport-security')).toBeNull();
    }
  });

  it('sends HSTS when the public URL is https', async () => {
    const response = await fetch(`${httpsServer.url}/api/health`);
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
  });

  it('forbids caching the answers that carry a secret: sign-in, tokens.create, invitations.accept', async () => {
    const { cookie, response } = await signIn();
    expect(response.headers.get('cache-control')).toBe('no-store');
    const created = await fetch(`${server.url}/trpc/tokens.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CSRF_HEADER]: '1', cookie },
      body: JSON.stringify({ json: { name: 'headers' } }),
    });
    expect(created.status).toBe(200);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const accept = await fetch(`${server.url}/trpc/invitations.accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CSRF_HEADER]: '1' },
      body: JSON.stringify({
        json: { token: 'x', password: 'a long enough password', firstName: 'A', lastName: 'B' },
      }),
    });
    expect(accept.headers.get('cache-control')).toBe('no-store');
    const me = await fetch(`${server.url}/trpc/auth.me`, { headers: { cookie } });
    expect(me.headers.get('cache-control')).not.toBe('no-store');
  });
});

describe('transport-level refusals in the tRPC envelope (item 9)', () => {
  it('408 for a request that does not arrive in time', async () => {
    const answer = await rawRequest(server.url, 'GET /trpc/auth.me HTTP/1.1\r\nHost: x\r\n', 5_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(bodyOf(answer)).toMatchObject(trpcError(408, 'request_timeout'));
  }, 20_000);

  it('414 for a URL longer than the limit', async () => {
    const response = await fetch(`${server.url}/trpc/auth.me?input=${'x'.repeat(MAX_URL_LENGTH + 10)}`);
    expect(response.status).toBe(414);
    expect(await response.json()).toMatchObject(trpcError(414, 'uri_too_long'));
  });

  it('431 for headers larger than Node takes', async () => {
    const answer = await rawRequest(
      server.url,
      `GET /trpc/auth.me HTTP/1.1\r\nHost: x\r\nX-Big: ${'y'.repeat(20_000)}\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(bodyOf(answer)).toMatchObject(trpcError(431, 'request_header_fields_too_large'));
  });
});

describe('health endpoints (item 13)', () => {
  it('/healthz answers while the process lives; /readyz checks the database', async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ ok: true });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('/readyz answers 503 when the database does not answer, /healthz still 200', async () => {
    const broken = await startTestServer();
    try {
      await broken.testDb.close();
      const ready = await fetch(`${broken.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ ok: false, reason: 'database_unavailable' });
      expect((await fetch(`${broken.url}/healthz`)).status).toBe(200);
    } finally {
      await broken.app.close();
    }
  }, 60_000);
});

describe('the client address behind a reverse proxy (item 7)', () => {
  const failedSignIn = (url: string, forwardedFor: string) =>
    fetch(`${url}/trpc/auth.signIn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CSRF_HEADER]: '1', 'x-forwarded-for': forwardedFor },
      body: JSON.stringify({ json: { email: TEST_ADMIN.email, password: 'not the password at all' } }),
    });
  const throttledAddresses = async (db: TestServer['testDb']['db']) =>
    (
      await queryRows<{ address: string }>(db, sql`select distinct address from sign_in_throttle order by 1`)
    ).map((row) => row.address);

  it('counts failed sign-ins by the TCP peer unless proxies are declared: a forged header changes nothing', async () => {
    await server.testDb.db.execute('delete from sign_in_throttle');
    expect((await failedSignIn(server.url, '203.0.113.7')).status).toBe(401);
    expect(await throttledAddresses(server.testDb.db)).toEqual(['127.0.0.1']);
  });

  it('with ROSTER_TRUST_PROXY, counts them by the address the proxy forwards', async () => {
    const proxied = await startTestServer({ trustProxy: '127.0.0.1' });
    try {
      await ensureBootstrapAdmin(proxied.testDb.db, TEST_ADMIN.email, TEST_ADMIN.password);
      expect((await failedSignIn(proxied.url, '203.0.113.7')).status).toBe(401);
      expect((await failedSignIn(proxied.url, '198.51.100.9')).status).toBe(401);
      expect(await throttledAddresses(proxied.testDb.db)).toEqual(['198.51.100.9', '203.0.113.7']);
    } finally {
      await proxied.close();
    }
  }, 60_000);
});
