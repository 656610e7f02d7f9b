import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, seedUsers } from '../src';
import { createTestDb, type TestDb } from '../src/testing';

let testDb: TestDb;
beforeAll(async () => {
  testDb = await createTestDb();
});
afterAll(() => testDb.close());

const count = async (query: ReturnType<typeof sql>) => {
  const [row] = await queryRows<{ n: number }>(testDb.db, query);
  return Number(row?.n);
};

describe('seedUsers', () => {
  it('creates exactly N users with valid, varied relations, and adds N more on a second run', async () => {
    await seedUsers(testDb.db, { users: 1_500, batchSize: 400 });
    expect(await count(sql`select count(*) as n from users`)).toBe(1_500);
    expect(await count(sql`select count(distinct email) as n from users`)).toBe(1_500);
    expect(await count(sql`select count(*) as n from users where email <> lower(trim(email))`)).toBe(0);

    const statuses = await queryRows<{ status: string; n: number }>(
      testDb.db,
      sql`select status, count(*)::int as n from users group by status`,
    );
    expect(statuses.map((s) => s.status).sort()).toEqual(['active', 'created', 'deactivated', 'invited']);
    expect(await count(sql`select count(distinct role_id) as n from users`)).toBeGreaterThanOrEqual(5);

    // Every invited user has exactly one pending invitation; nobody else has one.
    expect(
      await count(sql`select count(*) as n from users u where u.status = 'invited'
        and (select count(*) from invitations i where i.user_id = u.id and i.status = 'pending') <> 1`),
    ).toBe(0);
    expect(
      await count(
        sql`select count(*) as n from invitations i join users u on u.id = i.user_id where u.status <> 'invited'`,
      ),
    ).toBe(0);
    expect(await count(sql`select count(*) as n from invitations where expires_at < now()`)).toBeGreaterThan(
      0,
    );

    // Only active users have signed in; active users were activated.
    expect(
      await count(
        sql`select count(*) as n from users where last_login_at is not null and status <> 'active'`,
      ),
    ).toBe(0);
    expect(
      await count(sql`select count(*) as n from users where status = 'active' and activated_at is null`),
    ).toBe(0);

    // Related rows exist for most users and point at real rows (foreign keys would have refused otherwise).
    expect(await count(sql`select count(distinct user_id) as n from module_access`)).toBeGreaterThan(1_000);
    expect(await count(sql`select count(distinct user_id) as n from user_scopes`)).toBe(1_500);
    expect(await count(sql`select count(distinct user_id) as n from user_rights`)).toBeGreaterThan(100);
    expect(await count(sql`select count(distinct user_id) as n from functional_memberships`)).toBeGreaterThan(
      500,
    );
    expect(
      await count(
        sql`select count(*) as n from user_scopes s join org_units o on o.id = s.org_unit_id where o.kind = 'group'`,
      ),
    ).toBe(0);

    await seedUsers(testDb.db, { users: 500 });
    expect(await count(sql`select count(*) as n from users`)).toBe(2_000);
    expect(await count(sql`select count(distinct email) as n from users`)).toBe(2_000);
  });

  it('keeps ids time-ordered: later users have larger ids', async () => {
    const rows = await queryRows<{ ordered: boolean }>(
      testDb.db,
      sql`select bool_and(prev is null or prev < id) as ordered
          from (select id, lag(id) over (order by created_at, id) as prev from users) s`,
    );
    expect(rows[0]?.ordered).toBe(true);
  });
});
