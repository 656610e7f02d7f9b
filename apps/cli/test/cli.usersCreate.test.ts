import { bulkOperations, invitations, moduleAccess, users } from '@roster/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorJson, operationJson } from './cliJson';
import { type CliServer, insertUsers, startCliServer } from './cliServer';
import { jsonOf } from './runCli';

let cli: CliServer;
let sourceId: string;

const createdJson = z.object({
  user: z.object({ id: z.uuid(), email: z.string() }),
  operation: operationJson,
});

beforeAll(async () => {
  cli = await startCliServer();
  const [source] = await insertUsers(cli, [
    { email: 'source@roster.test', role: 'Buyer', modules: { budget: 'edit' } },
    { email: 'taken@roster.test' },
  ]);
  sourceId = source?.id ?? '';
});
afterAll(() => cli.server.close());

const userByEmail = async (email: string) =>
  (await cli.server.testDb.db.select().from(users).where(eq(users.email, email)))[0];
const userCount = async () => (await cli.server.testDb.db.select({ id: users.id }).from(users)).length;

/** A valid new e-mail, then the options under test. */
const withEmail = (...options: string[]) => ['--email', 'a@roster.test', ...options];
const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';

describe('roster users create', () => {
  it('creates one user as a one-row import: names, role by name, access copied, invited', async () => {
    const run = await cli.cli([
      'users',
      'create',
      '--email',
      ' Grace@Roster.test ',
      '--first-name',
      'Grace',
      '--last-name',
      'Hopper',
      '--role',
      'buyer',
      '--copy-access-from',
      'source@roster.test',
      '--invite',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const created = createdJson.parse(jsonOf(run));
    const grace = await userByEmail('grace@roster.test');
    expect(created.user).toEqual({ id: grace?.id, email: 'grace@roster.test' });
    expect(created.operation).toMatchObject({ kind: 'import', status: 'succeeded', total: 1 });
    expect(grace).toMatchObject({ firstName: 'Grace', lastName: 'Hopper', status: 'invited' });
    expect(grace?.roleId).toBe(await cli.roleId('Buyer'));
    const db = cli.server.testDb.db;
    expect(
      await db
        .select()
        .from(moduleAccess)
        .where(eq(moduleAccess.userId, grace?.id ?? '')),
    ).toEqual([expect.objectContaining({ module: 'budget', level: 'edit' })]);
    expect(
      await db
        .select()
        .from(invitations)
        .where(eq(invitations.userId, grace?.id ?? '')),
    ).toHaveLength(1);
  });

  it('takes the role and the source user by id, and says what it created in words', async () => {
    const run = await cli.cli([
      'users',
      'create',
      '--email',
      'linus@roster.test',
      '--role',
      await cli.roleId('Contributor'),
      '--copy-access-from',
      sourceId,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const linus = await userByEmail('linus@roster.test');
    expect(linus).toMatchObject({ status: 'created', roleId: await cli.roleId('Contributor') });
    expect(run.stdout).toBe(`Created linus@roster.test (user ${linus?.id}).\n`);
    expect(run.stderr).toContain('Import — ');
  });

  it.each([
    [['--email', 'TAKEN@roster.test'], 'already_exists', '--email: A user with this e-mail already exists.'],
    [['--email', 'not-an-email'], 'invalid_email', '--email: '],
    [withEmail('--role', 'Astronaut'), 'unknown_role', '--role: '],
    [withEmail('--role', NO_SUCH_ID), 'unknown_role', '--role: No role has the id'],
    [withEmail('--copy-access-from', 'nobody@roster.test'), 'unknown_source_user', '--copy-access-from: '],
    [
      withEmail('--copy-access-from', NO_SUCH_ID),
      'unknown_source_user',
      '--copy-access-from: No user has the id',
    ],
    [withEmail('--copy-access-from', 'nobody'), 'invalid_source_email', '--copy-access-from: '],
    [withEmail('--first-name', 'x'.repeat(101)), 'too_long', '--first-name: '],
    [withEmail('--last-name', 'Tab\there'), 'invalid_characters', '--last-name: '],
  ])(
    'refuses %j with %s, a sentence about its option, exit 1, nobody created',
    async (args, code, sentence) => {
      const before = await userCount();
      const run = await cli.cli(['users', 'create', ...args]);
      expect(run.code, run.stderr).toBe(1);
      expect(run.stdout).toBe('');
      // One line: the code, the option, then a whole sentence about it.
      const line = run.stderr.split('\n').find((l) => l.startsWith(`${code}: `)) ?? '';
      expect(line.startsWith(`${code}: ${sentence}`), run.stderr).toBe(true);
      expect(line).toMatch(/^[a-z_]+: --[a-z-]+: [A-Z].*\.$/);
      const json = await cli.cli(['users', 'create', ...args, '--json']);
      expect(json.code).toBe(1);
      expect(errorJson.parse(jsonOf(json)).error.code).toBe(code);
      expect(await userCount()).toBe(before);
    },
  );

  it('asks before making an administrator: without a terminal nothing is created unless --yes', async () => {
    const args = ['users', 'create', '--email', 'boss@roster.test', '--role', 'Administrator'];
    const unconfirmed = await cli.cli(args);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('Pass --yes');
    expect(await userByEmail('boss@roster.test')).toBeUndefined();
    const confirmed = await cli.cli([...args, '--yes']);
    expect(confirmed.code, confirmed.stderr).toBe(0);
    expect((await userByEmail('boss@roster.test'))?.roleId).toBe(await cli.roleId('Administrator'));
  });

  it('is idempotent on --operation-id: the same command twice creates one user in one operation', async () => {
    const operationId = '3b0c6a52-6f3e-4f4e-9f0a-6d1c2b7e9a01';
    const args = ['users', 'create', '--email', 'once@roster.test', '--operation-id', operationId];
    expect((await cli.cli(args)).code).toBe(0);
    const again = await cli.cli(args);
    expect(again.code, again.stderr).toBe(0);
    const db = cli.server.testDb.db;
    const created = await db.select().from(users).where(eq(users.email, 'once@roster.test'));
    expect(created).toHaveLength(1);
    // No --role: the import's default role.
    expect(created[0]?.roleId).toBe(await cli.roleId('Reader'));
    expect(await db.select().from(bulkOperations).where(eq(bulkOperations.id, operationId))).toHaveLength(1);
  });

  it('refuses a usage error with exit 2: no --email, --message without --invite', async () => {
    const before = await userCount();
    const missing = await cli.cli(['users', 'create', '--first-name', 'Nobody']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--email');
    const message = await cli.cli(['users', 'create', '--email', 'm@roster.test', '--message', 'Hi']);
    expect(message.code).toBe(2);
    expect(message.stderr).toContain('--message goes with --invite');
    expect(await userCount()).toBe(before);
  });
});
