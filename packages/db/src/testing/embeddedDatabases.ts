import { readFileSync } from 'node:fs';
import { type Extensions, PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';

/** An embedded database loaded from the run's migrated template, with pg_trgm and `extensions`. */
export function pgliteFromTemplate(file: string, extensions: Extensions = {}): Promise<PGlite> {
  return PGlite.create({
    loadDataDir: new Blob([readFileSync(file)]),
    extensions: { pg_trgm, ...extensions },
  });
}

/**
 * What a test may change in an embedded database besides its rows and that `DISCARD ALL` does not
 * reset: objects of the schema (tables, columns, indexes, row security and grants, triggers,
 * functions and their bodies, types, constraints, defaults, policies, extensions) and roles. Equal
 * before and after a test file, the file changed rows only.
 */
const SCHEMA_AND_ROLES = `select md5(string_agg(item, ',' order by item)) as fingerprint from (
  select 'class ' || oid || ' ' || relname || ' ' || relnamespace || ' ' || relkind::text || ' '
      || relrowsecurity || ' ' || coalesce(relacl::text, '') as item from pg_class
  union all select 'column ' || attrelid || ' ' || attnum || ' ' || attname || ' ' || atttypid || ' ' || attnotnull
    from pg_attribute where attrelid >= 16384
  union all select 'trigger ' || oid || ' ' || tgname || ' ' || tgenabled::text from pg_trigger
  union all select 'function ' || oid from pg_proc where pronamespace = 'pg_catalog'::regnamespace
  union all select 'function ' || oid || ' ' || md5(prosrc) || ' ' || coalesce(proconfig::text, '')
    from pg_proc where pronamespace <> 'pg_catalog'::regnamespace
  union all select 'type ' || oid from pg_type
  union all select 'constraint ' || oid from pg_constraint
  union all select 'default ' || oid from pg_attrdef
  union all select 'policy ' || oid from pg_policy
  union all select 'extension ' || extname || ' ' || extversion from pg_extension
  union all select 'role ' || oid || ' ' || rolname from pg_roles
) as items`;

/**
 * Resets what a session keeps (settings, the current role, prepared statements, listened channels,
 * advisory locks, temporary tables), then reads `SCHEMA_AND_ROLES`. Inside a transaction left open,
 * `DISCARD ALL` fails: such a database is not reused.
 */
async function fingerprintOf(pglite: PGlite): Promise<string> {
  await pglite.exec('discard all');
  const { rows } = await pglite.query<{ fingerprint: string }>(SCHEMA_AND_ROLES);
  return rows[0]?.fingerprint ?? '';
}

async function databaseBytes(pglite: PGlite): Promise<number> {
  const { rows } = await pglite.query<{ bytes: number }>(
    'select pg_database_size(current_database())::float8 as bytes',
  );
  return rows[0]?.bytes ?? Number.POSITIVE_INFINITY;
}

/** The column statistics of the application's tables: a fresh clone has none (nothing analyzed). */
const FORGET_STATISTICS = `delete from pg_statistic
  where starelid in (select oid from pg_class where relnamespace = 'public'::regnamespace)`;

/**
 * A client of `pglite` that refuses every call once revoked, as a closed database does: a file's
 * straggling work (a runner not stopped) cannot reach the rows of the file that has the database next.
 */
function revocable(pglite: PGlite): { client: PGlite; revoke: () => void } {
  let revoked = false;
  const client = new Proxy(pglite, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (key === 'closed') return revoked || target.closed;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (revoked) throw new Error('PGlite is closed');
        return Reflect.apply(value, target, args);
      };
    },
  });
  return { client, revoke: () => (revoked = true) };
}

/** Databases earlier test files of this worker gave back, emptied. */
const spares: PGlite[] = [];
/** Past this many, a database given back is closed (a file rarely holds two at once). */
const MAX_SPARES = 1;
/**
 * A database given back larger than this is closed: its WebAssembly memory, grown to hold it, never
 * shrinks (a 200,000-user table and its trigram index took a worker from ~400 to ~870 MB, emptied or
 * not); a new clone starts small.
 */
const MAX_REUSED_BYTES = 64 * 1024 * 1024;
/** The template's fingerprint, read on this worker's first clone before any test touched it. */
let templateFingerprint: string | undefined;

export type EmbeddedDatabase = {
  client: PGlite;
  /**
   * Ends the file's use of the database: the client refuses from now on, and the database is emptied
   * (`empty`, given the underlying client) for the worker's next file, or closed when the file changed
   * more than rows. Safe to call twice (the second does nothing). Says which it was.
   */
  giveBack: (empty: (pglite: PGlite) => Promise<void>) => Promise<'kept' | 'closed' | 'already given back'>;
};

/**
 * An embedded database for a test file: one an earlier file of this worker gave back, emptied, or a
 * clone of the run's template. Loading a clone costs ~1.2 s of CPU (PostgreSQL starting in
 * WebAssembly); emptying one ~30 ms. A worker runs its files one after another (`isolate: false`), so
 * the clones are paid once a worker rather than once a file.
 */
export async function takeEmbeddedDatabase(templateFile: string): Promise<EmbeddedDatabase> {
  let pglite = spares.pop();
  if (!pglite) {
    pglite = await pgliteFromTemplate(templateFile);
    templateFingerprint ??= await fingerprintOf(pglite);
  }
  const taken = pglite;
  const { client, revoke } = revocable(taken);
  let given = false;
  return {
    client,
    giveBack: async (empty) => {
      if (given) return 'already given back';
      given = true;
      revoke();
      if (taken.closed) return 'closed';
      try {
        if (
          spares.length < MAX_SPARES &&
          (await databaseBytes(taken)) <= MAX_REUSED_BYTES &&
          (await fingerprintOf(taken)) === templateFingerprint
        ) {
          await empty(taken);
          await taken.exec(FORGET_STATISTICS);
          spares.push(taken);
          return 'kept';
        }
      } catch {
        // Not emptied: closed below, and the next file clones the template.
      }
      await taken.close();
      return 'closed';
    },
  };
}
