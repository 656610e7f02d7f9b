import { seedUsers, users } from '@roster/db';
import { USER_SORT_FIELDS } from '@roster/domain';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useHarness } from './harness';
import { compareAsc, walkPages } from './userFixtures';

const h = useHarness();

const SEEDED = 600;

async function allUserIds(): Promise<string[]> {
  return (await h.db.select({ id: users.id }).from(users)).map((r) => r.id);
}

/** Ids that occur more than once. */
function duplicates(ids: string[]): string[] {
  const seen = new Set<string>();
  const repeated: string[] = [];
  for (const id of ids) {
    if (seen.has(id)) repeated.push(id);
    seen.add(id);
  }
  return repeated;
}

describe('users.list cursor walks', () => {
  it(`walks ${SEEDED} seeded users by name in pages of 50 while users are added before and after the position`, async () => {
    await seedUsers(h.db, { users: SEEDED });
    const { caller } = await h.signedIn('Administrator', { signIn: false });
    const initial = await allUserIds();
    expect(initial).toHaveLength(SEEDED + 1);
    const readerId = h.roleId('Reader');

    let sequence = 0;
    const insert = async (firstName: string, lastName: string) => {
      sequence += 1;
      const [row] = await h.db
        .insert(users)
        .values({ email: `late.${sequence}@roster.test`, firstName, lastName, roleId: readerId })
        .returning({ id: users.id });
      if (!row) throw new Error('not inserted');
      return row.id;
    };
    const addedBefore: string[] = [];
    const addedAfter: string[] = [];

    const { pages, totals, complete } = await walkPages(
      caller,
      { sort: { field: 'name', direction: 'asc' }, limit: 50 },
      async (_, items) => {
        const last = items.at(-1);
        if (!last) throw new Error('empty page with a next cursor');
        // Far before the position, and just before it (same last name, a smaller first name).
        addedBefore.push(await insert('Zed', 'Aardvark'));
        addedBefore.push(await insert(last.firstName.slice(0, -1), last.lastName));
        // Just after it (same names, a newer and so larger id), and far after it.
        addedAfter.push(await insert(last.firstName, last.lastName));
        addedAfter.push(await insert('Zed', 'Zzyzx'));
      },
    );

    expect(complete, 'the walk ends').toBe(true);
    const walked = pages.flat().map((u) => u.id);
    expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(initial.length / 50));
    expect(duplicates(walked), 'no user appears twice').toEqual([]);
    const walkedSet = new Set(walked);
    expect(
      initial.filter((id) => !walkedSet.has(id)),
      'every user that existed at the start appears',
    ).toEqual([]);
    expect(
      addedAfter.filter((id) => !walkedSet.has(id)),
      'users added after the position appear',
    ).toEqual([]);
    expect(
      addedBefore.filter((id) => walkedSet.has(id)),
      'users added before the position do not',
    ).toEqual([]);
    expect(walked).toHaveLength(initial.length + addedAfter.length);
    // The total is the first page's count, carried by the cursor.
    expect(totals).toEqual(pages.map(() => initial.length));
    // And the walk is in order.
    const rows = pages.flat();
    const unordered = rows.slice(1).filter((row, i) => {
      const previous = rows[i];
      return previous ? compareAsc('name', previous, row) >= 0 : false;
    });
    expect(unordered.map((u) => `${u.lastName}, ${u.firstName}`)).toEqual([]);
  });

  it(`walks ${SEEDED} seeded users in every sort and direction with no gap and no duplicate`, async () => {
    await seedUsers(h.db, { users: SEEDED });
    const { caller } = await h.signedIn('Administrator', { signIn: false });
    const initial = new Set(await allUserIds());
    const failures: string[] = [];
    for (const field of USER_SORT_FIELDS) {
      for (const direction of ['asc', 'desc'] as const) {
        const { pages, totals, complete } = await walkPages(
          caller,
          { sort: { field, direction }, limit: 97 },
          undefined,
          50,
        );
        const rows = pages.flat();
        const ids = rows.map((r) => r.id);
        const dupes = duplicates(ids);
        const missing = [...initial].filter((id) => !ids.includes(id));
        const unordered = rows.slice(1).filter((row, i) => {
          const previous = rows[i];
          if (!previous) return false;
          // Seeded sign-in times carry microseconds a JS Date drops: same millisecond, order unknown here.
          const sameMillisecond =
            field === 'lastLogin' &&
            previous.id !== row.id &&
            previous.lastLoginAt?.getTime() === row.lastLoginAt?.getTime();
          if (sameMillisecond) return false;
          const c = compareAsc(field, previous, row);
          return direction === 'asc' ? c >= 0 : c <= 0;
        });
        const badTotals = totals.filter((t) => t !== initial.size);
        if (!complete || dupes.length || missing.length || unordered.length || badTotals.length) {
          failures.push(
            `${field} ${direction}: ${complete ? 'ended' : 'did not end'}, ${dupes.length} duplicates, ${missing.length} missing, ${unordered.length} out of order, totals ${[...new Set(totals)].join('/')}`,
          );
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('pages through sign-in times that differ only in microseconds', async () => {
    const {
      caller,
      user: { id: adminId },
    } = await h.signedIn('Administrator', { signIn: false });
    const readerId = h.roleId('Reader');
    // Postgres keeps microseconds; JavaScript dates keep milliseconds.
    const times = [
      '2026-03-01 10:00:00.123456+00',
      '2026-03-01 10:00:00.123789+00',
      '2026-03-01 10:00:00.123001+00',
    ];
    const inserted = await h.db
      .insert(users)
      .values(
        times.map((time, i) => ({
          email: `micro.${i}@roster.test`,
          firstName: 'Micro',
          lastName: `Second ${i}`,
          status: 'active' as const,
          roleId: readerId,
          lastLoginAt: sql`${time}::timestamptz`,
        })),
      )
      .returning({ id: users.id, email: users.email });
    const byEmail = new Map(inserted.map((r) => [r.email, r.id]));
    // Sign-in times sort to the microsecond, as stored (a cursor carries the stored value as text, not
    // a JavaScript date), after the admin, who never signed in.
    const ascending = [
      adminId,
      byEmail.get('micro.2@roster.test'),
      byEmail.get('micro.0@roster.test'),
      byEmail.get('micro.1@roster.test'),
    ];
    for (const direction of ['asc', 'desc'] as const) {
      for (const limit of [1, 2]) {
        // A walk that repeats a row forever is cut off after 10 pages (it needs at most 4).
        const { pages } = await walkPages(
          caller,
          { sort: { field: 'lastLogin', direction }, limit },
          undefined,
          10,
        );
        expect(
          pages.flat().map((u) => u.id),
          `lastLogin ${direction}, pages of ${limit}`,
        ).toEqual(direction === 'asc' ? ascending : [...ascending].reverse());
      }
    }
  });
});
