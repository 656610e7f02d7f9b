import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, seedUsers } from '../src';
import { createTestDb, type TestDb } from '../src/testing';

let testDb: TestDb;
beforeAll(async () => {
  testDb = await createTestDb();
});
afterAll(() => testDb.close());

/** The search table's users as its rows lie on its pages (`ctid`), or in name order. */
const searchRows = async (order: 'stored' | 'name', ids?: readonly string[]) =>
  (
    await queryRows<{ id: string }>(
      testDb.db,
      sql`select user_id::text as id from user_search
        ${ids ? sql`where user_id::text = any(string_to_array(${ids.join(',')}, ','))` : sql``}
        order by ${order === 'stored' ? sql`ctid` : sql`last_name, first_name, user_id`}`,
    )
  ).map((r) => r.id);

describe('the search table (issue 18: the matches of a last name read on few pages)', () => {
  it("stores each statement's new users in name order, whatever order they were created in", async () => {
    // Two statements of 300 users each, created in random name order.
    await seedUsers(testDb.db, { users: 600, batchSize: 300 });
    const created = (
      await queryRows<{ id: string }>(testDb.db, sql`select id::text as id from users order by id`)
    ).map((r) => r.id);
    expect(created, 'the seed creates users out of name order').not.toEqual(await searchRows('name'));

    const stored = await searchRows('stored');
    expect(stored).toHaveLength(600);
    for (const statement of [created.slice(0, 300), created.slice(300)]) {
      // Each user's place in the statement's name order, taken in the order the rows are stored.
      const rank = new Map((await searchRows('name', statement)).map((id, i) => [id, i]));
      const ranks = stored.flatMap((id) => rank.get(id) ?? []);
      expect(ranks).toHaveLength(300);
      // Mostly in name order: a row that does not fit its page's end may fill a gap an earlier
      // page left (PostgreSQL's free space map), so a few stand out of line. Written in the order
      // created, about half the neighbours would be.
      const inOrder = ranks.slice(1).filter((r, i) => r > (ranks[i] ?? 0)).length;
      expect(inOrder / (ranks.length - 1), 'neighbours stored in name order').toBeGreaterThan(0.9);
    }
  });
});
