import { parseArgs } from 'node:util';
import { users } from '@roster/db';
import { eq } from 'drizzle-orm';
import { postgresSettings, postgresVersion, prepareBenchDatabase } from './benchDatabase';
import { machineLine, writeSection } from './report';
import { benchScim, scimBenchToken } from './scimBench';
import { startServerProcess } from './serverProcess';
import { percentile } from './stats';

/** `pnpm --filter @roster/bench bench:scim`: users created through SCIM /Bulk into the large tenant. */
const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '10000' },
    'per-request': { type: 'string', default: '1000' },
    pairs: { type: 'string', default: '3' },
    tenant: { type: 'string', default: '1000000' },
    port: { type: 'string', default: '3931' },
  },
});
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/roster_bench';
const total = Number(values.users);
const perRequest = Number(values['per-request']);
const tenant = Number(values.tenant);
const handle = await prepareBenchDatabase(databaseUrl, tenant);
const server = await startServerProcess(databaseUrl, Number(values.port), {
  ROSTER_PUBLIC_URL: `http://127.0.0.1:${values.port}`,
});
try {
  const adminEmail = 'bench-admin@roster.local';
  const [admin] = await handle.db.select({ id: users.id }).from(users).where(eq(users.email, adminEmail));
  if (!admin) throw new Error('No bench administrator');
  const token = await scimBenchToken(handle.db, adminEmail);
  console.log(`SCIM /Bulk: ${total.toLocaleString('en')} users, ${perRequest} per request`);
  const pairs = await benchScim(handle.db, { url: server.url, pid: server.child.pid ?? 0 }, token, admin.id, {
    total,
    perRequest,
    pairs: Number(values.pairs),
  });
  const median = (xs: number[]) => percentile(xs, 50);
  const product = median(pairs.map((p) => p.product.seconds));
  const floor = median(pairs.map((p) => p.floor.seconds));
  const date = new Date().toISOString().slice(0, 10);
  const machine = machineLine(await postgresVersion(handle));
  const settings = await postgresSettings(handle);
  writeSection(
    'scim-bulk',
    [
      `## SCIM: ${total.toLocaleString('en')} users created through /Bulk (${perRequest.toLocaleString('en')} per request) into a ${tenant.toLocaleString('en')}-user tenant`,
      '',
      `${date} · ${machine} · ${settings} · the real server process over HTTP on loopback (\`pnpm --filter @roster/bench bench:scim\`), requests one after another as an identity provider sends them, each /Bulk request one scim operation with a result row and an audit event per user and the request's own audit row. Floor: hand-written set-based SQL doing the same writes (users, audit, results, the operation row) in one transaction per ${perRequest.toLocaleString('en')} users. Product and floor interleaved in pairs (the order alternating), each run's users deleted after it; medians of ${pairs.length} pairs. CPU-seconds: the server process plus this database's PostgreSQL backends.`,
      '',
      '| pair | product s | product users/s | server CPU s | PostgreSQL CPU s | floor s | floor users/s | floor PostgreSQL CPU s |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      ...pairs.map(
        (p, i) =>
          `| ${i + 1} | ${p.product.seconds.toFixed(2)} | ${(total / p.product.seconds).toFixed(0)} | ${p.product.serverCpu.toFixed(1)} | ${p.product.postgresCpu.toFixed(1)} | ${p.floor.seconds.toFixed(2)} | ${(total / p.floor.seconds).toFixed(0)} | ${p.floor.postgresCpu.toFixed(1)} |`,
      ),
      `| **median** | **${product.toFixed(2)}** | **${(total / product).toFixed(0)}** | | | **${floor.toFixed(2)}** | **${(total / floor).toFixed(0)}** | |`,
      '',
      `Product / floor: ${(product / floor).toFixed(2)}× the floor's time. Entra ID's inbound provisioning accepts up to 2,000 records/s.`,
    ].join('\n'),
  );
  console.log(
    `median: product ${(total / product).toFixed(0)} users/s, floor ${(total / floor).toFixed(0)} users/s`,
  );
} finally {
  await server.stop();
  await handle.close();
}
