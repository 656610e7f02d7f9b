import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRosterClient, type RosterClient } from '@roster/client';
import { createDb } from '@roster/db';
import { adminUrl, databaseUrlFor } from '@roster/db/testing';
import type { BulkOperation, Selection } from '@roster/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

/**
 * The default install, as `pnpm dev` runs it: one server process on an empty data directory (or an
 * empty PostgreSQL database when the suite runs there) migrates, seeds the demo tenant and serves,
 * and every operation kind then works on it. A test database cloned from a template hid that copy
 * access failed for every user on a freshly migrated embedded database.
 */

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));
const ADMIN = { email: 'startup-admin@roster.test', password: 'a fresh start for the tenant' };
const DEMO_USERS = 400;

let child: ChildProcess;
let output = '';
let url = '';
let client: RosterClient;
let dataDir: string | undefined;
let dropDatabase: (() => Promise<void>) | undefined;

function freePort(): Promise<number> {
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

/** An empty PostgreSQL database of the test's own, when the suite runs on PostgreSQL. */
async function emptyPostgresDatabase(serverUrl: string): Promise<string> {
  const database = `roster_startup_${process.pid}_${Date.now()}`;
  const admin = await createDb({ url: adminUrl(serverUrl), maxConnections: 1 });
  await admin.db.execute(`create database ${database}`);
  dropDatabase = async () => {
    await admin.db.execute(`drop database if exists ${database} with (force)`);
    await admin.close();
  };
  return databaseUrlFor(serverUrl, database);
}

const signInReply = z.object({ result: z.object({ data: z.unknown() }) });
const tokenReply = z.object({
  result: z.object({ data: z.object({ json: z.object({ token: z.string() }) }) }),
});

async function post(path: string, input: unknown, cookie?: string): Promise<Response> {
  const response = await fetch(`${url}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-roster-csrf': '1', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify({ json: input }),
  });
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return response;
}

/** Signs in as the bootstrap administrator and creates an API token, as a person does. */
async function adminToken(): Promise<string> {
  const signIn = await post('auth.signIn', ADMIN);
  signInReply.parse(await signIn.json());
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const created = await post('tokens.create', { name: 'start-up test' }, cookie);
  return tokenReply.parse(await created.json()).result.data.json.token;
}

beforeAll(async () => {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(port),
    ROSTER_DEMO_USERS: String(DEMO_USERS),
    ROSTER_ADMIN_EMAIL: ADMIN.email,
    ROSTER_ADMIN_PASSWORD: ADMIN.password,
    ROSTER_PUBLIC_URL: `http://127.0.0.1:${port}`,
    LOG_LEVEL: 'warn',
  };
  if (process.env.DATABASE_URL) {
    env.DATABASE_URL = await emptyPostgresDatabase(process.env.DATABASE_URL);
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'roster-startup-'));
    env.ROSTER_DATA_DIR = join(dataDir, 'pglite');
  }
  child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: SERVER_DIR, env });
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    const check = setInterval(() => {
      if (output.includes('Roster is running')) {
        clearInterval(check);
        resolve();
      }
    }, 100);
    child.once('exit', (code) => {
      clearInterval(check);
      reject(new Error(`The server exited (${code}) before serving:\n${output}`));
    });
  });
  url = `http://127.0.0.1:${port}`;
  client = createRosterClient({ url, token: await adminToken() });
}, 240_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  await dropDatabase?.();
});

/** Users of the demo tenant with this status, by id (the checkboxes of the users table). */
async function idsWithStatus(status: 'active' | 'invited' | 'created' | 'deactivated', limit = 40) {
  const page = await client.users.list.query({ filter: { status: [status] }, limit });
  expect(page.items.length).toBeGreaterThan(0);
  return page.items.filter((user) => user.email !== ADMIN.email).map((user) => user.id);
}

/** Applies an operation and waits for it to finish; every user ends changed, skipped or blocked. */
async function run(operation: BulkOperation, selection: Selection) {
  const started = await client.bulk.execute.mutate({
    operationId: crypto.randomUUID(),
    operation,
    selection,
    confirmPrivileged: true,
  });
  let view = started;
  while (view.finishedAt === null) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    view = await client.bulk.get.query({ id: started.id });
  }
  const results = await client.bulk.results.query({ id: started.id, limit: 500 });
  const failed = results.items.filter((item) => item.outcome === 'failed');
  expect(failed, `${operation.kind}: ${JSON.stringify(failed.slice(0, 3))}`).toEqual([]);
  expect(view.counts.failed).toBe(0);
  expect(view.status).not.toBe('failed');
  return { view, results: results.items };
}

describe('the default install: migrate, seed and serve in one process on an empty database', () => {
  it('seeded the demo tenant and its administrator', async () => {
    const page = await client.users.list.query({ limit: 1 });
    expect(page.total).toBe(DEMO_USERS + 1);
    expect(output).toContain('Roster is running');
  });

  it('runs every operation kind, copy access in both modes included, with no user failed', async () => {
    const roles = await client.roles.list.query();
    const reader = roles.find((role) => role.name === 'Reader');
    if (!reader) throw new Error('The Reader role is missing');
    const active = await idsWithStatus('active', 60);
    const [source, ...targets] = active;
    if (!source) throw new Error('No active user to copy from');

    const assigned = await run({ kind: 'assign_role', roleId: reader.id }, { ids: targets });
    expect(assigned.view.counts.change + assigned.view.counts.skip).toBe(targets.length);

    // Merge first: after a replace, the targets already hold the source's access.
    for (const mode of ['merge', 'replace'] as const) {
      const copied = await run({ kind: 'copy_access', sourceUserId: source, mode }, { ids: targets });
      // A copy onto seeded users with their own access changes most of them.
      expect(copied.view.counts.change).toBeGreaterThan(0);
    }

    const created = await idsWithStatus('created');
    expect((await run({ kind: 'invite' }, { ids: created })).view.counts.change).toBe(created.length);
    expect((await run({ kind: 'resend_invitation' }, { ids: created })).view.counts.skip).toBe(
      created.length,
    );
    const invited = await idsWithStatus('invited');
    expect((await run({ kind: 'resend_invitation' }, { ids: invited })).view.counts.change).toBeGreaterThan(
      0,
    );
    expect((await run({ kind: 'cancel_invitation' }, { ids: invited })).view.counts.change).toBe(
      invited.length,
    );

    const deactivated = await run({ kind: 'deactivate' }, { ids: targets });
    expect(deactivated.view.counts.change).toBe(targets.length);
    const reactivated = await run({ kind: 'reactivate' }, { ids: targets });
    expect(reactivated.view.counts.change).toBe(targets.length);
  });
});
