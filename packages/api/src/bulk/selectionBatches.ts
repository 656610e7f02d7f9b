import { type Db, queryRows, sqlTime, sqlUuids } from '@roster/db';
import { type SQL, sql } from 'drizzle-orm';

/**
 * Snapshots an operation's selection as its batches: `picked` selects `(id, ord)` rows, one per
 * user, and users are numbered by `ord` into batches of `batchSize`. With `keepSourcePositions`,
 * `ord` is each user's result position in the operation followed: each batch keeps them, and its
 * results take them as their own positions (a revert, and the retry of one). One
 * statement, whatever the size; the number of users is returned.
 */
export async function insertSelectionBatches(
  db: Db,
  operationId: string,
  picked: SQL,
  batchSize: number,
  keepSourcePositions = false,
): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`with picked as (${picked}),
        numbered as (select id, ord, n, n / ${batchSize}::int as batch_no
          from (select id, ord, row_number() over (order by ord) - 1 as n from picked) as ordered),
        batches as (
          insert into bulk_operation_batches (operation_id, batch_no, first_position, user_ids, source_positions)
          select ${operationId}, batch_no, batch_no * ${batchSize}::int + 1, array_agg(id order by n),
            ${keepSourcePositions ? sql`array_agg(ord::int order by n)` : sql`null::int[]`}
          from numbered group by batch_no
          returning cardinality(user_ids) as size)
        select coalesce(sum(size), 0)::int as n from batches`,
  );
  return row?.n ?? 0;
}

/**
 * Cuts a committed import's rows into batches of `batchSize` rows in file order, each the range of
 * positions from its first row to its last. One statement; the number of batches is returned.
 */
export async function insertImportBatches(db: Db, operationId: string, batchSize: number): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`with numbered as (
          select position, (row_number() over (order by position) - 1) / ${batchSize}::int as batch_no
          from bulk_operation_items where operation_id = ${operationId}),
        batches as (
          insert into bulk_operation_batches (operation_id, batch_no, first_position, last_position, user_ids)
          select ${operationId}, batch_no, min(position), max(position), '{}'::uuid[]
          from numbered group by batch_no
          returning 1)
        select count(*)::int as n from batches`,
  );
  return row?.n ?? 0;
}

/** The listed users that exist, in the order listed. */
export const pickListedUsers = (ids: readonly string[]) =>
  sql`select u.id, x.ord from unnest(${sqlUuids(ids)}) with ordinality as x(id, ord) join users u on u.id = x.id`;

/** The users another operation changed. */
export const pickChangedUsers = (operationId: string) =>
  sql`select user_id as id, position as ord from bulk_operation_items
      where operation_id = ${operationId} and outcome = 'change' and user_id is not null`;

/**
 * The users that failed in another operation and that no retry has taken yet, taken by `retryId`: a
 * retry covers each failed user once, so a second one cannot run an old change again over newer ones.
 * Between two retries started at once the rows' locks decide: the second waits for the first and,
 * once it commits, finds the users taken (or, if it rolled back, takes them itself).
 */
export const takeFailedUsers = (operationId: string, retryId: string) =>
  sql`update bulk_operation_items set retried_by = ${retryId}
      where operation_id = ${operationId} and outcome = 'failed' and user_id is not null and retried_by is null
      returning user_id as id, position as ord`;

/**
 * When an operation fails on an unexpected error, the users it had not reached yet (or the rows of an
 * import) are recorded as `failed` (so they can be retried) and its remaining batches dropped.
 */
export async function failRemainingBatches(db: Db, operationId: string, at: Date): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`with dropped as (
          delete from bulk_operation_batches where operation_id = ${operationId}
          returning first_position, last_position, user_ids),
        failed as (
          insert into bulk_operation_items (operation_id, position, user_id, email, outcome, reason, processed_at)
          select ${operationId}, d.first_position + x.n - 1, x.id, u.email, 'failed', 'unexpected_error', ${sqlTime(at)}
          from dropped d cross join unnest(d.user_ids) with ordinality as x(id, n) left join users u on u.id = x.id
          returning 1),
        failed_rows as (
          update bulk_operation_items i set outcome = 'failed', reason = 'unexpected_error', processed_at = ${sqlTime(at)}
          from dropped d
          where d.last_position is not null and i.operation_id = ${operationId}
            and i.position between d.first_position and d.last_position and i.outcome is null
          returning 1)
        select ((select count(*) from failed) + (select count(*) from failed_rows))::int as n`,
  );
  return row?.n ?? 0;
}

/**
 * A cancelled operation's batches not yet processed: nothing will process them. When it is a retry,
 * the failed users it never reached are given back to the operation it retried, for a later retry.
 */
export async function dropRemainingBatches(db: Db, operationId: string): Promise<void> {
  await db.execute(
    sql`with dropped as (
          delete from bulk_operation_batches where operation_id = ${operationId} returning user_ids)
        update bulk_operation_items set retried_by = null
        where retried_by = ${operationId}
          and operation_id = (select source_operation_id from bulk_operations where id = ${operationId})
          and user_id in (select unnest(user_ids) from dropped)`,
  );
}
