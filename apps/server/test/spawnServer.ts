import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApiTokenBySignIn } from '@roster/client';
import { createDb } from '@roster/db';
import { adminUrl, databaseUrlFor } from '@roster/db/testing';
import getPort from 'get-port';
import { afterAll } from 'vitest';

/** The real server process, as `pnpm dev` or `pnpm start` runs it, on a database of its own. */

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));

/** An empty database (a data directory, or a PostgreSQL database when the suite runs there). */
export type EmptyDatabase = { env: NodeJS.ProcessEnv; drop: () => Promise<void> };

export async function emptyDatabase(): Promise<EmptyDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const database = `roster_spawn_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
    const admin = await createDb({ url: adminUrl(serverUrl), maxConnections: 1 });
    await admin.db.execute(`create database ${database}`);
    return {
      env: { DATABASE_URL: databaseUrlFor(serverUrl, database) },
      drop: async () => {
        await admin.db.execute(`drop database if exists ${database} with (force)`);
        await admin.close();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'roster-spawn-'));
  return {
    env: { ROSTER_DATA_DIR: join(dir, 'pglite'), DATABASE_URL: '' },
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

export type SpawnedServer = {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote to standard output and error so far. */
  output: () => string;
  /** Sends a signal and waits for the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
};

/** The TypeScript sources through tsx, as `pnpm dev` runs them. */
const SOURCE_ENTRY = ['--import', 'tsx', 'src/main.ts'];

export async function spawnServer(
  env: NodeJS.ProcessEnv,
  nodeArgs: string[] = [],
  timeoutMs = 240_000,
  /** What node runs after `nodeArgs`, from the server's directory: a compiled bundle, say. */
  entry: string[] = SOURCE_ENTRY,
): Promise<SpawnedServer> {
  const port = await getPort({ host: '127.0.0.1' });
  const child = spawn(process.execPath, [...nodeArgs, ...entry], {
    cwd: SERVER_DIR,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      ROSTER_PUBLIC_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: 'info',
      ...env,
    },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`The server did not start:\n${output}`)), timeoutMs);
    const check = setInterval(() => {
      if (output.includes('Roster is running')) {
        clearInterval(check);
        clearTimeout(deadline);
        resolve();
      }
    }, 100);
    void exited.then((code) => {
      clearInterval(check);
      clearTimeout(deadline);
      reject(new Error(`The server exited (${code}) before serving:\n${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}

/** Signs `admin` in over HTTP and creates an API token, as a person does for a tool. */
export function apiTokenFor(url: string, admin: { email: string; password: string }): Promise<string> {
  return createApiTokenBySignIn({ url, ...admin, tokenName: 'test tool' });
}

/** The administrator a spawned server creates at start (ROSTER_ADMIN_EMAIL, ROSTER_ADMIN_PASSWORD). */
export type Administrator = { email: string; password: string };

export function administratorEnv(admin: Administrator): NodeJS.ProcessEnv {
  return { ROSTER_ADMIN_EMAIL: admin.email, ROSTER_ADMIN_PASSWORD: admin.password };
}

/**
 * The empty database and the server processes of one test file: `database()` makes the database,
 * `start(env)` a server process (its `env` on top of the database's); after the file every process
 * still running is killed and the database dropped.
 */
export function useSpawnedServers() {
  const servers: SpawnedServer[] = [];
  let database: EmptyDatabase | undefined;
  afterAll(async () => {
    for (const server of servers) await server.stop('SIGKILL');
    await database?.drop();
  });
  return {
    async database(): Promise<EmptyDatabase> {
      database = await emptyDatabase();
      return database;
    },
    /** `entry`: what node runs, as `spawnServer` takes it (the TypeScript sources by default). */
    async start(env: NodeJS.ProcessEnv, entry?: string[]): Promise<SpawnedServer> {
      const server = await spawnServer({ ...database?.env, ...env }, [], undefined, entry);
      servers.push(server);
      return server;
    },
  };
}
