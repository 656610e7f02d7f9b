import { roles, users } from '@roster/db';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorJson } from './cliJson';
import { type CliServer, insertUsers, startCliServer } from './cliServer';
import { type CliRun, runCliReadingFirstChunk, successJson } from './runCli';

let cli: CliServer;

/** What `users list --json` prints (the fields these tests read). */
const usersListJson = z.object({
  total: z.number(),
  items: z.array(z.object({ id: z.uuid(), email: z.string(), status: z.string(), roleName: z.string() })),
});

const listOf = (run: CliRun) => usersListJson.parse(successJson(run));

beforeAll(async () => {
  cli = await startCliServer();
  await insertUsers(cli, [
    { email: 'alice.invited@roster.test', status: 'invited', role: 'Reader' },
    { email: 'bob.invited@roster.test', status: 'invited', role: 'Reader' },
    { email: 'carol.invited@roster.test', status: 'invited', role: 'Buyer' },
    { email: 'dan.created@roster.test', status: 'created', role: 'Reader' },
    { email: 'erin.deactivated@roster.test', status: 'deactivated', role: 'Contributor' },
    ...Array.from({ length: 620 }, (_, i) => ({
      email: `many${String(i).padStart(4, '0')}@roster.test`,
      role: 'Contributor' as const,
    })),
  ]);
});
afterAll(() => cli.server.close());

/** What the database says matches, to compare the CLI's answer with. */
async function emailsWhere(status: 'invited' | 'created' | 'active' | 'deactivated', roleNames: string[]) {
  const rows = await cli.server.testDb.db
    .select({ email: users.email })
    .from(users)
    .innerJoin(roles, eq(roles.id, users.roleId))
    .where(and(eq(users.status, status), inArray(roles.name, roleNames)));
  return rows.map((row) => row.email).sort();
}

describe('roster users list', () => {
  it('stops quietly when its reader stops early (| head): exit 0, no stack trace', async () => {
    for (const args of [
      ['users', 'list', '--limit', '600'],
      ['users', 'list', '--limit', '600', '--json'],
    ]) {
      const run = await runCliReadingFirstChunk(args, {
        env: { ROSTER_URL: cli.server.url, ROSTER_TOKEN: cli.token },
      });
      expect(run.firstChunk.length).toBeGreaterThan(0);
      expect(run.stderr).not.toMatch(/EPIPE|Unhandled|\n\s+at /);
      expect(run.code, run.stderr).toBe(0);
    }
  });

  it('with --json, an option commander refuses is a JSON error on stdout too (exit 2)', async () => {
    for (const args of [
      ['users', 'list', '--bogus', '--json'],
      ['users', 'list', '--json', '--limit'],
      ['--json', 'users', 'list', '--limit', 'many'],
    ]) {
      const run = await cli.cli(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(errorJson.parse(JSON.parse(run.stdout))).toMatchObject({ error: { code: 'usage' } });
    }
  });

  it('filters by status and role name, as the database has them', async () => {
    const list = listOf(
      await cli.cli(['users', 'list', '--status', 'invited', '--role', 'Reader', '--json']),
    );
    const expected = await emailsWhere('invited', ['Reader']);
    expect(expected).toHaveLength(2);
    expect(list.items.map((u) => u.email).sort()).toEqual(expected);
    expect(list.total).toBe(expected.length);
    expect(list.items.every((u) => u.status === 'invited' && u.roleName === 'Reader')).toBe(true);

    const both = listOf(
      await cli.cli([
        'users',
        'list',
        '--status',
        'invited',
        '--role',
        'reader',
        '--role',
        'Buyer',
        '--json',
      ]),
    );
    expect(both.items.map((u) => u.email).sort()).toEqual(await emailsWhere('invited', ['Reader', 'Buyer']));
  });

  it('searches names and e-mails, and takes several statuses', async () => {
    const found = listOf(await cli.cli(['users', 'list', '--search', 'carol', '--json']));
    expect(found.items.map((u) => u.email)).toEqual(['carol.invited@roster.test']);

    const several = listOf(
      await cli.cli(['users', 'list', '--status', 'created,deactivated', '--json', '--sort', 'email']),
    );
    expect(several.items.map((u) => u.email)).toEqual([
      'dan.created@roster.test',
      'erin.deactivated@roster.test',
    ]);
  });

  it('pages through more users than one API page holds, in the order asked for', async () => {
    const list = listOf(
      await cli.cli(['users', 'list', '--limit', '600', '--sort', 'email', '--desc', '--json']),
    );
    const expected = (
      await cli.server.testDb.db.select({ email: users.email }).from(users).orderBy(asc(users.email))
    )
      .map((row) => row.email)
      .reverse()
      .slice(0, 600);
    expect(list.items.map((u) => u.email)).toEqual(expected);
    expect(list.total).toBe(await cli.server.testDb.db.$count(users));
  });

  it('prints a table for people, with the count on stderr', async () => {
    const run = await cli.cli(['users', 'list', '--status', 'invited', '--sort', 'email']);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^E-MAIL\s+NAME\s+STATUS\s+ROLE\s+LAST SIGN-IN\s+ID$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/)[0])).toEqual(
      await emailsWhere('invited', ['Reader', 'Buyer']),
    );
    expect(run.stderr).toContain('3 of 3 matching users.');
  });

  it('refuses an unknown status as a usage error (exit 2) and an unknown role as a refusal (exit 1)', async () => {
    const status = await cli.cli(['users', 'list', '--status', 'sleeping']);
    expect(status.code).toBe(2);
    expect(status.stderr).toContain('Unknown status “sleeping”');

    const role = await cli.cli(['users', 'list', '--role', 'Astronaut']);
    expect(role.code).toBe(1);
    expect(role.stderr).toMatch(/^unknown_role: No role is named “Astronaut”\. The roles are: .*Reader/m);
    expect(role.stderr).not.toMatch(/^\s+at /m);
  });
});
