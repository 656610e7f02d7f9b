import { readFileSync } from 'node:fs';
import { newApiToken } from '@roster/api';
import { createRosterClient, type RosterClient, type RouterInputs, TRPCClientError } from '@roster/client';
import { apiTokens, type DbHandle, queryRows, roles, users } from '@roster/db';
import { eq, inArray, ne, sql } from 'drizzle-orm';
import { postgresCpuBetween, postgresCpuByPid, processCpuSeconds } from './cpuTime';
import type { ServerProcess } from './serverProcess';
import { percentile } from './stats';

/**
 * Issue 16 item 10: a number of administrators, each with an API token of their own (one person, one
 * principal of the server's request limiter), each sending one request after the other with no pause
 * for as long as the run lasts — a closed loop, the hardest such a team can push. The mix:
 * users.list 70 % (a new view with filters, search and sort, or the next page of the admin's current
 * one), users.get 15 %, bulk.preview of 50 ticked users 10 %, bulk.execute of 20 ticked users 5 %.
 */

export const PROCEDURES = ['users.list', 'users.get', 'bulk.preview', 'bulk.execute'] as const;
export type Procedure = (typeof PROCEDURES)[number];
const MIX: readonly [Procedure, number][] = [
  ['users.list', 0.7],
  ['users.get', 0.15],
  ['bulk.preview', 0.1],
  ['bulk.execute', 0.05],
];

/** The procedure whose share of the mix `roll` (in [0, 1)) falls in. */
function pickProcedure(roll: number): Procedure {
  let below = 0;
  for (const [procedure, share] of MIX) {
    below += share;
    if (roll < below) return procedure;
  }
  return 'users.list';
}

type ListInput = RouterInputs['users']['list'];
/** One request's time; a list's input too (what to try alone when it is among the slowest). */
type Sample = { procedure: Procedure; label: string; ms: number; error: string | null; input?: ListInput };

export type ProcedureFigures = {
  procedure: string;
  requests: number;
  errors: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
};

/** Where the CPU went during the timed part of the run, in CPU seconds. */
export type LoadCpu = {
  server: number;
  /** The PostgreSQL backends serving this database (the server's pool and the bench's own). */
  databaseBackends: number;
  /** Every PostgreSQL process on the machine, other databases' work included (not those that ended during the run). */
  postgresAll: number;
  bench: number;
  /** The whole machine's busy time (all cores; others' processes included), of `cores × seconds`. */
  machineBusy: number;
};

export type LoadResult = {
  admins: number;
  seconds: number;
  requests: number;
  perSecond: number;
  byProcedure: ProcedureFigures[];
  /** The slowest kinds of users.list view, by p99. */
  listViews: ProcedureFigures[];
  /** The ten slowest users.list requests, with their inputs. */
  slowestLists: { label: string; ms: number; input: string }[];
  errorsByCode: Record<string, number>;
  cpu: LoadCpu;
  loadBefore: string;
  loadAfter: string;
};

export type LoadOptions = {
  admins: number;
  seconds: number;
  /** Requests before the timed part (plans, caches and the pool warmed), not counted. */
  warmupSeconds: number;
  seed: number;
  /** The mean pause of an administrator between an answer and the next request (0: none). */
  thinkMs: number;
  /** Send only this procedure (what one kind of request costs), not the mix. */
  only?: Procedure | undefined;
};

/** A small seeded generator (mulberry32): the same seed sends the same requests. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LOAD_ADMIN_DOMAIN = '@load.roster.local';

/** `count` active administrators with an API token each (created once, tokens new at every run). */
async function loadAdminTokens(handle: DbHandle, count: number): Promise<string[]> {
  const [admin] = await handle.db.select({ id: roles.id }).from(roles).where(eq(roles.name, 'Administrator'));
  if (!admin) throw new Error('The Administrator role is missing');
  const wanted = Array.from({ length: count }, (_, i) => `load-admin-${i + 1}${LOAD_ADMIN_DOMAIN}`);
  await handle.db
    .insert(users)
    .values(
      wanted.map((email, i) => ({
        email,
        firstName: 'Load',
        lastName: `Admin ${i + 1}`,
        status: 'active' as const,
        roleId: admin.id,
        activatedAt: new Date(),
      })),
    )
    .onConflictDoNothing();
  const rows = await handle.db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(inArray(users.email, wanted));
  const tokens: string[] = [];
  for (const email of wanted) {
    const row = rows.find((r) => r.email === email);
    if (!row) throw new Error(`No user ${email}`);
    const { token, stored } = newApiToken();
    await handle.db.insert(apiTokens).values({ userId: row.id, name: 'load bench', ...stored });
    tokens.push(token);
  }
  return tokens;
}

type Material = {
  /** Users the operations may touch: never an administrator, so no run takes the role away from one. */
  ids: string[];
  /** Roles an operation assigns (every one but Administrator). */
  roleIds: string[];
  /** Whole e-mail addresses of seeded users: searches with one match. */
  emails: string[];
  lastNames: string[];
  firstNames: string[];
};

async function loadMaterial(handle: DbHandle): Promise<Material> {
  const assignable = await handle.db
    .select({ id: roles.id })
    .from(roles)
    .where(ne(roles.name, 'Administrator'));
  const roleIds = assignable.map((r) => r.id);
  // A fixed sample (the same users from run to run, spread over the table), not the whole table.
  const sample = await queryRows<{ id: string; email: string; first_name: string; last_name: string }>(
    handle.db,
    sql`select id, email, first_name, last_name from users tablesample system (10) repeatable (16)
        where role_id = any(${sql.param(roleIds)}::uuid[]) limit 20000`,
  );
  return {
    ids: sample.map((r) => r.id),
    roleIds,
    emails: sample.slice(0, 500).map((r) => r.email),
    lastNames: [...new Set(sample.map((r) => r.last_name).filter(Boolean))],
    firstNames: [...new Set(sample.map((r) => r.first_name).filter(Boolean))],
  };
}

/** The views an administrator opens: each a label (for the figures) and the input of its first page. */
function newView(pick: () => number, m: Material): [string, ListInput] {
  const one = <T>(items: readonly T[]): T => {
    const item = items[Math.floor(pick() * items.length)];
    if (item === undefined) throw new Error('Nothing to pick from');
    return item;
  };
  const role = () => one(m.roleIds);
  const lastName = one(m.lastNames).toLowerCase();
  const views: (() => [string, ListInput])[] = [
    () => ['no filter, by name', { limit: 50 }],
    () => [
      'status',
      { filter: { status: [one(['invited', 'created', 'deactivated'] as const)] }, limit: 50 },
    ],
    () => [
      'status active, by last sign-in',
      {
        filter: { status: ['active'] },
        sort: { field: 'lastLogin', direction: 'desc' },
        limit: 50,
      },
    ],
    () => ['role', { filter: { roleIds: [role()] }, limit: 50 }],
    () => ['role + status', { filter: { roleIds: [role()], status: ['active'] }, limit: 50 }],
    () => [
      'role + module ≥ edit',
      {
        filter: {
          roleIds: [role()],
          module: { module: one(['budget', 'projects', 'portfolio'] as const), minLevel: 'edit' },
        },
        limit: 50,
      },
    ],
    () => [
      'right',
      { filter: { right: one(['buyer', 'budget_manager', 'data_export'] as const) }, limit: 50 },
    ],
    () => ['search a last name', { filter: { search: lastName }, limit: 50 }],
    () => ['search a part of a last name', { filter: { search: lastName.slice(0, 4) }, limit: 50 }],
    () => ['search a first name', { filter: { search: one(m.firstNames).toLowerCase() }, limit: 50 }],
    () => ['search an e-mail', { filter: { search: one(m.emails) }, limit: 50 }],
    () => ['search + status', { filter: { search: lastName, status: ['active'] }, limit: 50 }],
    () => ['search, no match', { filter: { search: `zq${Math.floor(pick() * 1e6)}` }, limit: 50 }],
    () => ['by e-mail, descending', { sort: { field: 'email', direction: 'desc' }, limit: 50 }],
    () => ['by role', { sort: { field: 'role', direction: 'asc' }, limit: 50 }],
  ];
  return one(views)();
}

function errorCode(error: unknown): string {
  if (error instanceof TRPCClientError) {
    const data: unknown = error.data;
    if (data && typeof data === 'object') {
      const status = 'httpStatus' in data ? String(data.httpStatus) : '?';
      const code = 'code' in data && typeof data.code === 'string' ? data.code : error.message;
      return `${status} ${code}`;
    }
    return `network: ${error.message}`;
  }
  return error instanceof Error ? `thrown: ${error.message}` : 'thrown';
}

/** One administrator: a request, its answer, the next request, until `until`. */
async function administrator(
  client: RosterClient,
  m: Material,
  pick: () => number,
  until: number,
  thinkMs: number,
  only: Procedure | undefined,
  record: (sample: Sample) => void,
): Promise<void> {
  const one = <T>(items: readonly T[]): T => {
    const item = items[Math.floor(pick() * items.length)];
    if (item === undefined) throw new Error('Nothing to pick from');
    return item;
  };
  const someIds = (n: number) => Array.from({ length: n }, () => one(m.ids));
  let view: { label: string; input: ListInput; cursor: string | null } | null = null;
  while (performance.now() < until) {
    const procedure = only ?? pickProcedure(pick());
    let label: string = procedure;
    let input: ListInput | undefined;
    const started = performance.now();
    let error: string | null = null;
    try {
      if (procedure === 'users.list') {
        // Half the time the next page of the current view (scrolling), else a new view.
        if (view?.cursor && pick() < 0.5) {
          label = `${view.label} (next page)`;
          input = { ...view.input, cursor: view.cursor };
          const page = await client.users.list.query(input);
          view.cursor = page.nextCursor;
        } else {
          const [name, viewInput] = newView(pick, m);
          label = name;
          input = viewInput;
          const page = await client.users.list.query(viewInput);
          view = { label: name, input: viewInput, cursor: page.nextCursor };
        }
      } else if (procedure === 'users.get') {
        await client.users.get.query({ id: one(m.ids) });
      } else if (procedure === 'bulk.preview') {
        await client.bulk.preview.mutate({
          operation: pick() < 0.5 ? { kind: 'assign_role', roleId: one(m.roleIds) } : { kind: 'deactivate' },
          selection: { ids: [...new Set(someIds(50))] },
        });
      } else {
        await client.bulk.execute.mutate({
          operationId: crypto.randomUUID(),
          operation: { kind: 'assign_role', roleId: one(m.roleIds) },
          selection: { ids: [...new Set(someIds(20))] },
        });
      }
    } catch (e) {
      error = errorCode(e);
    }
    record({ procedure, label, ms: performance.now() - started, error, ...(input ? { input } : {}) });
    if (thinkMs > 0) await new Promise((resolve) => setTimeout(resolve, thinkMs * (0.5 + pick())));
  }
}

function figures(name: string, samples: Sample[]): ProcedureFigures {
  const ms = samples.map((s) => s.ms);
  return {
    procedure: name,
    requests: samples.length,
    errors: samples.filter((s) => s.error !== null).length,
    p50: percentile(ms, 50),
    p95: percentile(ms, 95),
    p99: percentile(ms, 99),
    max: Math.max(...ms),
  };
}

/** Busy CPU seconds of the whole machine so far (every core), from /proc/stat. */
function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / 100;
}

/** The CPU seconds so far of every PostgreSQL backend connected to `database`, by pid. */
async function backendCpu(handle: DbHandle, database: string): Promise<Map<number, number>> {
  const rows = await queryRows<{ pid: number }>(
    handle.db,
    sql`select pid from pg_stat_activity where datname = ${database}`,
  );
  return new Map(rows.map((r) => [r.pid, processCpuSeconds(r.pid)]));
}

function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

export async function runLoad(
  handle: DbHandle,
  database: string,
  server: ServerProcess,
  options: LoadOptions,
): Promise<LoadResult> {
  const material = await loadMaterial(handle);
  const tokens = await loadAdminTokens(handle, options.admins);
  const clients = tokens.map((token) => createRosterClient({ url: server.url, token }));
  const pids = { server: server.child.pid ?? 0 };

  const warmupEnd = performance.now() + options.warmupSeconds * 1000;
  await Promise.all(
    clients.map((client, i) =>
      administrator(
        client,
        material,
        random(options.seed + 1000 + i),
        warmupEnd,
        options.thinkMs,
        options.only,
        () => {},
      ),
    ),
  );

  const samples: Sample[] = [];
  const loadBefore = loadAverage();
  const before = {
    server: processCpuSeconds(pids.server),
    backends: await backendCpu(handle, database),
    postgresAll: postgresCpuByPid(),
    bench: process.cpuUsage(),
    machine: machineBusySeconds(),
  };
  const started = performance.now();
  const until = started + options.seconds * 1000;
  await Promise.all(
    clients.map((client, i) =>
      administrator(client, material, random(options.seed + i), until, options.thinkMs, options.only, (s) =>
        samples.push(s),
      ),
    ),
  );
  const elapsed = (performance.now() - started) / 1000;
  const afterBackends = await backendCpu(handle, database);
  let databaseBackends = 0;
  for (const [pid, cpu] of afterBackends) databaseBackends += cpu - (before.backends.get(pid) ?? 0);
  const bench = process.cpuUsage(before.bench);
  const cpu: LoadCpu = {
    server: processCpuSeconds(pids.server) - before.server,
    databaseBackends,
    postgresAll: postgresCpuBetween(before.postgresAll, postgresCpuByPid()),
    bench: (bench.user + bench.system) / 1e6,
    machineBusy: machineBusySeconds() - before.machine,
  };

  const byProcedure = PROCEDURES.map((p) =>
    figures(
      p,
      samples.filter((s) => s.procedure === p),
    ),
  );
  const lists = samples.filter((s) => s.procedure === 'users.list');
  const labels = [...new Set(lists.map((s) => s.label))];
  const listViews = labels
    .map((label) =>
      figures(
        label,
        lists.filter((s) => s.label === label),
      ),
    )
    .sort((a, b) => b.p99 - a.p99);
  const slowestLists = [...lists]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 10)
    .map((s) => ({ label: s.label, ms: s.ms, input: JSON.stringify(s.input) }));
  const errorsByCode: Record<string, number> = {};
  for (const s of samples) if (s.error) errorsByCode[s.error] = (errorsByCode[s.error] ?? 0) + 1;
  return {
    admins: options.admins,
    seconds: elapsed,
    requests: samples.length,
    perSecond: samples.length / elapsed,
    byProcedure,
    listViews,
    slowestLists,
    errorsByCode,
    cpu,
    loadBefore,
    loadAfter: loadAverage(),
  };
}
