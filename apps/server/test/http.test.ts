import { randomBytes, randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { apiTokens, auditEvents, seedUsers, sessions, signInThrottle, users } from '@roster/db';
import {
  IMPORT_CHUNK_MAX_BYTES,
  IMPORT_LIMITS,
  importRowJsonBytesAtMost,
  SIGN_IN_THROTTLE,
} from '@roster/domain';
import { beforeEach, describe, expect, it } from 'vitest';
import { BODY_LIMIT_BYTES, CSRF_HEADER, SESSION_COOKIE } from '../src/buildServer';
import { TEST_ADMIN } from '../src/testing';
import { useTestServer } from './useTestServer';

const server = useTestServer();
beforeEach(() => server.reset());

type Reply = { status: number; headers: Headers; contentType: string; body: unknown; text: string };

async function send(path: string, init: RequestInit = {}, base = server.url): Promise<Reply> {
  const response = await fetch(`${base}${path}`, init);
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return {
    status: response.status,
    headers: response.headers,
    contentType: response.headers.get('content-type') ?? '',
    body,
    text,
  };
}

type Auth = { cookie?: string; bearer?: string; csrf?: boolean };

function headersFor(auth: Auth, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...(auth.cookie ? { cookie: `${SESSION_COOKIE}=${auth.cookie}` } : {}),
    ...(auth.bearer ? { authorization: `Bearer ${auth.bearer}` } : {}),
    ...((auth.csrf ?? true) ? { [CSRF_HEADER]: '1' } : {}),
    ...extra,
  };
}

/** A tRPC mutation over HTTP: `POST /trpc/<path>` with the superjson envelope. */
const mutate = (path: string, input: unknown, auth: Auth = {}, base = server.url) =>
  send(
    `/trpc/${path}`,
    {
      method: 'POST',
      headers: headersFor(auth, { 'content-type': 'application/json' }),
      body: JSON.stringify({ json: input }),
    },
    base,
  );

/** A tRPC query over HTTP: `GET /trpc/<path>?input=…`. */
const query = (path: string, input: unknown = undefined, auth: Auth = {}) =>
  send(
    `/trpc/${path}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`}`,
    { headers: headersFor({ csrf: false, ...auth }) },
  );

/** What a client reads from a refusal: the tRPC error envelope (superjson's `json`). */
const trpcError = (httpStatus: number, code: string, domainCode: string) => ({
  error: { json: { message: expect.any(String), data: { httpStatus, trpcCode: code, code: domainCode } } },
});
const trpcData = (data: unknown) => ({ result: { data: { json: data } } });

const counts = async () => {
  const db = server.testDb.db;
  return {
    users: await db.$count(users),
    sessions: await db.$count(sessions),
    apiTokens: await db.$count(apiTokens),
    auditEvents: await db.$count(auditEvents),
    signInThrottle: await db.$count(signInThrottle),
  };
};

function sessionCookieOf(reply: Reply): string | undefined {
  return reply.headers.getSetCookie().find((cookie) => cookie.startsWith(`${SESSION_COOKIE}=`));
}

async function signInAdmin(): Promise<string> {
  const reply = await mutate('auth.signIn', { email: TEST_ADMIN.email, password: TEST_ADMIN.password });
  expect(reply.status).toBe(200);
  const value = sessionCookieOf(reply)
    ?.split(';')[0]
    ?.slice(SESSION_COOKIE.length + 1);
  if (!value) throw new Error('auth.signIn set no session cookie');
  return value;
}

describe('sign-in over HTTP', () => {
  it('sets an httpOnly, SameSite=Lax session cookie that auth.me accepts; sign-out clears it', async () => {
    const signIn = await mutate('auth.signIn', { email: TEST_ADMIN.email, password: TEST_ADMIN.password });
    expect(signIn.status).toBe(200);
    expect(signIn.body).toMatchObject(trpcData({ email: TEST_ADMIN.email, isAdmin: true }));

    const setCookie = sessionCookieOf(signIn) ?? '';
    const attributes = setCookie.split(';').map((part) => part.trim().toLowerCase());
    expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43};`));
    expect(attributes).toContain('httponly');
    expect(attributes).toContain('samesite=lax');
    expect(attributes).toContain('path=/');
    const expires = attributes.find((part) => part.startsWith('expires='))?.slice('expires='.length);
    const ttlDays = (Date.parse(expires ?? '') - Date.now()) / 86_400_000;
    expect(ttlDays).toBeGreaterThan(13.9);
    expect(ttlDays).toBeLessThanOrEqual(14);

    const cookie = setCookie.split(';')[0]?.slice(SESSION_COOKIE.length + 1) ?? '';
    const me = await query('auth.me', undefined, { cookie });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject(trpcData({ email: TEST_ADMIN.email, isAdmin: true }));
    expect(await query('tokens.list', undefined, { cookie })).toMatchObject({
      status: 200,
      body: trpcData([]),
    });

    const signOut = await mutate('auth.signOut', undefined, { cookie });
    expect(signOut.status).toBe(200);
    const cleared = (sessionCookieOf(signOut) ?? '').toLowerCase();
    expect(cleared).toMatch(new RegExp(`^${SESSION_COOKIE}=;`));
    expect(cleared).toMatch(/max-age=0|expires=thu, 01 jan 1970/);

    expect((await query('auth.me', undefined, { cookie })).body).toEqual(trpcData(null));
    const after = await query('tokens.list', undefined, { cookie });
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject(trpcError(401, 'UNAUTHORIZED', 'not_signed_in'));

    const actions = (await server.testDb.db.select({ action: auditEvents.action }).from(auditEvents)).map(
      (row) => row.action,
    );
    expect(actions).toEqual(['user.bootstrap_admin_created', 'auth.sign_in', 'auth.sign_out']);
  });

  it('refuses a wrong password with 401 invalid_credentials and no cookie', async () => {
    const reply = await mutate('auth.signIn', { email: TEST_ADMIN.email, password: 'wrong password' });
    expect(reply.status).toBe(401);
    expect(reply.body).toMatchObject(trpcError(401, 'UNAUTHORIZED', 'invalid_credentials'));
    expect(sessionCookieOf(reply)).toBeUndefined();
    expect(await server.testDb.db.$count(sessions)).toBe(0);
  });

  it('accepts an API token as Authorization: Bearer, without the CSRF header', async () => {
    const cookie = await signInAdmin();
    const created = await mutate('tokens.create', { name: 'CI' }, { cookie });
    expect(created.status).toBe(200);
    const token = JSON.stringify(created.body).match(/"(rst_[A-Za-z0-9_-]{43})"/)?.[1] ?? '';
    expect(token).not.toBe('');

    const list = await query('tokens.list', undefined, { bearer: token });
    expect(list).toMatchObject({ status: 200, body: trpcData([expect.objectContaining({ name: 'CI' })]) });
    const second = await mutate('tokens.create', { name: 'by the tool' }, { bearer: token, csrf: false });
    expect(second.status).toBe(200);
    expect(await server.testDb.db.$count(apiTokens)).toBe(2);
  });
});

describe('API answers over HTTP', () => {
  it('are compressed in one piece, gzip or brotli, and sent with their length and status', async () => {
    await seedUsers(server.testDb.db, { users: 30 });
    const cookie = await signInAdmin();
    const path = `/trpc/users.list?input=${encodeURIComponent(JSON.stringify({ json: { limit: 50 } }))}`;
    for (const encoding of ['gzip', 'br']) {
      const reply = await send(path, {
        headers: headersFor({ cookie, csrf: false }, { 'accept-encoding': encoding }),
      });
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-encoding')).toBe(encoding);
      // Streamed, an answer goes chunked with no length: buffered, its compressed length is known.
      expect(Number(reply.headers.get('content-length'))).toBeGreaterThan(0);
      expect(reply.headers.get('transfer-encoding')).toBeNull();
      expect(reply.body).toMatchObject({ result: { data: { json: { items: expect.any(Array) } } } });
    }
    const refused = await send(path, { headers: { 'accept-encoding': 'gzip' } });
    expect(refused).toMatchObject({ status: 401, body: trpcError(401, 'UNAUTHORIZED', 'not_signed_in') });
  });
});

describe('throttled anonymous attempts over HTTP', () => {
  // The clock stands still, so the wait the answer announces does not depend on how fast the
  // attempts before it ran.
  const at = new Date();
  const frozen = useTestServer({ now: () => at });

  it('answers a throttled sign-in with 429 too_many_attempts and Retry-After', async () => {
    for (let i = 0; i < SIGN_IN_THROTTLE.accountFreeFailures; i += 1) {
      const failed = await mutate(
        'auth.signIn',
        { email: TEST_ADMIN.email, password: `wrong ${i}` },
        {},
        frozen.url,
      );
      expect(failed.status).toBe(401);
      expect(failed.headers.get('retry-after')).toBeNull();
    }
    const reply = await mutate(
      'auth.signIn',
      { email: TEST_ADMIN.email, password: TEST_ADMIN.password },
      {},
      frozen.url,
    );
    expect(reply.status).toBe(429);
    expect(reply.body).toMatchObject(trpcError(429, 'TOO_MANY_REQUESTS', 'too_many_attempts'));
    expect(reply.headers.get('retry-after')).toBe('1');
    expect(sessionCookieOf(reply)).toBeUndefined();
  });

  it('answers a throttled invitation acceptance with 429 too_many_attempts and Retry-After', async () => {
    const accept = (token: string) =>
      mutate(
        'invitations.accept',
        { token, firstName: 'Grace', lastName: 'Hopper', password: 'a long passphrase' },
        {},
        frozen.url,
      );
    for (let i = 0; i < SIGN_IN_THROTTLE.invitationFreeFailures; i += 1) {
      expect((await accept(randomBytes(32).toString('base64url'))).status).toBe(404);
    }
    const reply = await accept(randomBytes(32).toString('base64url'));
    expect(reply.status).toBe(429);
    expect(reply.body).toMatchObject(trpcError(429, 'TOO_MANY_REQUESTS', 'too_many_attempts'));
    expect(reply.headers.get('retry-after')).toBe('1');
  });
});

describe('bad input over HTTP never yields a 500 and never writes', () => {
  let before: Awaited<ReturnType<typeof counts>>;
  beforeEach(async () => {
    before = await counts();
  });
  const expectNothingWritten = async () => {
    expect(await counts()).toEqual(before);
  };

  it('answers an unknown procedure with a 404 tRPC error', async () => {
    for (const reply of [
      await query('users.nope'),
      await query('nope'),
      await mutate('nope.nothing', {}),
      await query('auth.me.deeper'),
    ]) {
      expect(reply.status).toBe(404);
      expect(reply.contentType).toMatch(/^application\/json/);
      expect(reply.body).toMatchObject(trpcError(404, 'NOT_FOUND', 'not_found'));
    }
    await expectNothingWritten();
  });

  it('answers TRACE (a method no fetch Request carries) with a typed 404, never a 500', async () => {
    // fetch refuses to send TRACE: the request goes out through node:http.
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const sent = request(`${server.url}/trpc/auth.me`, { method: 'TRACE' }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      });
      sent.on('error', reject);
      sent.end();
    });
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.text)).toMatchObject(trpcError(404, 'NOT_FOUND', 'not_found'));
    await expectNothingWritten();
  });

  it('answers the wrong method with a 405 tRPC error', async () => {
    const queryAsPost = await mutate('auth.me', undefined);
    expect(queryAsPost.status).toBe(405);
    expect(queryAsPost.body).toMatchObject(trpcError(405, 'METHOD_NOT_SUPPORTED', 'method_not_supported'));
    const mutationAsGet = await query('auth.signIn', {
      email: TEST_ADMIN.email,
      password: TEST_ADMIN.password,
    });
    expect(mutationAsGet.status).toBe(405);
    expect(mutationAsGet.body).toMatchObject(trpcError(405, 'METHOD_NOT_SUPPORTED', 'method_not_supported'));
    await expectNothingWritten();
  });

  it('treats a garbage session cookie as nobody', async () => {
    for (const cookie of ['garbage', 'x'.repeat(2_000), '%E0%A4%A', '""', 'a;b']) {
      const me = await query('auth.me', undefined, { cookie });
      expect(me.status).toBe(200);
      expect(me.body).toEqual(trpcData(null));
      const list = await query('tokens.list', undefined, { cookie });
      expect(list.status).toBe(401);
      expect(list.body).toMatchObject(trpcError(401, 'UNAUTHORIZED', 'not_signed_in'));
    }
    await expectNothingWritten();
  });

  it('treats a garbage or unknown bearer token as nobody: 401', async () => {
    for (const bearer of ['garbage', 'rst_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'x'.repeat(3_000)]) {
      const list = await query('tokens.list', undefined, { bearer });
      expect(list.status).toBe(401);
      expect(list.body).toMatchObject(trpcError(401, 'UNAUTHORIZED', 'not_signed_in'));
      const create = await mutate('tokens.create', { name: 'nope' }, { bearer, csrf: false });
      expect(create.status).toBe(401);
      expect(create.body).toMatchObject(trpcError(401, 'UNAUTHORIZED', 'not_signed_in'));
      expect((await query('auth.me', undefined, { bearer })).body).toEqual(trpcData(null));
    }
    for (const authorization of ['Bearer', 'Bearer ', 'Basic YWRtaW46YWRtaW4=', 'rst_x']) {
      const list = await send('/trpc/tokens.list', { headers: { authorization } });
      expect(list.status).toBe(401);
    }
    await expectNothingWritten();
  });

  it('refuses a body larger than the limit with 413 before doing anything', async () => {
    const cookie = await signInAdmin();
    before = await counts();
    const huge = 'x'.repeat(BODY_LIMIT_BYTES + 1);
    for (const reply of [
      await mutate('auth.signIn', { email: TEST_ADMIN.email, password: huge }),
      await mutate('tokens.create', { name: huge }, { cookie }),
    ]) {
      expect(reply.status).toBe(413);
      expect(reply.contentType).toMatch(/^application\/json/);
      expect(JSON.stringify(reply.body)).toContain('"code":"payload_too_large"');
    }
    await expectNothingWritten();
  });

  it('takes the heaviest import chunk a client sends (IMPORT_CHUNK_MAX_BYTES of rows) under the body limit', async () => {
    const cookie = await signInAdmin();
    const { maxCellLength: max } = IMPORT_LIMITS;
    // Control characters are the heaviest in JSON (6 bytes each); every cell at its transport length.
    const cell = (n: number) => '\u0001'.repeat(n + 1);
    const heaviest = (line: number) => ({
      line,
      email: cell(max.email),
      firstName: cell(max.first_name),
      lastName: cell(max.last_name),
      role: cell(max.role),
      copyAccessFrom: cell(max.copy_access_from),
    });
    const count = Math.floor(IMPORT_CHUNK_MAX_BYTES / importRowJsonBytesAtMost(heaviest(2)));
    const rows = Array.from({ length: count }, (_, i) => heaviest(i + 2));
    const input = { operationId: randomUUID(), file: { fileSha256: 'e'.repeat(64), totalRows: count }, rows };
    expect(Buffer.byteLength(JSON.stringify({ json: input }))).toBeGreaterThan(0.9 * IMPORT_CHUNK_MAX_BYTES);
    const reply = await mutate('imports.preview', input, { cookie });
    expect(reply.status).toBe(200);
  });

  it('answers errors raised before tRPC (413, 415) in the same envelope tRPC clients read', async () => {
    const tooLarge = await mutate('auth.signIn', {
      email: TEST_ADMIN.email,
      password: 'x'.repeat(BODY_LIMIT_BYTES),
    });
    expect(tooLarge.status).toBe(413);
    // @trpc/client with the superjson transformer reads `error.json`; without it the client only
    // reports "Unable to transform response from server" and the stable code is lost.
    expect(tooLarge.body).toMatchObject(trpcError(413, 'PAYLOAD_TOO_LARGE', 'payload_too_large'));

    const unsupported = await send('/trpc/auth.signIn', {
      method: 'POST',
      headers: headersFor({}, { 'content-type': 'application/octet-stream' }),
      body: 'x',
    });
    expect(unsupported.status).toBe(415);
    expect(unsupported.body).toMatchObject({ error: { json: { data: { httpStatus: 415 } } } });
    await expectNothingWritten();
  });

  it('enforces the body limit whatever the content type (multipart/form-data too)', async () => {
    const boundary = 'roster-boundary';
    const part = `--${boundary}\r\nContent-Disposition: form-data; name="email"\r\n\r\n`;
    const reply = await send('/trpc/auth.signIn', {
      method: 'POST',
      headers: headersFor({}, { 'content-type': `multipart/form-data; boundary=${boundary}` }),
      body: `${part}${'x'.repeat(BODY_LIMIT_BYTES + 1)}\r\n--${boundary}--\r\n`,
    });
    expect(reply.status).toBe(413);
    await expectNothingWritten();
  });

  it('refuses a body sent in chunks (no length) once it passes the limit, and takes one under it', async () => {
    before = await counts();
    const chunked = (text: string) => {
      const bytes = new TextEncoder().encode(text);
      const step = 64 * 1024;
      return new ReadableStream<Uint8Array>({
        start(controller) {
          for (let at = 0; at < bytes.length; at += step) controller.enqueue(bytes.subarray(at, at + step));
          controller.close();
        },
      });
    };
    const signIn = (password: string): RequestInit & { duplex: 'half' } => ({
      method: 'POST',
      headers: headersFor({}, { 'content-type': 'application/json' }),
      body: chunked(JSON.stringify({ json: { email: TEST_ADMIN.email, password } })),
      duplex: 'half',
    });
    const tooLarge = await send('/trpc/auth.signIn', signIn('x'.repeat(BODY_LIMIT_BYTES + 1)));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body).toMatchObject(trpcError(413, 'PAYLOAD_TOO_LARGE', 'payload_too_large'));
    expect(tooLarge.body).toMatchObject({
      error: { json: { message: 'The request is larger than 8 MiB.' } },
    });
    await expectNothingWritten();
    const taken = await send('/trpc/auth.signIn', signIn(TEST_ADMIN.password));
    expect(taken.status).toBe(200);
  });

  it('refuses an encoded (compressed) body with 415 before reading it', async () => {
    const reply = await send('/trpc/auth.signIn', {
      method: 'POST',
      headers: headersFor({}, { 'content-type': 'application/json', 'content-encoding': 'gzip' }),
      body: gzipSync(JSON.stringify({ json: { email: TEST_ADMIN.email, password: TEST_ADMIN.password } })),
    });
    expect(reply.status).toBe(415);
    expect(reply.body).toMatchObject(trpcError(415, 'UNSUPPORTED_MEDIA_TYPE', 'unsupported_media_type'));
  });

  it('answers malformed JSON with 400, not 500', async () => {
    for (const body of ['{"json": {', '{json: 1}', "{'json': {}}", 'undefined', '\u0000']) {
      const reply = await send('/trpc/auth.signIn', {
        method: 'POST',
        headers: headersFor({}, { 'content-type': 'application/json' }),
        body,
      });
      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject(trpcError(400, 'BAD_REQUEST', 'bad_request'));
    }
    await expectNothingWritten();
  });

  it('answers other malformed requests with the right 4xx, writing nothing', async () => {
    const signIn = { email: TEST_ADMIN.email, password: TEST_ADMIN.password };
    const post = (
      body: RequestInit['body'],
      contentType: string | null = 'application/json',
    ): RequestInit => ({
      method: 'POST',
      headers: headersFor({}, contentType ? { 'content-type': contentType } : {}),
      body,
    });
    const withMeta = (meta: unknown) => post(JSON.stringify({ json: signIn, meta }));
    const cases: [name: string, path: string, init: RequestInit, status: number][] = [
      ['a null body', '/trpc/auth.signIn', post('null'), 400],
      ['an array body', '/trpc/auth.signIn', post('[1,2]'), 400],
      ['a string body', '/trpc/auth.signIn', post('"x"'), 400],
      ['an empty body', '/trpc/auth.signIn', post(''), 400],
      ['input without the superjson envelope', '/trpc/auth.signIn', post(JSON.stringify(signIn)), 400],
      [
        'superjson meta making the e-mail a BigInt',
        '/trpc/auth.signIn',
        withMeta({ values: { email: ['bigint'] } }),
        400,
      ],
      [
        'superjson meta naming an unknown class',
        '/trpc/auth.signIn',
        withMeta({ values: { email: [['class', 'Evil']] } }),
        400,
      ],
      [
        'superjson meta reaching for __proto__',
        '/trpc/auth.signIn',
        withMeta({ values: { '__proto__.polluted': ['undefined'] } }),
        400,
      ],
      [
        'deeply nested JSON',
        '/trpc/auth.signIn',
        post(`{"json":${'['.repeat(50_000)}${']'.repeat(50_000)}}`),
        400,
      ],
      ['a text/plain body', '/trpc/auth.signIn', post(JSON.stringify({ json: signIn }), 'text/plain'), 415],
      ['an octet-stream body', '/trpc/auth.signIn', post('x', 'application/octet-stream'), 415],
      [
        'a body without a content type',
        '/trpc/auth.signIn',
        post(new Blob([JSON.stringify({ json: signIn })]), null),
        415,
      ],
      ['a PUT', '/trpc/auth.signIn', { ...post('{}'), method: 'PUT' }, 405],
      ['query input that is not JSON, anonymous', '/trpc/tokens.list?input=%7Bnope', {}, 401],
      ['a URL too long for the server', `/trpc/auth.me?input=${'x'.repeat(20_000)}`, {}, 431],
    ];
    const seen: { name: string; status: number }[] = [];
    for (const [name, path, init] of cases) seen.push({ name, status: (await send(path, init)).status });
    expect(seen).toEqual(cases.map(([name, , , status]) => ({ name, status })));
    expect(Reflect.get({}, 'polluted')).toBeUndefined();
    await expectNothingWritten();
  });

  it('answers a batch with an unknown member per member, without failing the others', async () => {
    const reply = await query(`auth.me,nope?batch=1&input=${encodeURIComponent('{}')}`);
    expect(reply.status).toBe(207);
    expect(reply.body).toMatchObject([trpcData(null), trpcError(404, 'NOT_FOUND', 'not_found')]);
    await expectNothingWritten();
  });

  it('refuses a cookie mutation without the x-roster-csrf header: 403 csrf', async () => {
    const cookie = await signInAdmin();
    before = await counts();
    const variants: Record<string, string>[] = [{}, { [CSRF_HEADER]: '0' }, { [CSRF_HEADER]: 'true' }];
    for (const extra of variants) {
      const reply = await send('/trpc/tokens.create', {
        method: 'POST',
        headers: headersFor({ cookie, csrf: false }, { 'content-type': 'application/json', ...extra }),
        body: JSON.stringify({ json: { name: 'cross-site' } }),
      });
      expect(reply.status).toBe(403);
      expect(reply.body).toMatchObject(trpcError(403, 'FORBIDDEN', 'csrf'));
      // The refusal tells a tool's author what to send.
      expect(reply.text).toContain('x-roster-csrf: 1');
    }
    const signOut = await mutate('auth.signOut', undefined, { cookie, csrf: false });
    expect(signOut.status).toBe(403);
    expect(signOut.body).toMatchObject(trpcError(403, 'FORBIDDEN', 'csrf'));
    expect(sessionCookieOf(signOut)).toBeUndefined();
    await expectNothingWritten();
    expect((await query('auth.me', undefined, { cookie })).body).toMatchObject(
      trpcData({ email: TEST_ADMIN.email }),
    );
  });

  it('refuses a sign-in without the x-roster-csrf header: 403 csrf, no cookie', async () => {
    const reply = await mutate(
      'auth.signIn',
      { email: TEST_ADMIN.email, password: TEST_ADMIN.password },
      { csrf: false },
    );
    expect(reply.status).toBe(403);
    expect(reply.body).toMatchObject(trpcError(403, 'FORBIDDEN', 'csrf'));
    expect(sessionCookieOf(reply)).toBeUndefined();
    await expectNothingWritten();
  });
});
