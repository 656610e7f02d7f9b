import { seedUsers } from '@roster/db';
import { USER_SORT_FIELDS, type UserSort, type UsersFilter } from '@roster/domain';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Caller, callByPath, errorShapeOf, expectTRPCError, useHarness } from './harness';
import { type ListedUser, walkPages } from './userFixtures';

const h = useHarness({ reset: false });
const SEEDED = 400;
const LIMIT = 30;
let admin: Caller;
let adminCtx: Parameters<typeof callByPath>[0];

beforeAll(async () => {
  await seedUsers(h.db, { users: SEEDED });
  const signedIn = await h.signedIn('Administrator', { signIn: false });
  admin = signedIn.caller;
  adminCtx = signedIn.ctx;
});

/** Every user of a view in its order, read page by page from the start. */
async function whole(sort: UserSort, filter?: UsersFilter): Promise<ListedUser[]> {
  const { pages, complete } = await walkPages(admin, { sort, filter, limit: 100 });
  expect(complete).toBe(true);
  return pages.flat();
}

/** Pages backward from `cursor` to the start; returns the rows in the sort's order and the offsets. */
async function walkBackward(sort: UserSort, filter: UsersFilter | undefined, cursor: string | null) {
  const rows: ListedUser[] = [];
  const offsets: (number | null)[] = [];
  let at = cursor;
  while (at) {
    const page = await admin.users.list({ sort, filter, limit: LIMIT, cursor: at, direction: 'backward' });
    rows.unshift(...page.items);
    offsets.unshift(page.offset);
    at = page.prevCursor;
  }
  return { rows, offsets };
}

const ids = (rows: readonly ListedUser[]) => rows.map((r) => r.id);

describe('users.list from the end', () => {
  it.each(
    USER_SORT_FIELDS.flatMap((field) =>
      (['asc', 'desc'] as const).map((direction): UserSort => ({ field, direction })),
    ),
  )('%j: the last page in order, its position, and every row before it paging backward', async (sort) => {
    const all = await whole(sort);
    const end = await admin.users.list({ sort, limit: LIMIT, from: 'end', count: false });
    expect(ids(end.items)).toEqual(ids(all.slice(-LIMIT)));
    expect(end.offset).toBe(all.length - LIMIT);
    expect(end.total).toBe(all.length);
    expect(end.nextCursor).toBeNull();
    const back = await walkBackward(sort, undefined, end.prevCursor);
    expect(ids([...back.rows, ...end.items])).toEqual(ids(all));
    expect(back.offsets[0]).toBe(0);
  });

  it('with a search and a status filter', async () => {
    const filter: UsersFilter = { search: 'an', status: ['active', 'invited'] };
    const sort: UserSort = { field: 'email', direction: 'asc' };
    const all = await whole(sort, filter);
    expect(all.length).toBeGreaterThan(LIMIT);
    const end = await admin.users.list({ sort, filter, limit: LIMIT, from: 'end' });
    expect(ids(end.items)).toEqual(ids(all.slice(-LIMIT)));
    expect(end.offset).toBe(all.length - LIMIT);
  });

  it.each([
    { field: 'name', direction: 'asc' },
    { field: 'name', direction: 'desc' },
  ] as const)(
    'a term alone sorted by name (%j: the search table walked): from the end, backward, from a prefix',
    async (sort) => {
      const filter: UsersFilter = { search: 'an' };
      const all = await whole(sort, filter);
      expect(all.length).toBeGreaterThan(2 * LIMIT);
      const end = await admin.users.list({ sort, filter, limit: LIMIT, from: 'end' });
      expect(ids(end.items)).toEqual(ids(all.slice(-LIMIT)));
      const back = await walkBackward(sort, filter, end.prevCursor);
      expect(ids([...back.rows, ...end.items])).toEqual(ids(all));
      const firstIndex = all.findIndex((u) =>
        sort.direction === 'asc' ? u.lastName >= 'M' : u.lastName < 'N',
      );
      expect(firstIndex).toBeGreaterThan(0);
      const page = await admin.users.list({
        sort,
        filter,
        limit: LIMIT,
        from: { prefix: 'M' },
        count: false,
      });
      expect(ids(page.items)).toEqual(ids(all.slice(firstIndex, firstIndex + LIMIT)));
      expect(page.offset).toBe(firstIndex);
    },
  );

  it('a page of fewer rows than the limit is the whole result, with nothing before it', async () => {
    const filter: UsersFilter = { status: ['deactivated'] };
    const sort: UserSort = { field: 'name', direction: 'asc' };
    const all = await whole(sort, filter);
    const end = await admin.users.list({ sort, filter, limit: 500, from: 'end' });
    expect(ids(end.items)).toEqual(ids(all));
    expect([end.offset, end.prevCursor, end.nextCursor]).toEqual([0, null, null]);
  });
});

describe('users.list from a prefix of the sort key', () => {
  it.each([
    [{ field: 'name', direction: 'asc' }, 'M', (u: ListedUser) => u.lastName >= 'M'],
    [{ field: 'name', direction: 'desc' }, 'M', (u: ListedUser) => u.lastName < 'N'],
    [{ field: 'email', direction: 'asc' }, 'S', (u: ListedUser) => u.email >= 's'],
    [{ field: 'email', direction: 'desc' }, 'd', (u: ListedUser) => u.email < 'e'],
  ] as const)(
    '%j from %s starts at the first row at or past it, in one page',
    async (sort, prefix, atOrPast) => {
      const all = await whole(sort);
      const firstIndex = all.findIndex(atOrPast);
      expect(firstIndex).toBeGreaterThan(0);
      const page = await admin.users.list({ sort, limit: LIMIT, from: { prefix }, count: false });
      expect(ids(page.items)).toEqual(ids(all.slice(firstIndex, firstIndex + LIMIT)));
      expect(page.offset).toBe(firstIndex);
      // Onward and backward from there, with the positions carried by the cursors. The seed is
      // random: when the page reaches the last row there is no next page to read.
      if (firstIndex + LIMIT >= all.length) {
        expect(page.nextCursor).toBeNull();
      } else {
        expect(page.nextCursor).not.toBeNull();
        const next = await admin.users.list({ sort, limit: LIMIT, cursor: page.nextCursor ?? undefined });
        expect(ids(next.items)).toEqual(ids(all.slice(firstIndex + LIMIT, firstIndex + 2 * LIMIT)));
        expect(next.offset).toBe(firstIndex + LIMIT);
      }
      const back = await walkBackward(sort, undefined, page.prevCursor);
      expect(ids(back.rows)).toEqual(ids(all.slice(0, firstIndex)));
      expect(back.offsets[0]).toBe(0);
    },
  );

  it('past the last row: no rows, positioned at the end', async () => {
    const page = await admin.users.list({ sort: { field: 'name', direction: 'asc' }, from: { prefix: '~' } });
    expect(page.items).toEqual([]);
    expect(page.offset).toBe(page.total);
  });

  it('keeps the first page as it was without a jump: offset 0 and no previous page', async () => {
    const page = await admin.users.list({ limit: LIMIT });
    expect([page.offset, page.prevCursor]).toEqual([0, null]);
    const next = await admin.users.list({ limit: LIMIT, cursor: page.nextCursor ?? '' });
    expect(next.offset).toBe(LIMIT);
    expect(next.prevCursor).not.toBeNull();
  });
});

describe('users.list jumps refused', () => {
  it.each(['role', 'status', 'created', 'lastLogin'] as const)(
    'a prefix for a %s sort is invalid_start, and writes nothing',
    async (field) => {
      await expectTRPCError(
        admin.users.list({ sort: { field, direction: 'asc' }, from: { prefix: 'M' } }),
        'BAD_REQUEST',
        'invalid_start',
      );
    },
  );

  it.each([
    [{ from: { prefix: '' } }, 'Type at least one letter to jump to.'],
    [{ from: { prefix: '   ' } }, 'Type at least one letter to jump to.'],
    [{ from: { prefix: 'x'.repeat(101) } }, 'A prefix to jump to has at most 100 characters.'],
    [{ from: 'middle' }, undefined],
    [{ from: { letter: 'M' } }, undefined],
  ])('%j is invalid_input, about the start', async (input, message) => {
    const error = await expectTRPCError(
      callByPath(adminCtx, { path: 'users.list', type: 'query' }, input),
      'BAD_REQUEST',
      'invalid_input',
    );
    const [issue] = errorShapeOf(error).data.issues ?? [];
    expect(issue?.path[0]).toBe('from');
    if (message) expect(issue?.message).toBe(message);
  });

  it('a cursor with a negative or fractional position is invalid_cursor', async () => {
    const page = await admin.users.list({ limit: LIMIT });
    const decoded = JSON.parse(Buffer.from(page.nextCursor ?? '', 'base64url').toString('utf8'));
    for (const offset of [-1, 1.5, 'x']) {
      const forged = Buffer.from(JSON.stringify({ ...decoded, offset })).toString('base64url');
      await expectTRPCError(
        admin.users.list({ limit: LIMIT, cursor: forged, direction: 'backward' }),
        'BAD_REQUEST',
        'invalid_cursor',
      );
    }
  });
});
