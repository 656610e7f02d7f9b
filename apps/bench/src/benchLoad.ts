import getPort from 'get-port';
import { postgresSettings, postgresVersion, prepareBenchDatabase, vacuumTables } from './benchDatabase';
import { type LoadResult, type Procedure, runLoad } from './loadBench';
import { machineLine, writeSection } from './report';
import { startServerProcess } from './serverProcess';

export type BenchLoadSettings = {
  databaseUrl: string;
  users: number;
  admins: number;
  seconds: number;
  warmupSeconds: number;
  seed: number;
  /** The mean pause between an answer and the next request of an administrator (0: none). */
  thinkMs: number;
  /** Send only this procedure, not the mix (printed, never written). */
  only?: Procedure | undefined;
  /** Write the figures into BENCHMARKS.md (else print them only). */
  write: boolean;
};

/** The bar of issue 16 item 10, for users.list and users.get. */
const P99_TARGET_MS = 300;

/** Server and database CPU per request, in ms: what decides how many requests two cores can serve. */
const perRequest = (r: LoadResult) =>
  (((r.cpu.server + r.cpu.databaseBackends) / Math.max(1, r.requests)) * 1000).toFixed(0);

const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '–');

function print(r: LoadResult): void {
  console.log(
    `  ${r.requests.toLocaleString('en')} requests in ${r.seconds.toFixed(1)} s: ${r.perSecond.toFixed(1)} req/s`,
  );
  for (const p of r.byProcedure)
    console.log(
      `  ${p.procedure}: ${p.requests} requests, ${p.errors} errors, p50 ${ms(p.p50)} ms, p95 ${ms(p.p95)} ms, p99 ${ms(p.p99)} ms, max ${ms(p.max)} ms`,
    );
  console.log('  users.list views, slowest first:');
  for (const v of r.listViews)
    console.log(`    ${v.procedure}: ${v.requests} × p50 ${ms(v.p50)} p99 ${ms(v.p99)} max ${ms(v.max)} ms`);
  console.log('  users.list requests, slowest first:');
  for (const l of r.slowestLists) console.log(`    ${ms(l.ms)} ms ${l.label}: ${l.input}`);
  console.log(`  errors: ${JSON.stringify(r.errorsByCode)}`);
  console.log(
    `  CPU s: server ${r.cpu.server.toFixed(1)}, PostgreSQL backends of the database ${r.cpu.databaseBackends.toFixed(1)}, every PostgreSQL process ${r.cpu.postgresAll.toFixed(1)}, bench ${r.cpu.bench.toFixed(1)}, machine busy ${r.cpu.machineBusy.toFixed(1)}; ${perRequest(r)} ms CPU a request; load ${r.loadBefore} → ${r.loadAfter}`,
  );
}

/** The tables a load run writes: its Applies change roles (users, their counts and search rows, audit). */
const LOAD_WRITTEN_TABLES = [
  'users',
  'user_search',
  'user_counts',
  'user_module_counts',
  'bulk_operations',
  'bulk_operation_batches',
  'bulk_operation_items',
  'audit_events',
  'api_tokens',
] as const;

/**
 * `pnpm --filter @roster/bench bench:load` (or `pnpm bench --only load`): seeds the database once,
 * starts the real server process on loopback, runs the administrators against it and writes the
 * section "Load" of BENCHMARKS.md.
 */
export async function benchLoad(settings: BenchLoadSettings): Promise<LoadResult> {
  const handle = await prepareBenchDatabase(settings.databaseUrl, settings.users);
  // Each run starts from tables without the last run's dead rows (its Applies changed roles), so
  // that runs one after the other compare: this machine's server has autovacuum off.
  await vacuumTables(handle.db, LOAD_WRITTEN_TABLES);
  const database = new URL(settings.databaseUrl).pathname.slice(1);
  const server = await startServerProcess(settings.databaseUrl, await getPort({ host: '127.0.0.1' }));
  try {
    const machine = machineLine(await postgresVersion(handle));
    const pgSettings = await postgresSettings(handle);
    console.log(
      `Load: ${settings.admins} administrators for ${settings.seconds} s (after ${settings.warmupSeconds} s of warm-up) on ${settings.users.toLocaleString('en')} users`,
    );
    const r = await runLoad(handle, database, server, {
      admins: settings.admins,
      seconds: settings.seconds,
      warmupSeconds: settings.warmupSeconds,
      seed: settings.seed,
      thinkMs: settings.thinkMs,
      only: settings.only,
    });
    print(r);
    const verdict = (p: LoadResult['byProcedure'][number]) =>
      p.procedure === 'users.list' || p.procedure === 'users.get'
        ? p.p99 <= P99_TARGET_MS && p.errors === 0
          ? 'met'
          : '**missed**'
        : '';
    const errors = Object.entries(r.errorsByCode);
    if (!settings.write || settings.only) return r;
    const pause =
      settings.thinkMs > 0
        ? `pausing ${(settings.thinkMs / 1000).toFixed(1)} s on average (0.5–1.5×) between an answer and the next request (\`--think-ms ${settings.thinkMs}\`)`
        : 'with no pause (a closed loop: the most such a team can ask)';
    writeSection(
      settings.thinkMs > 0 ? 'load-think' : 'load',
      [
        settings.thinkMs > 0
          ? `## Load: ${settings.admins} administrators who pause between requests`
          : `## Load: ${settings.admins} administrators`,
        '',
        `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · ${machine} · ${pgSettings} · load average ${r.loadBefore} before, ${r.loadAfter} after (1, 5, 15 min; the 2 cores are shared with other work) · \`pnpm --filter @roster/bench bench:load\` (or \`pnpm bench --only load\`).`,
        '',
        `The real server process (as \`pnpm start\` runs it, default settings: a pool of 10 connections, the request limiter's 20 calls per principal and 40 in all) on loopback, against ${settings.users.toLocaleString('en')} seeded users on PostgreSQL. ${settings.admins} administrators, each an active administrator with an API token of their own (so ${settings.admins} principals of the limiter), each sending one request after the other ${pause}, for ${settings.seconds} s, after ${settings.warmupSeconds} s of the same not counted. Mix: \`users.list\` 70 % (half the time a new view — a filter, a search, a sort, 15 kinds — whose first page is counted exactly, half the time the next page of the admin's current view), \`users.get\` 15 %, \`bulk.preview\` of 50 ticked users 10 % (assign role or deactivate), \`bulk.execute\` of 20 ticked users 5 % (assign role; finishes inside the request). Ticked users are drawn from 20,000 non-administrators, so two admins sometimes change the same user at once.`,
        '',
        `**${r.requests.toLocaleString('en')} requests in ${r.seconds.toFixed(1)} s: ${r.perSecond.toFixed(1)} req/s; ${errors.length === 0 ? '0 errors' : `errors: ${errors.map(([code, n]) => `${n} × ${code}`).join(', ')}`}.**`,
        '',
        `| procedure | requests | errors | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | target p99 ≤ ${P99_TARGET_MS} ms, 0 errors |`,
        '|---|---:|---:|---:|---:|---:|---:|---|',
        ...r.byProcedure.map(
          (p) =>
            `| ${p.procedure} | ${p.requests.toLocaleString('en')} | ${p.errors} | ${ms(p.p50)} | ${ms(p.p95)} | ${ms(p.p99)} | ${ms(p.max)} | ${verdict(p)} |`,
        ),
        '',
        `CPU seconds during the ${r.seconds.toFixed(0)} s: server process ${r.cpu.server.toFixed(1)}, PostgreSQL backends of this database ${r.cpu.databaseBackends.toFixed(1)} (every PostgreSQL process on the machine still running at the end, other databases' work included: ${r.cpu.postgresAll.toFixed(1)}), the bench's own clients ${r.cpu.bench.toFixed(1)}; the whole machine was busy ${r.cpu.machineBusy.toFixed(1)} of ${(2 * r.seconds).toFixed(0)} core-seconds. Per request: ${perRequest(r)} ms of CPU (server and this database's backends).`,
        '',
        'The `users.list` views, slowest p99 first:',
        '',
        '| view | requests | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) |',
        '|---|---:|---:|---:|---:|---:|',
        ...r.listViews.map(
          (v) =>
            `| ${v.procedure} | ${v.requests} | ${ms(v.p50)} | ${ms(v.p95)} | ${ms(v.p99)} | ${ms(v.max)} |`,
        ),
      ].join('\n'),
    );
    console.log('Results written to BENCHMARKS.md');
    return r;
  } finally {
    await server.stop();
    await handle.close();
  }
}
