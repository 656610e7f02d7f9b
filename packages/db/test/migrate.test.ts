import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accessLevel, createDb, queryRows, sqlEnumArray } from '../src';
import { adminUrl, databaseUrlFor } from '../src/testing/urls';

const EXPECTED_TABLES = [
  'api_tokens',
  'audit_events',
  'bulk_operation_batches',
  'bulk_operation_items',
  'bulk_operations',
  'email_outbox',
  'functional_memberships',
  'functional_resources',
  'invitations',
  'module_access',
  'org_units',
  'roles',
  'scim_external_ids',
  'sessions',
  'sign_in_throttle',
  'user_counts',
  'user_module_counts',
  'user_rights',
  'user_scopes',
  'user_search',
  'users',
];

async function tableNames(handle: Awaited<ReturnType<typeof createDb>>) {
  const rows = await queryRows<{ name: string }>(
    handle.db,
    sql`select tablename as name from pg_tables where schemaname = 'public' order by 1`,
  );
  return rows.map((r) => r.name);
}

describe('migrations', () => {
  it('migrate an empty embedded database, and a second run changes nothing', async () => {
    const handle = await createDb({ dataDir: 'memory://' });
    try {
      expect(await tableNames(handle)).toEqual([]);
      await handle.migrate();
      expect(await tableNames(handle)).toEqual(EXPECTED_TABLES);
      await handle.migrate();
      expect(await tableNames(handle)).toEqual(EXPECTED_TABLES);
    } finally {
      await handle.close();
    }
  });

  it('sends arrays of the enums the migrations just created, in the process that ran them', async () => {
    // PGlite learns which types are arrays when it opens: before the fix, a module_name[] parameter
    // went out as the text "portfolio,projects" (malformed array literal) until a restart.
    const handle = await createDb({ dataDir: 'memory://' });
    try {
      await handle.migrate();
      const modules = ['portfolio', 'projects'];
      const [plain] = await queryRows<{ n: number }>(
        handle.db,
        sql`select cardinality(${sql.param(modules)}::module_name[])::int as n`,
      );
      expect(plain?.n).toBe(2);
      const [helper] = await queryRows<{ n: number }>(
        handle.db,
        sql`select cardinality(${sqlEnumArray(['read', 'edit'], accessLevel)})::int as n`,
      );
      expect(helper?.n).toBe(2);
    } finally {
      await handle.close();
    }
  });

  it.runIf(process.env.DATABASE_URL)('migrate an empty PostgreSQL database', async () => {
    const url = process.env.DATABASE_URL ?? '';
    const database = `roster_migrate_${process.pid}`;
    const admin = await createDb({ url: adminUrl(url), maxConnections: 1 });
    await admin.db.execute(`drop database if exists ${database}`);
    await admin.db.execute(`create database ${database}`);
    const handle = await createDb({ url: databaseUrlFor(url, database), maxConnections: 1 });
    try {
      expect(await tableNames(handle)).toEqual([]);
      await handle.migrate();
      expect(await tableNames(handle)).toEqual(EXPECTED_TABLES);
    } finally {
      await handle.close();
      await admin.db.execute(`drop database if exists ${database} with (force)`);
      await admin.close();
    }
  });

  it.runIf(process.env.DATABASE_URL)(
    'servers started at once on an empty PostgreSQL database migrate it one after the other',
    async () => {
      const url = process.env.DATABASE_URL ?? '';
      const database = `roster_migrate_race_${process.pid}`;
      const admin = await createDb({ url: adminUrl(url), maxConnections: 1 });
      await admin.db.execute(`drop database if exists ${database}`);
      await admin.db.execute(`create database ${database}`);
      const servers = await Promise.all(
        [1, 2, 3, 4].map(() => createDb({ url: databaseUrlFor(url, database), maxConnections: 2 })),
      );
      try {
        const outcomes = await Promise.allSettled(servers.map((handle) => handle.migrate()));
        expect(outcomes.map((o) => (o.status === 'rejected' ? String(o.reason) : o.status))).toEqual(
          servers.map(() => 'fulfilled'),
        );
        const [first] = servers;
        if (!first) throw new Error('no server');
        expect(await tableNames(first)).toEqual(EXPECTED_TABLES);
        // Each migration applied once.
        const [applied] = await queryRows<{ rows: number; hashes: number }>(
          first.db,
          sql`select count(*)::int as rows, count(distinct hash)::int as hashes from drizzle.__drizzle_migrations`,
        );
        expect(applied?.rows).toBe(applied?.hashes);
      } finally {
        await Promise.all(servers.map((handle) => handle.close()));
        await admin.db.execute(`drop database if exists ${database} with (force)`);
        await admin.close();
      }
    },
  );
});
