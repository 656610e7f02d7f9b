import { type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import type { Db } from './createDb';

/**
 * Runs a raw SQL statement and returns its rows. postgres.js answers with the row array itself and
 * PGlite with `{ rows }`; this is the one place that knows. The row type is the caller's word for
 * what the SQL selects.
 */
export async function queryRows<Row extends Record<string, unknown>>(db: Db, query: SQL): Promise<Row[]> {
  const result: unknown = await db.execute(query);
  const rows: unknown = Array.isArray(result)
    ? result
    : result !== null && typeof result === 'object' && 'rows' in result
      ? result.rows
      : [];
  if (!Array.isArray(rows)) throw new Error('Unexpected result shape from the database driver');
  return rows as Row[];
}

/**
 * The planner's estimate of how many rows a query returns: free compared with counting them, and
 * good enough to say "about 700,000 users" or to choose how to run a search.
 */
export async function estimateRows(db: Db, query: SQLWrapper): Promise<number> {
  const [row] = await queryRows<{ 'QUERY PLAN': unknown }>(db, sql`explain (format json) ${query}`);
  const raw = row?.['QUERY PLAN'];
  const plan: unknown = typeof raw === 'string' ? JSON.parse(raw) : raw;
  if (Array.isArray(plan)) {
    const top: unknown = plan[0];
    if (
      top &&
      typeof top === 'object' &&
      'Plan' in top &&
      top.Plan &&
      typeof top.Plan === 'object' &&
      'Plan Rows' in top.Plan
    ) {
      const rows = Number(top.Plan['Plan Rows']);
      if (Number.isFinite(rows)) return Math.round(rows);
    }
  }
  throw new Error('Unexpected EXPLAIN output');
}

/**
 * A time as a raw-SQL parameter. drizzle hands postgres.js timestamps as strings, so a `Date` put
 * straight into a `sql` template fails there (while PGlite accepts it); this works on both.
 */
export function sqlTime(date: Date): SQL {
  return sql`${date.toISOString()}::timestamptz`;
}

/** The largest value an `integer` column holds: a bound for input compared with one. */
export const MAX_INTEGER = 2_147_483_647;

/** A list of ids as one `uuid[]` parameter, not thousands of them. */
export function sqlUuids(ids: readonly string[]): SQL {
  return sql`${sql.param([...ids])}::uuid[]`;
}

/**
 * Values of an enum as one array parameter. The parameter travels as `text[]`, a type every driver
 * knows from its start, and is cast in SQL: a driver that had not yet learnt the array type of an
 * enum created after it connected would otherwise send the array as one string (PGlite did).
 */
export function sqlEnumArray<T extends string>(
  values: readonly NoInfer<T>[],
  enumType: { enumName: string; enumValues: readonly T[] },
): SQL {
  return sql`${sql.param([...values])}::text[]::${sql.raw(`"${enumType.enumName}"`)}[]`;
}

/** A LIKE pattern that finds `term` anywhere: `%` and `_` typed by people are literal characters. */
export function likeContains(term: string): string {
  return `%${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Whether a database error (or one it wraps, as drizzle does) is a unique-constraint violation. */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e !== null && typeof e === 'object'; e = 'cause' in e ? e.cause : null) {
    if ('code' in e && e.code === '23505') return true;
  }
  return false;
}

/**
 * An insert whose rows are expected to be new, run plainly first (in a savepoint) and run again
 * skipping the rows already there (`skipConflicts`: `on conflict do nothing`) only when it hits a
 * unique violation. Speculative insertion (`on conflict`) costs about a third more per row
 * (100,000 rows: 1.1–1.2 s against 0.88 s), and a conflict here is the exception.
 */
export async function insertNewRowsFirst<T>(
  db: Db,
  insert: (executor: Db, skipConflicts: boolean) => Promise<T>,
): Promise<T> {
  try {
    return await db.transaction((savepoint) => insert(savepoint, false));
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return insert(db, true);
  }
}

/**
 * Many rows as one JSON parameter, read back as records: `from ${sqlJsonRecords(rows)} as x(id uuid, …)`.
 * Cheaper to send than one array per column, and the columns keep their names.
 */
export function sqlJsonRecords(rows: readonly object[]): SQL {
  return sql`json_to_recordset(${JSON.stringify(rows)}::json)`;
}

/**
 * For a transaction of bulk writes: lets PostgreSQL reuse its cached plans. The connections force a
 * custom plan for every statement (for the searches of the users list, see `createDb`), and the
 * foreign-key check PostgreSQL runs for every row written is one of those statements: planned again
 * for every row, it was a fifth of the database's time in an import.
 */
export async function reuseCachedPlans(tx: Db): Promise<void> {
  await tx.execute(sql.raw(REUSE_CACHED_PLANS));
}

/** The statement `reuseCachedPlans` sends, as is: after it, a transaction's statements go unprepared. */
export const REUSE_CACHED_PLANS = 'set local plan_cache_mode = auto';
