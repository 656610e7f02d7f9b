import { randomUUID } from 'node:crypto';
import type { RosterClient } from '@roster/client';
// The browser's own parser and chunking (the shared client code), run here: the import end to end.
import { parseImportText, previewImportFile } from '@roster/client/imports';
import { type Db, queryRows, reuseCachedPlans } from '@roster/db';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { v7 as uuidv7 } from 'uuid';
import { vacuumTables } from './benchDatabase';
import { type CpuSample, cpuBetween, sampleCpu } from './cpuTime';
import type { ServerProcess } from './serverProcess';

export type ImportBenchResult = {
  rows: number;
  parseSeconds: number;
  previewSeconds: number;
  commitSeconds: number;
  runSeconds: number;
  productSeconds: number;
  floor: FloorSeconds;
  peakRssMiB: number;
  status: string;
  /** CPU seconds of the server, PostgreSQL and the bench (the browser's part) in each phase. */
  cpu: { preview: CpuSample; commit: CpuSample; run: CpuSample };
};

const ROLES = ['', 'Reader', 'Contributor', 'Project manager'];

/** A realistic file: names, a role on most rows, access copied from an existing user on one in ten. */
function buildCsv(prefix: string, rows: number, sources: string[]): string {
  const lines = ['email,first_name,last_name,role,copy_access_from'];
  for (let i = 0; i < rows; i++) {
    const source = i % 10 === 0 ? (sources[i % sources.length] ?? '') : '';
    lines.push(`${prefix}-${i}@import.example,First${i},Last ${i},${ROLES[i % ROLES.length]},${source}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The tables an import writes (and the bench's clean-up deletes from). */
const IMPORT_TABLES = [
  'module_access',
  'user_scopes',
  'user_rights',
  'audit_events',
  'user_search',
  'bulk_operation_items',
  'users',
];

/** Removes the users a run created (product and floor), with everything that refers to them. */
async function cleanUp(db: Db, pattern: string) {
  const ids = sql`(select id from users where email like ${pattern})`;
  await db.transaction(async (tx) => {
    // The foreign-key checks of every deleted user, planned once instead of once per row.
    await reuseCachedPlans(tx);
    for (const table of ['module_access', 'user_scopes', 'user_rights', 'audit_events', 'user_search']) {
      await tx.execute(sql`delete from ${sql.identifier(table)} where user_id in ${ids}`);
    }
    await tx.execute(sql`delete from bulk_operation_items where email like ${pattern}`);
    await tx.execute(sql`delete from users where email like ${pattern}`);
  });
  // The next run (or the next bench) finds the tables as they were, not full of dead rows.
  await vacuumTables(db, IMPORT_TABLES);
}

/** Streams tab-separated lines into `copy … from stdin` on the connection, 10,000 lines per write. */
async function copyLines(client: postgres.Sql, statement: string, lines: Iterable<string>): Promise<void> {
  const writable = await client.unsafe(statement).writable();
  await new Promise<void>((resolve, reject) => {
    writable.on('error', reject);
    writable.on('finish', resolve);
    const batch: string[] = [];
    for (const line of lines) {
      batch.push(line);
      if (batch.length === 10_000) writable.write(batch.splice(0).join(''));
    }
    writable.end(batch.join(''));
  });
}

type SourceAccess = { modules: [string, string][]; units: string[]; rights: string[] };

/** The module access, scope and rights of each of these users, by e-mail (read before the floor's clock starts). */
async function accessOf(db: Db, emails: string[]): Promise<Map<string, SourceAccess & { id: string }>> {
  const found = new Map<string, SourceAccess & { id: string }>();
  for (const email of emails) {
    const [user] = await queryRows<{ id: string }>(db, sql`select id from users where email = ${email}`);
    if (!user) continue;
    const modules = await queryRows<{ module: string; level: string }>(
      db,
      sql`select module::text, level::text from module_access where user_id = ${user.id}`,
    );
    const units = await queryRows<{ id: string }>(
      db,
      sql`select org_unit_id as id from user_scopes where user_id = ${user.id}`,
    );
    const rights = await queryRows<{ right: string }>(
      db,
      sql`select "right"::text as right from user_rights where user_id = ${user.id}`,
    );
    found.set(email, {
      id: user.id,
      modules: modules.map((m) => [m.module, m.level]),
      units: units.map((u) => u.id),
      rights: rights.map((r) => r.right),
    });
  }
  return found;
}

export type FloorSeconds = {
  /** The users alone (their search rows come with them, by trigger). */
  users: number;
  /** Every row the import writes: users, copied access, one audit event and one result per row. */
  all: number;
};

/**
 * The floor: a bare COPY of the same rows into the same tables (their triggers and indexes included),
 * on a connection of its own, in the same run: the users, the access copied for one row in ten, one
 * audit event per user and one result row per CSV row.
 */
async function copyFloor(
  url: string,
  db: Db,
  prefix: string,
  rows: number,
  roleId: string,
  sources: string[],
): Promise<FloorSeconds> {
  const access = await accessOf(db, sources);
  const ids = Array.from({ length: rows }, () => uuidv7());
  const sourceOf = (i: number) => (i % 10 === 0 ? access.get(sources[i % sources.length] ?? '') : undefined);
  const operationId = uuidv7();
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const now = new Date().toISOString();
    const started = performance.now();
    await copyLines(
      client,
      'copy users (id, email, first_name, last_name, status, role_id, created_at, updated_at) from stdin',
      ids.map(
        (id, i) =>
          `${id}\t${prefix}-${i}@import.example\tFirst${i}\tLast ${i}\tcreated\t${roleId}\t${now}\t${now}\n`,
      ),
    );
    const users = (performance.now() - started) / 1000;
    await copyLines(
      client,
      'copy module_access (user_id, module, level) from stdin',
      ids.flatMap((id, i) => (sourceOf(i)?.modules ?? []).map(([m, l]) => `${id}\t${m}\t${l}\n`)),
    );
    await copyLines(
      client,
      'copy user_scopes (user_id, org_unit_id) from stdin',
      ids.flatMap((id, i) => (sourceOf(i)?.units ?? []).map((u) => `${id}\t${u}\n`)),
    );
    await copyLines(
      client,
      'copy user_rights (user_id, "right") from stdin',
      ids.flatMap((id, i) => (sourceOf(i)?.rights ?? []).map((r) => `${id}\t${r}\n`)),
    );
    await copyLines(
      client,
      'copy audit_events (at, actor_id, user_id, operation_id, action, after) from stdin',
      ids.map((id, i) => {
        const after = JSON.stringify({
          email: `${prefix}-${i}@import.example`,
          firstName: `First${i}`,
          lastName: `Last ${i}`,
          roleId,
          status: 'created',
          ...(sourceOf(i) ? { copiedAccessFrom: sourceOf(i)?.id } : {}),
          line: i + 2,
        });
        return `${now}\t${id}\t${id}\t${operationId}\tuser.import\t${after}\n`;
      }),
    );
    await copyLines(
      client,
      'copy bulk_operation_items (operation_id, position, user_id, email, outcome, processed_at) from stdin',
      ids.map((id, i) => `${operationId}\t${i + 2}\t${id}\t${prefix}-${i}@import.example\tchange\t${now}\n`),
    );
    return { users, all: (performance.now() - started) / 1000 };
  } finally {
    await client.end();
  }
}

/** A CSV of `rows` new users, previewed and committed through the real server, beside the COPY floor. */
export async function benchImport(
  client: RosterClient,
  server: ServerProcess,
  db: Db,
  databaseUrl: string,
  rows: number,
): Promise<ImportBenchResult> {
  const stamp = `bench-import-${Date.now().toString(36)}`;
  const sources = (
    await queryRows<{ email: string }>(
      db,
      sql`select u.email from users u join module_access m on m.user_id = u.id
        where u.email not like 'bench-%' group by u.email limit 50`,
    )
  ).map((r) => r.email);
  const [reader] = await queryRows<{ id: string }>(
    db,
    sql`select id::text as id from roles where name = 'Reader'`,
  );
  const csv = buildCsv(`${stamp}-p`, rows, sources);
  await vacuumTables(db, IMPORT_TABLES);

  let peak = server.rssMiB();
  const sampler = setInterval(() => {
    peak = Math.max(peak, server.rssMiB());
  }, 100);
  const pid = server.child.pid ?? 0;
  const started = performance.now();
  const parsed = parseImportText(csv);
  if (!parsed.ok) throw new Error(`The bench file was refused: ${parsed.message}`);
  const parsedAt = performance.now();
  const cpuAtParsed = sampleCpu(pid);
  // As the web app and the CLI send them: the whole file previewed (the server keeps the rows), then
  // the commit.
  const operationId = randomUUID();
  await previewImportFile(client, {
    operationId,
    file: { fileSha256: 'f'.repeat(64), fileName: 'bench.csv', totalRows: parsed.rows.length },
    rows: parsed.rows,
    results: parsed.results,
  });
  const previewedAt = performance.now();
  const cpuAtPreviewed = sampleCpu(pid);
  await client.imports.commit.mutate({ operationId, invite: false });
  let op: { status: string; counts: { change: number } } = await client.bulk.get.query({ id: operationId });
  const committedAt = performance.now();
  const cpuAtCommitted = sampleCpu(pid);
  while (op.status === 'queued' || op.status === 'running' || op.status === 'receiving') {
    await new Promise((r) => setTimeout(r, 100));
    op = await client.bulk.get.query({ id: operationId });
  }
  const finishedAt = performance.now();
  const cpuAtFinished = sampleCpu(pid);
  clearInterval(sampler);
  peak = Math.max(peak, server.rssMiB());

  await db.execute(sql`checkpoint`);
  const floor = await copyFloor(databaseUrl, db, `${stamp}-f`, rows, reader?.id ?? '', sources);
  await cleanUp(db, `${stamp}-%`);
  return {
    rows,
    parseSeconds: (parsedAt - started) / 1000,
    previewSeconds: (previewedAt - parsedAt) / 1000,
    commitSeconds: (committedAt - previewedAt) / 1000,
    runSeconds: (finishedAt - committedAt) / 1000,
    productSeconds: (finishedAt - started) / 1000,
    floor,
    peakRssMiB: peak,
    cpu: {
      preview: cpuBetween(cpuAtParsed, cpuAtPreviewed),
      commit: cpuBetween(cpuAtPreviewed, cpuAtCommitted),
      run: cpuBetween(cpuAtCommitted, cpuAtFinished),
    },
    status: `${op.status} (${op.counts.change.toLocaleString('en')} created)`,
  };
}
