import { queryRows, searchDocumentOf, seedUsers } from '@roster/db';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { searchSample } from '../src/users/listUsers';
import { useHarness } from './harness';

const h = useHarness({ reset: false });

describe("a search's sample (how many users a term has, told before its matches are read)", () => {
  it('predicts a last name about right, though the search table stores its users together', async () => {
    // One statement: the search table stores these users in name order (migration 0032), `users` in
    // the order they came, names at random.
    await seedUsers(h.db, { users: 20_000, batchSize: 20_000 });
    // The sample makes each user's document from `users`: the very text the search table holds.
    const [differing] = await queryRows<{ n: number }>(
      h.db,
      sql`select count(*)::int as n from users u join user_search s on s.user_id = u.id
        where ${searchDocumentOf({ firstName: sql`u.first_name`, lastName: sql`u.last_name`, email: sql`u.email` })} is distinct from s.document`,
    );
    expect(differing?.n).toBe(0);
    const names = await queryRows<{ term: string; users: number }>(
      h.db,
      sql`select lower(last_name) as term, count(*)::int as users from users group by 1 having count(*) >= 200`,
    );
    expect(names.length, 'last names of 200 users or more').toBeGreaterThan(20);
    const errors: number[] = [];
    for (const { term } of names) {
      const [actual] = await queryRows<{ n: number }>(
        h.db,
        sql`select count(*)::int as n from user_search where document like ${`%${term}%`}`,
      );
      const [sampled] = await queryRows<{ predicted: number }>(h.db, searchSample(term, 25));
      const truth = actual?.n ?? 0;
      errors.push(Math.abs((sampled?.predicted ?? 0) - truth) / truth);
    }
    errors.sort((a, b) => a - b);
    // The search table's blocks (before): half the names off by more than a third, some predicted at
    // 0 (a name in no sampled block). The users' blocks: off by a tenth or so, none at 0.
    expect(errors[Math.floor(errors.length / 2)], 'the median error').toBeLessThan(0.2);
    expect(errors.at(-1), 'the largest error (1: a name predicted at 0)').toBeLessThan(1);
  });
});
