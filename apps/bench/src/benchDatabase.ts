import { newApiToken } from '@roster/api';
import {
  apiTokens,
  countUsers,
  createDb,
  type Db,
  type DbHandle,
  queryRows,
  seedUsers,
  users,
} from '@roster/db';
import { eq, sql } from 'drizzle-orm';

/** Seeds the benchmark database up to `size` users once; later runs reuse it. */
export async function prepareBenchDatabase(url: string, size: number): Promise<DbHandle> {
  const adminUrl = new URL(url);
  const database = adminUrl.pathname.slice(1);
  adminUrl.pathname = '/postgres';
  const admin = await createDb({ url: adminUrl.toString(), maxConnections: 1 });
  const [exists] = await queryRows<{ n: number }>(
    admin.db,
    sql`select count(*)::int as n from pg_database where datname = ${database}`,
  );
  if (!exists?.n) await admin.db.execute(sql.raw(`create database "${database}"`));
  await admin.close();

  const handle = await createDb({ url, maxConnections: 2 });
  await handle.migrate();
  const present = await countUsers(handle.db);
  if (present < size) {
    console.log(`Seeding ${(size - present).toLocaleString('en')} users into ${handle.description}…`);
    const started = Date.now();
    await seedUsers(handle.db, {
      users: size - present,
      onProgress: (done, total) =>
        process.stdout.write(`\r  ${done.toLocaleString('en')} / ${total.toLocaleString('en')}`),
    });
    console.log(`\n  seeded in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    // Vacuumed as well as analyzed: with autovacuum off (this machine's server), the new rows are
    // never marked all-visible, and every index-only scan of the lists and counts reads the heap.
    await handle.db.execute(sql`vacuum (analyze)`);
  }
  return handle;
}

/** An API token for the bench administrator (created by the server at start). */
export async function benchToken(handle: DbHandle, adminEmail: string): Promise<string> {
  const [admin] = await handle.db.select({ id: users.id }).from(users).where(eq(users.email, adminEmail));
  if (!admin) throw new Error(`No user ${adminEmail}: start the server first`);
  const { token, stored } = newApiToken();
  await handle.db.insert(apiTokens).values({ userId: admin.id, name: 'bench', ...stored });
  return token;
}

/**
 * The PostgreSQL settings that move write and read times, as this server has them: the figures are
 * only comparable with the same ones (this machine's server runs with autovacuum off, for one).
 */
export async function postgresSettings(handle: DbHandle): Promise<string> {
  const rows = await queryRows<{ name: string; value: string }>(
    handle.db,
    sql`select name, current_setting(name) as value from pg_settings
      where name = any(${sql.param([...SETTINGS_SHOWN])}::text[]) order by array_position(${sql.param([...SETTINGS_SHOWN])}::text[], name)`,
  );
  return `PostgreSQL settings: ${rows.map((r) => `${r.name} ${r.value}`).join(', ')}`;
}

const SETTINGS_SHOWN = [
  'shared_buffers',
  'work_mem',
  'max_wal_size',
  'synchronous_commit',
  'fsync',
  'full_page_writes',
  'autovacuum',
] as const;

/**
 * Vacuums the tables a measurement writes, before it: each product and floor starts from tables
 * without the dead rows of the last run (autovacuum may be off, as on this machine's server, or late).
 */
export async function vacuumTables(db: Db, tables: readonly string[]): Promise<void> {
  await db.execute(
    sql`vacuum (analyze) ${sql.join(
      tables.map((t) => sql.identifier(t)),
      sql`, `,
    )}`,
  );
  await db.execute(sql`checkpoint`);
}

export async function postgresVersion(handle: DbHandle): Promise<string> {
  const [row] = await queryRows<{ v: string }>(handle.db, sql`select split_part(version(), ' (', 1) as v`);
  return row?.v ?? 'PostgreSQL';
}
