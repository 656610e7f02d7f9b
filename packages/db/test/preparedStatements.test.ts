import { existsSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  amongTrigramMatches,
  createDb,
  type DbHandle,
  inIndexOrder,
  keyedLookups,
  PREPARED_MAX_PARAMETERS,
  queryRows,
  socketOf,
} from '../src';
import { createTestDb, type TestDb } from '../src/testing';

describe('socketOf', () => {
  it('takes a Unix-domain socket from the URL as libpq names it (?host=/directory), leaving the rest', () => {
    expect(socketOf('postgres://app@localhost:5433/roster?host=/var/run/postgresql&sslmode=disable')).toEqual(
      {
        url: 'postgres://app@localhost:5433/roster?sslmode=disable',
        path: '/var/run/postgresql/.s.PGSQL.5433',
      },
    );
    expect(socketOf('postgres://app@localhost/roster?host=/tmp').path).toBe('/tmp/.s.PGSQL.5432');
  });

  it('leaves a TCP URL as it is', () => {
    const url = 'postgres://app@db.example:5432/roster?host=db.internal';
    expect(socketOf(url)).toEqual({ url, path: undefined });
    expect(socketOf('postgres://app@127.0.0.1:5432/roster')).toEqual({
      url: 'postgres://app@127.0.0.1:5432/roster',
      path: undefined,
    });
  });
});

const setting = async (db: DbHandle['db'], name: string) =>
  (await queryRows<{ value: string }>(db, sql`select current_setting(${name}) as value`))[0]?.value;

describe('planner settings on the embedded database', () => {
  it('looks up by key on the handle itself, and walks in index order in a transaction of its own', async () => {
    const embedded = await createDb({ dataDir: 'memory://' });
    try {
      expect(keyedLookups(embedded.db)).toBe(embedded.db);
      const inside = await inIndexOrder(embedded.db, async (walker) => [
        await setting(walker, 'enable_sort'),
        await setting(walker, 'enable_bitmapscan'),
      ]);
      expect(inside).toEqual(['off', 'off']);
      const searching = await amongTrigramMatches(embedded.db, async (searcher) => [
        await setting(searcher, 'enable_seqscan'),
        await setting(searcher, 'work_mem'),
      ]);
      expect(searching).toEqual(['off', '32MB']);
      expect(await setting(embedded.db, 'enable_seqscan')).toBe('on');
      expect(await setting(embedded.db, 'enable_sort')).toBe('on');
      expect(await setting(embedded.db, 'enable_bitmapscan')).toBe('on');
    } finally {
      await embedded.close();
    }
  });
});

describe.skipIf(!process.env.DATABASE_URL)('statements on PostgreSQL', () => {
  let testDb: TestDb;
  /** One connection: what it has prepared is what `pg_prepared_statements` shows it. */
  let one: DbHandle;
  beforeAll(async () => {
    testDb = await createTestDb();
    one = await createDb({ url: testDb.url, maxConnections: 1 });
  });
  afterAll(async () => {
    await one?.close();
    await testDb?.close();
  });

  const prepared = async (db = one.db) =>
    (await queryRows<{ statement: string }>(db, sql`select statement from pg_prepared_statements`)).map(
      (r) => r.statement,
    );

  it('plans lookups by key once per connection (generic plans), anything else for its values', async () => {
    expect(await setting(one.db, 'plan_cache_mode')).toBe('force_custom_plan');
    const keyed = keyedLookups(one.db);
    expect(keyed).not.toBe(one.db);
    expect(await setting(keyed, 'plan_cache_mode')).toBe('force_generic_plan');
    for (const n of [1, 2, 3]) {
      const [row] = await queryRows<{ n: number }>(keyed, sql`select ${n}::int * 5 as n /* keyed */`);
      expect(row?.n).toBe(n * 5);
    }
    // One request after the other run on one connection of the pool: it planned the statement once.
    const [plans] = await queryRows<{ generic: number; custom: number }>(
      keyed,
      sql`select generic_plans::int as generic, custom_plans::int as custom from pg_prepared_statements
        where statement like ${'%* 5 as n /* keyed */%'}`,
    );
    expect(plans).toEqual({ generic: 3, custom: 0 });
    // In a transaction, a lookup reads what the transaction sees: on its own connection.
    await one.db.transaction(async (tx) => {
      expect(keyedLookups(tx)).toBe(tx);
    });
  });

  /** The settings a handle's statements run with, and whether a transaction is open around them. */
  const runningWith = async (db: DbHandle['db'], names: string[]) => {
    const values: (string | undefined)[] = [];
    for (const name of names) values.push(await setting(db, name));
    const [row] = await queryRows<{ open: boolean }>(db, sql`select now() <> statement_timestamp() as open`);
    return { values, inTransaction: row?.open };
  };

  it('walks in index order and searches on connections that keep their settings, with no transaction around', async () => {
    expect(
      await inIndexOrder(one.db, (walker) =>
        runningWith(walker, ['enable_sort', 'enable_bitmapscan', 'plan_cache_mode']),
      ),
    ).toEqual({ values: ['off', 'off', 'force_custom_plan'], inTransaction: false });
    expect(
      await amongTrigramMatches(one.db, (searcher) =>
        runningWith(searcher, ['enable_seqscan', 'work_mem', 'enable_sort']),
      ),
    ).toEqual({ values: ['off', '32MB', 'on'], inTransaction: false });
    expect(await setting(one.db, 'enable_seqscan')).toBe('on');
    expect(await setting(one.db, 'enable_sort')).toBe('on');
    // Inside a transaction, the walk is the transaction's, with the settings set in it.
    const inTransaction = await one.db.transaction((tx) =>
      inIndexOrder(tx, (walker) => setting(walker, 'enable_sort')),
    );
    expect(inTransaction).toBe('off');
  });

  it('runs a statement with parameters prepared, once per connection', async () => {
    for (const n of [1, 2, 3]) {
      const [row] = await queryRows<{ n: number }>(one.db, sql`select ${n}::int * 7 as n /* twice */`);
      expect(row?.n).toBe(n * 7);
    }
    expect((await prepared()).filter((s) => s.includes('* 7 as n /* twice */'))).toHaveLength(1);
  });

  it('leaves a statement of many parameters (a list of ids: a text per length) unprepared', async () => {
    const many = Array.from({ length: PREPARED_MAX_PARAMETERS + 1 }, (_, i) => i);
    const [row] = await queryRows<{ n: number }>(
      one.db,
      sql`select cardinality(array[${sql.join(
        many.map((i) => sql`${i}::int`),
        sql`, `,
      )}]) as n /* many */`,
    );
    expect(row?.n).toBe(many.length);
    expect((await prepared()).filter((s) => s.includes('/* many */'))).toHaveLength(0);
  });

  it('prepares in a transaction, but not after it lets PostgreSQL reuse plans (plan_cache_mode = auto)', async () => {
    const plans = await one.db.transaction(async (tx) => {
      await tx.execute(sql`select ${1}::int as n /* before auto */`);
      await tx.execute(sql`set local plan_cache_mode = auto`);
      await tx.execute(sql`select ${1}::int as n /* after auto */`);
      // A savepoint inside shares the transaction's setting.
      await tx.transaction((inner) => inner.execute(sql`select ${1}::int as n /* in a savepoint */`));
      return prepared(tx);
    });
    expect(plans.filter((s) => s.includes('/* before auto */'))).toHaveLength(1);
    expect(plans.filter((s) => s.includes('/* after auto */') || s.includes('/* in a savepoint */'))).toEqual(
      [],
    );
    // The next transaction prepares again.
    await one.db.transaction((tx) => tx.execute(sql`select ${1}::int as n /* next transaction */`));
    expect((await prepared()).filter((s) => s.includes('/* next transaction */'))).toHaveLength(1);
  });

  it.skipIf(!existsSync('/var/run/postgresql/.s.PGSQL.5432'))(
    'connects through a Unix-domain socket when the URL names one',
    async () => {
      const url = new URL(testDb.url ?? '');
      url.hostname = 'localhost';
      url.port = '5432';
      url.searchParams.set('host', '/var/run/postgresql');
      const local = await createDb({ url: url.toString(), maxConnections: 1 });
      try {
        expect(local.description).toContain('/var/run/postgresql/.s.PGSQL.5432');
        // inet_server_addr() is null on a Unix-domain socket.
        const [row] = await queryRows<{ address: string | null; n: number }>(
          local.db,
          sql`select inet_server_addr()::text as address, ${2}::int as n`,
        );
        expect(row).toEqual({ address: null, n: 2 });
      } finally {
        await local.close();
      }
    },
  );
});
