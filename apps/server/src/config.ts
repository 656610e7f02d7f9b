import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ApiConfig, defaultApiConfig, EMBEDDED_SLICE_TARGET_MS } from '@roster/api';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export type ServerConfig = {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  production: boolean;
  admin: { email: string; password: string } | null;
  /** Demo users seeded into an empty database at start (dev only). */
  demoUsers: number;
  api: ApiConfig;
  logLevel: string;
  /** How long a SIGTERM waits for the running bulk batch before the process leaves it to its lease. */
  shutdownGraceMs: number;
  /**
   * Connections this process keeps to PostgreSQL for most statements. Every server process has its own
   * pools (this one and the 11 connections of the planner pools, `PLANNER_POOLS`): N processes take up
   * to N × (this + 11) of the database's `max_connections` (100 by default).
   */
  dbPoolSize: number;
  /** Which peers are reverse proxies whose X-Forwarded-For names the client (`readTrustProxy`). */
  trustProxy: TrustProxy;
};

/**
 * The reverse proxies in front of the server, as Fastify takes them: none (`false`, the default:
 * the client is the TCP peer), or the proxies' addresses and networks (`10.0.0.0/8,127.0.0.1`).
 * The client is then the address the nearest proxy not listed forwards: entries a client writes
 * into X-Forwarded-For itself stand left of it and are not taken. ("Every peer", `true`, would take
 * the left-most entry, which proxies that append to the header leave as the client wrote it: a
 * client could choose its address at each attempt and never be slowed down. It is not offered.)
 * The client's address is what sign-ins and invitation acceptances are throttled by: behind a proxy
 * not declared, every client has the proxy's.
 */
export type TrustProxy = false | string;

/** An address, or a network of it with a prefix length the address family has (at least 1). */
function isAddressOrNetwork(part: string): boolean {
  const [address = '', bits, ...rest] = part.trim().split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  const length = Number(bits);
  return /^\d{1,3}$/.test(bits) && length >= 1 && length <= (family === 4 ? 32 : 128);
}

export function readTrustProxy(value: string | undefined): TrustProxy {
  const trimmed = value?.trim() ?? '';
  if (trimmed === '' || trimmed === 'false') return false;
  if (!trimmed.split(',').every(isAddressOrNetwork)) {
    throw new Error(
      `ROSTER_TRUST_PROXY is the proxies' addresses or networks (10.0.0.0/8,127.0.0.1), got "${value}"`,
    );
  }
  return trimmed;
}

/** postgres.js's own default (README, "Several server processes on one database"). */
const DEFAULT_DB_POOL_SIZE = 10;

/**
 * Batches of one operation a process takes side by side on PostgreSQL (README, `ROSTER_BULK_LANES`).
 * One: with PostgreSQL on the server's two cores, a second lane made a 100,000-user operation ~20 %
 * faster for ~30 % more CPU (BENCHMARKS.md, 2026-12-05).
 */
const DEFAULT_BULK_LANES = 1;

const DEV_ADMIN = { email: 'admin@roster.local', password: 'roster-admin-2026' };

/** A whole number of at least `min` from the environment, or `fallback` when it is unset. */
function wholeNumber(name: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    throw new Error(`${name} must be a whole number of at least ${min}, got "${value}"`);
  }
  return n;
}

/** Reads the environment of SPEC §6 once, at start. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const production = env.NODE_ENV === 'production';
  const port = wholeNumber('PORT', env.PORT, 3000);
  const email = env.ROSTER_ADMIN_EMAIL ?? (production ? undefined : DEV_ADMIN.email);
  const password = env.ROSTER_ADMIN_PASSWORD ?? (production ? undefined : DEV_ADMIN.password);
  // In development the SPA is served by Vite on its own port and proxies the API.
  const publicUrl =
    env.ROSTER_PUBLIC_URL ?? (production ? `http://localhost:${port}` : 'http://localhost:5173');
  const bulkLanes = wholeNumber('ROSTER_BULK_LANES', env.ROSTER_BULK_LANES, DEFAULT_BULK_LANES, 1);
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    databaseUrl: env.DATABASE_URL || undefined,
    // Relative paths are the caller's: pnpm runs scripts inside the package but says where it started.
    dataDir: env.ROSTER_DATA_DIR
      ? resolve(env.INIT_CWD ?? process.cwd(), env.ROSTER_DATA_DIR)
      : resolve(repoRoot, '.data/pglite'),
    production,
    admin: email && password ? { email, password } : null,
    demoUsers: wholeNumber('ROSTER_DEMO_USERS', env.ROSTER_DEMO_USERS, production ? 0 : 3000),
    api: {
      ...defaultApiConfig,
      publicUrl: publicUrl.replace(/\/$/, ''),
      smtp: env.SMTP_URL
        ? { url: env.SMTP_URL, from: env.SMTP_FROM ?? 'Roster <no-reply@roster.local>' }
        : null,
      // An invitation must be usable for at least a day.
      invitationTtlDays: wholeNumber(
        'ROSTER_INVITATION_TTL_DAYS',
        env.ROSTER_INVITATION_TTL_DAYS,
        defaultApiConfig.invitationTtlDays,
        1,
      ),
      // Users created through SCIM: invited at once with ROSTER_SCIM_INVITE=1, else created.
      scimInviteOnCreate: env.ROSTER_SCIM_INVITE === '1' || env.ROSTER_SCIM_INVITE === 'true',
      // Batches of one operation taken side by side on PostgreSQL (README); the embedded database has one connection.
      bulkConcurrency: env.DATABASE_URL ? bulkLanes : 1,
      // ...which a bulk transaction holds for the whole app: there, batches are taken in short slices.
      bulkSliceTargetMs: env.DATABASE_URL ? null : EMBEDDED_SLICE_TARGET_MS,
      // How soon another process takes over the operation of a process that died; well above what a
      // batch takes, or a slow but live process has its operation taken over as well (README).
      bulkLeaseMs: wholeNumber(
        'ROSTER_BULK_LEASE_MS',
        env.ROSTER_BULK_LEASE_MS,
        defaultApiConfig.bulkLeaseMs,
        1_000,
      ),
      // Users per batch (one transaction each); unset, each operation kind's own size.
      bulkBatchSize: env.ROSTER_BULK_BATCH_SIZE
        ? wholeNumber('ROSTER_BULK_BATCH_SIZE', env.ROSTER_BULK_BATCH_SIZE, 0, 1)
        : undefined,
    },
    logLevel: env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'warn' : 'info'),
    shutdownGraceMs: wholeNumber('ROSTER_SHUTDOWN_GRACE_MS', env.ROSTER_SHUTDOWN_GRACE_MS, 20_000),
    dbPoolSize: wholeNumber('ROSTER_DB_POOL_SIZE', env.ROSTER_DB_POOL_SIZE, DEFAULT_DB_POOL_SIZE, 1),
    trustProxy: readTrustProxy(env.ROSTER_TRUST_PROXY),
  };
}
