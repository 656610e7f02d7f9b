import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { inject } from 'vitest';
import { ensureBuiltInRoles } from '../builtInRoles';
import { createDb, type Db, type DbHandle } from '../createDb';
import { queryRows } from '../rows';
import { takeEmbeddedDatabase } from './embeddedDatabases';
import './providedContext';
import { adminUrl, databaseUrlFor } from './urls';

export type TestDb = DbHandle & {
  /** Empties every table and restores the built-in roles: a clean tenant for the next test. */
  reset: () => Promise<void>;
  /** The connection URL on Postgres (for a second process), undefined on PGlite. */
  url: string | undefined;
};

/** Empties every table and restores the built-in roles. */
async function emptyTables(db: Db): Promise<void> {
  const tables = await queryRows<{ name: string }>(
    db,
    sql`select quote_ident(tablename) as name from pg_tables where schemaname = 'public'`,
  );
  await db.execute(sql.raw(`truncate ${tables.map((t) => t.name).join(', ')} restart identity cascade`));
  await ensureBuiltInRoles(db);
}

/**
 * A migrated database of its own for one test file: on PostgreSQL a clone of the run's template; on
 * the embedded database one as empty (`takeEmbeddedDatabase`).
 */
export async function createTestDb(): Promise<TestDb> {
  const template = inject('rosterTemplate');
  let handle: DbHandle;
  let url: string | undefined;
  if (template.kind === 'postgres') {
    const database = `roster_test_${randomBytes(6).toString('hex')}`;
    const admin = await createDb({ url: adminUrl(template.url), maxConnections: 1 });
    await admin.db.execute(`create database ${database} template ${template.database}`);
    url = databaseUrlFor(template.url, database);
    const inner = await createDb({ url, maxConnections: 10 });
    handle = {
      ...inner,
      close: async () => {
        await inner.close();
        await admin.db.execute(`drop database if exists ${database} with (force)`);
        await admin.close();
      },
    };
  } else {
    const embedded = await takeEmbeddedDatabase(template.file);
    handle = {
      ...(await createDb({ pglite: embedded.client })),
      close: async () => {
        await embedded.giveBack(async (pglite) => emptyTables((await createDb({ pglite })).db));
      },
    };
  }
  return { ...handle, reset: () => emptyTables(handle.db), url };
}
