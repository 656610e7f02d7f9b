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
 * What a test may change in an embedded database besides its rows: objects of the schema (tables,
 * columns, indexes, triggers, functions, types, constraints, defaults, extensions) and the session's
 * settings. Equal before and after a test file, the file changed rows only.
 */
const SCHEMA_AND_SETTINGS = `select md5(string_agg(item, ',' order by item)) as fingerprint from (
  select 'class ' || oid || ' ' || relname || ' ' || relnamespace || ' ' || relkind::text as item from pg_class
  union all select 'column ' || attrelid || ' ' || attnum || ' ' || attname || ' ' || atttypid || ' ' || attnotnull
    from pg_attribute where attrelid >= 16384
  union all select 'trigger ' || oid || ' ' || tgname || ' ' || tgenabled::text from pg_trigger
  union all select 'function ' || oid from pg_proc
  union all select 'type ' || oid from pg_type
  union all select 'constraint ' || oid from pg_constraint
  union all select 'default ' || oid from pg_attrdef
  union all select 'extension ' || extname || ' ' || extversion from pg_extension
  union all select 'setting ' || name || '=' || setting from pg_settings where source = 'session'
) as items`;

async function fingerprintOf(pglite: PGlite): Promise<string> {
  const { rows } = await pglite.query<{ fingerprint: string }>(SCHEMA_AND_SETTINGS);
  return rows[0]?.fingerprint ?? '';
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
/** Past this many, a database given back is closed (a file rarely holds more than two at once). */
const MAX_SPARES = 2;
/** The template's fingerprint, read on this worker's first clone before any test touched it. */
let templateFingerprint: string | undefined;

export type EmbeddedDatabase = {
  client: PGlite;
  /**
   * Ends the file's use of the database: the client refuses from now on, and the database is emptied
   * (`empty`, given the underlying client) for the worker's next file, or closed when the file changed
   * more than rows. Safe to call twice.
   */
  giveBack: (empty: (pglite: PGlite) => Promise<void>) => Promise<void>;
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
      if (given) return;
      given = true;
      revoke();
      if (taken.closed) return;
      try {
        if (spares.length < MAX_SPARES && (await fingerprintOf(taken)) === templateFingerprint) {
          await empty(taken);
          await taken.exec(FORGET_STATISTICS);
          spares.push(taken);
          return;
        }
      } catch {
        // Not emptied: closed below, and the next file clones the template.
      }
      await taken.close();
    },
  };
}
