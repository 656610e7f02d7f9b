import { seedUsers } from '@roster/db';
import { createTestDb, type TestDb } from '@roster/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXACT_TOTAL_UP_TO } from '../src/users/listUsers';
import { newAdmin } from './userFixtures';

let testDb: TestDb;
beforeAll(async () => {
  testDb = await createTestDb();
});
afterAll(() => testDb.close());

describe('users.list totals', () => {
  it(`are exact up to ${EXACT_TOTAL_UP_TO} users, estimated beyond; users.count is always exact`, async () => {
    const { caller } = await newAdmin(testDb.db);
    await seedUsers(testDb.db, { users: EXACT_TOTAL_UP_TO + 300, batchSize: 1_000 });
    const all = EXACT_TOTAL_UP_TO + 301;

    const page = await caller.users.list({ limit: 10 });
    expect(page.totalExact).toBe(false);
    expect(page.total).toBeGreaterThan(EXACT_TOTAL_UP_TO);
    expect((await caller.users.count({})).total).toBe(all);

    // A narrower filter is counted exactly, and agrees with users.count.
    const invited = await caller.users.list({ filter: { status: ['invited'] }, limit: 10 });
    expect(invited.totalExact).toBe(true);
    expect(invited.total).toBe((await caller.users.count({ filter: { status: ['invited'] } })).total);

    // Later pages carry the first page's total and its exactness.
    const next = await caller.users.list({ limit: 10, cursor: page.nextCursor ?? undefined });
    expect(next.total).toBe(page.total);
    expect(next.totalExact).toBe(false);
  });

  it('refuses a cursor made for another filter', async () => {
    const { caller } = await newAdmin(testDb.db);
    const page = await caller.users.list({ filter: { status: ['active'] }, limit: 5 });
    expect(page.nextCursor).not.toBeNull();
    await expect(
      caller.users.list({ filter: { status: ['created'] }, limit: 5, cursor: page.nextCursor ?? undefined }),
    ).rejects.toMatchObject({ cause: { code: 'invalid_cursor' } });
  });
});
