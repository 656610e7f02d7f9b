import { randomUUID } from 'node:crypto';
import { hashPassword } from '@roster/api';
import { bulkOperations, roles, users } from '@roster/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_ADMIN, type TestServer } from '../src/testing';

let server: TestServer;
let cookie: string;

async function post(path: string, input: unknown, headers: Record<string, string> = {}) {
  return fetch(`${server.url}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-roster-csrf': '1', ...headers },
    body: JSON.stringify({ json: input }),
  });
}

beforeAll(async () => {
  server = await startTestServer();
  const response = await post('auth.signIn', TEST_ADMIN);
  cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
});
afterAll(() => server.close());

/** The role ids of the built-in roles, by name. */
async function roleIds() {
  const rows = await server.testDb.db.select({ id: roles.id, name: roles.name }).from(roles);
  return new Map(rows.map((r) => [r.name, r.id]));
}

/** The download of an operation's results, as a browser gets it. */
async function download(operationId: string) {
  const response = await fetch(`${server.url}/api/bulk-operations/${operationId}/results.csv`, {
    headers: { cookie },
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/csv');
  return {
    disposition: response.headers.get('content-disposition'),
    lines: (await response.text()).trimEnd().split('\r\n'),
  };
}

/** Sets when an operation was applied, so its file name is known. */
async function appliedAt(operationId: string, at: string) {
  await server.testDb.db
    .update(bulkOperations)
    .set({ createdAt: new Date(at) })
    .where(eq(bulkOperations.id, operationId));
}

describe('GET /api/bulk-operations/:id/results.csv', () => {
  it('lists every user with name, outcome in words, reason, sentence and the fields before and after, formula cells escaped', async () => {
    const role = await roleIds();
    const inserted = await server.testDb.db
      .insert(users)
      .values([
        {
          email: '=hyperlink@evil.test',
          firstName: '@SUM(1+1)',
          lastName: 'Evil',
          status: 'active',
          roleId: role.get('Reader') ?? '',
        },
        {
          email: 'plain@roster.test',
          firstName: 'Plain',
          lastName: 'Person',
          status: 'deactivated',
          roleId: role.get('Reader') ?? '',
        },
      ])
      .returning({ id: users.id });
    const operationId = randomUUID();
    const response = await post(
      'bulk.execute',
      { operationId, operation: { kind: 'deactivate' }, selection: { ids: inserted.map((u) => u.id) } },
      { cookie },
    );
    expect(response.status).toBe(200);
    await appliedAt(operationId, '2026-12-02T09:07:59Z');

    const csv = await download(operationId);
    expect(csv.disposition).toBe('attachment; filename="deactivate-2026-12-02-0907.csv"');
    expect(csv.lines).toEqual([
      'user_id,email,name,outcome,reason,sentence,before,after',
      `${inserted[0]?.id},'=hyperlink@evil.test,'@SUM(1+1) Evil,Changed,,,Status: Active,Status: Deactivated`,
      `${inserted[1]?.id},plain@roster.test,Plain Person,Skipped,already_deactivated,Already deactivated.,,`,
    ]);
  });

  it('names the roles a role change moves users between, and the file after the operation and its time', async () => {
    const role = await roleIds();
    const [reader, contributor] = await server.testDb.db
      .insert(users)
      .values([
        {
          email: 'csv-reader@roster.test',
          firstName: 'Rita',
          lastName: 'Reader',
          status: 'active',
          roleId: role.get('Reader') ?? '',
        },
        {
          email: 'csv-contributor@roster.test',
          firstName: 'Carl',
          lastName: 'Contributor',
          status: 'active',
          roleId: role.get('Contributor') ?? '',
        },
      ])
      .returning({ id: users.id });
    const operationId = randomUUID();
    const response = await post(
      'bulk.execute',
      {
        operationId,
        operation: { kind: 'assign_role', roleId: role.get('Contributor') },
        selection: { ids: [reader?.id, contributor?.id] },
      },
      { cookie },
    );
    expect(response.status).toBe(200);
    await appliedAt(operationId, '2026-12-02T14:05:00Z');

    const csv = await download(operationId);
    expect(csv.disposition).toBe('attachment; filename="assign-role-2026-12-02-1405.csv"');
    expect(csv.lines).toEqual([
      'user_id,email,name,outcome,reason,sentence,before,after',
      `${reader?.id},csv-reader@roster.test,Rita Reader,Changed,,,Role: Reader,Role: Contributor`,
      `${contributor?.id},csv-contributor@roster.test,Carl Contributor,Skipped,already_has_role,Already has this role.,,`,
    ]);
  });

  it('lists an import row by row with its line, the cells as the file had them, in the page’s words, formula cells escaped', async () => {
    const operationId = randomUUID();
    const rows = [
      {
        line: 2,
        email: 'imp-csv@roster.test',
        firstName: 'Ada',
        lastName: 'Lovelace',
        role: '',
        copyAccessFrom: '',
      },
      {
        line: 3,
        email: '=HYPERLINK("http://evil.example")',
        firstName: '-Minus',
        lastName: '',
        role: '',
        copyAccessFrom: '',
      },
      { line: 5, email: '@SUM(1+1)', firstName: '', lastName: '', role: '', copyAccessFrom: '' },
      {
        line: 6,
        email: 'imp-csv@roster.test',
        firstName: 'Ada',
        lastName: 'Again',
        role: '',
        copyAccessFrom: '',
      },
    ];
    const file = { fileSha256: 'd'.repeat(64), fileName: 'people.csv', totalRows: rows.length };
    expect((await post('imports.preview', { operationId, file, rows }, { cookie })).status).toBe(200);
    expect((await post('imports.commit', { operationId, invite: false }, { cookie })).status).toBe(200);
    await appliedAt(operationId, '2026-01-31T23:59:00Z');

    const csv = await download(operationId);
    expect(csv.disposition).toBe('attachment; filename="import-2026-01-31-2359.csv"');
    const [header, created, ...others] = csv.lines;
    expect(header).toBe('line,user_id,email,name,outcome,reason,sentence');
    expect(created).toMatch(/^2,[0-9a-f-]{36},imp-csv@roster\.test,Ada Lovelace,Created,,$/);
    expect(others).toEqual([
      `3,,"'=HYPERLINK(""http://evil.example"")",'-Minus,Not created,invalid_email,This is not a valid e-mail address.`,
      `5,,'@SUM(1+1),,Not created,invalid_email,This is not a valid e-mail address.`,
      '6,,imp-csv@roster.test,Ada Again,Skipped,duplicate_in_file,The same e-mail is already on line 2.',
    ]);
  });

  it('is for administrators only, and refuses a malformed id', async () => {
    const id = randomUUID();
    expect((await fetch(`${server.url}/api/bulk-operations/${id}/results.csv`)).status).toBe(401);
    const bad = await fetch(`${server.url}/api/bulk-operations/not-an-id/results.csv`, {
      headers: { cookie },
    });
    expect(bad.status).toBe(400);
    const unknown = await fetch(`${server.url}/api/bulk-operations/${id}/results.csv`, {
      headers: { cookie },
    });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({
      error: { json: { data: { code: 'operation_not_found' } } },
    });
    const [reader] = await server.testDb.db
      .select({ id: roles.id })
      .from(roles)
      .where(eq(roles.name, 'Reader'));
    await server.testDb.db.insert(users).values({
      email: 'reader@roster.test',
      status: 'active',
      roleId: reader?.id ?? '',
      passwordHash: await hashPassword(TEST_ADMIN.password),
    });
    const signedIn = await post('auth.signIn', {
      email: 'reader@roster.test',
      password: TEST_ADMIN.password,
    });
    const readerCookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const refused = await fetch(`${server.url}/api/bulk-operations/${id}/results.csv`, {
      headers: { cookie: readerCookie },
    });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { json: { data: { code: 'not_admin' } } } });
  });
});

describe('large selections over HTTP', () => {
  it('a selection of 100,000 ticked users fits in one request', async () => {
    const ids = Array.from({ length: 100_000 }, () => randomUUID());
    const response = await post(
      'bulk.preview',
      { operation: { kind: 'deactivate' }, selection: { ids } },
      { cookie },
    );
    // Read and checked: these users do not exist (not refused as too large).
    expect(response.status).toBe(404);
    const body = await response.text();
    expect(body).toContain('user_not_found');
  });
});
