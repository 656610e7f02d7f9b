import {
  apiTokens,
  auditEvents,
  bulkOperationItems,
  bulkOperations,
  orgUnits,
  roles,
  sessions,
  userScopes,
  users,
} from '@roster/db';
import { signal } from '@roster/db/testing';
import {
  SCIM_ERROR_SCHEMA,
  SCIM_GROUP_SCHEMA,
  SCIM_LIMITS,
  SCIM_PATCH_SCHEMA,
  SCIM_USER_SCHEMA,
} from '@roster/domain';
import { eq, sql } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { SCIM_CONTENT_TYPE } from '../src/scimRoutes';
import { TEST_ADMIN } from '../src/testing';
import { useTestServer } from './useTestServer';

/** A conformance suite written from RFC 7643/7644 and the request sequences Okta and Entra ID document. */
const server = useTestServer();

let cookie = '';
let scimToken = '';
beforeEach(async () => {
  await server.reset();
  cookie = await signIn();
  scimToken = await createToken('Okta', 'scim');
});

async function signIn(): Promise<string> {
  const reply = await fetch(`${server.url}/trpc/auth.signIn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-roster-csrf': '1' },
    body: JSON.stringify({ json: { email: TEST_ADMIN.email, password: TEST_ADMIN.password } }),
  });
  return (reply.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

async function createToken(name: string, scope: 'api' | 'scim'): Promise<string> {
  const reply = await fetch(`${server.url}/trpc/tokens.create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-roster-csrf': '1', cookie },
    body: JSON.stringify({ json: { name, scope } }),
  });
  const body = (await reply.json()) as { result: { data: { json: { token: string } } } };
  return body.result.data.json.token;
}

/** What the tests read of SCIM answers (a resource, a list or an error). */
type Resource = {
  id: string;
  userName: string;
  active: boolean;
  name: { givenName: string; familyName: string };
  meta: { location: string; version: string };
  attributes: { name: string }[];
  [attribute: string]: unknown;
};
type Body = Resource & { Resources: Resource[]; totalResults: number };
type Reply = { status: number; headers: Headers; body: Body };

async function scim(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  token = scimToken,
): Promise<Reply> {
  const response = await fetch(`${server.url}/scim/v2${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': SCIM_CONTENT_TYPE }),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {} };
}

const newUser = (userName: string, extra: Record<string, unknown> = {}) => ({
  schemas: [SCIM_USER_SCHEMA],
  userName,
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  emails: [{ primary: true, value: userName, type: 'work' }],
  active: true,
  ...extra,
});

async function create(userName: string, extra: Record<string, unknown> = {}) {
  const reply = await scim('POST', '/Users', newUser(userName, extra));
  expect(reply.status).toBe(201);
  return reply.body as { id: string; meta: { version: string } };
}

const scimError = (status: number, scimType?: string) => ({
  schemas: [SCIM_ERROR_SCHEMA],
  status: String(status),
  ...(scimType ? { scimType } : {}),
  detail: expect.any(String),
});

describe('authorization (RFC 7644 §2)', () => {
  it('refuses no token, an api-scoped token, a revoked or unknown token with 401 and audits each refusal', async () => {
    const apiToken = await createToken('tool', 'api');
    expect((await scim('GET', '/Users', undefined, {}, '')).status).toBe(401);
    const wrongScope = await scim('GET', '/Users', undefined, {}, apiToken);
    expect(wrongScope.status).toBe(401);
    expect(wrongScope.body).toEqual(scimError(401));
    expect(wrongScope.headers.get('www-authenticate')).toContain('Bearer');
    expect((await scim('GET', '/Users', undefined, {}, 'rst_unknown')).status).toBe(401);
    await server.testDb.db.update(apiTokens).set({ revokedAt: new Date() }).where(eq(apiTokens.name, 'Okta'));
    expect((await scim('GET', '/Users')).status).toBe(401);
    const refused = await server.testDb.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'scim.refused'))
      .orderBy(auditEvents.id);
    // Why, and which stored token it was (by its name): never what was sent.
    expect(refused.map((r) => [r.userId, r.meta])).toEqual([
      [null, expect.objectContaining({ refusal: 'no_token', status: 401 })],
      [null, expect.objectContaining({ refusal: 'wrong_scope', tokenName: 'tool', status: 401 })],
      [null, expect.objectContaining({ refusal: 'unknown_token', status: 401 })],
      [null, expect.objectContaining({ refusal: 'revoked', tokenName: 'Okta', status: 401 })],
    ]);
    const stored = JSON.stringify(refused);
    for (const sent of [apiToken, scimToken, 'rst_unknown']) expect(stored).not.toContain(sent);
    expect(refused[2]?.meta).not.toHaveProperty('tokenName');
  });

  it('a scim token does not reach the typed API', async () => {
    const reply = await fetch(`${server.url}/trpc/auth.me`, {
      headers: { authorization: `Bearer ${scimToken}` },
    });
    const body = (await reply.json()) as { result: { data: { json: unknown } } };
    expect(body.result.data.json).toBeNull();
    const list = await fetch(
      `${server.url}/trpc/users.list?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`,
      {
        headers: { authorization: `Bearer ${scimToken}` },
      },
    );
    expect(list.status).toBe(401);
  });

  it('audits every request with the token name', async () => {
    await scim('GET', '/ServiceProviderConfig');
    await scim('GET', '/Users?filter=bad filter');
    const rows = await server.testDb.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'scim.request'));
    expect(rows.map((r) => r.meta)).toEqual([
      expect.objectContaining({
        tokenName: 'Okta',
        method: 'GET',
        path: '/scim/v2/ServiceProviderConfig',
        status: 200,
      }),
      expect.objectContaining({
        tokenName: 'Okta',
        path: '/scim/v2/Users',
        status: 400,
        scimType: 'invalidFilter',
      }),
    ]);
  });
});

describe('discovery (RFC 7644 §4)', () => {
  it('ServiceProviderConfig advertises patch, bulk limits, filter, sort, etag and the bearer scheme', async () => {
    const reply = await scim('GET', '/ServiceProviderConfig');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toContain(SCIM_CONTENT_TYPE);
    expect(reply.body).toMatchObject({
      patch: { supported: true },
      bulk: { supported: true, maxOperations: 1000, maxPayloadSize: 1048576 },
      filter: { supported: true, maxResults: 1000 },
      sort: { supported: true },
      etag: { supported: true },
      authenticationSchemes: [expect.objectContaining({ type: 'oauthbearertoken' })],
    });
  });

  it('ResourceTypes and Schemas describe the User and the Group', async () => {
    const types = await scim('GET', '/ResourceTypes');
    expect(types.body).toMatchObject({
      totalResults: 2,
      Resources: [
        { id: 'User', endpoint: '/Users', schema: SCIM_USER_SCHEMA },
        { id: 'Group', endpoint: '/Groups' },
      ],
    });
    expect((await scim('GET', '/ResourceTypes/User')).body).toMatchObject({ id: 'User' });
    expect((await scim('GET', '/ResourceTypes/Group')).body).toMatchObject({ id: 'Group' });
    const schemas = await scim('GET', '/Schemas');
    expect(schemas.body.Resources[0]?.id).toBe(SCIM_USER_SCHEMA);
    const names = schemas.body.Resources[0]?.attributes.map((a) => a.name);
    expect(names).toEqual(expect.arrayContaining(['userName', 'name', 'emails', 'active']));
    expect(schemas.body.Resources[1]?.attributes.map((a) => a.name)).toEqual(['displayName', 'members']);
    expect((await scim('GET', `/Schemas/${SCIM_USER_SCHEMA}`)).status).toBe(200);
    expect((await scim('GET', '/Schemas/urn:nothing')).status).toBe(404);
    expect((await scim('GET', '/Nothing')).body).toEqual(scimError(404));
  });
});

describe('users: create, read, replace, patch, deactivate (RFC 7644 §3.3–3.6)', () => {
  it('POST creates (201, Location, ETag), GET reads it back', async () => {
    const reply = await scim('POST', '/Users', newUser('Ada@Example.com'));
    expect(reply.status).toBe(201);
    expect(reply.headers.get('location')).toBe(`${reply.body.meta.location}`);
    expect(reply.headers.get('etag')).toBe('W/"1"');
    expect(reply.body).toMatchObject({
      schemas: [SCIM_USER_SCHEMA],
      userName: 'ada@example.com',
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      emails: [{ value: 'ada@example.com', type: 'work', primary: true }],
      active: true,
      meta: { resourceType: 'User', version: 'W/"1"' },
    });
    const read = await scim('GET', `/Users/${reply.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(reply.body);
    const [row] = await server.testDb.db.select().from(users).where(eq(users.email, 'ada@example.com'));
    expect(row?.status).toBe('created');
  });

  it('a taken userName is 409 uniqueness and writes nothing', async () => {
    await create('ada@example.com');
    const before = await server.testDb.db.$count(bulkOperations);
    const reply = await scim('POST', '/Users', newUser('ADA@example.com'));
    expect(reply.status).toBe(409);
    expect(reply.body).toEqual(scimError(409, 'uniqueness'));
    expect(await server.testDb.db.$count(bulkOperations)).toBe(before);
  });

  it('a resource without userName, or with a bad active, is 400 invalidValue', async () => {
    expect((await scim('POST', '/Users', { schemas: [SCIM_USER_SCHEMA] })).body).toEqual(
      scimError(400, 'invalidValue'),
    );
    expect((await scim('POST', '/Users', newUser('x@example.com', { active: 'maybe' }))).body).toEqual(
      scimError(400, 'invalidValue'),
    );
    expect((await scim('POST', '/Users', '{not json')).body).toEqual(scimError(400, 'invalidSyntax'));
  });

  it('an unknown id is 404 in the error shape', async () => {
    expect((await scim('GET', '/Users/00000000-0000-0000-0000-000000000000')).body).toEqual(scimError(404));
    expect((await scim('GET', '/Users/not-a-uuid')).status).toBe(404);
    expect(
      (await scim('PATCH', '/Users/not-a-uuid', { schemas: [SCIM_PATCH_SCHEMA], Operations: [] })).status,
    ).toBe(404);
  });

  it('PUT replaces the profile and bumps the version; If-Match with an old version is 412', async () => {
    const user = await create('ada@example.com');
    const put = await scim(
      'PUT',
      `/Users/${user.id}`,
      newUser('ada.king@example.com', { name: { givenName: 'Augusta', familyName: 'King' } }),
      {
        'if-match': 'W/"1"',
      },
    );
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      userName: 'ada.king@example.com',
      name: { givenName: 'Augusta', familyName: 'King' },
    });
    expect(put.headers.get('etag')).toBe('W/"2"');
    const stale = await scim('PUT', `/Users/${user.id}`, newUser('other@example.com'), {
      'if-match': 'W/"1"',
    });
    expect(stale.status).toBe(412);
    expect(stale.body).toEqual(scimError(412));
    const [row] = await server.testDb.db.select().from(users).where(eq(users.id, user.id));
    expect(row?.email).toBe('ada.king@example.com');
  });

  it('PUT onto another user’s e-mail is 409 uniqueness', async () => {
    await create('grace@example.com');
    const ada = await create('ada@example.com');
    expect((await scim('PUT', `/Users/${ada.id}`, newUser('grace@example.com'))).body).toEqual(
      scimError(409, 'uniqueness'),
    );
  });

  // Two connections at once: PostgreSQL's (the embedded database runs one transaction at a time).
  it.runIf(process.env.DATABASE_URL)(
    'PUT onto an e-mail another write takes meanwhile is 409 uniqueness, not a 500',
    async () => {
      const other = await create('other@example.com');
      const ada = await create('ada@example.com');
      const { fired: held, fire: release } = signal();
      const { fired: emailTaken, fire: taken } = signal();
      // Another write gives grace@ to someone else and commits only once the PUT has checked it free.
      const renaming = server.testDb.db.transaction(async (tx) => {
        await tx.update(users).set({ email: 'grace@example.com' }).where(eq(users.id, other.id));
        taken();
        await held;
      });
      await emailTaken;
      const put = scim('PUT', `/Users/${ada.id}`, newUser('grace@example.com'));
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      release();
      await renaming;
      const reply = await put;
      expect(reply.status).toBe(409);
      expect(reply.body).toEqual(scimError(409, 'uniqueness'));
      const [row] = await server.testDb.db.select().from(users).where(eq(users.id, ada.id));
      expect(row?.email).toBe('ada@example.com');
    },
  );

  it('a write the database keeps refusing for a moment (a deadlock each time) is 503 with Retry-After, writing nothing', async () => {
    await server.testDb.db.execute(sql`create function users_deadlock() returns trigger language plpgsql as $$
      begin raise exception 'deadlock detected' using errcode = '40P01'; end $$`);
    await server.testDb.db.execute(
      sql`create trigger users_deadlock before insert on users for each row execute function users_deadlock()`,
    );
    let reply: Reply;
    try {
      reply = await scim('POST', '/Users', newUser('stuck@example.com'));
    } finally {
      await server.testDb.db.execute(sql`drop trigger users_deadlock on users`);
      await server.testDb.db.execute(sql`drop function users_deadlock()`);
    }
    expect(reply.status).toBe(503);
    expect(reply.headers.get('retry-after')).toBe('2');
    expect(reply.body).toEqual(scimError(503));
    expect(await server.testDb.db.$count(users, eq(users.email, 'stuck@example.com'))).toBe(0);
    // Written once the database takes it again.
    expect((await scim('POST', '/Users', newUser('stuck@example.com'))).status).toBe(201);
  });

  it('DELETE deactivates (never deletes): 204, sessions and tokens revoked, audit written', async () => {
    const user = await create('ada@example.com');
    await server.testDb.db
      .update(users)
      .set({ status: 'active', activatedAt: new Date() })
      .where(eq(users.id, user.id));
    await server.testDb.db
      .insert(sessions)
      .values({ userId: user.id, tokenHash: 'h1', expiresAt: new Date(Date.now() + 86_400_000) });
    const reply = await scim('DELETE', `/Users/${user.id}`);
    expect(reply.status).toBe(204);
    const [row] = await server.testDb.db.select().from(users).where(eq(users.id, user.id));
    expect(row?.status).toBe('deactivated');
    const [session] = await server.testDb.db.select().from(sessions).where(eq(sessions.userId, user.id));
    expect(session?.revokedAt).not.toBeNull();
    const read = await scim('GET', `/Users/${user.id}`);
    expect(read.body.active).toBe(false);
  });

  it('the token owner cannot be deactivated through SCIM (400 mutability), nothing written', async () => {
    const [admin] = await server.testDb.db.select().from(users).where(eq(users.email, TEST_ADMIN.email));
    const reply = await scim('PATCH', `/Users/${admin?.id}`, {
      schemas: [SCIM_PATCH_SCHEMA],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    });
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual(scimError(400, 'mutability'));
    const [row] = await server.testDb.db.select().from(users).where(eq(users.email, TEST_ADMIN.email));
    expect(row?.status).toBe('active');
  });
});

describe('the sequences identity providers send', () => {
  it('Okta: filter by userName, POST, PATCH active false (no path), PATCH active true', async () => {
    // Okta checks whether the user exists first.
    const lookup = await scim(
      'GET',
      `/Users?filter=${encodeURIComponent('userName eq "ada@example.com"')}&startIndex=1&count=100`,
    );
    expect(lookup.body).toMatchObject({ totalResults: 0, Resources: [] });
    const user = await create('ada@example.com');
    const deactivate = await scim('PATCH', `/Users/${user.id}`, {
      schemas: [SCIM_PATCH_SCHEMA],
      Operations: [{ op: 'replace', value: { active: false } }],
    });
    expect(deactivate.status).toBe(200);
    expect(deactivate.body.active).toBe(false);
    const reactivate = await scim('PATCH', `/Users/${user.id}`, {
      schemas: [SCIM_PATCH_SCHEMA],
      Operations: [{ op: 'replace', value: { active: true } }],
    });
    expect(reactivate.body.active).toBe(true);
    // Never accepted an invitation: reactivation returns the user to `created` (the Reactivate rule).
    const [row] = await server.testDb.db.select().from(users).where(eq(users.id, user.id));
    expect(row?.status).toBe('created');
  });

  it('Entra ID: filter, POST, PATCH Replace active "False", emails[type eq "work"].value, then "True"', async () => {
    const lookup = await scim(
      'GET',
      `/Users?filter=${encodeURIComponent('userName eq "grace@example.com"')}`,
    );
    expect(lookup.body.totalResults).toBe(0);
    const user = await create('grace@example.com', {
      externalId: 'grace',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Research' },
    });
    const change = await scim('PATCH', `/Users/${user.id}`, {
      schemas: [SCIM_PATCH_SCHEMA],
      Operations: [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'grace.hopper@example.com' },
        { op: 'Replace', path: 'name.familyName', value: 'Hopper' },
      ],
    });
    expect(change.status).toBe(200);
    expect(change.body).toMatchObject({
      userName: 'ada@example.com'.replace('ada', 'grace'),
      name: { familyName: 'Hopper' },
    });
    const deactivate = await scim('PATCH', `/Users/${user.id}`, {
      schemas: [SCIM_PATCH_SCHEMA],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    expect(deactivate.body.active).toBe(false);
    const reactivate = await scim('PATCH', `/Users/${user.id}`, {
      schemas: [SCIM_PATCH_SCHEMA],
      Operations: [{ op: 'Replace', path: 'active', value: 'True' }],
    });
    expect(reactivate.body.active).toBe(true);
  });
});

describe('filters, paging, sorting, attributes (RFC 7644 §3.4.2)', () => {
  beforeEach(async () => {
    await create('ada@example.com', { name: { givenName: 'Ada', familyName: 'Lovelace' } });
    await create('grace@example.com', { name: { givenName: 'Grace', familyName: 'Hopper' } });
    await create('alan@example.org', { name: { givenName: 'Alan', familyName: 'Turing' }, active: false });
  });
  const ids = async (filter: string, extra = '') => {
    const reply = await scim('GET', `/Users?filter=${encodeURIComponent(filter)}${extra}`);
    expect(reply.status).toBe(200);
    return reply.body.Resources.map((r: { userName: string }) => r.userName).sort();
  };

  it.each([
    ['userName eq "ADA@example.com"', ['ada@example.com']],
    ['userName ne "ada@example.com"', ['admin@roster.test', 'alan@example.org', 'grace@example.com']],
    ['userName co "example.org"', ['alan@example.org']],
    ['userName sw "gra"', ['grace@example.com']],
    ['userName ew ".org"', ['alan@example.org']],
    ['name.familyName eq "hopper"', ['grace@example.com']],
    ['name.givenName sw "A" and active eq true', ['ada@example.com']],
    ['active eq false', ['alan@example.org']],
    ['name.familyName pr and not (userName co "example.com")', ['admin@roster.test', 'alan@example.org']],
    [
      'userName eq "ada@example.com" or userName eq "grace@example.com"',
      ['ada@example.com', 'grace@example.com'],
    ],
    ['emails[type eq "work" and value co "grace"]', ['grace@example.com']],
    ['emails.value eq "alan@example.org"', ['alan@example.org']],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName eq "ada@example.com"', ['ada@example.com']],
    [
      'meta.created gt "2000-01-01T00:00:00Z" and userName sw "a"',
      ['ada@example.com', 'admin@roster.test', 'alan@example.org'],
    ],
    ['meta.created lt "2000-01-01T00:00:00Z"', []],
    ['meta.lastModified ge "2000-01-01T00:00:00Z" and userName gt "g"', ['grace@example.com']],
    ['userName le "ada@example.com"', ['ada@example.com']],
    ['id eq "not-a-uuid"', []],
  ])('%s', async (filter, expected) => {
    expect(await ids(filter)).toEqual(expected);
  });

  it.each([
    'userName eq',
    'title eq "x"',
    'active gt true',
    'meta.created gt "yesterday"',
    // Dates PostgreSQL cannot read: year 0, and a year past 9999.
    'meta.created gt "0000-01-01T00:00:00Z"',
    'meta.lastModified lt "+010000-01-01T00:00:00Z"',
    'userName zz "x"',
    'addresses[type eq "work"]',
  ])('invalid filter %s is 400 invalidFilter', async (filter) => {
    const reply = await scim('GET', `/Users?filter=${encodeURIComponent(filter)}`);
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual(scimError(400, 'invalidFilter'));
  });

  it('pages with startIndex and count, sorted by userName; totalResults is exact', async () => {
    const first = await scim('GET', '/Users?sortBy=userName&startIndex=1&count=2');
    expect(first.body).toMatchObject({ totalResults: 4, startIndex: 1, itemsPerPage: 2 });
    expect(first.body.Resources.map((r: { userName: string }) => r.userName)).toEqual([
      'ada@example.com',
      'admin@roster.test',
    ]);
    const second = await scim('GET', '/Users?sortBy=userName&startIndex=3&count=2');
    expect(second.body.Resources.map((r: { userName: string }) => r.userName)).toEqual([
      'alan@example.org',
      'grace@example.com',
    ]);
    const descending = await scim('GET', '/Users?sortBy=userName&sortOrder=descending&count=1');
    expect(descending.body.Resources[0]?.userName).toBe('grace@example.com');
    const none = await scim('GET', '/Users?count=0');
    expect(none.body).toMatchObject({ totalResults: 4, itemsPerPage: 0, Resources: [] });
    const filtered = await scim(
      'GET',
      `/Users?filter=${encodeURIComponent('userName co "example"')}&count=1`,
    );
    expect(filtered.body).toMatchObject({ totalResults: 3, itemsPerPage: 1 });
  });

  it('attributes and excludedAttributes choose what is returned (id, schemas, meta always)', async () => {
    const only = await scim(
      'GET',
      `/Users?filter=${encodeURIComponent('userName eq "ada@example.com"')}&attributes=userName`,
    );
    expect(Object.keys(only.body.Resources[0] ?? {}).sort()).toEqual(['id', 'meta', 'schemas', 'userName']);
    const without = await scim(
      'GET',
      `/Users?filter=${encodeURIComponent('userName eq "ada@example.com"')}&excludedAttributes=emails,name`,
    );
    expect(without.body.Resources[0]).not.toHaveProperty('emails');
    expect(without.body.Resources[0]).not.toHaveProperty('name');
    expect(without.body.Resources[0]).toHaveProperty('userName');
  });

  it.each([
    '/Users?filter=a&filter=b',
    '/Users?sortOrder=ascending&sortOrder=descending',
    '/Users?startIndex=1&startIndex=2',
    `/Users/${crypto.randomUUID()}?attributes=userName&attributes=emails`,
    '/Groups?attributes=members&attributes=displayName',
  ])('a query parameter given twice is 400 invalidValue: %s', async (path) => {
    const reply = await scim('GET', path);
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual(scimError(400, 'invalidValue'));
  });

  it('a start past any page is an empty page, however large', async () => {
    for (const startIndex of ['10000000000000000000', '99999999999999999999999999']) {
      const reply = await scim('GET', `/Users?startIndex=${startIndex}&count=2`);
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ totalResults: 4, itemsPerPage: 0, Resources: [] });
    }
  });
});

describe('every write is an operation with results and audit', () => {
  it('create, patch and delete each record a scim operation, a result per user and an audit event with the token name', async () => {
    const user = await create('ada@example.com');
    await scim('PATCH', `/Users/${user.id}`, {
      schemas: [SCIM_PATCH_SCHEMA],
      Operations: [{ op: 'replace', path: 'name.givenName', value: 'Augusta' }],
    });
    await scim('DELETE', `/Users/${user.id}`);
    // Single writes of one token within a minute are one operation, with one result per user.
    const operations = await server.testDb.db
      .select()
      .from(bulkOperations)
      .where(eq(bulkOperations.kind, 'scim'))
      .orderBy(bulkOperations.createdAt);
    expect(operations.map((o) => [o.status, o.changed])).toEqual(
      operations.length === 1
        ? [['succeeded', 1]]
        : // The writes fell on both sides of a minute's end.
          operations.map(() => ['succeeded', 1]),
    );
    const items = await server.testDb.db
      .select()
      .from(bulkOperationItems)
      .where(sql`${bulkOperationItems.operationId} in (select id from bulk_operations where kind = 'scim')`);
    expect(items.map((i) => i.outcome)).toEqual(operations.map(() => 'change'));
    const audit = await server.testDb.db
      .select()
      .from(auditEvents)
      .where(sql`${auditEvents.action} like 'scim.%' and ${auditEvents.userId} = ${user.id}`);
    expect(audit.map((a) => a.action).sort()).toEqual(['scim.create', 'scim.update', 'scim.update']);
    for (const event of audit) expect(event.meta).toMatchObject({ tokenName: 'Okta' });
    const deactivation = audit.find((a) => (a.after as { status?: string } | null)?.status === 'deactivated');
    expect(deactivation?.before).toMatchObject({ status: 'created' });
    // Operations lists them, as bulk.list does for any kind.
    const list = await fetch(
      `${server.url}/trpc/bulk.list?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`,
      { headers: { cookie } },
    );
    const listed = (await list.json()) as { result: { data: { json: { items: { kind: string }[] } } } };
    expect(listed.result.data.json.items.filter((o) => o.kind === 'scim')).toHaveLength(operations.length);
  });

  it('a refused write records nothing but the request', async () => {
    await create('ada@example.com');
    const operations = await server.testDb.db.$count(bulkOperations);
    const audit = await server.testDb.db.$count(
      auditEvents,
      sql`${auditEvents.action} in ('scim.create', 'scim.update')`,
    );
    await scim('POST', '/Users', newUser('ada@example.com'));
    expect(await server.testDb.db.$count(bulkOperations)).toBe(operations);
    expect(
      await server.testDb.db.$count(
        auditEvents,
        sql`${auditEvents.action} in ('scim.create', 'scim.update')`,
      ),
    ).toBe(audit);
  });
});

const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
type BulkAnswer = {
  method: string;
  bulkId?: string;
  status: string;
  location?: string;
  response?: { scimType?: string };
};
const bulkOperationsOf = (reply: Reply) => (reply.body as unknown as { Operations: BulkAnswer[] }).Operations;

describe('/Bulk (RFC 7644 §3.7)', () => {
  it('creates users, resolves bulkId references in later paths, and is one operation', async () => {
    const reply = await scim('POST', '/Bulk', {
      schemas: [BULK_REQUEST],
      Operations: [
        {
          method: 'PATCH',
          path: '/Users/bulkId:ada',
          data: {
            schemas: [SCIM_PATCH_SCHEMA],
            Operations: [{ op: 'replace', path: 'active', value: false }],
          },
        },
        { method: 'POST', path: '/Users', bulkId: 'ada', data: newUser('ada@example.com') },
        { method: 'POST', path: '/Users', bulkId: 'grace', data: newUser('grace@example.com') },
        {
          method: 'PATCH',
          path: '/Users/bulkId:grace',
          data: {
            schemas: [SCIM_PATCH_SCHEMA],
            Operations: [{ op: 'replace', path: 'name.givenName', value: 'Grace' }],
          },
        },
        {
          method: 'PATCH',
          path: '/Users/bulkId:grace',
          data: {
            schemas: [SCIM_PATCH_SCHEMA],
            Operations: [{ op: 'replace', path: 'name.familyName', value: 'Hopper' }],
          },
        },
        { method: 'DELETE', path: '/Users/bulkId:nobody' },
      ],
    });
    expect(reply.status).toBe(200);
    const answers = bulkOperationsOf(reply);
    expect(answers.map((a) => [a.method, a.status])).toEqual([
      ['PATCH', '200'],
      ['POST', '201'],
      ['POST', '201'],
      ['PATCH', '200'],
      ['PATCH', '200'],
      ['DELETE', '400'],
    ]);
    expect(answers[1]?.location).toMatch(/\/scim\/v2\/Users\/[0-9a-f-]{36}$/);
    const [ada] = await server.testDb.db.select().from(users).where(eq(users.email, 'ada@example.com'));
    expect(ada?.status).toBe('deactivated');
    const [grace] = await server.testDb.db.select().from(users).where(eq(users.email, 'grace@example.com'));
    expect([grace?.firstName, grace?.lastName]).toEqual(['Grace', 'Hopper']);
    const operations = await server.testDb.db
      .select()
      .from(bulkOperations)
      .where(eq(bulkOperations.kind, 'scim'));
    expect(operations).toHaveLength(1);
    // One result per user (each user's writes build on its creation), and one per refused write.
    expect(operations[0]).toMatchObject({ total: 3, changed: 2, failed: 1, status: 'completed_with_skips' });
  });

  it('failOnErrors stops after that many errors: later operations are neither written nor answered', async () => {
    await create('taken@example.com');
    const reply = await scim('POST', '/Bulk', {
      schemas: [BULK_REQUEST],
      failOnErrors: 1,
      Operations: [
        { method: 'POST', path: '/Users', bulkId: 'a', data: newUser('a@example.com') },
        { method: 'POST', path: '/Users', bulkId: 'b', data: newUser('taken@example.com') },
        { method: 'POST', path: '/Users', bulkId: 'c', data: newUser('c@example.com') },
      ],
    });
    expect(bulkOperationsOf(reply).map((a) => a.status)).toEqual(['201', '409']);
    expect(bulkOperationsOf(reply)[1]?.response?.scimType).toBe('uniqueness');
    expect(await server.testDb.db.$count(users, eq(users.email, 'a@example.com'))).toBe(1);
    expect(await server.testDb.db.$count(users, eq(users.email, 'c@example.com'))).toBe(0);
  });

  it('an operation refused for a path PostgreSQL cannot store is answered and recorded; the others still run', async () => {
    for (const path of ['/Users/\u0000', '/Users/\ud800']) {
      const email = `after-${path.length}-${crypto.randomUUID().slice(0, 8)}@example.com`;
      const reply = await scim('POST', '/Bulk', {
        schemas: [BULK_REQUEST],
        Operations: [
          { method: 'DELETE', path },
          { method: 'POST', path: '/Users', bulkId: 'next', data: newUser(email) },
        ],
      });
      expect(reply.status).toBe(200);
      expect(bulkOperationsOf(reply).map((a) => a.status)).toEqual(['404', '201']);
      expect(await server.testDb.db.$count(users, eq(users.email, email))).toBe(1);
    }
  });

  it('more operations than maxOperations, or a body over maxPayloadSize, is 413 and writes nothing', async () => {
    const tooMany = await scim('POST', '/Bulk', {
      schemas: [BULK_REQUEST],
      Operations: Array.from({ length: SCIM_LIMITS.bulkMaxOperations + 1 }, (_, i) => ({
        method: 'POST',
        path: '/Users',
        bulkId: `u${i}`,
        data: { userName: `u${i}@example.com` },
      })),
    });
    expect(tooMany.status).toBe(413);
    expect(tooMany.body).toEqual(scimError(413));
    const tooLarge = await scim('POST', '/Bulk', {
      schemas: [BULK_REQUEST],
      Operations: [
        {
          method: 'POST',
          path: '/Users',
          bulkId: 'x',
          data: newUser('x@example.com', { padding: 'x'.repeat(SCIM_LIMITS.bulkMaxPayloadSize) }),
        },
      ],
    });
    expect(tooLarge.status).toBe(413);
    expect(await server.testDb.db.$count(bulkOperations)).toBe(0);
    expect(await server.testDb.db.$count(users)).toBe(1);
  });
});

describe('Admin › Provisioning', () => {
  it('shows the endpoint URL, the SCIM tokens and the last requests with their outcome, newest first', async () => {
    await scim('GET', '/ServiceProviderConfig');
    await create('ada@example.com');
    await scim('POST', '/Users', newUser('ada@example.com'));
    await scim('GET', '/Users', undefined, {}, 'rst_not_a_token');
    const reply = await fetch(`${server.url}/trpc/provisioning.overview`, { headers: { cookie } });
    const body = (await reply.json()) as {
      result: {
        data: {
          json: {
            endpointUrl: string;
            tokens: { name: string; mine: boolean }[];
            requests: {
              method: string;
              path: string;
              status: number;
              scimType?: string;
              tokenName?: string;
              refusal?: string;
              operationId: string | null;
            }[];
          };
        };
      };
    };
    const overview = body.result.data.json;
    expect(overview.endpointUrl).toBe('http://127.0.0.1/scim/v2');
    expect(overview.tokens).toEqual([expect.objectContaining({ name: 'Okta', mine: true })]);
    expect(
      overview.requests.map((r) => [r.method, r.path, r.status, r.scimType ?? r.refusal, r.tokenName]),
    ).toEqual([
      ['GET', '/scim/v2/Users', 401, 'unknown_token', undefined],
      ['POST', '/scim/v2/Users', 409, 'uniqueness', 'Okta'],
      ['POST', '/scim/v2/Users', 201, undefined, 'Okta'],
      ['GET', '/scim/v2/ServiceProviderConfig', 200, undefined, 'Okta'],
    ]);
    expect(overview.requests[2]?.operationId).toEqual(expect.any(String));
    expect(JSON.stringify(overview)).not.toContain('rst_not_a_token');
    // An API token of the typed API does not reach it either way round: provisioning is for administrators.
    const anonymous = await fetch(`${server.url}/trpc/provisioning.overview`);
    expect(anonymous.status).toBe(401);
  });
});

describe("Groups: Roster's roles (one per user)", () => {
  const roleId = async (name: string) => {
    const [role] = await server.testDb.db.select().from(roles).where(eq(roles.name, name));
    if (!role) throw new Error(`No role ${name}`);
    return role.id;
  };
  const roleOf = async (id: string) => {
    const [row] = await server.testDb.db.select().from(users).where(eq(users.id, id));
    return row?.roleId;
  };

  it('lists roles as groups, finds one by displayName, and refuses other filters', async () => {
    const all = await scim('GET', '/Groups');
    expect(all.body.totalResults).toBeGreaterThanOrEqual(6);
    const found = await scim('GET', `/Groups?filter=${encodeURIComponent('displayName eq "Contributor"')}`);
    expect(found.body.Resources.map((g) => g.displayName)).toEqual(['Contributor']);
    expect((await scim('GET', `/Groups?filter=${encodeURIComponent('members pr')}`)).body).toEqual(
      scimError(400, 'invalidFilter'),
    );
  });

  it('PATCH add members gives them the role; remove gives them Reader back; GET shows the members; recorded as operations', async () => {
    const contributor = await roleId('Contributor');
    const reader = await roleId('Reader');
    const ada = await create('ada@example.com');
    const grace = await create('grace@example.com');
    const added = await scim('PATCH', `/Groups/${contributor}`, {
      schemas: [SCIM_PATCH_SCHEMA],
      Operations: [{ op: 'add', path: 'members', value: [{ value: ada.id }, { value: grace.id }] }],
    });
    expect(added.status).toBe(200);
    expect(await roleOf(ada.id)).toBe(contributor);
    const group = await scim('GET', `/Groups/${contributor}`);
    expect((group.body.members as { value: string }[]).map((m) => m.value).sort()).toEqual(
      [ada.id, grace.id].sort(),
    );
    // Entra ID's form of removal.
    const removed = await scim('PATCH', `/Groups/${contributor}`, {
      schemas: [SCIM_PATCH_SCHEMA],
      Operations: [{ op: 'Remove', path: `members[value eq "${ada.id}"]` }],
    });
    expect(removed.status).toBe(200);
    expect(await roleOf(ada.id)).toBe(reader);
    expect(await roleOf(grace.id)).toBe(contributor);
    const audit = await server.testDb.db
      .select()
      .from(auditEvents)
      .where(sql`${auditEvents.userId} = ${ada.id} and ${auditEvents.action} = 'scim.update'`);
    expect(audit.map((a) => a.after)).toEqual([{ roleId: contributor }, { roleId: reader }]);
    // Recorded with the token's other single writes of the minute: one result per user moved.
    const moved = await server.testDb.db
      .select()
      .from(bulkOperationItems)
      .where(eq(bulkOperationItems.userId, ada.id));
    expect(moved.length).toBeGreaterThanOrEqual(1);
    expect(moved.every((item) => item.outcome === 'change')).toBe(true);
  });

  it('PUT with members, and PATCH replace of members, replace them as a whole: the others go back to Reader', async () => {
    const contributor = await roleId('Contributor');
    const reader = await roleId('Reader');
    const [ada, grace, alan] = [
      await create('ada@example.com'),
      await create('grace@example.com'),
      await create('alan@example.com'),
    ];
    await scim('PATCH', `/Groups/${contributor}`, {
      schemas: [SCIM_PATCH_SCHEMA],
      Operations: [{ op: 'add', path: 'members', value: [{ value: ada.id }, { value: grace.id }] }],
    });
    const put = await scim('PUT', `/Groups/${contributor}`, {
      schemas: [SCIM_GROUP_SCHEMA],
      displayName: 'Contributor',
      members: [{ value: grace.id }, { value: alan.id }],
    });
    expect(put.status).toBe(200);
    expect([await roleOf(ada.id), await roleOf(grace.id), await roleOf(alan.id)]).toEqual([
      reader,
      contributor,
      contributor,
    ]);
    // Entra ID's and Okta's form: replace with a path, and with none.
    const replaced = await scim('PATCH', `/Groups/${contributor}`, {
      schemas: [SCIM_PATCH_SCHEMA],
      Operations: [{ op: 'replace', path: 'members', value: [{ value: ada.id }] }],
    });
    expect(replaced.status).toBe(200);
    expect([await roleOf(ada.id), await roleOf(grace.id), await roleOf(alan.id)]).toEqual([
      contributor,
      reader,
      reader,
    ]);
    expect(
      (
        await scim('PATCH', `/Groups/${contributor}`, {
          schemas: [SCIM_PATCH_SCHEMA],
          Operations: [{ op: 'replace', value: { members: [] } }],
        })
      ).status,
    ).toBe(200);
    expect(await roleOf(ada.id)).toBe(reader);
    const audit = await server.testDb.db
      .select()
      .from(auditEvents)
      .where(sql`${auditEvents.userId} = ${ada.id} and ${auditEvents.action} = 'scim.update'`);
    expect(audit.map((a) => a.after)).toEqual([
      { roleId: contributor },
      { roleId: reader },
      { roleId: contributor },
      { roleId: reader },
    ]);
    // Refused, writing nothing: a new name, and the default role replaced (its members have nowhere to go).
    await scim('PATCH', `/Groups/${contributor}`, {
      schemas: [SCIM_PATCH_SCHEMA],
      Operations: [{ op: 'add', path: 'members', value: [{ value: grace.id }] }],
    });
    const renamed = await scim('PUT', `/Groups/${contributor}`, {
      schemas: [SCIM_GROUP_SCHEMA],
      displayName: 'Writers',
      members: [],
    });
    expect(renamed.body).toEqual(scimError(400, 'mutability'));
    const defaultReplaced = await scim('PUT', `/Groups/${reader}`, {
      schemas: [SCIM_GROUP_SCHEMA],
      displayName: 'Reader',
      members: [{ value: grace.id }],
    });
    expect(defaultReplaced.body).toEqual(scimError(400, 'mutability'));
    expect([await roleOf(ada.id), await roleOf(grace.id)]).toEqual([reader, contributor]);
  });

  it('a group of more than 1,000 members is read with its members excluded; asked for, they are 400 tooMany', async () => {
    const contributor = await roleId('Contributor');
    await server.testDb.db.insert(users).values(
      Array.from({ length: SCIM_LIMITS.maxResults + 1 }, (_, i) => ({
        email: `member${i}@example.com`,
        firstName: 'Member',
        lastName: String(i),
        status: 'created' as const,
        roleId: contributor,
      })),
    );
    expect((await scim('GET', `/Groups/${contributor}`)).body).toEqual(scimError(400, 'tooMany'));
    const excluded = await scim('GET', `/Groups/${contributor}?excludedAttributes=members`);
    expect(excluded.status).toBe(200);
    expect(excluded.body).toMatchObject({ id: contributor, displayName: 'Contributor' });
    expect(excluded.body).not.toHaveProperty('members');
    const listed = await scim('GET', `/Groups?filter=${encodeURIComponent('displayName eq "Contributor"')}`);
    expect(listed.status).toBe(200);
    expect(listed.body.Resources[0]).not.toHaveProperty('members');
    expect((await scim('GET', '/Groups?attributes=members')).body).toEqual(scimError(400, 'tooMany'));
  });

  it('the Administrator role is neither given nor taken through SCIM; groups are not created, renamed or deleted here', async () => {
    const administrator = await roleId('Administrator');
    const ada = await create('ada@example.com');
    const give = await scim('PATCH', `/Groups/${administrator}`, {
      schemas: [SCIM_PATCH_SCHEMA],
      Operations: [{ op: 'add', path: 'members', value: [{ value: ada.id }] }],
    });
    expect(give.body).toEqual(scimError(400, 'mutability'));
    expect(await roleOf(ada.id)).not.toBe(administrator);
    const rename = await scim('PATCH', `/Groups/${administrator}`, {
      schemas: [SCIM_PATCH_SCHEMA],
      Operations: [{ op: 'replace', value: { displayName: 'Gods' } }],
    });
    expect(rename.body).toEqual(scimError(400, 'mutability'));
    expect((await scim('POST', '/Groups', { displayName: 'New' })).body).toEqual(
      scimError(400, 'mutability'),
    );
    expect((await scim('DELETE', `/Groups/${administrator}`)).body).toEqual(scimError(400, 'mutability'));
  });
});

describe('the enterprise extension', () => {
  it('adds the organisation units named by organization and department to the scope, where they exist', async () => {
    const [research] = await server.testDb.db
      .insert(orgUnits)
      .values({ name: 'Research', kind: 'department' })
      .returning({ id: orgUnits.id });
    const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
    const user = await create('ada@example.com', {
      [enterprise]: { organization: 'Nowhere Inc', department: 'research' },
    });
    const scope = await server.testDb.db.select().from(userScopes).where(eq(userScopes.userId, user.id));
    expect(scope.map((s) => s.orgUnitId)).toEqual([research?.id]);
    const [event] = await server.testDb.db
      .select()
      .from(auditEvents)
      .where(sql`${auditEvents.userId} = ${user.id} and ${auditEvents.action} = 'scim.scope'`);
    expect(event?.after).toEqual({ scopeAdded: [research?.id] });
    // Entra ID's PATCH of the department: the same unit is not added twice.
    const again = await scim('PATCH', `/Users/${user.id}`, {
      schemas: [SCIM_PATCH_SCHEMA],
      Operations: [{ op: 'Add', path: `${enterprise}:department`, value: 'Research' }],
    });
    expect(again.status).toBe(200);
    expect(await server.testDb.db.$count(userScopes, eq(userScopes.userId, user.id))).toBe(1);
  });
});

describe('externalId', () => {
  it('is kept, returned, found by eq (as given), changed by PATCH and removed by PUT with null', async () => {
    const user = await create('ada@example.com', { externalId: 'Ext-42' });
    expect((await scim('GET', `/Users/${user.id}`)).body.externalId).toBe('Ext-42');
    const found = await scim('GET', `/Users?filter=${encodeURIComponent('externalId eq "Ext-42"')}`);
    expect(found.body.Resources.map((r) => r.id)).toEqual([user.id]);
    expect(
      (await scim('GET', `/Users?filter=${encodeURIComponent('externalId eq "ext-42"')}`)).body.totalResults,
    ).toBe(0);
    expect((await scim('GET', `/Users?filter=${encodeURIComponent('externalId co "4"')}`)).body).toEqual(
      scimError(400, 'invalidFilter'),
    );
    await scim('PATCH', `/Users/${user.id}`, {
      schemas: [SCIM_PATCH_SCHEMA],
      Operations: [{ op: 'replace', path: 'externalId', value: 'Ext-43' }],
    });
    expect((await scim('GET', `/Users/${user.id}`)).body.externalId).toBe('Ext-43');
    const put = await scim('PUT', `/Users/${user.id}`, newUser('ada@example.com', { externalId: null }));
    expect(put.body).not.toHaveProperty('externalId');
  });
});
