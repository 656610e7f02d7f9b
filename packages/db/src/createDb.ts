import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite, type PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { lockDataDir } from './dataDirLock';
import { REUSE_CACHED_PLANS } from './rows';
import * as schema from './schema';

export type Schema = typeof schema;
/** One database type for both drivers (VERSIONS.md). */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export type DbHandle = {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** Human description for start-up logs (never includes a password). */
  description: string;
  /** Applies the committed migrations that have not run yet. */
  migrate: () => Promise<void>;
  close: () => Promise<void>;
};

export const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

export type CreateDbOptions = {
  /** A PostgreSQL URL; without one, the embedded PGlite database is used. */
  url?: string | undefined;
  /** Where PGlite keeps its files (default `.data/pglite`); `memory://` keeps them in memory. */
  dataDir?: string | undefined;
  /** An already opened PGlite instance (tests clone a migrated template). */
  pglite?: PGlite;
  /** Connections in the postgres.js pool. */
  maxConnections?: number;
};

export function openPglite(dataDir: string | undefined): Promise<PGlite> {
  return PGlite.create(dataDir, { extensions: { pg_trgm } });
}

/**
 * Applies the migrations on PGlite, then has it read the array types again. PGlite learns which
 * type ids are arrays once, when it opens; an enum created by these migrations (`module_name`, …)
 * is unknown to it until then, so a JS array sent as `module_name[]` went out as the text
 * `portfolio,projects` ("malformed array literal") until the process restarted.
 */
async function migrateOnPglite(client: PGlite, db: PgliteDatabase<Schema>): Promise<void> {
  await migratePglite(db, { migrationsFolder });
  await client.refreshArrayTypes();
}

/**
 * Statements with at most this many parameters run prepared. A list of ids sent one parameter each
 * is a new statement text for every length: those stay unprepared, so a connection keeps a bounded
 * number of prepared statements (and PostgreSQL their parsed trees).
 */
export const PREPARED_MAX_PARAMETERS = 32;

/**
 * The client drizzle is given: its statements with parameters prepared (once per connection).
 * Drizzle runs every statement through `unsafe`, which postgres.js sends unprepared: it first asks
 * PostgreSQL for the parameters' types (Parse and Describe, then a wait) and then binds and executes
 * it, two round trips and a parse each time. Prepared, a statement's later runs on a connection are
 * one round trip and no parse. The main pool's connections force a custom plan (below), so a prepared
 * statement is still planned for its values (lookups by key have generic plans: `PLANNER_POOLS`) — except in a transaction that lets PostgreSQL reuse its plans
 * (`reuseCachedPlans`, for the bulk writes' foreign-key checks: `plan_cache_mode = auto`), where a
 * prepared statement would get a generic plan after its fifth run: from that setting on, a
 * transaction's statements go unprepared, as before.
 */
function withPreparedStatements<T extends postgres.Sql | postgres.TransactionSql>(
  client: T,
  transaction: { reusingPlans: boolean },
): T {
  const unsafe: postgres.Sql['unsafe'] = (query, parameters, options) => {
    if (query === REUSE_CACHED_PLANS) transaction.reusingPlans = true;
    const count = parameters?.length ?? 0;
    return client.unsafe(query, parameters, {
      ...options,
      prepare:
        options?.prepare || (!transaction.reusingPlans && count > 0 && count <= PREPARED_MAX_PARAMETERS),
    });
  };
  /** `begin` and `savepoint` take an optional mode or name, then the callback: its client is wrapped too. */
  const wrapsCallback =
    (method: 'begin' | 'savepoint', shared: () => { reusingPlans: boolean }) =>
    (...args: unknown[]) => {
      const original: unknown = Reflect.get(client, method);
      if (typeof original !== 'function') throw new Error(`postgres.js has no ${method}`);
      const callback = args.at(-1);
      if (typeof callback !== 'function') return Reflect.apply(original, client, args);
      return Reflect.apply(original, client, [
        ...args.slice(0, -1),
        (tx: postgres.TransactionSql) => callback(withPreparedStatements(tx, shared())),
      ]);
    };
  const begin = wrapsCallback('begin', () => ({ reusingPlans: false }));
  const savepoint = wrapsCallback('savepoint', () => transaction);
  return new Proxy(client, {
    get: (target, key, receiver) =>
      key === 'unsafe'
        ? unsafe
        : key === 'begin'
          ? begin
          : key === 'savepoint'
            ? savepoint
            : Reflect.get(target, key, receiver),
  });
}

/**
 * A Unix-domain socket named as libpq names it, `?host=/var/run/postgresql` (a directory) in the URL:
 * postgres.js takes the socket as its `path` option, and would send an unknown `host` query parameter
 * to PostgreSQL as a setting. On the same machine a socket skips the loopback TCP stack: in the load
 * bench, the server's writes to PostgreSQL over loopback TCP were a sixth of its CPU.
 */
export function socketOf(databaseUrl: string): { url: string; path: string | undefined } {
  const url = new URL(databaseUrl);
  const directory = url.searchParams.get('host');
  if (!directory?.startsWith('/')) return { url: databaseUrl, path: undefined };
  url.searchParams.delete('host');
  return { url: url.toString(), path: `${directory}/.s.PGSQL.${url.port || 5432}` };
}

/**
 * Planner settings some statements need, each kept by connections of their own on PostgreSQL: such
 * a statement is one round trip there. Set in a transaction around it, it was four (begin, the
 * settings, the statement, commit): three of a list page's eight statements.
 */
const PLANNER_POOLS = {
  /**
   * Lookups by key: statements whose best plan never depends on their values (a page's rows by their
   * ids, a user by id, a token by its hash). Their connections keep a generic plan for each prepared
   * statement, made once per connection instead of at every run as the main pool's forced custom
   * plans are: the rows of a page of 51 users cost PostgreSQL 1.35 ms of CPU planned each time and
   * 0.74 ms on their generic plan (the load bench's 200,000 users).
   */
  keyedLookups: { connections: 3, settings: { plan_cache_mode: 'force_generic_plan' } },
  /**
   * Walks of an index in its order, without the plans that fetch every match and sort them (bitmap
   * scans, sorts): the planner chose them from its row estimate for a filter it cannot estimate (a
   * search, a status past the cursor) and read 100,000 users for a page of 50 at 1,000,000 users.
   */
  indexOrder: { connections: 5, settings: { enable_sort: 'off', enable_bitmapscan: 'off' } },
  /**
   * A search's matches found on the trigram index, never by reading the whole search table (the
   * planner's estimate of a term's matches is off by 2.5× and more), and sorted in memory.
   */
  trigramMatches: { connections: 3, settings: { enable_seqscan: 'off', work_mem: '32MB' } },
} as const;

type PlannerPool = keyof typeof PLANNER_POOLS;
const plannerPools = new WeakMap<Db, Record<PlannerPool, Db>>();

/** Every pool of a handle (the handle itself first): what a readiness check asks. */
export function everyPool(db: Db): Db[] {
  const pools = plannerPools.get(db);
  return pools ? [db, ...Object.values(pools)] : [db];
}

/**
 * The handle a lookup by key runs on: on PostgreSQL the pool of generic plans (`PLANNER_POOLS`);
 * the handle itself on PGlite (one connection, in process) and inside a transaction (what the
 * transaction reads must be its own).
 */
export function keyedLookups(db: Db): Db {
  return plannerPools.get(db)?.keyedLookups ?? db;
}

/**
 * Runs `work` in a transaction with these settings local to it (`set_config(…, true)`): the way to
 * give statements planner settings where no pool keeps them. Called inside a transaction, it opens a
 * savepoint, and the settings last until that outer transaction ends (PostgreSQL keeps a released
 * savepoint's settings): no caller does so today.
 */
export function withLocalSettings<T>(
  db: Db,
  settings: Readonly<Record<string, string>>,
  work: (tx: Db) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`select ${sql.join(
        Object.entries(settings).map(([name, value]) => sql`set_config(${name}, ${value}, true)`),
        sql`, `,
      )}`,
    );
    return work(tx);
  });
}

/**
 * Runs `work` with a pool's planner settings: on PostgreSQL on the connections that keep them; on
 * PGlite and inside a transaction, in a transaction that sets them (`withLocalSettings`).
 */
function withPlannerPool<T>(db: Db, pool: PlannerPool, work: (db: Db) => Promise<T>): Promise<T> {
  const pooled = plannerPools.get(db)?.[pool];
  return pooled ? work(pooled) : withLocalSettings(db, PLANNER_POOLS[pool].settings, work);
}

/** Runs `work` with the planner walking indexes in their order (`PLANNER_POOLS.indexOrder`). */
export function inIndexOrder<T>(db: Db, work: (db: Db) => Promise<T>): Promise<T> {
  return withPlannerPool(db, 'indexOrder', work);
}

/** Runs `work` with a search's matches read on the trigram index (`PLANNER_POOLS.trigramMatches`). */
export function amongTrigramMatches<T>(db: Db, work: (db: Db) => Promise<T>): Promise<T> {
  return withPlannerPool(db, 'trigramMatches', work);
}

/** The advisory lock (a number of PostgreSQL's choosing: any) servers migrating one database take. */
const MIGRATION_LOCK = 4_716_201;

/**
 * Runs `migrate` holding the migration lock, on a session of its own: servers started at once on
 * one database migrate one after the other (drizzle's migrator reads the last migration applied,
 * then applies the rest, with no lock; two at once both created the same tables, and one failed).
 * The lock goes with its session, so a process that dies migrating lets the next one in.
 */
async function migrateOneAtATime(lockSession: postgres.Sql, migrate: () => Promise<void>): Promise<void> {
  try {
    await lockSession`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migrate();
  } finally {
    await lockSession.end({ timeout: 5 });
  }
}

export async function createDb(options: CreateDbOptions = {}): Promise<DbHandle> {
  if (options.url) {
    const socket = socketOf(options.url);
    const pool = (max: number, settings: Record<string, string> = {}) =>
      postgres(socket.url, {
        ...(socket.path ? { path: socket.path } : {}),
        max,
        onnotice: () => {},
        connection: {
          application_name: 'roster',
          // Short OLTP queries: JIT compilation costs far more than it saves (measured: 350 ms on a 10 ms page).
          jit: 'off',
          // Statements run prepared (`withPreparedStatements`); a generic plan would ignore what a search term
          // selects and, for instance, scan the trigram index for a term that matches everyone (PERF-NOTES).
          // Lookups by key have a pool of their own that keeps them (`PLANNER_POOLS`).
          plan_cache_mode: 'force_custom_plan',
          ...settings,
        },
      });
    const clients: postgres.Sql[] = [];
    const drizzleOn = (client: postgres.Sql) => {
      clients.push(client);
      return drizzlePostgres({ client: withPreparedStatements(client, { reusingPlans: false }), schema });
    };
    const db = drizzleOn(pool(options.maxConnections ?? 10));
    const { keyedLookups: keyed, indexOrder, trigramMatches } = PLANNER_POOLS;
    plannerPools.set(db, {
      keyedLookups: drizzleOn(pool(keyed.connections, keyed.settings)),
      indexOrder: drizzleOn(pool(indexOrder.connections, indexOrder.settings)),
      trigramMatches: drizzleOn(pool(trigramMatches.connections, trigramMatches.settings)),
    });
    const url = new URL(options.url);
    return {
      db,
      migrate: () => migrateOneAtATime(pool(1), () => migratePostgres(db, { migrationsFolder })),
      kind: 'postgres',
      description: `PostgreSQL at ${socket.path ?? `${url.hostname}:${url.port || 5432}`}${url.pathname}`,
      close: async () => {
        await Promise.all(clients.map((client) => client.end({ timeout: 5 })));
      },
    };
  }
  if (options.pglite) {
    const client = options.pglite;
    const db = drizzlePglite({ client, schema });
    return {
      db,
      migrate: () => migrateOnPglite(client, db),
      kind: 'pglite',
      description: 'embedded PGlite',
      close: () => client.close(),
    };
  }
  const dataDir = options.dataDir ?? '.data/pglite';
  const inMemory = dataDir.startsWith('memory://');
  const release = inMemory ? () => {} : lockDataDir(resolve(dataDir));
  try {
    const client = await openPglite(inMemory ? dataDir : resolve(dataDir));
    const db = drizzlePglite({ client, schema });
    return {
      db,
      migrate: () => migrateOnPglite(client, db),
      kind: 'pglite',
      description: inMemory ? 'embedded PGlite in memory' : `embedded PGlite in ${resolve(dataDir)}`,
      close: async () => {
        await client.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}
