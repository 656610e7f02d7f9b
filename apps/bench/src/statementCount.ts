/**
 * Statements a request costs, per kind of the load bench's mix (issue 16 item 10): the server on the
 * load bench's database with PostgreSQL logging every statement of that database (ALTER DATABASE …
 * SET log_statement = 'all', reset at the end), each request sent alone after a warm-up, the log's
 * lines of that database counted between marks (a transaction's begin and commit count).
 * `pnpm --filter @roster/bench exec tsx src/statementCount.ts` after `bench:load` has seeded the
 * database; reads PostgreSQL's log file (`PG_LOG`, default Debian's), so it runs as a user who may.
 * `SHOW=1` prints the statements.
 */
import { readFileSync, statSync } from 'node:fs';
import { createRosterClient } from '@roster/client';
import { createDb, queryRows } from '@roster/db';
import { sql } from 'drizzle-orm';
import getPort from 'get-port';
import { benchToken } from './benchDatabase';
import { startServerProcess } from './serverProcess';

const LOG = process.env.PG_LOG ?? '/var/log/postgresql/postgresql-15-main.log';
const url = process.env.LOAD_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/roster_load';
const database = new URL(url).pathname.slice(1);
const handle = await createDb({ url, maxConnections: 1 });
await handle.db.execute(sql.raw(`alter database "${database}" set log_statement = 'all'`));
const server = await startServerProcess(url, await getPort({ host: '127.0.0.1' }));
try {
  const token = await benchToken(handle, 'bench-admin@roster.local');
  const client = createRosterClient({ url: server.url, token });
  const ids = (
    await queryRows<{ id: string }>(
      handle.db,
      sql`select u.id from users u join roles r on r.id = u.role_id where not r.is_admin order by u.id limit 200`,
    )
  ).map((r) => r.id);
  const roleIds = (
    await queryRows<{ id: string }>(handle.db, sql`select id from roles where not is_admin`)
  ).map((r) => r.id);
  const [someone] = await queryRows<{ last_name: string }>(
    handle.db,
    sql`select last_name from users where id = ${ids[7]}`,
  );
  const lastName = (someone?.last_name ?? 'smith').toLowerCase();
  const kinds: [string, () => Promise<unknown>][] = [
    ['users.list no filter', () => client.users.list.query({ limit: 50 })],
    [
      'users.list role',
      () => client.users.list.query({ filter: { roleIds: [roleIds[0] ?? ''] }, limit: 50 }),
    ],
    [
      'users.list role + module',
      () =>
        client.users.list.query({
          filter: { roleIds: [roleIds[1] ?? ''], module: { module: 'budget', minLevel: 'edit' } },
          limit: 50,
        }),
    ],
    [
      'users.list status, by last sign-in',
      () =>
        client.users.list.query({
          filter: { status: ['active'] },
          sort: { field: 'lastLogin', direction: 'desc' },
          limit: 50,
        }),
    ],
    ['users.list right', () => client.users.list.query({ filter: { right: 'buyer' }, limit: 50 })],
    [
      'users.list by role',
      () => client.users.list.query({ sort: { field: 'role', direction: 'asc' }, limit: 50 }),
    ],
    [
      'users.list search last name',
      () => client.users.list.query({ filter: { search: lastName }, limit: 50 }),
    ],
    [
      'users.list search part',
      () => client.users.list.query({ filter: { search: lastName.slice(0, 4) }, limit: 50 }),
    ],
    [
      'users.list search + status',
      () => client.users.list.query({ filter: { search: lastName, status: ['active'] }, limit: 50 }),
    ],
    [
      'users.list search no match',
      () => client.users.list.query({ filter: { search: 'zq123456' }, limit: 50 }),
    ],
    [
      'users.list next page',
      async () => {
        const first = await client.users.list.query({ filter: { roleIds: [roleIds[0] ?? ''] }, limit: 50 });
        mark();
        return client.users.list.query({
          filter: { roleIds: [roleIds[0] ?? ''] },
          limit: 50,
          cursor: first.nextCursor ?? undefined,
        });
      },
    ],
    ['users.get', () => client.users.get.query({ id: ids[3] ?? '' })],
    [
      'bulk.preview',
      () =>
        client.bulk.preview.mutate({
          operation: { kind: 'deactivate' },
          selection: { ids: ids.slice(0, 50) },
        }),
    ],
    [
      'bulk.execute',
      () =>
        client.bulk.execute.mutate({
          operationId: crypto.randomUUID(),
          operation: { kind: 'assign_role', roleId: roleIds[2] ?? '' },
          selection: { ids: ids.slice(100, 120) },
        }),
    ],
  ];
  let offset = 0;
  const mark = () => {
    offset = statSync(LOG).size;
  };
  const settle = () => new Promise((r) => setTimeout(r, 300));
  // Warm: every kind once (prepared statements, caches), not counted.
  for (const [, run] of kinds) await run();
  for (const [name, run] of kinds) {
    await settle();
    mark();
    await run();
    await settle();
    const lines = readFileSync(LOG, 'utf8')
      .slice(offset)
      .split('\n')
      .filter((l) => l.includes(`@${database} `) && /LOG: {2}(statement|execute)/.test(l))
      // The server's worker looking for an operation to run (every second), not the request's.
      .filter((l) => !l.includes("update bulk_operations set status = 'running'"));
    console.log(`${name.padEnd(36)} ${String(lines.length).padStart(3)} statements`);
    if (process.env.SHOW)
      for (const l of lines) console.log(`    ${l.replace(/^.*?LOG: {2}/, '').slice(0, 160)}`);
  }
} finally {
  await handle.db.execute(sql.raw(`alter database "${database}" reset log_statement`));
  await server.stop();
  await handle.close();
}
