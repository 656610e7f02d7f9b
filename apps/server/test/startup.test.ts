import { createRosterClient, type RosterClient } from '@roster/client';
import type { BulkOperation, Selection } from '@roster/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type EmptyDatabase, emptyDatabase, type SpawnedServer, spawnServer } from './spawnServer';

/**
 * The default install, as `pnpm dev` runs it: one server process on an empty data directory (or an
 * empty PostgreSQL database when the suite runs there) migrates, seeds the demo tenant and serves,
 * and every operation kind then works on it. A test database cloned from a template hid that copy
 * access failed for every user on a freshly migrated embedded database.
 */

const ADMIN = { email: 'startup-admin@roster.test', password: 'a fresh start for the tenant' };
const DEMO_USERS = 400;

let server: SpawnedServer;
let database: EmptyDatabase;
let url = '';
let client: RosterClient;

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
  database = await emptyDatabase();
  server = await spawnServer({
    ...database.env,
    NODE_ENV: 'development',
    ROSTER_DEMO_USERS: String(DEMO_USERS),
    ROSTER_ADMIN_EMAIL: ADMIN.email,
    ROSTER_ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: 'warn',
  });
  url = server.url;
  client = createRosterClient({ url, token: await adminToken() });
}, 240_000);

afterAll(async () => {
  await server?.stop();
  await database?.drop();
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
    expect(server.output()).toContain('Roster is running');
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
