import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb } from '@roster/db';
import { adminUrl, databaseUrlFor } from '@roster/db/testing';
import { z } from 'zod';

/** The real server process, as `pnpm dev` or `pnpm start` runs it, on a database of its own. */

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = address && typeof address === 'object' ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

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

export async function spawnServer(
  env: NodeJS.ProcessEnv,
  nodeArgs: string[] = [],
  timeoutMs = 240_000,
): Promise<SpawnedServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/main.ts'], {
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

const tokenReply = z.object({
  result: z.object({ data: z.object({ json: z.object({ token: z.string() }) }) }),
});

/** Signs `admin` in over HTTP and creates an API token, as a person does for a tool. */
export async function apiTokenFor(url: string, admin: { email: string; password: string }): Promise<string> {
  const signIn = await fetch(`${url}/trpc/auth.signIn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-roster-csrf': '1' },
    body: JSON.stringify({ json: admin }),
  });
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const created = await fetch(`${url}/trpc/tokens.create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-roster-csrf': '1', cookie },
    body: JSON.stringify({ json: { name: 'test tool' } }),
  });
  return tokenReply.parse(await created.json()).result.data.json.token;
}
