import { USER_SORT_FIELDS, type UserSort, type UsersFilter } from '@roster/domain';
import { describe, expect, it } from 'vitest';
import { expectedOrder, type FixtureUser, matches, useFixture, walkPages } from './userFixtures';

const { fx } = useFixture();

const SORTS: UserSort[] = USER_SORT_FIELDS.flatMap((field) =>
  (['asc', 'desc'] as const).map((direction) => ({ field, direction })),
);

/** Readable labels instead of ids in failure diffs. */
const label = (id: string) => {
  const user = fx().users.find((u) => u.id === id);
  return user ? `${user.lastName}, ${user.firstName} <${user.email}>` : `unknown ${id}`;
};

async function expectWalk(sort: UserSort, limit: number, filter?: UsersFilter, subset?: FixtureUser[]) {
  const expected = expectedOrder(subset ?? fx().users, sort);
  const { pages, totals, complete } = await walkPages(fx().caller, {
    sort,
    limit,
    ...(filter ? { filter } : {}),
  });
  expect(complete, 'the walk ends').toBe(true);
  const ids = pages.flat().map((item) => item.id);
  expect(ids.map(label), `${sort.field} ${sort.direction}, pages of ${limit}`).toEqual(expected.map(label));
  expect(new Set(ids).size, 'no user appears twice').toBe(ids.length);
  expect(totals, 'every page reports the same total').toEqual(pages.map(() => expected.length));
  expect(pages.length).toBe(Math.max(1, Math.ceil(expected.length / limit)));
  for (const page of pages.slice(0, -1)) expect(page).toHaveLength(limit);
}

describe.each(SORTS)('users.list sorted by $field $direction', (sort) => {
  it('walks every page of 7 in the order computed in JS, each user once, same total throughout', async () => {
    await expectWalk(sort, 7);
  });

  it('orders one page of everybody the same way', async () => {
    const page = await fx().caller.users.list({ sort, limit: 500 });
    expect(page.items.map((i) => label(i.id))).toEqual(expectedOrder(fx().users, sort).map(label));
    expect(page.nextCursor).toBeNull();
  });

  it('walks a filtered list (pages of 3) in the same order', async () => {
    const filter: UsersFilter = { status: ['active', 'invited'], search: 'a' };
    const subset = fx().users.filter((u) => matches(fx(), u, filter));
    expect(subset.length).toBeGreaterThan(6);
    await expectWalk(sort, 3, filter, subset);
  });

  it('pages of 1 (every row is a page boundary)', async () => {
    await expectWalk(sort, 1);
  });
});

describe('users.list paging edges', () => {
  it('sorts by last name, first name, then id when no sort is given', async () => {
    const page = await fx().caller.users.list({ limit: 500 });
    expect(page.items.map((i) => label(i.id))).toEqual(
      expectedOrder(fx().users, { field: 'name', direction: 'asc' }).map(label),
    );
  });

  it('has no next cursor when a page ends exactly at the last user', async () => {
    const exact = await fx().caller.users.list({ limit: fx().users.length });
    expect(exact.items).toHaveLength(fx().users.length);
    expect(exact.nextCursor).toBeNull();
    const short = await fx().caller.users.list({ limit: fx().users.length - 1 });
    expect(short.nextCursor).not.toBeNull();
    const rest = await fx().caller.users.list({ limit: fx().users.length, cursor: short.nextCursor ?? '' });
    expect(rest.items).toHaveLength(1);
    expect(rest.nextCursor).toBeNull();
    expect(rest.total).toBe(fx().users.length);
  });

  it('defaults to pages of 50', async () => {
    const page = await fx().caller.users.list({});
    expect(page.items).toHaveLength(Math.min(50, fx().users.length));
  });

  it('the fixture really has ties to break in every sort', () => {
    const ties = (list: FixtureUser[], key: (u: FixtureUser) => string) => {
      const seen = new Map<string, number>();
      for (const u of list) seen.set(key(u), (seen.get(key(u)) ?? 0) + 1);
      return [...seen.values()].some((n) => n > 1);
    };
    expect(ties(fx().users, (u) => `${u.lastName}\u0000${u.firstName}`)).toBe(true);
    expect(ties(fx().users, (u) => u.status)).toBe(true);
    expect(ties(fx().users, (u) => u.roleName)).toBe(true);
    expect(ties(fx().users, (u) => String(u.lastLoginAt?.getTime() ?? 'never'))).toBe(true);
    const signedIn = fx().users.filter((u) => u.lastLoginAt);
    expect(ties(signedIn, (u) => String(u.lastLoginAt?.getTime()))).toBe(true);
  });
});
