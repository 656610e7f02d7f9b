/**
 * GET/POST /api/users/export.csv over HTTP: authenticated as the API is, admin only, refusals typed
 * and answered before any CSV, the file streamed (chunked, several chunks) and its content checked
 * against the database.
 */
import { EXPORT_CHUNK_ROWS, hashToken, newSecretToken } from '@roster/api';
import { queryRows, roles, sessions, users } from '@roster/db';
import { csvRow } from '@roster/domain';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { logSafeUrl } from '../src/buildServer';
import { startTestServer, TEST_ADMIN, type TestServer } from '../src/testing';

let server: TestServer;
let cookie: string;
let readerCookie: string;
let token: string;
/** More than two chunks' worth, so the export is written in several. */
const SEEDED = EXPORT_CHUNK_ROWS * 2 + 321;

async function trpc(path: string, input: unknown, headers: Record<string, string> = {}) {
  return fetch(`${server.url}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-roster-csrf': '1', ...headers },
    body: JSON.stringify({ json: input }),
  });
}

const exportUrl = (input?: unknown) =>
  `${server.url}/api/users/export.csv${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`;

beforeAll(async () => {
  server = await startTestServer();
  const signIn = await trpc('auth.signIn', TEST_ADMIN);
  cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const db = server.testDb.db;
  const [reader] = await db.select({ id: roles.id }).from(roles).where(eq(roles.name, 'Reader'));
  // Users with every third one deactivated; names repeat so the sort's tie-breaks matter.
  await db.execute(sql`insert into users (id, email, first_name, last_name, status, role_id)
    select gen_random_uuid(), 'user' || lpad(n::text, 5, '0') || '@roster.test', 'First' || (n % 7), 'Last' || (n % 13),
      (case when n % 3 = 0 then 'deactivated' else 'active' end)::user_status, ${reader?.id}::uuid
    from generate_series(1, ${SEEDED}) n`);
  await db.insert(users).values({
    email: 'formula@roster.test',
    firstName: '=1+2',
    lastName: '+cmd|calc',
    status: 'active',
    roleId: reader?.id ?? '',
  });
  // A signed-in user who is not an administrator.
  const [readerUser] = await db
    .insert(users)
    .values({
      email: 'reader@roster.test',
      firstName: 'Rita',
      lastName: 'Reader',
      status: 'active',
      roleId: reader?.id ?? '',
    })
    .returning({ id: users.id });
  const session = newSecretToken();
  await db.insert(sessions).values({
    userId: readerUser?.id ?? '',
    tokenHash: hashToken(session),
    expiresAt: new Date(Date.now() + 3_600_000),
  });
  readerCookie = `roster_session=${session}`;
  const created = await trpc('tokens.create', { name: 'export' }, { cookie });
  token = z
    .object({ result: z.object({ data: z.object({ json: z.object({ token: z.string() }) }) }) })
    .parse(await created.json()).result.data.json.token;
}, 120_000);
afterAll(() => server.close());

/** The e-mails of the database's users matching a condition, in the sort by name (last, first, id). */
async function emailsByName(where = sql`true`): Promise<string[]> {
  const rows = await queryRows<{ email: string }>(
    server.testDb.db,
    sql`select email from users where ${where} order by last_name, first_name, id`,
  );
  return rows.map((r) => r.email);
}

async function csvLines(response: Response): Promise<string[]> {
  return (await response.text()).split('\r\n').slice(0, -1);
}

describe('GET /api/users/export.csv', () => {
  it('streams every user of the view, in its sort, as an attachment', async () => {
    const response = await fetch(exportUrl({ columns: ['email'] }), { headers: { cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="users-\d{4}-\d\d-\d\d-\d{4}\.csv"$/,
    );
    expect(response.headers.get('cache-control')).toBe('no-store');
    // Streamed: no length known in advance, sent in chunks.
    expect(response.headers.get('content-length')).toBeNull();
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    const lines = await csvLines(response);
    expect(lines[0]).toBe('E-mail');
    const emails = await emailsByName();
    expect(emails.length).toBeGreaterThan(EXPORT_CHUNK_ROWS * 2);
    expect(lines.slice(1)).toEqual(emails.map((e) => csvRow([e]).slice(0, -2)));
  });

  it('writes the filter’s users with the chosen columns, sorted as asked; formula cells escaped', async () => {
    const response = await fetch(
      exportUrl({
        filter: { status: ['active'], search: 'roster.test' },
        sort: { field: 'email', direction: 'desc' },
        columns: ['name', 'email', 'status'],
      }),
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(response.status).toBe(200);
    const lines = await csvLines(response);
    expect(lines[0]).toBe('First name,Last name,E-mail,Status');
    const rows = await queryRows<{ email: string; first_name: string; last_name: string }>(
      server.testDb.db,
      sql`select email, first_name, last_name from users where status = 'active' order by email desc`,
    );
    expect(lines.slice(1)).toEqual(
      rows.map((r) => csvRow([r.first_name, r.last_name, r.email, 'Active']).slice(0, -2)),
    );
    expect(lines).toContain("'=1+2,'+cmd|calc,formula@roster.test,Active");
  });

  it('refuses an unknown role, bad JSON and an invalid input with a typed 400 and no CSV', async () => {
    const exported = async () =>
      (
        await queryRows<{ n: number }>(
          server.testDb.db,
          sql`select count(*)::int as n from audit_events where action = 'users.exported'`,
        )
      )[0]?.n;
    const exportedBefore = await exported();
    for (const [url, code] of [
      [exportUrl({ filter: { roleIds: ['00000000-0000-4000-8000-000000000000'] } }), 'unknown_role'],
      [`${server.url}/api/users/export.csv?input=%7Bnot-json`, 'invalid_input'],
      [exportUrl({ columns: ['password'] }), 'invalid_input'],
      [exportUrl({ sort: { field: 'email', direction: 'sideways' } }), 'invalid_input'],
      // A day PostgreSQL cannot read (the day after it is year 10000): refused before the audit row.
      [exportUrl({ filter: { createdTo: '9999-12-31' } }), 'invalid_input'],
    ] as const) {
      const response = await fetch(url, { headers: { cookie } });
      expect(response.status, url).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/json');
      expect(response.headers.get('content-disposition')).toBeNull();
      expect(await response.json()).toMatchObject({ error: { json: { data: { code } } } });
    }
    expect(await exported()).toBe(exportedBefore);
  });

  it('keeps the input (a search) out of the logged URL', () => {
    expect(logSafeUrl(exportUrl({ filter: { search: 'ana@' } }).slice(server.url.length))).toBe(
      '/api/users/export.csv',
    );
  });

  it('is 401 without a session or token, 403 for a signed-in non-administrator', async () => {
    const anonymous = await fetch(exportUrl());
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { json: { data: { code: 'not_signed_in' } } } });
    const reader = await fetch(exportUrl(), { headers: { cookie: readerCookie } });
    expect(reader.status).toBe(403);
    expect(await reader.json()).toMatchObject({ error: { json: { data: { code: 'not_admin' } } } });
  });
});

describe('POST /api/users/export.csv', () => {
  it('writes a selection: ticked ids, or all matching except some, in the sort', async () => {
    const picked = await queryRows<{ id: string; email: string }>(
      server.testDb.db,
      sql`select id, email from users where email like 'user0001%' order by email`,
    );
    const ids = picked.map((r) => r.id);
    const response = await fetch(`${server.url}/api/users/export.csv`, {
      method: 'POST',
      headers: { cookie, 'x-roster-csrf': '1', 'content-type': 'application/json' },
      body: JSON.stringify({
        selection: { ids },
        sort: { field: 'email', direction: 'desc' },
        columns: ['email'],
      }),
    });
    expect(response.status).toBe(200);
    expect((await csvLines(response)).slice(1)).toEqual(picked.map((r) => r.email).reverse());

    const deactivated = await emailsByName(sql`status = 'deactivated'`);
    const exceptIds = (
      await queryRows<{ id: string }>(
        server.testDb.db,
        sql`select id from users where status = 'deactivated' and email like 'user000%'`,
      )
    ).map((r) => r.id);
    expect(exceptIds.length).toBeGreaterThan(0);
    const allBut = await fetch(`${server.url}/api/users/export.csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        selection: { filter: { status: ['deactivated'] }, expectedCount: deactivated.length, exceptIds },
        columns: ['email'],
      }),
    });
    expect(allBut.status).toBe(200);
    expect((await csvLines(allBut)).slice(1)).toEqual(deactivated.filter((e) => !e.startsWith('user000')));
  });

  it('takes a same-origin form (the web app’s download), and refuses a cookie POST from anywhere else', async () => {
    const form = new URLSearchParams({
      input: JSON.stringify({ filter: { search: 'formula@' }, columns: ['email'] }),
    });
    const fromApp = await fetch(`${server.url}/api/users/export.csv`, {
      method: 'POST',
      headers: {
        cookie,
        'sec-fetch-site': 'same-origin',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: form,
    });
    expect(fromApp.status).toBe(200);
    expect(await fromApp.text()).toBe('E-mail\r\nformula@roster.test\r\n');
    const crossSite = await fetch(`${server.url}/api/users/export.csv`, {
      method: 'POST',
      headers: {
        cookie,
        'sec-fetch-site': 'cross-site',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: form,
    });
    expect(crossSite.status).toBe(403);
    expect(await crossSite.json()).toMatchObject({ error: { json: { data: { code: 'csrf' } } } });
  });
});
