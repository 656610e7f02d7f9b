import { type Db, invitations, roles, users } from '@roster/db';
import { DEFAULT_USER_SORT, type UserSort, type UsersListInput } from '@roster/domain';
import { and, asc, desc, eq, gt, gte, lt, lte, type SQL, sql } from 'drizzle-orm';
import { countUsers } from './countUsers';
import { userSummaryColumns } from './userColumns';
import { afterCursor, decodeCursor, encodeCursor, orderBy } from './userSort';
import { usersFilterCondition } from './usersFilter';

export const USERS_PAGE_DEFAULT = 50;

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
 * A page sorted by role (name, then id), taken role by role in the order of their names, each role's
 * users on the (role_id, id) index until the page is full. Ordering by the joined role name made
 * PostgreSQL join and sort every matching user first: ~1 s a page at 200,000 users under load.
 */
async function pageByRole(
  db: Db,
  condition: SQL | undefined,
  sort: UserSort,
  after: string[] | undefined,
  rows: number,
): Promise<ListedUserRow[]> {
  const ascending = sort.direction === 'asc';
  const [afterName, afterId] = after ?? [];
  const ordered = await db
    .select({ id: roles.id, name: roles.name })
    .from(roles)
    .where(
      afterName === undefined
        ? undefined
        : ascending
          ? gte(roles.name, afterName)
          : lte(roles.name, afterName),
    )
    .orderBy(ascending ? asc(roles.name) : desc(roles.name));
  const page: ListedUserRow[] = [];
  for (const role of ordered) {
    if (page.length >= rows) break;
    const pastCursor =
      role.name === afterName && afterId
        ? ascending
          ? gt(users.id, afterId)
          : lt(users.id, afterId)
        : undefined;
    page.push(
      ...(await selectPage(db)
        .where(and(condition, eq(users.roleId, role.id), pastCursor))
        .orderBy(ascending ? asc(users.id) : desc(users.id))
        .limit(rows - page.length)),
    );
  }
  return page;
}

/**
 * One page of the users matching a filter, in a stable order, with keyset paging (no OFFSET). The
 * first page counts the matching users exactly, unless asked not to (`count: false`: the web app
 * shows the rows at once and asks `users.count` beside them); the cursor carries that total to the
 * next pages.
 */
export async function listUsers(db: Db, input: UsersListInput, now: Date) {
  const sort = input.sort ?? DEFAULT_USER_SORT;
  const limit = input.limit ?? USERS_PAGE_DEFAULT;
  const cursor = input.cursor ? decodeCursor(sort, input.filter, input.cursor) : undefined;
  const condition = await usersFilterCondition(db, input.filter, now);
  const pageQuery =
    sort.field === 'role'
      ? pageByRole(db, condition, sort, cursor?.values, limit + 1)
      : selectPage(db)
          .where(and(condition, cursor ? afterCursor(sort, cursor.values) : undefined))
          .orderBy(...orderBy(sort))
          .limit(limit + 1);
  const [rows, total] = await Promise.all([
    pageQuery,
    cursor ? cursor.total : input.count === false ? null : countUsers(db, input.filter, now),
  ]);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > limit && last
      ? encodeCursor(sort, input.filter, cursorColumns[sort.field](last), total)
      : null;
  return {
    items: page.map(({ invitation, ...user }) => ({
      ...user,
      invitation: invitation?.expiresAt ? invitation : null,
    })),
    nextCursor,
    /** The exact number of users matching the filter; null when the caller asked not to count. */
    total,
  };
}

export type ListedUser = Awaited<ReturnType<typeof listUsers>>['items'][number];
