import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiTokenBySignIn, createRosterClient, type RosterClient } from '@roster/client';
import { startServerProcess } from './serverProcess';
import { percentile } from './stats';

export type EmbeddedBenchResult = {
  /** The embedded database and its version. */
  engine: string;
  tenantUsers: number;
  operationUsers: number;
  /** From Apply until `bulk.execute` answered. */
  applyAnsweredMs: number;
  /** From Apply until the first `bulk.get` after it answered: the panel shows the bar. */
  barShownMs: number;
  /** From Apply until a `bulk.get` first reported processed > 0. */
  firstProgressMs: number;
  /** The times between two `bulk.get` answers whose `processed` differed (polled every 100 ms). */
  progressMoveMs: { p50: number; p95: number; max: number; moves: number };
  /** users.list (first page, sorted by name) while the operation ran, one request after another. */
  list: { p50: number; p95: number; max: number; runs: number };
  /** The same page with no operation running, for comparison. */
  idleList: { p50: number; p95: number };
  bulkGet: { p95: number; max: number };
  operationSeconds: number;
  status: string;
  /** The same users' role changed back, with only the panel's own polling (every 500 ms) meanwhile. */
  aloneSeconds: number;
};

const ADMIN = { email: 'bench-admin@roster.local', password: 'bench-admin-password' };
const POLL_MS = 100;
const LIST_GAP_MS = 50;
/** The role the operation assigns: few seeded users have it, so nearly every selected user changes. */
const TARGET_ROLE = 'Buyer';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The embedded database as packages/db pins it. */
export function pgliteVersion(): string {
  const file = createRequire(import.meta.url).resolve('@roster/db/package.json');
  const pinned = /"@electric-sql\/pglite":\s*"([^"]+)"/.exec(readFileSync(file, 'utf8'))?.[1];
  return `PGlite ${pinned ?? '(version unknown)'}`;
}

/** Apply, then `bulk.get` every 500 ms as the panel does until the operation is done; in seconds. */
async function timeAlone(client: RosterClient, roleId: string, ids: string[]) {
  const started = performance.now();
  let op = await client.bulk.execute.mutate({
    operationId: randomUUID(),
    operation: { kind: 'assign_role', roleId },
    selection: { ids },
  });
  while (op.status === 'queued' || op.status === 'running') {
    await sleep(500);
    op = await client.bulk.get.query({ id: op.id });
  }
  return (performance.now() - started) / 1000;
}

/** `wanted` users who are neither administrators nor already in the target role, read page by page. */
async function pickOperationUsers(client: RosterClient, wanted: number) {
  const roles = await client.roles.list.query();
  const target = roles.find((r) => r.name === TARGET_ROLE);
  if (!target) throw new Error(`No ${TARGET_ROLE} role`);
  const roleIds = roles.filter((r) => !r.isAdmin && r.id !== target.id).map((r) => r.id);
  const ids: string[] = [];
  let cursor: string | undefined;
  while (ids.length < wanted) {
    const page = await client.users.list.query({ filter: { roleIds }, limit: 500, cursor });
    ids.push(...page.items.map((u) => u.id));
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return { roleId: target.id, ids: ids.slice(0, wanted) };
}

const FIRST_PAGE = { sort: { field: 'name', direction: 'asc' }, limit: 50 } as const;

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; at: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  const at = performance.now();
  return { ms: at - started, at, value };
}

/**
 * Applies the role change and, until it is done, polls `bulk.get` every 100 ms (the panel polls
 * every 500 ms; finer here to see each move) while another loop asks for the users' first page.
 */
async function measureDuringOperation(client: RosterClient, operation: { roleId: string; ids: string[] }) {
  const id = randomUUID();
  let finished = false;
  const moves: number[] = [];
  const gets: number[] = [];
  const lists: number[] = [];
  let firstProgressAt = Number.NaN;
  let barShownAt = Number.NaN;
  let status = 'queued';
  const applied = performance.now();
  const apply = await timed(() =>
    client.bulk.execute.mutate({
      operationId: id,
      operation: { kind: 'assign_role', roleId: operation.roleId },
      selection: { ids: operation.ids },
    }),
  );
  const listing = (async () => {
    while (!finished) {
      const page = await timed(() => client.users.list.query(FIRST_PAGE));
      if (!finished) lists.push(page.ms);
      await sleep(LIST_GAP_MS);
    }
  })();
  let lastProcessed = apply.value.processed;
  let lastMoveAt = Number.NaN;
  status = apply.value.status;
  while (status === 'queued' || status === 'running') {
    const got = await timed(() => client.bulk.get.query({ id }));
    gets.push(got.ms);
    if (Number.isNaN(barShownAt)) barShownAt = got.at;
    status = got.value.status;
    if (got.value.processed !== lastProcessed) {
      if (Number.isNaN(firstProgressAt)) firstProgressAt = got.at;
      else moves.push(got.at - lastMoveAt);
      lastMoveAt = got.at;
      lastProcessed = got.value.processed;
    }
    await sleep(POLL_MS);
  }
  finished = true;
  const operationSeconds = (performance.now() - applied) / 1000;
  await listing;
  return {
    applyAnsweredMs: apply.ms,
    barShownMs: (Number.isNaN(barShownAt) ? apply.at : barShownAt) - applied,
    firstProgressMs: firstProgressAt - applied,
    progressMoveMs: {
      p50: percentile(moves, 50),
      p95: percentile(moves, 95),
      max: Math.max(...moves),
      moves: moves.length,
    },
    list: {
      p50: percentile(lists, 50),
      p95: percentile(lists, 95),
      max: Math.max(...lists),
      runs: lists.length,
    },
    bulkGet: { p95: percentile(gets, 95), max: Math.max(...gets) },
    operationSeconds,
    status,
  };
}

/**
 * Issue 15 (3): the real server on the embedded database (a fresh data directory, as `pnpm start`
 * without DATABASE_URL runs it) with a tenant of `tenantUsers`, while a role change of
 * `operationUsers` runs: how soon Apply shows its progress, how often the progress moves, and how
 * fast a users.list answers meanwhile.
 */
export async function benchEmbedded(
  tenantUsers = 50_000,
  operationUsers = 35_000,
  port = 3998,
): Promise<EmbeddedBenchResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'roster-embedded-bench-'));
  try {
    // As `pnpm dev` starts on a fresh data directory: migrate, seed the demo tenant, serve.
    console.log(`  starting the server on ${dataDir}, seeding ${tenantUsers.toLocaleString('en')} users…`);
    const server = await startServerProcess('', port, {
      ROSTER_DATA_DIR: dataDir,
      ROSTER_DEMO_USERS: String(tenantUsers),
    });
    try {
      const client = createRosterClient({
        url: server.url,
        token: await createApiTokenBySignIn({ url: server.url, ...ADMIN, tokenName: 'embedded bench' }),
      });
      const operation = await pickOperationUsers(client, operationUsers);
      const idle: number[] = [];
      for (let i = 0; i < 25; i++) {
        const page = await timed(() => client.users.list.query(FIRST_PAGE));
        if (i >= 5) idle.push(page.ms);
      }
      const during = await measureDuringOperation(client, operation);
      const reader = (await client.roles.list.query()).find((r) => r.name === 'Reader');
      const aloneSeconds = await timeAlone(client, reader?.id ?? '', operation.ids);
      return {
        engine: pgliteVersion(),
        tenantUsers,
        operationUsers: operation.ids.length,
        idleList: { p50: percentile(idle, 50), p95: percentile(idle, 95) },
        ...during,
        aloneSeconds,
      };
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const met = (ok: boolean) => (ok ? 'met' : '**missed**');
const ms = (value: number) => `${Math.round(value).toLocaleString('en')} ms`;
/** The BENCHMARKS.md section of one run, beside the targets of issue 15 (3). */
export function embeddedSection(r: EmbeddedBenchResult, date: string, machine: string): string {
  return [
    `## Embedded database: the app while a ${r.operationUsers.toLocaleString('en')}-user operation runs`,
    '',
    `${date} · ${machine} · the real server process (\`pnpm start\` without DATABASE_URL) on a fresh PGlite data directory holding ${r.tenantUsers.toLocaleString('en')} seeded users, called over HTTP with the typed client. "Assign role" (${TARGET_ROLE}) on ${r.operationUsers.toLocaleString('en')} ticked users; meanwhile \`bulk.get\` is polled every ${POLL_MS} ms and the users' first page (sorted by name, 50 rows) is asked for again ${LIST_GAP_MS} ms after each answer. \`pnpm --filter @roster/bench bench:embedded\`.`,
    '',
    '| measure | value | target |',
    '|---|---:|---|',
    `| Apply answered (\`bulk.execute\`) | ${ms(r.applyAnsweredMs)} | |`,
    `| progress bar shown (first \`bulk.get\` answered after Apply) | ${ms(r.barShownMs)} | ≤ 1 s: ${met(r.barShownMs <= 1_000)} |`,
    `| first progress (processed > 0) | ${ms(r.firstProgressMs)} | ≤ 1 s: ${met(r.firstProgressMs <= 1_000)} |`,
    `| time between progress moves: p50 / p95 / max (${r.progressMoveMs.moves} moves) | ${ms(r.progressMoveMs.p50)} / ${ms(r.progressMoveMs.p95)} / ${ms(r.progressMoveMs.max)} | max ≤ 1 s: ${met(r.progressMoveMs.max <= 1_000)} |`,
    `| users.list during the operation: p50 / p95 / max (${r.list.runs} requests) | ${ms(r.list.p50)} / ${ms(r.list.p95)} / ${ms(r.list.max)} | p95 ≤ 300 ms: ${met(r.list.p95 <= 300)} |`,
    `| users.list with nothing running: p50 / p95 | ${ms(r.idleList.p50)} / ${ms(r.idleList.p95)} | |`,
    `| \`bulk.get\` during the operation: p95 / max | ${ms(r.bulkGet.p95)} / ${ms(r.bulkGet.max)} | |`,
    `| the operation, Apply to done | ${r.operationSeconds.toFixed(1)} s (${r.status}) | |`,
    `| the same users' role changed back, nothing else asking but the panel (every 500 ms) | ${r.aloneSeconds.toFixed(1)} s | |`,
  ].join('\n');
}
