import type { SQL } from 'drizzle-orm';
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
