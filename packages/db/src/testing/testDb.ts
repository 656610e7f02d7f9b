import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type Extensions, PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { sql } from 'drizzle-orm';
import { inject } from 'vitest';
import { ensureBuiltInRoles } from '../builtInRoles';
import { createDb, type DbHandle } from '../createDb';
import { queryRows } from '../rows';
import './providedContext';
import { adminUrl, databaseUrlFor } from './urls';

export type TestDb = DbHandle & {
  /** Empties every table and restores the built-in roles: a clean tenant for the next test. */
  reset: () => Promise<void>;
  /** The connection URL on Postgres (for a second process), undefined on PGlite. */
  url: string | undefined;
};

/** An embedded database loaded from the run's migrated template, with pg_trgm and `extensions`. */
export function pgliteFromTemplate(file: string, extensions: Extensions = {}): Promise<PGlite> {
  return PGlite.create({
    loadDataDir: new Blob([readFileSync(file)]),
    extensions: { pg_trgm, ...extensions },
  });
}

/** A migrated database of its own for one test file: a clone of the run's template. */
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
    handle = await createDb({ pglite: await pgliteFromTemplate(template.file) });
  }
  const reset = async () => {
    const tables = await queryRows<{ name: string }>(
      handle.db,
      sql`select quote_ident(tablename) as name from pg_tables where schemaname = 'public'`,
    );
    await handle.db.execute(
      sql.raw(`truncate ${tables.map((t) => t.name).join(', ')} restart identity cascade`),
    );
    await ensureBuiltInRoles(handle.db);
  };
  return { ...handle, reset, url };
}
