import { parseArgs } from 'node:util';
import { createRosterClient } from '@roster/client';
import { users } from '@roster/db';
import { eq } from 'drizzle-orm';
import { benchToken, postgresSettings, postgresVersion, prepareBenchDatabase } from './benchDatabase';
import { benchLoad } from './benchLoad';
import { BULK_BENCH_KINDS, benchBulk, bulkTableLines } from './bulkBench';
import { type CpuSample, formatCpu } from './cpuTime';
import { benchImport, type ImportBenchResult } from './importBench';
import { benchPreview } from './previewBench';
import { machineLine, writeSection } from './report';
import { startServerProcess } from './serverProcess';
import { benchUsersList } from './usersListBench';
import { benchUsersListMatrix, matrixTable } from './usersListMatrix';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '30' },
    only: { type: 'string' },
    'bulk-sizes': { type: 'string', default: '10000,100000,1000000' },
    /** Pairs of product and floor run one after the other for each bulk operation (medians reported). */
    'bulk-pairs': { type: 'string', default: '3' },
    /** `--bulk-kinds assign_role,deactivate`: some of the bulk bench's operations only. */
    'bulk-kinds': { type: 'string', default: BULK_BENCH_KINDS.join(',') },
    'import-rows': { type: 'string', default: '100000' },
    /** The machine is noisy (the same statement varies up to 2×): each run, and its own floors, is a row. */
    'import-runs': { type: 'string', default: '3' },
    /** `--only load`: administrators at once against a tenant of this size (bench:load has every option). */
    'load-users': { type: 'string', default: '200000' },
    'load-seconds': { type: 'string', default: '60' },
  },
});
const BENCH_ADMIN = 'bench-admin@roster.local';
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/roster_bench';
const size = Number(values.users);

function runPreviewBench(date: string, machine: string) {
  const preview = benchPreview();
  for (const r of preview)
    console.log(`  preview ${r.name}: p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms`);
  writeSection(
    'preview',
    [
      '## Client-side preview of 10,000 loaded users',
      '',
      `${date} · ${machine} · the domain rule \`planBulkOperation\` plus the counts per outcome and reason, on 10,000 users, in Node (the same code the browser runs for its instant preview), 30 runs after 5 warm-up runs.`,
      '',
      '| operation | p50 (ms) | p95 (ms) | target ≤ 20 ms |',
      '|---|---:|---:|---|',
      ...preview.map(
        (r) =>
          `| ${r.name} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p95 <= 20 ? 'met' : '**missed**'} |`,
      ),
    ].join('\n'),
  );
}

// The preview bench needs no database: run it first (and alone with --only preview).
if (!values.only || values.only === 'preview') {
  runPreviewBench(new Date().toISOString().slice(0, 10), machineLine('benchmark of the domain rule alone'));
}
if (values.only === 'preview') process.exit(0);
if (values.only === 'load') {
  await benchLoad({
    databaseUrl: process.env.LOAD_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/roster_load',
    users: Number(values['load-users']),
    admins: 20,
    seconds: Number(values['load-seconds']),
    warmupSeconds: 5,
    seed: 16,
    thinkMs: 0,
    write: true,
  });
  process.exit(0);
}

const handle = await prepareBenchDatabase(databaseUrl, size);
// BENCH_PORT: another bench (or server) may hold the default port on a shared machine.
const server = await startServerProcess(databaseUrl, Number(process.env.BENCH_PORT ?? 3999));
try {
  const client = createRosterClient({
    url: server.url,
    token: await benchToken(handle, BENCH_ADMIN),
  });
  const date = new Date().toISOString().slice(0, 10);
  const machine = machineLine(await postgresVersion(handle));
  const settings = await postgresSettings(handle);

  if (!values.only || values.only === 'list') {
    console.log('users.list');
    const list = await benchUsersList(client, handle.db, Number(values.runs));
    const target = 50;
    const countTarget = 150;
    writeSection(
      'users-list',
      [
        `## users.list at ${size.toLocaleString('en')} users`,
        '',
        `${date} · ${machine} · ${settings} · through the real server over HTTP (typed client), page of 50, ${values.runs} timed runs after 8 warm-up runs (past the switch to generic plans). As the web app loads a view: the page (\`users.list\` with \`count: false\`) and, beside it, the exact number of matching users (\`users.count\`: status, role and a module, alone or together, from the maintained counts, a search alone from the search table, a right alone from its own table, anything else by \`count(*)\`), the two timed one after the other.`,
        '',
        '| query | matching users (exact) | page p50 (ms) | page p95 (ms) | page target p95 ≤ 50 ms | count p50 (ms) | count p95 (ms) | count target p95 ≤ 150 ms |',
        '|---|---:|---:|---:|---|---:|---:|---|',
        ...list.map(
          (r) =>
            `| ${r.name} | ${r.total.toLocaleString('en')} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p95 <= target ? 'met' : '**missed**'} | ${r.countP50.toFixed(1)} | ${r.countP95.toFixed(1)} | ${r.countP95 <= countTarget ? 'met' : '**missed**'} |`,
        ),
      ].join('\n'),
    );
  }
  if (!values.only || values.only === 'matrix') {
    console.log('users.list matrix');
    const cells = await benchUsersListMatrix(client, handle.db, Number(values.runs), (c) =>
      console.log(
        `  ${c.view} by ${c.sort}: first p50 ${c.first.p50.toFixed(1)} / p95 ${c.first.p95.toFixed(1)} ms${c.page200 ? `; page 200 p50 ${c.page200.p50.toFixed(1)} / p95 ${c.page200.p95.toFixed(1)} ms` : ''}`,
      ),
    );
    writeSection(
      'users-list-matrix',
      [
        `## users.list matrix at ${size.toLocaleString('en')} users (issue 18)`,
        '',
        `${date} · ${machine} · ${settings} · through the real server over HTTP (typed client), page of 50 (\`count: false\`, as the web app asks for a page), every sort field ascending × every view; the first page and page 200 reached by cursor (users 9,951–10,000 of the view; "—" when the view has fewer than 10,000 users), each ${values.runs} timed calls after 8 warm-up calls (past the switch to generic plans). Target p95 ≤ 50 ms for every cell.`,
        '',
        ...matrixTable(cells, 50),
      ].join('\n'),
    );
  }
  if (!values.only || values.only === 'bulk') {
    console.log('bulk operations');
    const [admin] = await handle.db.select({ id: users.id }).from(users).where(eq(users.email, BENCH_ADMIN));
    const sizes = (values['bulk-sizes'] ?? '')
      .split(',')
      .map(Number)
      .filter((n) => n > 0);
    for (const bulkSize of sizes) {
      const bulk = await benchBulk(
        client,
        server,
        handle.db,
        [bulkSize],
        admin?.id ?? '',
        Number(values['bulk-pairs']),
        BULK_BENCH_KINDS.filter((kind) => (values['bulk-kinds'] ?? '').split(',').includes(kind)),
      );
      writeSection(
        `bulk-${bulkSize}`,
        [
          `## Bulk operations on ${bulkSize.toLocaleString('en')} users of a ${size.toLocaleString('en')}-user tenant`,
          '',
          `${date} · ${machine} · ${settings} · the real server process over HTTP, audit and per-user results included; wall time from Apply until the operation reports done. Floor: hand-written set-based SQL doing the same writes (the update, one audit row and one result row per user) in one transaction. Product and floor interleaved in pairs (product, floor, product, floor…), medians of the pairs. CPU-seconds: the server process plus this database's PostgreSQL backends (from /proc; PostgreSQL's background writers, shared with other databases, left out). Up to 100,000 users the selection is the ticked rows (deactivate: "all users matching a filter"); beyond, every operation selects all users matching a filter. Batches of an operation at a time: \`ROSTER_BULK_LANES\` ${process.env.ROSTER_BULK_LANES ? `= ${process.env.ROSTER_BULK_LANES}` : "unset (the server's default, README)"}.`,
          '',
          ...bulkTableLines(bulk),
        ].join('\n'),
      );
    }
  }
  if (!values.only || values.only === 'import') {
    console.log('import');
    const runs: ImportBenchResult[] = [];
    for (let run = 0; run < Number(values['import-runs']); run++) {
      const r = await benchImport(client, server, handle.db, databaseUrl, Number(values['import-rows']));
      runs.push(r);
      console.log(
        `  import × ${r.rows.toLocaleString('en')}: product ${r.productSeconds.toFixed(1)} s (parse ${r.parseSeconds.toFixed(1)}, preview ${r.previewSeconds.toFixed(1)}, commit ${r.commitSeconds.toFixed(1)}, run ${r.runSeconds.toFixed(1)}), floor: every row ${r.floor.all.toFixed(1)} s, users only ${r.floor.users.toFixed(1)} s; ratio ${(r.productSeconds / r.floor.all).toFixed(2)} (${(r.productSeconds / r.floor.users).toFixed(2)}), RSS ${r.peakRssMiB.toFixed(0)} MiB, ${r.status}`,
      );
      for (const [phase, cpu] of Object.entries(r.cpu))
        console.log(`    CPU s in ${phase}: ${formatCpu(cpu)}`);
    }
    const verdict = (ratio: number) => (ratio <= 1.5 ? 'met' : '**missed**');
    const runLine = (r: ImportBenchResult, i: number) => {
      const all = r.productSeconds / r.floor.all;
      return `| ${i + 1} | ${r.rows.toLocaleString('en')} | ${r.parseSeconds.toFixed(1)} | ${r.previewSeconds.toFixed(1)} | ${r.commitSeconds.toFixed(1)} | ${r.runSeconds.toFixed(1)} | ${r.productSeconds.toFixed(1)} | ${Math.round(r.rows / r.productSeconds).toLocaleString('en')} | ${r.floor.all.toFixed(1)} | ${all.toFixed(2)} | ${verdict(all)} | ${r.floor.users.toFixed(1)} | ${(r.floor.all / r.floor.users).toFixed(2)} | ${(r.productSeconds / r.floor.users).toFixed(2)} | ${r.peakRssMiB.toFixed(0)} | ${r.status} |`;
    };
    const cpuLine = (name: string, pick: (r: ImportBenchResult) => CpuSample) =>
      runs
        .map((r, i) => {
          const c = pick(r);
          return `| ${i + 1} | ${name} | ${c.server.toFixed(1)} | ${c.postgres.toFixed(1)} | ${c.bench.toFixed(1)} |`;
        })
        .join('\n');
    const rows = runs[0]?.rows ?? 0;
    writeSection(
      'import',
      [
        `## CSV import of ${rows.toLocaleString('en')} rows into a ${size.toLocaleString('en')}-user tenant`,
        '',
        `${date} · ${machine} · ${settings} · ${runs.length} runs, each beside its own floors · end to end: the browser's parser and validation (run in Node), \`imports.preview\` of every row in chunks of 5,000 rows (two in flight, as the web app and the CLI send them; the server keeps the rows), \`imports.commit\`, then the operation running in the server process until it reports done (users, copied access for one row in ten, audit and per-row results). Floor: a bare \`COPY\` of the same rows into the same tables (their indexes and triggers included), same run: the users, the access copied for one row in ten, one audit event and one result row each; beside it, the part of it that copies the users alone (the \`users\` rows and, by trigger, their search rows).`,
        '',
        '| run | rows | parse (s) | preview (s) | commit (s) | run (s) | product (s) | rows/s | floor (s) | product/floor | target ≤ 1.5× | users alone (s) | floor/users alone | product/users alone | server peak RSS (MiB) | outcome |',
        '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|',
        ...runs.map(runLine),
        '',
        'CPU seconds by phase (the server process, every PostgreSQL process, and the bench process playing the browser):',
        '',
        '| run | phase | server | PostgreSQL | browser (bench) |',
        '|---:|---|---:|---:|---:|',
        cpuLine('preview', (r) => r.cpu.preview),
        cpuLine('commit', (r) => r.cpu.commit),
        cpuLine('run', (r) => r.cpu.run),
      ].join('\n'),
    );
  }
  console.log('Results written to BENCHMARKS.md');
} finally {
  await server.stop();
  await handle.close();
}
