import { parseArgs } from 'node:util';
import { createRosterClient } from '@roster/client';
import { benchToken, postgresVersion, prepareBenchDatabase } from './benchDatabase';
import { machineLine, writeSection } from './report';
import { startServerProcess } from './serverProcess';
import { benchUsersList } from './usersListBench';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '30' },
  },
});
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/roster_bench';
const size = Number(values.users);

const handle = await prepareBenchDatabase(databaseUrl, size);
const server = await startServerProcess(databaseUrl, 3999);
try {
  const client = createRosterClient({
    url: server.url,
    token: await benchToken(handle, 'bench-admin@roster.local'),
  });
  const date = new Date().toISOString().slice(0, 10);
  const machine = machineLine(await postgresVersion(handle));

  console.log('users.list');
  const list = await benchUsersList(client, handle.db, Number(values.runs));
  const target = 50;
  writeSection(
    'users-list',
    [
      `## users.list at ${size.toLocaleString('en')} users`,
      '',
      `${date} · ${machine} · PostgreSQL default settings · through the real server over HTTP (typed client), page of 50, ${values.runs} timed runs after 8 warm-up runs (past the switch to generic plans). The first page of a view also counts the matching users: exactly up to 2,000, otherwise the planner's estimate (shown with ~).`,
      '',
      '| query | matching users | p50 (ms) | p95 (ms) | target p95 ≤ 50 ms |',
      '|---|---:|---:|---:|---|',
      ...list.map(
        (r) =>
          `| ${r.name} | ${r.total.toLocaleString('en')} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p95 <= target ? 'met' : '**missed**'} |`,
      ),
    ].join('\n'),
  );
  console.log('Results written to BENCHMARKS.md');
} finally {
  await server.stop();
  await handle.close();
}
