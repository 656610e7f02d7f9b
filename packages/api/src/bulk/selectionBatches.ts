import { type Db, queryRows, sqlTime } from '@roster/db';
import { type SQL, sql } from 'drizzle-orm';
import { countFromMaintainedCounts } from '../users/countUsers';
import { uuidList } from './sqlLists';

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

/**
 * A list covering at least this share of the tenant has its users found by one walk of the users'
 * primary key, each looked up in a hash of the list (a hash semi join). Probed one by one (a nested
 * loop, as PostgreSQL plans it from its guess of ten users a list), 100,000 ids of a 200,000-user
 * tenant took 71 ms (one index descent each), a walk beside the sorted list 29 ms (measured for the
 * merge join the hash replaced, whose share this is; the hash needs no sort of the list); a walk
 * reads every user of the tenant, so a short list of a large tenant is probed.
 */
const WALKED_LIST_SHARE = 1 / 8;

/**
 * Snapshots ticked users as batches of `batchSize` in the order listed, each user once (the first time
 * listed). Returns how many users that is, how many of them exist, and the digest of the set
 * (`idsDigest`); the caller refuses the selection when some do not exist. Runs in the caller's
 * transaction.
 *
 * The list is first taken as sent: the web app sends each ticked user once, and making every list
 * distinct here first (lower-cased, through a Set) took ~40 ms of a 100,000-id Apply's server time.
 * When PostgreSQL finds as many users as were listed, each was listed once and exists; otherwise the
 * list is made distinct, and one that repeated a user is cut again from its distinct ids.
 */
export async function insertTickedBatches(
  db: Db,
  operationId: string,
  sent: readonly string[],
  batchSize: number,
): Promise<{ count: number; found: number; digest: string }> {
  const asSent = await insertListedBatches(db, operationId, sent, batchSize);
  if (asSent.found === sent.length) return { count: sent.length, ...asSent };
  const distinct = [...new Set(sent.map((id) => id.toLowerCase()))];
  if (distinct.length === sent.length) return { count: sent.length, ...asSent };
  await db.execute(sql`delete from bulk_operation_batches where operation_id = ${operationId}`);
  return { count: distinct.length, ...(await insertListedBatches(db, operationId, distinct, batchSize)) };
}

/**
 * The batches of `ids` as listed: each a slice of the list as sent, no row per user sorted or
 * numbered. Returns how many distinct listed users exist and the digest of their set, from one semi
 * join with the users' primary key (when as many exist as were listed, the users found are the set).
 */
async function insertListedBatches(
  db: Db,
  operationId: string,
  ids: readonly string[],
  batchSize: number,
): Promise<{ found: number; digest: string }> {
  // The hash of 100,000 uuids (about 6 MB) in memory, not spilled to disk past the default 4 MB of
  // work_mem (an external merge took a fifth of a 100,000-id Apply).
  await db.execute(sql`set local work_mem = '16MB'`);
  // The tenant's users, from the maintained counts (a filter of nothing is always counted there).
  const tenant = (await countFromMaintainedCounts(db, undefined)) ?? 0;
  const walked = ids.length >= tenant * WALKED_LIST_SHARE;
  if (walked) await db.execute(loopAndMergeJoins('off'));
  const [row] = await queryRows<{ found: number; digest: string }>(
    db,
    sql`with listed as materialized (select ${uuidList(ids)} as ids),
        batches as (
          insert into bulk_operation_batches (operation_id, batch_no, first_position, user_ids)
          select ${operationId}, b, b * ${batchSize}::int + 1, ids[b * ${batchSize}::int + 1 : (b + 1) * ${batchSize}::int]
          from listed, generate_series(0, (cardinality(ids) - 1) / ${batchSize}::int) as b
          returning 1),
        found as (
          select count(*)::int as n, ${setDigest(sql`users.id`)} as digest
          from users where users.id in (select unnest(ids) from listed))
        select found.n as found, found.digest, (select count(*) from batches) as batches
        from found`,
  );
  if (walked) await db.execute(loopAndMergeJoins('on'));
  return { found: row?.found ?? 0, digest: row?.digest ?? '' };
}

/**
 * Nested loops and merge joins off (`'off'`: a join is hashed) for the rest of the transaction, or on
 * again: one statement, for both databases (the embedded one takes no two commands in one query).
 */
const loopAndMergeJoins = (setting: 'on' | 'off') =>
  sql`select set_config('enable_nestloop', ${setting}, true), set_config('enable_mergejoin', ${setting}, true)`;

/**
 * The digest of a set of uuids, as an aggregate over `id` (one row per member, each once): SHA-256,
 * in hexadecimal, of their number and the sum of their 64-bit hashes (`uuid_hash_extended`), so that
 * it does not depend on the order they are read in. Sorting 100,000 ids to digest them in order, and
 * again to count them distinct, took PostgreSQL ~90 ms of a 100,000-id Apply.
 */
const setDigest = (id: SQL) =>
  sql`encode(sha256(convert_to(count(${id}) || ':' || coalesce(sum(uuid_hash_extended(${id}, 0)), 0), 'UTF8')), 'hex')`;

/**
 * The digest of a set of user ids (`setDigest`), so that a retried Apply can be told from another
 * operation under the same id whatever the order, case and repeats of its list; `ids` selects them,
 * one uuid per row, each once.
 */
export const idsDigest = (ids: SQL) => sql`select ${setDigest(sql`id`)} from (${ids}) as listed(id)`;

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
 * import) are recorded as `failed` (so they can be retried) and its remaining batches dropped. A
 * revert's users keep the positions of the results it gives back, as its processed ones do.
 */
export async function failRemainingBatches(db: Db, operationId: string, at: Date): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`with dropped as (
          delete from bulk_operation_batches where operation_id = ${operationId}
          returning first_position, last_position, user_ids, source_positions),
        failed as (
          insert into bulk_operation_items (operation_id, position, user_id, email, outcome, reason, processed_at)
          select ${operationId}, coalesce(d.source_positions[x.n::int], d.first_position + x.n - 1), x.id, u.email,
            'failed', 'unexpected_error', ${sqlTime(at)}
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
