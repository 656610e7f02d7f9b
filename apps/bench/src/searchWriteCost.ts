/**
 * What the users list's write-side upkeep costs a bulk role change (issue 18 item 1): the copy of
 * role, status and sign-in in user_search (a statement trigger) and the (status, last sign-in, id)
 * index on users, against the same database without them (the row trigger of migration 0003 on
 * names and e-mail only, no such index), interleaved in pairs. Each run changes the role of the same
 * 100,000 users of the bench tenant, in transactions of 1,000 ids as the bulk engine's batches (the
 * UPDATE alone, without the engine's audit and results), alternating between two roles.
 *
 *   tsx src/searchWriteCost.ts [--users 100000] [--pairs 3]
 */
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { processCpuSeconds } from './cpuTime';

const { values } = parseArgs({
  options: { users: { type: 'string', default: '100000' }, pairs: { type: 'string', default: '3' } },
});
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/roster_bench';
const sql = postgres(url, { max: 1, onnotice: () => {} });
const count = Number(values.users);
const BATCH = 1_000;

const WITHOUT = `
  DROP TRIGGER IF EXISTS users_search_update ON users;
  DROP INDEX IF EXISTS users_status_last_login_idx;
  CREATE OR REPLACE FUNCTION bench_user_search_row_update() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    UPDATE user_search SET document = roster_search_document(NEW.first_name, NEW.last_name, NEW.email)
    WHERE user_id = NEW.id;
    RETURN NULL;
  END $$;
  CREATE TRIGGER users_search_update AFTER UPDATE OF first_name, last_name, email ON users
    FOR EACH ROW EXECUTE FUNCTION bench_user_search_row_update();`;
const WITH = `
  DROP TRIGGER IF EXISTS users_search_update ON users;
  DROP FUNCTION IF EXISTS bench_user_search_row_update();
  CREATE TRIGGER users_search_update AFTER UPDATE ON users
    REFERENCING OLD TABLE AS old_users NEW TABLE AS new_users
    FOR EACH STATEMENT EXECUTE FUNCTION roster_user_search_after_update();
  UPDATE user_search s SET status = u.status, role_id = u.role_id, last_login_at = u.last_login_at
    FROM users u WHERE s.user_id = u.id
      AND (s.status, s.role_id, s.last_login_at) IS DISTINCT FROM (u.status, u.role_id, u.last_login_at);
  CREATE INDEX IF NOT EXISTS users_status_last_login_idx ON users
    USING btree (status, coalesce(last_login_at, '-infinity'::timestamptz), id);`;

const ids = (await sql<{ id: string }[]>`select id from users order by id limit ${count}`).map((r) => r.id);
const roleIds = (
  await sql<{ id: string }[]>`select id from roles where name in ('Buyer', 'Reader') order by name`
).map((r) => r.id);
const [backend] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
let flip = 0;

async function run(label: string): Promise<{ label: string; seconds: number; cpu: number }> {
  await sql.unsafe('vacuum (analyze) users, user_search');
  await sql.unsafe('checkpoint');
  const role = roleIds[flip++ % 2];
  const cpu0 = processCpuSeconds(backend?.pid ?? 0);
  const started = performance.now();
  for (let i = 0; i < ids.length; i += BATCH) {
    const batch = ids.slice(i, i + BATCH);
    await sql.begin(
      (tx) =>
        tx`update users set role_id = ${role ?? ''}, version = version + 1, updated_at = now()
          where id = any(${batch}::uuid[])`,
    );
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = processCpuSeconds(backend?.pid ?? 0) - cpu0;
  console.log(`${label}: ${seconds.toFixed(2)} s, backend CPU ${cpu.toFixed(2)} s`);
  return { label, seconds, cpu };
}

const results: Awaited<ReturnType<typeof run>>[] = [];
try {
  for (let pair = 0; pair < Number(values.pairs); pair++) {
    await sql.unsafe(WITHOUT);
    results.push(await run('without the copy and index'));
    await sql.unsafe(WITH);
    results.push(await run('with the copy and index'));
  }
} finally {
  await sql.unsafe(WITH);
  await sql.end();
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
for (const label of ['without the copy and index', 'with the copy and index']) {
  const mine = results.filter((r) => r.label === label);
  console.log(
    `${label}: median ${median(mine.map((r) => r.seconds)).toFixed(2)} s wall, ${median(mine.map((r) => r.cpu)).toFixed(2)} s backend CPU (runs: ${mine.map((r) => r.seconds.toFixed(2)).join(', ')})`,
  );
}
