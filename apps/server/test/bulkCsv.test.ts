import { randomUUID } from 'node:crypto';
import { hashPassword } from '@roster/api';
import { roles, users } from '@roster/db';
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

describe('GET /api/bulk-operations/:id/results.csv', () => {
  it('lists every user with outcome, reason and sentence, with formula cells escaped', async () => {
    const [reader] = await server.testDb.db
      .select({ id: roles.id })
      .from(roles)
      .where(eq(roles.name, 'Reader'));
    const inserted = await server.testDb.db
      .insert(users)
      .values([
        { email: '=hyperlink@evil.test', status: 'active', roleId: reader?.id ?? '' },
        { email: 'plain@roster.test', status: 'deactivated', roleId: reader?.id ?? '' },
      ])
      .returning({ id: users.id });
    const operationId = randomUUID();
    const response = await post(
      'bulk.execute',
      { operationId, operation: { kind: 'deactivate' }, selection: { ids: inserted.map((u) => u.id) } },
      { cookie },
    );
    expect(response.status).toBe(200);

    const csv = await fetch(`${server.url}/api/bulk-operations/${operationId}/results.csv`, {
      headers: { cookie },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines).toEqual([
      'user_id,email,outcome,reason,sentence',
      `${inserted[0]?.id},'=hyperlink@evil.test,change,,`,
      `${inserted[1]?.id},plain@roster.test,skip,already_deactivated,Already deactivated.`,
    ]);
  });

  it('lists an import row by row, the cells as the file had them, with formula cells escaped', async () => {
    const operationId = randomUUID();
    const rows = [
      { line: 2, email: 'imp-csv@roster.test', firstName: 'Ada', lastName: '', role: '', copyAccessFrom: '' },
      {
        line: 3,
        email: '=HYPERLINK("http://evil.example")',
        firstName: '',
        lastName: '',
        role: '',
        copyAccessFrom: '',
      },
      { line: 4, email: '@SUM(1+1)', firstName: '', lastName: '', role: '', copyAccessFrom: '' },
    ];
    const file = { fileSha256: 'd'.repeat(64), fileName: 'people.csv', totalRows: rows.length };
    expect((await post('imports.preview', { operationId, file, rows }, { cookie })).status).toBe(200);
    expect((await post('imports.commit', { operationId, invite: false }, { cookie })).status).toBe(200);

    const csv = await fetch(`${server.url}/api/bulk-operations/${operationId}/results.csv`, {
      headers: { cookie },
    });
    expect(csv.status).toBe(200);
    const [header, created, ...refused] = (await csv.text()).trimEnd().split('\r\n');
    expect(header).toBe('user_id,email,outcome,reason,sentence');
    expect(created).toMatch(/^[0-9a-f-]{36},imp-csv@roster\.test,change,,$/);
    expect(refused).toEqual([
      expect.stringMatching(/^,"'=HYPERLINK\(""http:\/\/evil\.example""\)",blocked,invalid_email,/),
      expect.stringMatching(/^,'@SUM\(1\+1\),blocked,invalid_email,/),
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
      error: { json: { data: { domainCode: 'operation_not_found' } } },
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
    expect(await refused.json()).toMatchObject({ error: { json: { data: { domainCode: 'not_admin' } } } });
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
