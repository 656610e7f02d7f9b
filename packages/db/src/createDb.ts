import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite, type PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { lockDataDir } from './dataDirLock';
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

export async function createDb(options: CreateDbOptions = {}): Promise<DbHandle> {
  if (options.url) {
    const client = postgres(options.url, {
      max: options.maxConnections ?? 10,
      onnotice: () => {},
      connection: {
        application_name: 'roster',
        // Short OLTP queries: JIT compilation costs far more than it saves (measured: 350 ms on a 10 ms page).
        jit: 'off',
        // postgres.js prepares every statement; a generic plan would ignore what a search term
        // selects and, for instance, scan the trigram index for a term that matches everyone (PERF-NOTES).
        plan_cache_mode: 'force_custom_plan',
      },
    });
    const url = new URL(options.url);
    const db = drizzlePostgres({ client, schema });
    return {
      db,
      migrate: () => migratePostgres(db, { migrationsFolder }),
      kind: 'postgres',
      description: `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`,
      close: () => client.end({ timeout: 5 }),
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
