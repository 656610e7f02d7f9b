import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * Two ways postgres.js (3.4.9, patched: patches/postgres@3.4.9.patch) handed one query's answer to
 * another. PGlite has no such driver; these run on PostgreSQL.
 *
 * - It counts the rows of the query it reads in a counter of the connection. A query that ended after
 *   some of its rows (an error mid-stream, or the connection lost) left that count behind, and the
 *   next query on the connection put its rows after it: a result with holes, `[ <3 empty items>, row ]`,
 *   resolved as a success (porsager/postgres#1119, #1181). Under connection loss the server read an
 *   aggregate's single row as missing and a page's ids as values that are not uuids.
 * - It queued a query on a busy connection before building it, so a query refused while being built
 *   passed its error to the query running and took the next one's answer.
 */

const url = process.env.DATABASE_URL;
const opened: postgres.Sql[] = [];
const connect = (options: postgres.Options<Record<string, never>> = {}) => {
  const client = postgres(url ?? '', { max: 1, onnotice: () => {}, ...options });
  opened.push(client);
  return client;
};

afterEach(async () => {
  await Promise.all(opened.splice(0).map((client) => client.end({ timeout: 1 })));
});

/** A result with no holes: every index from 0 holds a row. */
const dense = (rows: readonly unknown[]) => Array.from(rows, (row) => row !== undefined);

describe.skipIf(!url)('a query read after another one ended mid-stream (postgres.js, one connection)', () => {
  it('after an error that came after some rows, gets its own rows from index 0', async () => {
    const sql = connect();
    // Three rows are sent, then the fourth divides by zero; the next query runs on the same connection.
    const failing = sql`select i, 1 / (4 - i) as boom from generate_series(1, 10) i`.catch((e: Error) => e);
    const next = sql`select x from generate_series(1, 5) x`;
    expect(await failing).toBeInstanceOf(Error);
    const rows = await next;
    expect(rows.length).toBe(5);
    expect(dense(rows)).toEqual([true, true, true, true, true]);
    expect(rows.map((row) => row.x)).toEqual([1, 2, 3, 4, 5]);
  });

  it('after its connection was ended while rows were coming, gets its own rows from index 0', async () => {
    // Without the array types read first on a new connection, whose end reset the count by chance.
    const sql = connect({ fetch_types: false });
    const killer = connect();
    const [backend] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
    // More rows than PostgreSQL's send buffer holds, then a wait: the first rows reach the client,
    // the connection is ended while the rest is pending.
    const streaming =
      sql`select i, repeat('x', 1000) as filler, case when i = 200 then pg_sleep(10) end as pause
      from generate_series(1, 200) i`.catch((e: Error) => e);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await killer`select pg_terminate_backend(${backend?.pid ?? 0}::int)`;
    const lost = await streaming;
    expect(lost).toBeInstanceOf(Error);
    // The same client connects again for the next query.
    const [row, ...others] = await sql<
      { total: number }[]
    >`select count(*)::int as total from generate_series(1, 7)`;
    expect(others).toEqual([]);
    expect(row).toEqual({ total: 7 });
  });
});

describe.skipIf(!url)('a query refused before it is sent (postgres.js, one connection)', () => {
  it('a query refused before it is sent (an undefined value) fails alone, and the next ones get their own answers', async () => {
    const sql = connect();
    await sql`select 1`;
    // The first query holds the open connection, so the next ones are pipelined behind it. The
    // refused one was queued before it was built: its error went to the first query, it took the
    // answer meant for the query after it, and that one waited for ever.
    // (postgres.js sends a query once it is awaited or executed.)
    const first = sql<{ v: number }[]>`select 1 as v from pg_sleep(0.2)`.execute();
    const refused = sql`select ${undefined as unknown as number} as v`.catch((e: Error) => e);
    const after = sql<{ v: number }[]>`select 3 as v`.execute().catch((e: Error) => e);
    expect(await first).toEqual([{ v: 1 }]);
    expect(await refused).toMatchObject({ code: 'UNDEFINED_VALUE' });
    expect(await after).toEqual([{ v: 3 }]);
  });
});
