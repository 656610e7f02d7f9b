import { type Db, estimateRows, invitations, roles, users } from '@roster/db';
import { DEFAULT_USER_SORT, type UsersListInput } from '@roster/domain';
import { and, count, eq, type SQL, sql } from 'drizzle-orm';
import { userSummaryColumns } from './userColumns';
import { afterCursor, decodeCursor, encodeCursor, orderBy } from './userSort';
import { usersFilterCondition } from './usersFilter';

export const USERS_PAGE_DEFAULT = 50;

/**
 * Counting every match of a broad filter reads most of a million-row table (0.2–1.2 s, PERF-NOTES),
 * so the list counts exactly up to this many and estimates beyond; `users.count` counts exactly when
 * someone needs the number (e.g. to select all of them).
 */
export const EXACT_TOTAL_UP_TO = 2_000;

export async function countUsers(db: Db, condition: SQL | undefined): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users).where(condition);
  return row?.n ?? 0;
}

async function pageTotal(db: Db, condition: SQL | undefined): Promise<{ total: number; exact: boolean }> {
  const capped = db
    .select({ one: sql`1` })
    .from(users)
    .where(condition)
    .limit(EXACT_TOTAL_UP_TO + 1)
    .as('capped');
  const [row] = await db.select({ n: count() }).from(capped);
  const n = row?.n ?? 0;
  if (n <= EXACT_TOTAL_UP_TO) return { total: n, exact: true };
  const estimate = await estimateRows(db, db.select({ one: sql`1` }).from(users).where(condition));
  return { total: Math.max(estimate, EXACT_TOTAL_UP_TO + 1), exact: false };
}

/** The sort key of a listed row as strings, in the order of its sort's key parts. */
const cursorColumns = {
  name: (row: ListedUserRow) => [row.lastName, row.firstName, row.id],
  email: (row: ListedUserRow) => [row.email],
  status: (row: ListedUserRow) => [row.status, row.id],
  role: (row: ListedUserRow) => [row.roleName, row.id],
  created: (row: ListedUserRow) => [row.id],
  lastLogin: (row: ListedUserRow) => [row.lastLoginAt ? row.lastLoginAt.toISOString() : '-infinity', row.id],
} as const;

type ListedUserRow = Awaited<ReturnType<typeof selectPage>>[number];

function selectPage(db: Db) {
  return db
    .select({
      ...userSummaryColumns,
      invitation: {
        expiresAt: invitations.expiresAt,
        sentCount: invitations.sentCount,
        lastSentAt: invitations.lastSentAt,
      },
      activatedAt: users.activatedAt,
      /** Organisation unit ids and rights: with the module access, what a client-side preview of "Copy access" needs. */
      scope: sql<string[]>`coalesce((select array_agg(us.org_unit_id::text order by us.org_unit_id)
        from user_scopes us where us.user_id = ${users.id}), '{}')`,
      rights: sql<string[]>`coalesce((select array_agg(ur.right::text order by ur.right)
        from user_rights ur where ur.user_id = ${users.id}), '{}')`,
      /** `module:level` pairs, e.g. `budget:edit`. */
      moduleAccess: sql<string[]>`coalesce((select array_agg(ma.module || ':' || ma.level order by ma.module)
        from module_access ma where ma.user_id = ${users.id}), '{}')`,
    })
    .from(users)
    .innerJoin(roles, eq(roles.id, users.roleId))
    .leftJoin(invitations, and(eq(invitations.userId, users.id), eq(invitations.status, 'pending')));
}

/**
 * One page of the users matching a filter, in a stable order, with keyset paging (no OFFSET). The
 * first page counts the matching users; the cursor carries that total to the next pages.
 */
export async function listUsers(db: Db, input: UsersListInput, now: Date) {
  const sort = input.sort ?? DEFAULT_USER_SORT;
  const limit = input.limit ?? USERS_PAGE_DEFAULT;
  const cursor = input.cursor ? decodeCursor(sort, input.filter, input.cursor) : undefined;
  const condition = await usersFilterCondition(db, input.filter, now);
  const pageQuery = selectPage(db)
    .where(and(condition, cursor ? afterCursor(sort, cursor.values) : undefined))
    .orderBy(...orderBy(sort))
    .limit(limit + 1);
  const [rows, total] = await Promise.all([pageQuery, cursor ?? pageTotal(db, condition)]);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > limit && last
      ? encodeCursor(sort, input.filter, cursorColumns[sort.field](last), {
          total: total.total,
          exact: total.exact,
        })
      : null;
  return {
    items: page.map(({ invitation, ...user }) => ({
      ...user,
      invitation: invitation?.expiresAt ? invitation : null,
    })),
    nextCursor,
    total: total.total,
    /** False when `total` is the planner's estimate (more than EXACT_TOTAL_UP_TO users match). */
    totalExact: total.exact,
  };
}

export type ListedUser = Awaited<ReturnType<typeof listUsers>>['items'][number];
