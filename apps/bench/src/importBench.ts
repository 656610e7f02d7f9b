import { randomUUID } from 'node:crypto';
import type { RosterClient } from '@roster/client';
// The browser's own parser and chunking (the shared client code), run here: the import end to end.
import {
  chunksOf,
  IMPORT_CONCURRENCY,
  mapConcurrently,
  parseImportText,
  rowsToCheck,
} from '@roster/client/imports';
import { type Db, queryRows } from '@roster/db';
import { IMPORT_CHUNK_ROWS, toImportRowInput } from '@roster/domain';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { v7 as uuidv7 } from 'uuid';
import type { ServerProcess } from './serverProcess';

export type ImportBenchResult = {
  rows: number;
  parseSeconds: number;
  previewSeconds: number;
  uploadSeconds: number;
  runSeconds: number;
  productSeconds: number;
  floorSeconds: number;
  peakRssMiB: number;
  status: string;
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

/** Removes the users a run created (product and floor), with everything that refers to them. */
async function cleanUp(db: Db, pattern: string) {
  const ids = sql`(select id from users where email like ${pattern})`;
  for (const table of ['module_access', 'user_scopes', 'user_rights', 'audit_events', 'user_search']) {
    await db.execute(sql`delete from ${sql.identifier(table)} where user_id in ${ids}`);
  }
  await db.execute(sql`delete from bulk_operation_items where email like ${pattern}`);
  await db.execute(sql`delete from users where email like ${pattern}`);
  await db.execute(sql`checkpoint`);
}

/**
 * The floor: a bare COPY of the same rows into the users table (its triggers and indexes included),
 * on a connection of its own, in the same run.
 */
async function copyFloor(url: string, prefix: string, rows: number, roleId: string): Promise<number> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const started = performance.now();
    const writable =
      await client`copy users (id, email, first_name, last_name, status, role_id, created_at, updated_at) from stdin`.writable();
    const now = new Date().toISOString();
    await new Promise<void>((resolve, reject) => {
      writable.on('error', reject);
      writable.on('finish', resolve);
      const batch: string[] = [];
      for (let i = 0; i < rows; i++) {
        batch.push(
          `${uuidv7()}\t${prefix}-${i}@import.example\tFirst${i}\tLast ${i}\tcreated\t${roleId}\t${now}\t${now}\n`,
        );
        if (batch.length === 10_000) writable.write(batch.splice(0).join(''));
      }
      writable.end(batch.join(''));
    });
    return (performance.now() - started) / 1000;
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
  await db.execute(sql`checkpoint`);

  let peak = server.rssMiB();
  const sampler = setInterval(() => {
    peak = Math.max(peak, server.rssMiB());
  }, 100);
  const started = performance.now();
  const parsed = parseImportText(csv);
  if (!parsed.ok) throw new Error(`The bench file was refused: ${parsed.message}`);
  const parsedAt = performance.now();
  // As the web app and the CLI send them: IMPORT_CONCURRENCY requests in flight.
  await mapConcurrently(
    chunksOf(rowsToCheck(parsed.rows, parsed.results).map(toImportRowInput), IMPORT_CHUNK_ROWS),
    IMPORT_CONCURRENCY,
    (chunk) => client.imports.preview.mutate({ rows: chunk }),
  );
  const previewedAt = performance.now();
  const operationId = randomUUID();
  const parts = await mapConcurrently(
    chunksOf(parsed.rows.map(toImportRowInput), IMPORT_CHUNK_ROWS),
    IMPORT_CONCURRENCY,
    (part) =>
      client.imports.commit.mutate({
        operationId,
        import: {
          invite: false,
          fileSha256: 'f'.repeat(64),
          fileName: 'bench.csv',
          totalRows: parsed.rows.length,
        },
        rows: part,
      }),
  );
  let op: { status: string; counts: { change: number } } = await client.bulk.get.query({ id: operationId });
  if (parts.length === 0) throw new Error('The bench file has no rows');
  const uploadedAt = performance.now();
  while (op.status === 'queued' || op.status === 'running' || op.status === 'receiving') {
    await new Promise((r) => setTimeout(r, 100));
    op = await client.bulk.get.query({ id: operationId });
  }
  const finishedAt = performance.now();
  clearInterval(sampler);
  peak = Math.max(peak, server.rssMiB());

  await db.execute(sql`checkpoint`);
  const floorSeconds = await copyFloor(databaseUrl, `${stamp}-f`, rows, reader?.id ?? '');
  await cleanUp(db, `${stamp}-%`);
  return {
    rows,
    parseSeconds: (parsedAt - started) / 1000,
    previewSeconds: (previewedAt - parsedAt) / 1000,
    uploadSeconds: (uploadedAt - previewedAt) / 1000,
    runSeconds: (finishedAt - uploadedAt) / 1000,
    productSeconds: (finishedAt - started) / 1000,
    floorSeconds,
    peakRssMiB: peak,
    status: `${op.status} (${op.counts.change.toLocaleString('en')} created)`,
  };
}
