import { type Db, likeContains, queryRows, userCounts, userSearch, users } from '@roster/db';
import type { UsersFilter } from '@roster/domain';
import { and, count, inArray, sql } from 'drizzle-orm';
import { usersFilterCondition } from './usersFilter';

/** Above this many rows of differences, a count folds them into one row per (role, status). */
const FOLD_ABOVE_ROWS = 500;

/** Whether a filter names only the facets `user_counts` keeps: status and role. */
function countedByFacets(filter: UsersFilter | undefined): boolean {
  if (!filter) return true;
  return (
    !filter.search &&
    !filter.module &&
    !filter.orgUnitId &&
    !filter.right &&
    filter.invitationExpired === undefined
  );
}

/** Whether a filter is a search and nothing else: its matches are counted on the narrow search table. */
function onlySearch(filter: UsersFilter | undefined): filter is UsersFilter & { search: string } {
  return (
    !!filter?.search &&
    !filter.status?.length &&
    !filter.roleIds?.length &&
    !filter.module &&
    !filter.orgUnitId &&
    !filter.right &&
    filter.invitationExpired === undefined
  );
}

/**
 * Folds the rows of differences the triggers appended into one row per (role, status). One
 * statement: a count read meanwhile sees the rows before or after, both summing to the same.
 */
export async function foldUserCounts(db: Db): Promise<void> {
  await db.execute(sql`
    with taken as (delete from user_counts returning role_id, status, n)
    insert into user_counts (role_id, status, n)
    select role_id, status, sum(n) from taken group by role_id, status having sum(n) <> 0`);
}

async function countFromFacets(db: Db, filter: UsersFilter | undefined): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`coalesce(sum(${userCounts.n}), 0)::int`, rows: count() })
    .from(userCounts)
    .where(
      and(
        filter?.status?.length ? inArray(userCounts.status, filter.status) : undefined,
        filter?.roleIds?.length ? inArray(userCounts.roleId, filter.roleIds) : undefined,
      ),
    );
  if ((row?.rows ?? 0) > FOLD_ABOVE_ROWS) await foldUserCounts(db);
  return row?.n ?? 0;
}

/**
 * The exact number of users matching a filter (SPEC §5: every number shown is the real one). Status
 * and role are read from the maintained counts; a search alone from the search table's matches;
 * anything else is counted on `users` with the list's own condition. An unknown role, module, unit
 * or right is refused as the list refuses it.
 */
export async function countUsers(db: Db, filter: UsersFilter | undefined, now: Date): Promise<number> {
  const condition = await usersFilterCondition(db, filter, now);
  if (countedByFacets(filter)) return countFromFacets(db, filter);
  if (onlySearch(filter)) {
    const [row] = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from ${userSearch}
        where ${userSearch.document} like ${likeContains(filter.search)}`,
    );
    return row?.n ?? 0;
  }
  const [row] = await db.select({ n: count() }).from(users).where(condition);
  return row?.n ?? 0;
}
