import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { apiTokens, bulkOperationItems, bulkOperations } from '@roster/db';
import { asc, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { appliedJson, errorJson, operationJson, resultsJson } from './cliJson';
import { type CliServer, insertUsers, startCliServer } from './cliServer';
import { jsonOf, runCli, successJson } from './runCli';

let cli: CliServer;
/** Two finished operations: a deactivation with a skip and a block, then a role change. */
let deactivation: z.infer<typeof operationJson>;
let roleChange: z.infer<typeof operationJson>;

beforeAll(async () => {
  cli = await startCliServer();
  const list = await insertUsers(cli, [
    { email: 'first@roster.test' },
    { email: '=formula@roster.test' },
    { email: 'gone@roster.test', status: 'deactivated' },
  ]);
  const selection = [...list.map((u) => u.id), cli.adminId].join(',');
  deactivation = appliedJson.parse(
    successJson(await cli.cli(['bulk', 'deactivate', '--ids', selection, '--yes', '--json'])),
  ).operation;
  roleChange = appliedJson.parse(
    successJson(
      await cli.cli([
        'bulk',
        'assign-role',
        '--role',
        'Buyer',
        '--ids',
        list[2]?.id ?? '',
        '--yes',
        '--json',
      ]),
    ),
  ).operation;
});
afterAll(() => cli.server.close());

const db = () => cli.server.testDb.db;

describe('roster bulk status', () => {
  it('prints the operation as the database has it', async () => {
    const status = operationJson.parse(
      successJson(await cli.cli(['bulk', 'status', deactivation.id, '--json'])),
    );
    const [row] = await db().select().from(bulkOperations).where(eq(bulkOperations.id, deactivation.id));
    expect(status).toMatchObject({
      id: row?.id,
      kind: row?.kind,
      status: row?.status,
      total: row?.total,
      processed: row?.processed,
      counts: { change: row?.changed, skip: row?.skipped, blocked: row?.blocked, failed: row?.failed },
    });
    expect(status).toMatchObject({
      status: 'completed_with_skips',
      counts: { change: 2, skip: 1, blocked: 1 },
    });

    const watched = await cli.cli(['bulk', 'status', deactivation.id, '--watch']);
    expect(watched.code, watched.stderr).toBe(0);
    expect(watched.stdout).toContain(`Deactivate — Completed with skips (operation ${deactivation.id})`);
    expect(watched.stdout).toContain('4 of 4 users processed: 2 changed, 1 skipped, 1 blocked, 0 failed');
  });

  it('exits 1 for a failed operation', async () => {
    await db()
      .update(bulkOperations)
      .set({ status: 'failed', error: 'disk full' })
      .where(eq(bulkOperations.id, roleChange.id));
    try {
      const run = await cli.cli(['bulk', 'status', roleChange.id]);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('Assign role — Failed');
      expect(run.stdout).toContain('Error: disk full');
    } finally {
      await db()
        .update(bulkOperations)
        .set({ status: 'succeeded', error: null })
        .where(eq(bulkOperations.id, roleChange.id));
    }
  });

  it('refuses an unknown operation (exit 1) and a malformed id (exit 2)', async () => {
    const unknown = await cli.cli(['bulk', 'status', '00000000-0000-4000-8000-000000000000', '--json']);
    expect(unknown.code).toBe(1);
    expect(errorJson.parse(jsonOf(unknown)).error.code).toBe('operation_not_found');
    expect(unknown.stderr).toContain('operation_not_found: This bulk operation does not exist.');

    const malformed = await cli.cli(['bulk', 'results', 'yesterday']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('An operation id is a UUID, not “yesterday”.');
  });
});

describe('roster bulk results', () => {
  it('lists every user’s outcome and reason, as recorded', async () => {
    const results = resultsJson.parse(
      successJson(await cli.cli(['bulk', 'results', deactivation.id, '--json'])),
    );
    const rows = await db()
      .select()
      .from(bulkOperationItems)
      .where(eq(bulkOperationItems.operationId, deactivation.id))
      .orderBy(asc(bulkOperationItems.position));
    expect(results.items.map((i) => [i.userId, i.email, i.outcome, i.reason])).toEqual(
      rows.map((r) => [r.userId, r.email, r.outcome, r.reason]),
    );
    expect(results.items.find((i) => i.reason === 'self')?.sentence).toBe(
      'You cannot do this to your own account.',
    );

    const blocked = resultsJson.parse(
      successJson(await cli.cli(['bulk', 'results', deactivation.id, '--outcome', 'blocked', '--json'])),
    );
    expect(blocked.items.map((i) => i.email)).toEqual(['admin@roster.test']);
  });

  it('prints the same CSV as the server’s download, and can filter it by outcome', async () => {
    const download = await fetch(`${cli.server.url}/api/bulk-operations/${deactivation.id}/results.csv`, {
      headers: { authorization: `Bearer ${cli.token}` },
    });
    expect(download.status).toBe(200);
    const expected = await download.text();
    const csv = await cli.cli(['bulk', 'results', deactivation.id, '--csv']);
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout).toBe(expected);
    expect(csv.stdout).toContain(
      ",'=formula@roster.test,'=formula Test,Changed,,,Status: Active,Status: Deactivated",
    );

    const skipped = await cli.cli(['bulk', 'results', deactivation.id, '--csv', '--outcome', 'skip']);
    expect(skipped.stdout.trimEnd().split('\r\n')).toEqual([
      'user_id,email,name,outcome,reason,sentence,before,after',
      expect.stringMatching(
        /^[0-9a-f-]{36},gone@roster\.test,gone Test,Skipped,already_deactivated,Already deactivated\.,,$/,
      ),
    ]);
  });

  it('prints a role change as the server’s download does, the roles by name', async () => {
    const download = await fetch(`${cli.server.url}/api/bulk-operations/${roleChange.id}/results.csv`, {
      headers: { authorization: `Bearer ${cli.token}` },
    });
    const csv = await cli.cli(['bulk', 'results', roleChange.id, '--csv']);
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout).toBe(await download.text());
    expect(csv.stdout.trimEnd().split('\r\n')).toEqual([
      'user_id,email,name,outcome,reason,sentence,before,after',
      expect.stringMatching(/^[0-9a-f-]{36},gone@roster\.test,gone Test,Changed,,,Role: Reader,Role: Buyer$/),
    ]);
  });

  it('--limit stops after that many users', async () => {
    const results = resultsJson.parse(
      successJson(await cli.cli(['bulk', 'results', deactivation.id, '--limit', '2', '--json'])),
    );
    expect(results.items).toHaveLength(2);
  });
});

describe('roster bulk list', () => {
  it('lists the operations newest first, as the database has them', async () => {
    const list = z
      .object({ items: z.array(operationJson) })
      .parse(successJson(await cli.cli(['bulk', 'list', '--json'])));
    const rows = await db()
      .select({ id: bulkOperations.id })
      .from(bulkOperations)
      .orderBy(desc(bulkOperations.createdAt), desc(bulkOperations.id));
    expect(list.items.map((op) => op.id)).toEqual(rows.map((r) => r.id));
    expect(list.items.map((op) => op.id)).toEqual([roleChange.id, deactivation.id]);
    expect(list.items[0]?.actor.email).toBe('admin@roster.test');

    const text = await cli.cli(['bulk', 'list', '--limit', '1']);
    expect(text.stdout.trimEnd().split('\n')).toEqual([
      expect.stringMatching(
        /^STARTED \(UTC\)\s+OPERATION\s+STATUS\s+USERS\s+CHANGED\s+SKIPPED\s+BLOCKED\s+FAILED\s+BY\s+ID$/,
      ),
      expect.stringMatching(
        new RegExp(
          `Assign role\\s+Succeeded\\s+1\\s+1\\s+0\\s+0\\s+0\\s+admin@roster\\.test\\s+${roleChange.id}$`,
        ),
      ),
    ]);
  });
});

describe('roster bulk list filters and bulk results --search (issue 19 item 10)', () => {
  const listed = async (...args: string[]) =>
    z
      .object({ items: z.array(operationJson) })
      .parse(successJson(await cli.cli(['bulk', 'list', ...args, '--json'])))
      .items.map((op) => op.id);

  it('narrows the history by kind, who started it, status and days', async () => {
    expect(await listed('--kind', 'deactivate')).toEqual([deactivation.id]);
    expect(await listed('--status', 'succeeded')).toEqual([roleChange.id]);
    expect(await listed('--by', 'ADMIN@roster.test')).toEqual([roleChange.id, deactivation.id]);
    expect(await listed('--by', 'nobody@roster.test')).toEqual([]);
    expect(await listed('--kind', 'assign_role', '--by', 'admin@roster.test')).toEqual([roleChange.id]);
    const today = deactivation.createdAt.slice(0, 10);
    expect(await listed('--from', today, '--to', today)).toEqual([roleChange.id, deactivation.id]);
    expect(await listed('--from', '2000-01-01', '--to', '2000-01-02')).toEqual([]);
    const bad = await cli.cli(['bulk', 'list', '--from', 'yesterday']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('YYYY-MM-DD');
  });

  it('searches an operation’s results by e-mail or name', async () => {
    const results = resultsJson.parse(
      successJson(await cli.cli(['bulk', 'results', deactivation.id, '--search', 'FORMULA', '--json'])),
    );
    expect(results.items.map((r) => r.email)).toEqual(['=formula@roster.test']);
  });
});

/** A port nothing listens on: taken from the system, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('credentials and connection', () => {
  it('an unknown or revoked token prints a clear message and exits 1, with no stack trace', async () => {
    const unknown = await cli.cli(['users', 'list'], { ROSTER_TOKEN: 'rst_not-a-real-token' });
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr.trim()).toBe(
      'not_signed_in: The API token was not accepted: it is unknown, revoked or expired, or its user is no longer active. Create a new one in Admin › API tokens and set ROSTER_TOKEN.',
    );

    await db().update(apiTokens).set({ revokedAt: new Date() });
    try {
      const revoked = await cli.cli(['bulk', 'list', '--json']);
      expect(revoked.code).toBe(1);
      expect(errorJson.parse(jsonOf(revoked)).error.code).toBe('not_signed_in');
      expect(revoked.stderr).not.toMatch(/^\s+at /m);

      const whoami = await cli.cli(['whoami']);
      expect(whoami.code).toBe(1);
      expect(whoami.stderr).toMatch(/^not_signed_in: The API token was not accepted/);
    } finally {
      await db().update(apiTokens).set({ revokedAt: null });
    }
  });

  it('--debug adds the stack trace', async () => {
    const run = await cli.cli(['users', 'list', '--debug'], { ROSTER_TOKEN: 'rst_not-a-real-token' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^not_signed_in: /);
    expect(run.stderr).toMatch(/^\s+at /m);
  });

  it('a server that is not there, or a missing setting, is said plainly', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const down = await cli.cli(['bulk', 'list'], { ROSTER_URL: url });
    expect(down.code).toBe(1);
    expect(down.stderr.trim()).toBe(
      `unreachable: Cannot reach the Roster server at ${url} (ECONNREFUSED). Check ROSTER_URL and that the server is running.`,
    );

    const unset = await runCli(['users', 'list'], { env: { ROSTER_URL: cli.server.url } });
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain('Set ROSTER_URL (e.g. http://localhost:3000) and ROSTER_TOKEN');
  });

  it('whoami names the token’s user', async () => {
    const run = await cli.cli(['whoami', '--json']);
    expect(z.object({ email: z.string(), isAdmin: z.boolean() }).parse(successJson(run))).toEqual({
      email: 'admin@roster.test',
      isAdmin: true,
    });
  });
});

describe('following an operation while the server cannot answer for a moment', () => {
  /**
   * A proxy in front of the server that answers the `bulk.get` calls numbered in `refused` (from 1)
   * as the server does when its database is unavailable (503 database_unavailable), and passes
   * everything else on.
   */
  async function flakyProxy(refused: readonly number[], as: 'database' | 'proxy' = 'database') {
    let gets = 0;
    const proxy = createHttpServer((req, res) => {
      if (req.url?.startsWith('/trpc/bulk.get')) {
        gets += 1;
        if (refused.includes(gets) && as === 'proxy') {
          // A reverse proxy's own page while the server behind it restarts.
          res.writeHead(502, { 'content-type': 'text/html' });
          res.end('<html><body>502 Bad Gateway</body></html>');
          return;
        }
        if (refused.includes(gets)) {
          const error = {
            json: {
              message: 'The database is unavailable for a moment.',
              code: -32603,
              data: { code: 'database_unavailable', httpStatus: 503, path: 'bulk.get' },
            },
          };
          res.writeHead(503, { 'content-type': 'application/json' });
          res.end(JSON.stringify(req.url.includes('batch=1') ? [{ error }] : { error }));
          return;
        }
      }
      const target = new URL(cli.server.url);
      const forwarded = httpRequest(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(forwarded);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const address = proxy.address();
    if (!address || typeof address === 'string') throw new Error('no proxy address');
    return {
      url: `http://127.0.0.1:${address.port}`,
      gets: () => gets,
      close: () => new Promise<void>((resolve) => proxy.close(() => resolve())),
    };
  }

  it.each(['database', 'proxy'] as const)(
    'asks again instead of failing (%s refusing): the operation running meanwhile, the command ends as it ends',
    async (as) => {
      const [row] = await db().select().from(bulkOperations).where(eq(bulkOperations.id, deactivation.id));
      if (!row) throw new Error('no operation');
      // Running again for the time of the test (its lease held, so no worker takes it over), finished
      // after two refused readings.
      await db()
        .update(bulkOperations)
        .set({ status: 'running', leaseUntil: new Date(Date.now() + 3_600_000) })
        .where(eq(bulkOperations.id, row.id));
      const proxy = await flakyProxy([2, 3], as);
      try {
        let ran = false;
        const finishing = (async () => {
          while (proxy.gets() < 4 && !ran) await new Promise((resolve) => setTimeout(resolve, 50));
          await db()
            .update(bulkOperations)
            .set({ status: row.status, leaseUntil: row.leaseUntil })
            .where(eq(bulkOperations.id, row.id));
        })();
        const run = await cli.cli(['bulk', 'status', row.id, '--watch', '--json'], { ROSTER_URL: proxy.url });
        ran = true;
        await finishing;
        expect(run.code, run.stderr).toBe(0);
        expect(operationJson.parse(jsonOf(run))).toMatchObject({ id: row.id, status: row.status });
        expect(proxy.gets()).toBeGreaterThanOrEqual(4);
      } finally {
        await proxy.close();
        await db()
          .update(bulkOperations)
          .set({ status: row.status, leaseUntil: row.leaseUntil })
          .where(eq(bulkOperations.id, row.id));
      }
    },
  );
});
